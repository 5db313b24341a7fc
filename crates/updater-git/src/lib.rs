//! Git write-back (stage 6) through the `git` binary: checkout, commit, sign, push. Empty until
//! the write-back issue lands; the crate exists so the workspace layout of `DESIGN.md` holds.
