//! The registry HTTP client: `/v2/` ping and auth challenge, tag listing with pagination,
//! manifests (GET and HEAD) and blobs, behind a per-registry rate limit with bounded retries.

use std::sync::Arc;
use std::time::Duration;

use updater_core::registries::RegistryEndpoint;

use crate::credentials::CredentialProvider;

/// Why a registry request failed.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    /// Placeholder until the client lands.
    #[error("registry `{registry}` request failed")]
    Request {
        /// The registry API URL.
        registry: String,
    },
}

/// Client tuning; the defaults are what the controller uses.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    /// Per-request timeout (connect + response).
    pub request_timeout: Duration,
    /// Retries after a 429, 5xx or connection error (so `max_retries + 1` attempts).
    pub max_retries: u32,
    /// Requests per second; `None` uses the endpoint's effective limit.
    pub rate_limit: Option<u32>,
}

impl Default for ClientOptions {
    fn default() -> Self {
        Self {
            request_timeout: Duration::from_secs(10),
            max_retries: 3,
            rate_limit: None,
        }
    }
}

/// One registry endpoint's client.
pub struct RegistryClient {
    endpoint: RegistryEndpoint,
    credentials: Option<Arc<dyn CredentialProvider>>,
    options: ClientOptions,
}

impl RegistryClient {
    /// Builds a client for `endpoint` (TLS settings from it), asking `credentials` when the
    /// registry demands authentication.
    pub fn new(
        endpoint: RegistryEndpoint,
        credentials: Option<Arc<dyn CredentialProvider>>,
        options: ClientOptions,
    ) -> Result<Self, RegistryError> {
        Ok(Self {
            endpoint,
            credentials,
            options,
        })
    }
}
