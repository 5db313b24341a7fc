//! The tag -> digest memo against a real registry, counted from the registry's own request log:
//! a warm `newest-build` pass costs one listing and nothing else, even in a new process; once the
//! memo expires each tag is HEADed again (metadata still comes from the digest cache), and a tag
//! re-pushed in between is then seen with its new image.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant};

use updater_core::choose;
use updater_core::policy::ImagePolicy;
use updater_registry::cache::MetadataCache;
use updater_registry::cycle::CycleTags;
use updater_registry::query::TagQuery;
use updater_registry::tag_digests::{DEFAULT_TAG_DIGEST_TTL, TagDigests};
use updater_testkit::{AuthMode, ImageSpec, RegistryRequest, RegistryServer};

use super::{client, day, policy, query_remembering, start};

const REPOSITORY: &str = "org/app";

/// Past the memo's TTL, by a margin.
const EXPIRED: Duration = DEFAULT_TAG_DIGEST_TTL.saturating_add(Duration::from_secs(60));

/// What one pass asked the registry about [`REPOSITORY`].
#[derive(Debug, Default, PartialEq, Eq)]
struct Cost {
    listings: usize,
    heads: usize,
    manifest_gets: usize,
    blob_gets: usize,
    other: usize,
}

impl Cost {
    fn of(requests: &[RegistryRequest]) -> Self {
        let prefix = format!("/v2/{REPOSITORY}/");
        let mut cost = Self::default();
        for request in requests {
            let Some(rest) = request.path().strip_prefix(&prefix) else {
                continue; // the client's `/v2/` ping
            };
            let counter = match (request.method.as_str(), rest) {
                ("GET", "tags/list") => &mut cost.listings,
                ("HEAD", rest) if rest.starts_with("manifests/") => &mut cost.heads,
                ("GET", rest) if rest.starts_with("manifests/") => &mut cost.manifest_gets,
                ("GET", rest) if rest.starts_with("blobs/") => &mut cost.blob_gets,
                _ => &mut cost.other,
            };
            *counter += 1;
        }
        cost
    }

    fn only_listing() -> Self {
        Self {
            listings: 1,
            ..Self::default()
        }
    }
}

/// The real time moved forward by hand.
#[derive(Clone, Default)]
struct Clock(Arc<AtomicI64>);

impl Clock {
    fn advance(&self, by: Duration) {
        let seconds = i64::try_from(by.as_secs()).unwrap();
        self.0.fetch_add(seconds, Ordering::SeqCst);
    }

    fn now(&self) -> jiff::Timestamp {
        let offset = jiff::SignedDuration::from_secs(self.0.load(Ordering::SeqCst));
        jiff::Timestamp::now().checked_add(offset).unwrap()
    }
}

/// How many requests the registry has logged, once its log stops growing (pushes included).
async fn settled_log(server: &RegistryServer) -> usize {
    let mut seen = server.requests().unwrap().len();
    loop {
        tokio::time::sleep(Duration::from_millis(150)).await;
        let now = server.requests().unwrap().len();
        if now == seen {
            return seen;
        }
        seen = now;
    }
}

