//! The hook through which a client reports every HTTP attempt (for metrics), next to its own
//! counters.

use std::time::Duration;

/// Told of every attempt a [`RegistryClient`](super::RegistryClient) makes, retries and token
/// fetches included, with the same kind and outcome labels as
/// [`RequestCounts`](super::RequestCounts).
///
/// `Debug` is required so that [`ClientOptions`](super::ClientOptions) keeps deriving it.
pub trait RequestObserver: Send + Sync + std::fmt::Debug {
    /// One attempt to `registry` (the API URL without credentials) of `kind` (`ping`, `token`,
    /// `tags`, `manifest`, `manifest_head`, `blob`) ended with `outcome` (`ok`, `auth`,
    /// `client_error`, `server_error`, `throttled`, `network`) after `elapsed`, rate-limit wait
    /// excluded. Called on the request's task: it must not block.
    fn observe(&self, registry: &str, kind: &'static str, outcome: &'static str, elapsed: Duration);
}
