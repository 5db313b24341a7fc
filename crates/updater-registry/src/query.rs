//! From a policy to the `TagInfo` list its strategy chooses from, at the lowest registry cost:
//! the repository's tags from the cycle memo; metadata only for strategies that need it and only
//! for tags the filters let through; a HEAD per tag only when the tag's digest is not remembered
//! from a recent pass, then manifests and configs only for digests the cache has not seen.

use std::sync::Arc;

use futures::stream::{self, StreamExt};
use updater_core::choose::TagInfo;
use updater_core::filter::{Platform, Platforms};
use updater_core::policy::{ImagePolicy, Selection};
use updater_core::registries::TagSortMode;

use crate::cache::{CachedManifest, MetadataCache};
use crate::client::{RegistryClient, RegistryError};
use crate::cycle::CycleTags;
use crate::manifest::{ManifestError, ManifestKind, parse_config, parse_manifest};
use crate::tag_digests::TagDigests;

/// Why one tag's metadata is missing.
#[derive(Debug, thiserror::Error)]
pub enum MetadataError {
    /// A registry request failed.
    #[error("could not fetch metadata of tag `{tag}`")]
    Registry {
        /// The tag.
        tag: String,
        /// The failure.
        #[source]
        source: RegistryError,
    },
    /// A manifest or config did not parse.
    #[error("could not read metadata of tag `{tag}`")]
    Manifest {
        /// The tag.
        tag: String,
        /// The failure.
        #[source]
        source: ManifestError,
    },
}

/// What a query needs besides the policy; shared by all images of a cycle.
pub struct QueryContext<'a> {
    /// The client of the image's registry.
    pub client: &'a RegistryClient,
    /// That registry's API URL (the memo key).
    pub api_url: &'a str,
    /// The cycle's tag listings.
    pub cycle: &'a CycleTags,
    /// Metadata by digest.
    pub cache: &'a MetadataCache,
    /// Recently resolved tag digests (`newest-build` only).
    pub tag_digests: &'a TagDigests,
    /// The registry's declared tag order (`tagsortmode`).
    pub sort_mode: TagSortMode,
    /// Metadata fetches in flight at once.
    pub concurrency: usize,
}

/// The tags of one image's repository, with the metadata its strategy needs.
#[derive(Debug)]
pub struct TagQuery {
    /// Every listed tag, in listing order.
    pub tags: Vec<TagInfo>,
    /// Tags whose metadata could not be fetched; they stay in `tags` without it.
    pub failures: Vec<MetadataError>,
}

/// Lists and, where the strategy needs it, describes the tags of `repository` for `policy`.
pub async fn query_tags(
    context: &QueryContext<'_>,
    policy: &ImagePolicy,
    repository: &str,
) -> Result<TagQuery, Arc<RegistryError>> {
    let listing = context
        .cycle
        .list(context.client, context.api_url, repository)
        .await?;
    let mut query = TagQuery {
        tags: listing.iter().map(TagInfo::named).collect(),
        failures: Vec::new(),
    };
    match &policy.selection {
        Selection::Semver(_) | Selection::Alphabetical => {}
        Selection::NewestBuild if context.sort_mode != TagSortMode::None => {
            synthesize_dates(&mut query.tags, context.sort_mode);
        }
        Selection::NewestBuild => {
            describe_all(context, policy, repository, &mut query).await;
            context
                .tag_digests
                .save(context.api_url, repository, &listing);
        }
        Selection::Digest { tag } => {
            describe_tracked(context, policy, repository, tag, &mut query).await
        }
    }
    Ok(query)
}

/// `tagsortmode`: the registry lists tags by age, so list position stands in for `created`.
fn synthesize_dates(tags: &mut [TagInfo], mode: TagSortMode) {
    let count = tags.len() as i64;
    for (index, tag) in tags.iter_mut().enumerate() {
        let age_rank = match mode {
            TagSortMode::LatestFirst => count - index as i64,
            _ => index as i64 + 1,
        };
        tag.created = jiff::Timestamp::from_second(age_rank).ok();
    }
}

