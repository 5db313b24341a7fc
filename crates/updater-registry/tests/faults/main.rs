//! Fault tests of the registry client against wiremock: wiremock is the documented fake for
//! registry behaviours the real registry (distribution 2.8, see `ecosystem.md` §2.1) cannot
//! produce on demand — paginated tag lists, 429s, 5xx, hangs, bad digests, token services.

mod auth;
mod limits;
mod manifests;
mod pagination;
mod retries;
mod secrets;
mod support;
