//! The cost guarantees: one listing per repository per cycle however many images ask, and no
//! metadata GET for a digest a previous process has already described.

use std::sync::Arc;

use futures::future::join_all;
use updater_core::choose;
use updater_registry::cache::MetadataCache;
use updater_registry::cycle::CycleTags;
use updater_testkit::{AuthMode, ImageSpec};

use super::{client, day, policy, query, start};

#[tokio::test]
async fn many_applications_sharing_a_repository_list_it_once_per_cycle() {
    // Anonymous, so the count is not muddied by the first request's 401 challenge.
    let server = start(AuthMode::Anonymous, false);
    let seeder = server.seeder().unwrap();
    seeder
        .push_tags("org/shared", &["1.0.0", "1.1.0"])
        .await
        .unwrap();
    let client = client(&server);
    let cache = MetadataCache::in_memory();
    let cycle = CycleTags::new();
    let policies: Vec<_> = (0..25)
        .map(|_| policy("org/shared", "semver", "", &[]))
        .collect();
    let results = join_all(policies.iter().map(|p| query(&client, &cycle, &cache, p))).await;
    for (policy, tags) in policies.iter().zip(&results) {
        let decision = choose::choose(policy, &tags.tags, None);
        assert_eq!(decision.chosen.unwrap().name, "1.1.0");
    }
    assert_eq!(client.request_counts().tags, 1, "25 images, one listing");
    // The next cycle lists again: tags change, listings are not cached across cycles.
    query(&client, &CycleTags::new(), &cache, &policies[0]).await;
    assert_eq!(client.request_counts().tags, 2);
}

#[tokio::test]
async fn a_second_process_makes_no_metadata_gets_for_seen_digests() {
    let server = start(AuthMode::Anonymous, false);
    let seeder = server.seeder().unwrap();
    for (tag, date) in [("a", 1), ("b", 2), ("c", 3)] {
        seeder
            .push_image("org/app", tag, &ImageSpec::created(day(date)))
            .await
            .unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let newest = policy("org/app", "newest-build", "", &[]);
    let first = Arc::new(client(&server));
    let cold = query(
        &first,
        &CycleTags::new(),
        &MetadataCache::persistent(dir.path(), 100),
        &newest,
    )
    .await;
    assert_eq!(
        choose::choose(&newest, &cold.tags, None)
            .chosen
            .unwrap()
            .name,
        "c"
    );
    let counts = first.request_counts();
    assert_eq!(
        (counts.manifest_head, counts.manifest, counts.blob),
        (3, 3, 3),
        "{counts:?}"
    );

    // A new client and cache instance over the same directory stand in for a restarted process.
    let second = client(&server);
    let warm = query(
        &second,
        &CycleTags::new(),
        &MetadataCache::persistent(dir.path(), 100),
        &newest,
    )
    .await;
    assert_eq!(
        choose::choose(&newest, &warm.tags, None)
            .chosen
            .unwrap()
            .name,
        "c"
    );
    let counts = second.request_counts();
    assert_eq!(
        (counts.manifest_head, counts.manifest, counts.blob),
        (3, 0, 0),
        "{counts:?}"
    );
}