/// Whether the filters let `tag` through, so metadata is worth fetching.
fn passes_filters(policy: &ImagePolicy, tag: &str) -> bool {
    policy.allow.matches(tag) && policy.ignore.matching_pattern(tag).is_none()
}

async fn describe_all(
    context: &QueryContext<'_>,
    policy: &ImagePolicy,
    repository: &str,
    query: &mut TagQuery,
) {
    let wanted: Vec<usize> = (0..query.tags.len())
        .filter(|&index| passes_filters(policy, &query.tags[index].name))
        .collect();
    let names: Vec<String> = wanted
        .iter()
        .map(|&index| query.tags[index].name.clone())
        .collect();
    let results: Vec<_> = stream::iter(names)
        .map(
            |name| async move { describe_tag(context, repository, &name, &policy.platforms).await },
        )
        .buffered(context.concurrency.max(1))
        .collect()
        .await;
    for (index, result) in wanted.into_iter().zip(results) {
        match result {
            Ok(described) => query.tags[index] = described,
            Err(error) => query.failures.push(error),
        }
    }
}

/// `digest`: one HEAD for the tracked tag per cycle, shared by every image following it,
/// nothing else. Never from the tag memo: this strategy exists to notice a moved tag on the
/// very next pass.
async fn describe_tracked(
    context: &QueryContext<'_>,
    policy: &ImagePolicy,
    repository: &str,
    tracked: &str,
    query: &mut TagQuery,
) {
    let Some(tag) = query.tags.iter_mut().find(|tag| tag.name == tracked) else {
        return;
    };
    if !passes_filters(policy, tracked) {
        return;
    }
    let digest = context
        .cycle
        .digest(context.client, context.api_url, repository, tracked)
        .await;
    match digest {
        Ok(digest) => {
            tag.platforms = context
                .cache
                .get(&digest)
                .map(|entry| offered_platforms(&entry));
            tag.digest = Some(digest);
        }
        Err(source) => query.failures.push(MetadataError::Registry {
            tag: tracked.to_owned(),
            source,
        }),
    }
}

/// Digest, platforms and creation time of one tag: its digest from the memo or a HEAD, then
/// the cache or the registry.
async fn describe_tag(
    context: &QueryContext<'_>,
    repository: &str,
    tag: &str,
    wanted: &Platforms,
) -> Result<TagInfo, MetadataError> {
    let remembered = context.tag_digests.get(context.api_url, repository, tag);
    if let Some(digest) = remembered
        && let Ok(described) = describe_digest(context, repository, tag, digest, wanted).await
    {
        return Ok(described);
    }
    // Not remembered, or the remembered digest could not be described (its manifest may be
    // gone since the tag moved): ask the registry, exactly as without the memo, once per cycle.
    let digest = context
        .cycle
        .digest(context.client, context.api_url, repository, tag)
        .await
        .map_err(|source| MetadataError::Registry {
            tag: tag.to_owned(),
            source,
        })?;
    context
        .tag_digests
        .put(context.api_url, repository, tag, &digest);
    describe_digest(context, repository, tag, digest, wanted).await
}

/// Platforms and creation time of `tag`, known to point to `digest`.
async fn describe_digest(
    context: &QueryContext<'_>,
    repository: &str,
    tag: &str,
    digest: String,
    wanted: &Platforms,
) -> Result<TagInfo, MetadataError> {
    let entry = manifest_entry(context, repository, tag, &digest).await?;
    let created = match &entry {
        CachedManifest::Image { created, .. } => *created,
        CachedManifest::Index { children } => {
            newest_wanted_child(context, repository, tag, children, wanted).await?
        }
    };
    Ok(TagInfo {
        name: tag.to_owned(),
        created,
        digest: Some(digest),
        platforms: Some(offered_platforms(&entry)),
    })
}

