//! `test` against a real registry: the endpoint from `registries.conf`, credentials from
//! `--credentials` or the endpoint, one listing and only the metadata the strategy needs.

use std::sync::Arc;

use anyhow::Context;
use updater_core::choose::TagInfo;
use updater_core::credentials::CredentialRef;
use updater_core::policy::ImagePolicy;
use updater_core::registries::{RegistryEndpoint, RegistryTable};
use updater_registry::cache::MetadataCache;
use updater_registry::client::{ClientOptions, RegistryClient};
use updater_registry::credentials::{CredentialProvider, FileSecrets, SecretSource, provider_for};
use updater_registry::cycle::CycleTags;
use updater_registry::query::{QueryContext, query_tags};
use updater_registry::tag_digests::{DEFAULT_TAG_DIGEST_TTL, TagDigests};

use crate::cli::TestArgs;
use crate::failure::{Failure, error_chain};
use crate::settings;

/// Metadata fetches in flight at once (the original uses 20 goroutines per listing; fewer is
/// kinder to rate limits and the cache makes repeat runs cheap).
const METADATA_CONCURRENCY: usize = 8;

/// The tags of the image's repository, and how many registry requests it took.
pub fn fetch(
    args: &TestArgs,
    policy: &ImagePolicy,
    table: &RegistryTable,
) -> Result<(Vec<TagInfo>, u64), Failure> {
    updater_registry::install_crypto_provider();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("could not start the async runtime")
        .map_err(Failure::failed)?;
    runtime.block_on(fetch_async(args, policy, table))
}

async fn fetch_async(
    args: &TestArgs,
    policy: &ImagePolicy,
    table: &RegistryTable,
) -> Result<(Vec<TagInfo>, u64), Failure> {
    let endpoint = table
        .endpoint_for(&policy.image.registry, &policy.image.name)
        .map_err(Failure::bad_input)?
        .into_owned();
    let client = build_client(args, &endpoint)?;
    let repository = endpoint.repository_path(&policy.image.name);
    let cycle = CycleTags::new();
    let cache = metadata_cache(args);
    // In memory only: `test` shows what the registry says now, so every run HEADs each tag.
    let tag_digests = TagDigests::in_memory(DEFAULT_TAG_DIGEST_TTL);
    let context = QueryContext {
        client: &client,
        api_url: &endpoint.api_url,
        cycle: &cycle,
        cache: &cache,
        tag_digests: &tag_digests,
        sort_mode: endpoint.tag_sort_mode,
        concurrency: METADATA_CONCURRENCY,
    };
    let query = query_tags(&context, policy, &repository).await;
    let requests = client.request_counts().total();
    let query = query
        .map_err(|error| anyhow::Error::new(ArcError(error)))
        .with_context(|| {
            format!(
                "could not list the tags of `{repository}` at `{}`",
                endpoint.api_url
            )
        })
        .map_err(Failure::failed)?;
    for failure in &query.failures {
        tracing::warn!("{}", error_chain(failure));
    }
    Ok((query.tags, requests))
}

fn build_client(args: &TestArgs, endpoint: &RegistryEndpoint) -> Result<RegistryClient, Failure> {
    let credentials = credentials(args, endpoint)?;
    let options = ClientOptions {
        rate_limit: args.rate_limit,
        ..ClientOptions::default()
    };
    RegistryClient::new(endpoint.clone(), credentials, options)
        .with_context(|| {
            format!(
                "could not set up a client for registry `{}`",
                endpoint.api_url
            )
        })
        .map_err(Failure::bad_input)
}

fn credentials(
    args: &TestArgs,
    endpoint: &RegistryEndpoint,
) -> Result<Option<Arc<dyn CredentialProvider>>, Failure> {
    let secrets: Option<Arc<dyn SecretSource>> = args
        .secrets_dir
        .as_ref()
        .map(|dir| Arc::new(FileSecrets::new(dir)) as Arc<dyn SecretSource>);
    let (reference, expire) = if args.credentials.is_empty() {
        match &endpoint.credentials {
            Some(reference) => (reference.clone(), endpoint.creds_expire),
            None => return Ok(None),
        }
    } else {
        let reference = CredentialRef::parse(&args.credentials)
            .context("invalid --credentials")
            .map_err(Failure::bad_input)?;
        (reference, None)
    };
    provider_for(&reference, &endpoint.api_url, secrets, expire)
        .map(Some)
        .map_err(|error| {
            Failure::bad_input(error).with_hint(
                "pass --secrets-dir DIR for `pullsecret:` and `secret:` outside a cluster",
            )
        })
}

fn metadata_cache(args: &TestArgs) -> MetadataCache {
    match settings::cache_dir(args.cache_dir.as_deref()) {
        Some(dir) => {
            MetadataCache::persistent(dir.join("metadata"), settings::METADATA_CACHE_MAX_FILES)
        }
        None => MetadataCache::in_memory(),
    }
}

/// A shared registry error as an owned error, keeping its chain.
#[derive(Debug)]
struct ArcError(Arc<updater_registry::client::RegistryError>);

impl std::fmt::Display for ArcError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for ArcError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}
