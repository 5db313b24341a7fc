//! Credential *references* (spec §9.2): `pullsecret:`, `secret:`, `env:`, `ext:`. Parsed and
//! validated here; fetching their values is the registry crate's job.

/// A parsed credential reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialRef {}
