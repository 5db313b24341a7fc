//! The registry HTTP client: auth challenges and token cache, tag listing with pagination,
//! manifests (GET and HEAD) and blobs, behind a per-registry rate limit with bounded retries.
//!
//! Every public call validates its input, then goes through three layers: `auth` attaches
//! credentials and answers challenges, `transport` rate limits, times out and retries one
//! exchange, and the operation modules (`tags`, `manifest`) interpret the reply.

use std::num::NonZeroU32;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use updater_core::registries::RegistryEndpoint;
use url::Url;

use crate::credentials::CredentialProvider;

mod auth;
mod challenge;
mod counts;
mod digest;
mod error;
mod link;
mod manifest;
mod names;
mod observer;
mod retry;
mod tags;
mod tls;
mod transport;

pub use counts::{RequestCounts, RequestKind, RequestOutcome};
pub use error::{RegistryApiError, RegistryError, RequestError};
pub use manifest::{FetchedManifest, MANIFEST_ACCEPT};
pub use observer::RequestObserver;

/// Client tuning; the defaults are what the controller uses.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    /// Per-attempt timeout (connect, headers and body).
    pub request_timeout: Duration,
    /// Retries after a 429, 5xx or connection error (so `max_retries + 1` attempts).
    pub max_retries: u32,
    /// Requests per second; `None` uses the endpoint's effective limit, `Some(0)` is unlimited.
    pub rate_limit: Option<u32>,
    /// Longest `Retry-After` the client waits; a registry asking for more fails as throttled.
    pub retry_after_cap: Duration,
    /// First retry delay; it doubles per attempt, with jitter.
    pub backoff_base: Duration,
    /// Longest retry delay.
    pub backoff_cap: Duration,
    /// The `n` sent with a tag listing.
    pub page_size: u32,
    /// Most tag pages followed for one listing; the listing stops there with a warning.
    pub max_pages: u32,
    /// Largest tag page body accepted.
    pub max_tag_page_bytes: usize,
    /// Largest manifest body accepted.
    pub max_manifest_bytes: usize,
    /// Largest blob accepted.
    pub max_blob_bytes: usize,
    /// Where Argo CD mounts per-host CA bundles (`<dir>/<api host>`), used when the endpoint
    /// sets no `ca_file`; `None` disables the lookup.
    pub tls_certs_dir: Option<PathBuf>,
    /// Told of every attempt (for metrics); `None` keeps only the client's own counters.
    pub observer: Option<Arc<dyn RequestObserver>>,
}

impl Default for ClientOptions {
    fn default() -> Self {
        Self {
            request_timeout: Duration::from_secs(10),
            max_retries: 3,
            rate_limit: None,
            retry_after_cap: Duration::from_secs(60),
            backoff_base: Duration::from_millis(200),
            backoff_cap: Duration::from_secs(5),
            page_size: 1000,
            max_pages: 1000,
            max_tag_page_bytes: 32 * 1024 * 1024,
            max_manifest_bytes: 4 * 1024 * 1024,
            max_blob_bytes: 16 * 1024 * 1024,
            tls_certs_dir: Some(PathBuf::from("/app/config/tls")),
            observer: None,
        }
    }
}

/// One registry endpoint's client: `Send + Sync`, meant to be shared through an `Arc`.
pub struct RegistryClient {
    /// The API base URL without userinfo, query or trailing `/`.
    base: Url,
    /// `base` as text, for messages.
    registry: String,
    http: reqwest::Client,
    credentials: Option<Arc<dyn CredentialProvider>>,
    options: ClientOptions,
    limiter: Option<DefaultDirectRateLimiter>,
    auth: auth::AuthState,
    counts: counts::Counters,
}

impl std::fmt::Debug for RegistryClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegistryClient")
            .field("registry", &self.registry)
            .field("authenticated", &self.credentials.is_some())
            .finish_non_exhaustive()
    }
}

impl RegistryClient {
    /// Builds a client for `endpoint` (TLS settings from it), asking `credentials` when the
    /// registry demands authentication.
    pub fn new(
        endpoint: RegistryEndpoint,
        credentials: Option<Arc<dyn CredentialProvider>>,
        options: ClientOptions,
    ) -> Result<Self, RegistryError> {
        let base = tls::api_base(&endpoint)?;
        let http = tls::http_client(&endpoint, &base, &options)?;
        let rate = options
            .rate_limit
            .unwrap_or(endpoint.effective_rate_limit());
        Ok(Self {
            registry: base.as_str().trim_end_matches('/').to_owned(),
            base,
            http,
            credentials,
            limiter: rate_limiter(rate),
            auth: auth::AuthState::default(),
            counts: counts::Counters::default(),
            options,
        })
    }