/// The original's rule for indexes: the newest `created` among the children for wanted platforms.
async fn newest_wanted_child(
    context: &QueryContext<'_>,
    repository: &str,
    tag: &str,
    children: &[(String, String)],
    wanted: &Platforms,
) -> Result<Option<jiff::Timestamp>, MetadataError> {
    let mut newest = None;
    for (digest, platform) in children {
        let Ok(platform) = Platform::parse(platform) else {
            continue;
        };
        if !wanted.wants(&platform) {
            continue;
        }
        if let CachedManifest::Image { created, .. } =
            manifest_entry(context, repository, tag, digest).await?
        {
            newest = newest.max(created);
        }
    }
    Ok(newest)
}

fn offered_platforms(entry: &CachedManifest) -> Vec<Platform> {
    match entry {
        CachedManifest::Image { platform, .. } => Platform::parse(platform).into_iter().collect(),
        CachedManifest::Index { children } => children
            .iter()
            .filter_map(|(_, platform)| Platform::parse(platform).ok())
            .collect(),
    }
}

/// The cached description of `digest`, fetching manifest (and config) on a miss, once per
/// cycle however many images ask at the same time.
async fn manifest_entry(
    context: &QueryContext<'_>,
    repository: &str,
    tag: &str,
    digest: &str,
) -> Result<CachedManifest, MetadataError> {
    if let Some(entry) = context.cache.get(digest) {
        return Ok(entry);
    }
    let fetch = || async {
        let entry = fetch_entry(context.client, repository, digest)
            .await
            .map_err(|failure| failure.for_tag(tag))?;
        context.cache.put(digest, entry.clone());
        Ok(entry)
    };
    context.cycle.manifest(digest, fetch).await
}

/// A fetch failure before we know which tag to blame.
enum FetchFailure {
    Registry(RegistryError),
    Manifest(ManifestError),
}

impl FetchFailure {
    fn for_tag(self, tag: &str) -> MetadataError {
        let tag = tag.to_owned();
        match self {
            Self::Registry(source) => MetadataError::Registry { tag, source },
            Self::Manifest(source) => MetadataError::Manifest { tag, source },
        }
    }
}

async fn fetch_entry(
    client: &RegistryClient,
    repository: &str,
    digest: &str,
) -> Result<CachedManifest, FetchFailure> {
    let fetched = client
        .get_manifest(repository, digest)
        .await
        .map_err(FetchFailure::Registry)?;
    let kind = parse_manifest(digest, &fetched.media_type, &fetched.bytes)
        .map_err(FetchFailure::Manifest)?;
    Ok(match kind {
        ManifestKind::Index { children } => CachedManifest::Index {
            children: children
                .into_iter()
                .map(|(child, platform)| {
                    (child, platform.map(|p| p.to_string()).unwrap_or_default())
                })
                .collect(),
        },
        ManifestKind::Image { config_digest } => {
            let blob = client
                .get_blob(repository, &config_digest)
                .await
                .map_err(FetchFailure::Registry)?;
            let config = parse_config(&config_digest, &blob).map_err(FetchFailure::Manifest)?;
            CachedManifest::Image {
                created: config.created,
                platform: config.platform.to_string(),
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<TagInfo> {
        list.iter().map(|name| TagInfo::named(*name)).collect()
    }

    fn newest(tags: &[TagInfo]) -> &str {
        let best = tags.iter().max_by_key(|tag| tag.created).unwrap();
        &best.name
    }

    #[test]
    fn declared_tag_order_stands_in_for_creation_dates() {
        let mut first = names(&["c", "b", "a"]);
        synthesize_dates(&mut first, TagSortMode::LatestFirst);
        assert_eq!(newest(&first), "c");
        let mut last = names(&["a", "b", "c"]);
        synthesize_dates(&mut last, TagSortMode::LatestLast);
        assert_eq!(newest(&last), "c");
        assert!(last.iter().all(|tag| tag.created.is_some()));
    }
}
