//! One tag listing per repository per cycle: a cycle-scoped memo that every image and
//! application asking for the same repository shares, concurrency-safe (the second asker waits
//! for the first listing instead of starting its own). Likewise one digest probe (HEAD) per
//! tag per cycle, however many images ask about it, and one fetch of each manifest's
//! description: the metadata cache only helps once a fetch has finished, and images of one
//! repository are often queried at the same time.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::OnceCell;

use crate::cache::CachedManifest;
use crate::client::{RegistryClient, RegistryError};

/// A listing, or the shared failure of it.
pub type Listing = Result<Arc<Vec<String>>, Arc<RegistryError>>;

/// `(registry API URL, repository)`.
type RepositoryKey = (String, String);

/// `(registry API URL, repository, tag)`.
type TagKey = (String, String, String);

/// The tag listings and digest probes of one cycle; drop it when the cycle ends.
#[derive(Default)]
pub struct CycleTags {
    listings: Mutex<HashMap<RepositoryKey, Arc<OnceCell<Listing>>>>,
    digests: Mutex<HashMap<TagKey, Arc<OnceCell<String>>>>,
    manifests: Mutex<HashMap<String, Arc<OnceCell<CachedManifest>>>>,
}

impl CycleTags {
    /// A fresh memo.
    pub fn new() -> Self {
        Self::default()
    }

    /// The tags of `repository` at the registry `api_url`, listed at most once per cycle.
    pub async fn list(&self, client: &RegistryClient, api_url: &str, repository: &str) -> Listing {
        let cell = self.cell(api_url, repository);
        cell.get_or_init(|| async {
            client
                .list_tags(repository)
                .await
                .map(Arc::new)
                .map_err(Arc::new)
        })
        .await
        .clone()
    }

    /// The digest `tag` of `repository` points to, asked with a HEAD at most once per cycle.
    /// A failure is not remembered: the next asker tries again and gets its own error.
    pub async fn digest(
        &self,
        client: &RegistryClient,
        api_url: &str,
        repository: &str,
        tag: &str,
    ) -> Result<String, RegistryError> {
        let cell = {
            let mut digests = self.digests.lock().unwrap_or_else(|p| p.into_inner());
            let key = (api_url.to_owned(), repository.to_owned(), tag.to_owned());
            digests.entry(key).or_default().clone()
        };
        cell.get_or_try_init(|| client.head_manifest(repository, tag))
            .await
            .cloned()
    }

    /// The description of the manifest `digest` (content-addressed, like the metadata cache),
    /// made by `fetch` while no other asker's fetch of it is in flight: concurrent askers wait
    /// for the first. A failure is not shared: the next asker fetches itself and gets its own
    /// error. `fetch` stores what it made in the metadata cache, which answers later askers:
    /// only fetches in flight are kept here, not the cycle's every manifest.
    pub async fn manifest<E, F, Fut>(&self, digest: &str, fetch: F) -> Result<CachedManifest, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<CachedManifest, E>>,
    {
        let cell = {
            let mut manifests = self.manifests.lock().unwrap_or_else(|p| p.into_inner());
            manifests.entry(digest.to_owned()).or_default().clone()
        };
        let described = cell.get_or_try_init(fetch).await.cloned();
        if described.is_ok() {
            let mut manifests = self.manifests.lock().unwrap_or_else(|p| p.into_inner());
            if manifests
                .get(digest)
                .is_some_and(|kept| Arc::ptr_eq(kept, &cell))
            {
                manifests.remove(digest);
            }
        }
        described
    }

    fn cell(&self, api_url: &str, repository: &str) -> Arc<OnceCell<Listing>> {
        let mut listings = self.listings.lock().unwrap_or_else(|p| p.into_inner());
        let key = (api_url.to_owned(), repository.to_owned());
        listings.entry(key).or_default().clone()
    }
}
