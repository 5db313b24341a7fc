//! Dev-only helpers that start real servers (registry, git) and the fake kube-apiserver on port 0.
//! Empty until the first issue that needs a server; the crate exists so the workspace layout of
//! `DESIGN.md` holds.
