//! Credential values for registries: the provider trait the client asks, and providers for the
//! core's references (`env:`, `ext:`, pull secrets from a Docker `config.json`-style file).

use std::future::Future;
use std::pin::Pin;

use crate::secret::Credentials;

/// Why credentials could not be produced. Messages never contain secret values.
#[derive(Debug, thiserror::Error)]
pub enum CredentialFetchError {
    /// Any failure of a provider, described without the secret.
    #[error("could not get credentials from `{source_ref}`: {reason}")]
    Unavailable {
        /// The credential reference (never a value).
        source_ref: String,
        /// What went wrong.
        reason: String,
    },
}

/// A boxed future, so providers can be trait objects.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Something that yields credentials for one registry endpoint.
pub trait CredentialProvider: Send + Sync {
    /// Current credentials; `refresh` asks to drop any cached value first (after a 401/403).
    fn credentials(
        &self,
        refresh: bool,
    ) -> BoxFuture<'_, Result<Credentials, CredentialFetchError>>;

    /// The reference this provider reads, for messages (never a value).
    fn describe(&self) -> String;
}
