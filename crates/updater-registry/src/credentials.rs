//! Credential values for registries: the provider trait the client asks, and providers for the
//! core's references (`env:`, `ext:`, `secret:`, `pullsecret:`), with caching until
//! `credsexpire`.

mod cached;
mod docker_config;
mod env;
mod ext;
mod secrets;
#[cfg(test)]
mod tests;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use updater_core::credentials::{CredentialRef, CredentialSource};

use crate::secret::Credentials;

pub use cached::CachedProvider;
pub use docker_config::credentials_from_docker_config;
pub use secrets::{FileSecrets, SecretSource};

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

impl CredentialFetchError {
    pub(crate) fn new(source_ref: impl ToString, reason: impl Into<String>) -> Self {
        Self::Unavailable {
            source_ref: source_ref.to_string(),
            reason: reason.into(),
        }
    }
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

/// Builds the provider for `reference`, asking for registry `api_url` (pull secrets pick their
/// entry by it). `secrets` serves `secret:` and `pullsecret:`; without it those are an error.
/// The result caches until `expire` (forever when `None`, as the original does).
pub fn provider_for(
    reference: &CredentialRef,
    api_url: &str,
    secrets: Option<Arc<dyn SecretSource>>,
    expire: Option<Duration>,
) -> Result<Arc<dyn CredentialProvider>, CredentialFetchError> {
    let described = reference.to_string();
    let uncached: Arc<dyn CredentialProvider> = match &reference.source {
        CredentialSource::Env { var } => Arc::new(env::EnvProvider::new(var)),
        CredentialSource::Ext { path } => Arc::new(ext::ExtProvider::new(path)),
        CredentialSource::Secret { .. } | CredentialSource::PullSecret { .. } => {
            let secrets = secrets.ok_or_else(|| {
                CredentialFetchError::new(&described, "no secret source is configured")
            })?;
            Arc::new(secrets::SecretProvider::new(
                reference.clone(),
                api_url,
                secrets,
            ))
        }
    };
    Ok(Arc::new(CachedProvider::new(uncached, expire)))
}
