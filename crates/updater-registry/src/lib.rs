//! OCI distribution client (stage 3, "query"): authentication, tag listing, manifests, rate limits
//! and caches. Empty until the registry issue lands; the crate exists so the workspace layout and
//! dependency direction of `DESIGN.md` hold from the start.
