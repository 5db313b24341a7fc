//! Stage 3, query: one registry client per endpoint (and per image-level credential), shared by
//! every Application of every pass; with a per-pass [`CycleTags`] memo each repository is
//! listed once per pass however many Applications use it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use anyhow::Context;
use updater_core::credentials::CredentialRef;
use updater_core::policy::ImagePolicy;
use updater_core::registries::{RegistryEndpoint, RegistryTable};
use updater_registry::cache::MetadataCache;
use updater_registry::client::{ClientOptions, RegistryClient, RequestCounts};
use updater_registry::credentials::{CredentialProvider, SecretSource, provider_for};
use updater_registry::cycle::CycleTags;
use updater_registry::query::{QueryContext, TagQuery, query_tags};
use updater_registry::tag_digests::TagDigests;

use crate::failure::error_chain;

/// Metadata fetches in flight at once per listing.
const METADATA_CONCURRENCY: usize = 8;

/// Registry clients by endpoint and credentials, with the shared metadata cache and tag memo.
pub struct RegistryPool {
    table: RegistryTable,
    secrets: Option<Arc<dyn SecretSource>>,
    cache: MetadataCache,
    tag_digests: TagDigests,
    options: ClientOptions,
    clients: Mutex<HashMap<String, Arc<RegistryClient>>>,
}

impl RegistryPool {
    /// A pool over `table`; `secrets` serves `secret:` and `pullsecret:` credentials.
    pub fn new(
        table: RegistryTable,
        secrets: Option<Arc<dyn SecretSource>>,
        cache: MetadataCache,
        tag_digests: TagDigests,
        options: ClientOptions,
    ) -> Self {
        Self {
            table,
            secrets,
            cache,
            tag_digests,
            options,
            clients: Mutex::new(HashMap::new()),
        }
    }

    /// The tags of `policy`'s repository with the metadata its strategy needs; `pass` is the
    /// pass's listing memo.
    pub async fn query(&self, pass: &CycleTags, policy: &ImagePolicy) -> anyhow::Result<TagQuery> {
        let endpoint = self
            .table
            .endpoint_for(&policy.image.registry, &policy.image.name)
            .with_context(|| format!("no registry endpoint for image `{}`", policy.image))?
            .into_owned();
        let credentials = policy.credentials.as_ref();
        // Listings made with an image's own credentials are not shared with other images.
        let key = client_key(&endpoint, credentials);
        let client = self.client(&key, &endpoint, credentials)?;
        let repository = endpoint.repository_path(&policy.image.name);
        let context = QueryContext {
            client: &client,
            api_url: &key,
            cycle: pass,
            cache: &self.cache,
            tag_digests: &self.tag_digests,
            sort_mode: endpoint.tag_sort_mode,
            concurrency: METADATA_CONCURRENCY,
        };
        let query = query_tags(&context, policy, &repository)
            .await
            .map_err(|error| anyhow::anyhow!(error_chain(error.as_ref())))
            .with_context(|| {
                format!(
                    "could not list the tags of `{repository}` at `{}`",
                    endpoint.api_url
                )
            })?;
        for failure in &query.failures {
            tracing::warn!(image = %policy.image, "{}", error_chain(failure));
        }
        Ok(query)
    }

    /// Requests made by every client so far.
    pub fn request_counts(&self) -> RequestCounts {
        let clients = self.clients.lock().unwrap_or_else(|p| p.into_inner());
        let mut total = RequestCounts::default();
        for client in clients.values() {
            total += client.request_counts();
        }
        total
    }

    /// The client stored under `key` for `endpoint`, with the image's credentials when it has
    /// its own.
    fn client(
        &self,
        key: &str,
        endpoint: &RegistryEndpoint,
        image_credentials: Option<&CredentialRef>,
    ) -> anyhow::Result<Arc<RegistryClient>> {
        let mut clients = self.clients.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(client) = clients.get(key) {
            return Ok(client.clone());
        }
        let provider = self.provider(endpoint, image_credentials)?;
        let client = RegistryClient::new(endpoint.clone(), provider, self.options.clone())
            .with_context(|| {
                format!(
                    "could not set up a client for registry `{}`",
                    endpoint.api_url
                )
            })?;
        let client = Arc::new(client);
        clients.insert(key.to_owned(), client.clone());
        Ok(client)
    }

    /// Image-level credentials win over the endpoint's; the endpoint's are cached until
    /// `credsexpire`, as in the original.
    fn provider(
        &self,
        endpoint: &RegistryEndpoint,
        image_credentials: Option<&CredentialRef>,
    ) -> anyhow::Result<Option<Arc<dyn CredentialProvider>>> {
        let (reference, expire) = match (image_credentials, &endpoint.credentials) {
            (Some(reference), _) => (reference, None),
            (None, Some(reference)) => (reference, endpoint.creds_expire),
            (None, None) => return Ok(None),
        };
        let provider = provider_for(reference, &endpoint.api_url, self.secrets.clone(), expire)
            .with_context(|| format!("invalid credentials `{reference}`"))?;
        Ok(Some(provider))
    }
}

/// Clients and listings are keyed by the registry, plus the image's own credentials if any.
fn client_key(endpoint: &RegistryEndpoint, image_credentials: Option<&CredentialRef>) -> String {
    match image_credentials {
        Some(reference) => format!("{}#{reference}", endpoint.api_url),
        None => endpoint.api_url.clone(),
    }
}