/// The requests logged after `mark`, once the `expected` ones the client made are all there
/// (the registry logs just after answering).
async fn logged_since(server: &RegistryServer, mark: usize, expected: u64) -> Vec<RegistryRequest> {
    let expected = mark + usize::try_from(expected).unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let requests = server.requests().unwrap();
        if requests.len() >= expected || Instant::now() > deadline {
            return requests[mark.min(requests.len())..].to_vec();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// One pass of a freshly started process: a new client, listing memo, metadata cache and tag
/// memo, the last two over the directories under `state`.
async fn pass(
    server: &RegistryServer,
    state: &Path,
    clock: &Clock,
    policy: &ImagePolicy,
) -> (TagQuery, Cost) {
    let mark = settled_log(server).await;
    let client = client(server);
    let cache = MetadataCache::persistent(state.join("metadata"), 1000);
    let clock = clock.clone();
    let tag_digests = TagDigests::persistent(state.join("tag-digests"), DEFAULT_TAG_DIGEST_TTL)
        .with_clock(move || clock.now());
    let tags = query_remembering(&client, &CycleTags::new(), &cache, &tag_digests, policy).await;
    assert!(tags.failures.is_empty(), "{:?}", tags.failures);
    let requests = logged_since(server, mark, client.request_counts().total()).await;
    (tags, Cost::of(&requests))
}

fn chosen(policy: &ImagePolicy, tags: &TagQuery) -> String {
    choose::choose(policy, &tags.tags, None)
        .chosen
        .unwrap()
        .name
}

fn tag_name(n: u8) -> String {
    format!("t{n:02}")
}

async fn push_dated_tags(server: &RegistryServer, count: u8) {
    let seeder = server.seeder().unwrap();
    for n in 1..=count {
        let spec = ImageSpec::created(day(n));
        seeder
            .push_image(REPOSITORY, &tag_name(n), &spec)
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn a_warm_newest_build_pass_costs_one_listing_until_the_memo_expires() {
    const TAGS: u8 = 12;
    let server = start(AuthMode::Anonymous, false);
    push_dated_tags(&server, TAGS).await;
    let state = tempfile::tempdir().unwrap();
    let clock = Clock::default();
    let newest = policy(REPOSITORY, "newest-build", "", &[]);
    let every_tag = usize::from(TAGS);

    let (cold, cost) = pass(&server, state.path(), &clock, &newest).await;
    assert_eq!(chosen(&newest, &cold), tag_name(TAGS));
    let cold_cost = Cost {
        listings: 1,
        heads: every_tag,
        manifest_gets: every_tag,
        blob_gets: every_tag,
        other: 0,
    };
    assert_eq!(cost, cold_cost);

    let (warm, cost) = pass(&server, state.path(), &clock, &newest).await;
    assert_eq!(cost, Cost::only_listing(), "a warm pass in a new process");
    assert_eq!(
        warm.tags, cold.tags,
        "the same digests, dates and platforms"
    );

    clock.advance(EXPIRED);
    let (expired, cost) = pass(&server, state.path(), &clock, &newest).await;
    let recheck = Cost {
        listings: 1,
        heads: every_tag,
        ..Cost::default()
    };
    assert_eq!(
        cost, recheck,
        "every tag HEADed again, metadata from the digest cache"
    );
    assert_eq!(expired.tags, cold.tags);

    // The re-check was remembered: the next pass is warm again.
    let (_, cost) = pass(&server, state.path(), &clock, &newest).await;
    assert_eq!(cost, Cost::only_listing());
}

#[tokio::test]
async fn the_digest_strategy_heads_its_tag_every_pass_despite_the_memo() {
    let server = start(AuthMode::Anonymous, false);
    push_dated_tags(&server, 2).await;
    let state = tempfile::tempdir().unwrap();
    let clock = Clock::default();
    // Both tags remembered by a `newest-build` pass first.
    let newest = policy(REPOSITORY, "newest-build", "", &[]);
    pass(&server, state.path(), &clock, &newest).await;
    let digest = policy(REPOSITORY, "digest", &tag_name(2), &[]);
    for _ in 0..2 {
        let (_, cost) = pass(&server, state.path(), &clock, &digest).await;
        let one_head = Cost {
            listings: 1,
            heads: 1,
            ..Cost::default()
        };
        assert_eq!(cost, one_head);
    }
}

#[tokio::test]
async fn a_re_pushed_tag_is_seen_with_its_new_image_once_the_memo_expires() {
    let server = start(AuthMode::Anonymous, false);
    push_dated_tags(&server, 3).await;
    let state = tempfile::tempdir().unwrap();
    let clock = Clock::default();
    let newest = policy(REPOSITORY, "newest-build", "", &[]);
    let (cold, _) = pass(&server, state.path(), &clock, &newest).await;
    assert_eq!(chosen(&newest, &cold), tag_name(3));

    let moved = tag_name(1);
    let seeder = server.seeder().unwrap();
    let new_digest = seeder
        .push_image(REPOSITORY, &moved, &ImageSpec::created(day(20)))
        .await
        .unwrap();
    // Within the TTL the memo is trusted: the move is not noticed yet (the accepted trade-off).
    let (stale, cost) = pass(&server, state.path(), &clock, &newest).await;
    assert_eq!(cost, Cost::only_listing());
    assert_eq!(stale.tags, cold.tags);

    clock.advance(EXPIRED);
    let (fresh, cost) = pass(&server, state.path(), &clock, &newest).await;
    let new_image_only = Cost {
        listings: 1,
        heads: 3,
        manifest_gets: 1,
        blob_gets: 1,
        other: 0,
    };
    assert_eq!(cost, new_image_only);
    assert_eq!(chosen(&newest, &fresh), moved);
    let seen = fresh.tags.iter().find(|tag| tag.name == moved).unwrap();
    assert_eq!(seen.created, Some(day(20)));
    assert_eq!(seen.digest.as_deref(), Some(new_digest.as_str()));
}

#[tokio::test]
async fn a_remembered_digest_the_registry_no_longer_has_falls_back_to_a_head() {
    let server = start(AuthMode::Anonymous, false);
    push_dated_tags(&server, 1).await;
    let state = tempfile::tempdir().unwrap();
    let clock = Clock::default();
    let api_url = client(&server).registry().to_owned();
    let gone = format!("sha256:{}", "0".repeat(64));
    let memo = TagDigests::persistent(state.path().join("tag-digests"), DEFAULT_TAG_DIGEST_TTL);
    memo.put(&api_url, REPOSITORY, &tag_name(1), &gone);
    memo.save(&api_url, REPOSITORY, &[tag_name(1)]);

    let newest = policy(REPOSITORY, "newest-build", "", &[]);
    let (tags, cost) = pass(&server, state.path(), &clock, &newest).await;
    let described = &tags.tags[0];
    assert_eq!(described.created, Some(day(1)));
    assert_ne!(described.digest.as_deref(), Some(gone.as_str()));
    let fallback = Cost {
        listings: 1,
        heads: 1,
        manifest_gets: 2, // the gone digest (404), then the HEADed one
        blob_gets: 1,
        other: 0,
    };
    assert_eq!(cost, fallback);
    // The HEAD's answer replaced the gone digest.
    let (_, cost) = pass(&server, state.path(), &clock, &newest).await;
    assert_eq!(cost, Cost::only_listing());
}

/// Many `digest` images following one tag share one HEAD per cycle; the next cycle asks again
/// (it exists to notice a moved tag).
#[tokio::test]
async fn digest_images_following_one_tag_share_one_head_per_cycle() {
    let server = start(AuthMode::Anonymous, false);
    push_dated_tags(&server, 2).await;
    let digest = policy(REPOSITORY, "digest", &tag_name(2), &[]);
    let client = client(&server);
    let cache = MetadataCache::in_memory();
    let tag_digests = TagDigests::in_memory(DEFAULT_TAG_DIGEST_TTL);
    for expected_heads in [1, 2] {
        let mark = settled_log(&server).await;
        let before = client.request_counts().total();
        let cycle = CycleTags::new();
        for _ in 0..3 {
            let tags = query_remembering(&client, &cycle, &cache, &tag_digests, &digest).await;
            let tracked = tags.tags.iter().find(|t| t.name == tag_name(2)).unwrap();
            assert!(tracked.digest.is_some(), "every image learns the digest");
        }
        let made = client.request_counts().total() - before;
        let cost = Cost::of(&logged_since(&server, mark, made).await);
        let one_head = Cost {
            listings: 1,
            heads: 1,
            ..Cost::default()
        };
        assert_eq!(cost, one_head, "cycle {expected_heads}");
    }
}

/// Images of one `newest-build` repository queried at the same time share each HEAD, manifest
/// and config fetch of the cycle: the metadata cache only helps once a fetch has finished.
#[tokio::test]
async fn concurrent_newest_build_queries_fetch_each_tag_once_per_cycle() {
    const TAGS: u8 = 6;
    let server = start(AuthMode::Anonymous, false);
    push_dated_tags(&server, TAGS).await;
    let newest = policy(REPOSITORY, "newest-build", "", &[]);
    let client = client(&server);
    let cache = MetadataCache::in_memory();
    let tag_digests = TagDigests::in_memory(DEFAULT_TAG_DIGEST_TTL);
    let cycle = CycleTags::new();
    let mark = settled_log(&server).await;
    let query = || query_remembering(&client, &cycle, &cache, &tag_digests, &newest);
    let (first, second, third) = futures::join!(query(), query(), query());
    for tags in [&first, &second, &third] {
        assert_eq!(chosen(&newest, tags), tag_name(TAGS));
    }
    let made = client.request_counts().total();
    let cost = Cost::of(&logged_since(&server, mark, made).await);
    let every_tag = usize::from(TAGS);
    let once_each = Cost {
        listings: 1,
        heads: every_tag,
        manifest_gets: every_tag,
        blob_gets: every_tag,
        other: 0,
    };
    assert_eq!(cost, once_each);
}
