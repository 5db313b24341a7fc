//! The Kubernetes side (stages 1 and 6): Applications, `ImageUpdater` resources, secrets, patch
//! write-back, events and leases. Empty until the cluster issue lands; the crate exists so the
//! workspace layout of `DESIGN.md` holds.