    /// The registry API URL this client talks to (without credentials), as used in errors.
    pub fn registry(&self) -> &str {
        &self.registry
    }

    /// Checks `GET /v2/` answers 200 or 401, as a v2 registry does, and learns its auth
    /// challenge. Optional: the other calls answer the challenge on their first request.
    pub async fn ping(&self) -> Result<(), RegistryError> {
        self.ping_v2().await.map_err(|source| RegistryError::Ping {
            registry: self.registry.clone(),
            source: Box::new(source),
        })
    }

    /// Every tag of `repository` (the path in the registry, `defaultns` already applied),
    /// following pagination in order and without duplicates.
    pub async fn list_tags(&self, repository: &str) -> Result<Vec<String>, RegistryError> {
        self.check_repository(repository)?;
        self.collect_tags(repository)
            .await
            .map_err(|source| RegistryError::ListTags {
                registry: self.registry.clone(),
                repository: repository.to_owned(),
                source: Box::new(source),
            })
    }

    /// The manifest (image, index or list) `reference` (a tag or digest) of `repository`,
    /// with its digest checked against `Docker-Content-Digest` and a digest reference.
    pub async fn get_manifest(
        &self,
        repository: &str,
        reference: &str,
    ) -> Result<FetchedManifest, RegistryError> {
        self.check_reference(repository, reference)?;
        self.fetch_manifest(repository, reference)
            .await
            .map_err(|source| self.manifest_error(repository, reference, source, false))
    }

    /// The digest of manifest `reference` of `repository`, from a HEAD request's
    /// `Docker-Content-Digest`.
    pub async fn head_manifest(
        &self,
        repository: &str,
        reference: &str,
    ) -> Result<String, RegistryError> {
        self.check_reference(repository, reference)?;
        self.manifest_digest(repository, reference)
            .await
            .map_err(|source| self.manifest_error(repository, reference, source, true))
    }

    /// The blob `digest` of `repository` (redirects followed), checked against its digest.
    pub async fn get_blob(&self, repository: &str, digest: &str) -> Result<Bytes, RegistryError> {
        self.check_blob_digest(repository, digest)?;
        self.fetch_blob(repository, digest)
            .await
            .map_err(|source| RegistryError::GetBlob {
                registry: self.registry.clone(),
                repository: repository.to_owned(),
                digest: digest.to_owned(),
                source: Box::new(source),
            })
    }

    /// Requests sent so far (every attempt, token fetches included), by outcome and by kind.
    pub fn request_counts(&self) -> RequestCounts {
        self.counts.snapshot()
    }

    /// Docker Hub's pull allowance left, from the last response carrying
    /// `ratelimit-remaining`.
    pub fn rate_limit_remaining(&self) -> Option<u64> {
        self.counts.rate_limit_remaining()
    }

    fn manifest_error(
        &self,
        repository: &str,
        reference: &str,
        source: RequestError,
        head: bool,
    ) -> RegistryError {
        let (registry, repository, reference, source) = (
            self.registry.clone(),
            repository.to_owned(),
            reference.to_owned(),
            Box::new(source),
        );
        if head {
            RegistryError::HeadManifest {
                registry,
                repository,
                reference,
                source,
            }
        } else {
            RegistryError::GetManifest {
                registry,
                repository,
                reference,
                source,
            }
        }
    }

    /// `<api>/v2/<rest>`; `rest` is made of validated names, so plain joining is safe.
    fn v2_url(&self, rest: &str) -> Url {
        let text = format!("{}/v2/{rest}", self.registry);
        Url::parse(&text).expect("a valid base joined with validated names is a valid URL")
    }
}

/// A smooth limiter (burst 1), like the original's leaky bucket; `0` means none.
fn rate_limiter(per_second: u32) -> Option<DefaultDirectRateLimiter> {
    let rate = NonZeroU32::new(per_second)?;
    Some(RateLimiter::direct(
        Quota::per_second(rate).allow_burst(NonZeroU32::MIN),
    ))
}
