//! Caching in front of any provider: keep credentials until `credsexpire`, drop them on refresh.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::Mutex;

use super::{BoxFuture, CredentialFetchError, CredentialProvider};
use crate::secret::Credentials;

/// Caches another provider's credentials until they are `expire` old (forever when `None`).
pub struct CachedProvider {
    inner: Arc<dyn CredentialProvider>,
    expire: Option<Duration>,
    cached: Mutex<Option<(Credentials, Instant)>>,
}

impl CachedProvider {
    /// Wraps `inner`.
    pub fn new(inner: Arc<dyn CredentialProvider>, expire: Option<Duration>) -> Self {
        Self {
            inner,
            expire,
            cached: Mutex::new(None),
        }
    }

    fn fresh(&self, fetched_at: Instant) -> bool {
        self.expire
            .is_none_or(|expire| fetched_at.elapsed() < expire)
    }
}

impl CredentialProvider for CachedProvider {
    fn credentials(
        &self,
        refresh: bool,
    ) -> BoxFuture<'_, Result<Credentials, CredentialFetchError>> {
        Box::pin(async move {
            // Holding the lock across the fetch coalesces concurrent fetches of one source.
            let mut cached = self.cached.lock().await;
            if let Some((credentials, fetched_at)) = cached.as_ref()
                && !refresh
                && self.fresh(*fetched_at)
            {
                return Ok(credentials.clone());
            }
            let credentials = self.inner.credentials(refresh).await?;
            *cached = Some((credentials.clone(), Instant::now()));
            Ok(credentials)
        })
    }

    fn describe(&self) -> String {
        self.inner.describe()
    }
}
