//! Git write-back (stage 6) through the `git` binary: checkout, commit, sign, push.
