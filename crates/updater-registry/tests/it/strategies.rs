//! Every strategy end to end: real tags and metadata from the registry, the core's choice.

use updater_testkit::{AuthMode, ImageSpec, ManifestFormat};

use super::{client, day, decide, policy, start};

fn chosen(decision: &updater_core::choose::Decision) -> Option<&str> {
    decision.chosen.as_ref().map(|tag| tag.name.as_str())
}

#[tokio::test]
async fn semver_and_alphabetical_need_only_the_listing() {
    let server = start(AuthMode::Anonymous, false);
    let seeder = server.seeder().unwrap();
    seeder
        .push_tags("org/app", &["1.2.0", "1.10.0", "2.0.0-rc.1", "zeta"])
        .await
        .unwrap();
    let client = client(&server);
    let semver = decide(&client, &policy("org/app", "semver", "^1", &[])).await;
    assert_eq!(chosen(&semver), Some("1.10.0"));
    let alphabetical = decide(&client, &policy("org/app", "alphabetical", "", &[])).await;
    assert_eq!(chosen(&alphabetical), Some("zeta"));
    let counts = client.request_counts();
    assert_eq!(
        (counts.manifest, counts.manifest_head, counts.blob),
        (0, 0, 0),
        "{counts:?}"
    );
}

#[tokio::test]
async fn newest_build_orders_by_created_in_both_formats() {
    let server = start(AuthMode::Htpasswd, false);
    let seeder = server.seeder().unwrap();
    let docker = ManifestFormat::Docker;
    seeder
        .push_image("org/app", "old", &ImageSpec::created(day(1)))
        .await
        .unwrap();
    seeder
        .push_image(
            "org/app",
            "newest",
            &ImageSpec::created(day(9)).with_format(docker),
        )
        .await
        .unwrap();
    seeder
        .push_image("org/app", "middle", &ImageSpec::created(day(5)))
        .await
        .unwrap();
    let decision = decide(
        &client(&server),
        &policy("org/app", "newest-build", "", &[]),
    )
    .await;
    assert_eq!(chosen(&decision), Some("newest"));
    assert_eq!(decision.chosen.unwrap().created, Some(day(9)));
}

fn arm64() -> ImageSpec {
    ImageSpec {
        created: Some(day(3)),
        ..ImageSpec::platform("arm64", Some("v8"))
    }
}

#[tokio::test]
async fn platforms_filter_a_multi_arch_index() {
    let server = start(AuthMode::Anonymous, false);
    let seeder = server.seeder().unwrap();
    let amd64 = ImageSpec {
        created: Some(day(4)),
        ..ImageSpec::platform("amd64", None)
    };
    seeder
        .push_index(
            "org/app",
            "multi",
            &[amd64.clone(), arm64()],
            ManifestFormat::Oci,
        )
        .await
        .unwrap();
    seeder
        .push_image(
            "org/app",
            "amd64-only",
            &ImageSpec {
                created: Some(day(8)),
                ..amd64
            },
        )
        .await
        .unwrap();
    let client = client(&server);
    let on_arm = decide(
        &client,
        &policy("org/app", "newest-build", "", &["linux/arm64"]),
    )
    .await;
    assert_eq!(chosen(&on_arm), Some("multi"));
    // The index's date is its newest *wanted* child: arm64 (day 3), not amd64 (day 4).
    assert_eq!(on_arm.chosen.as_ref().unwrap().created, Some(day(3)));
    let rejected = on_arm
        .verdicts
        .iter()
        .find(|v| v.tag == "amd64-only")
        .unwrap();
    assert_eq!(
        rejected.rejection,
        Some(updater_core::choose::Rejection::PlatformMismatch)
    );
    let on_amd = decide(
        &client,
        &policy("org/app", "newest-build", "", &["linux/amd64"]),
    )
    .await;
    assert_eq!(chosen(&on_amd), Some("amd64-only"));
}

#[tokio::test]
async fn docker_manifest_lists_work_like_oci_indexes() {
    let server = start(AuthMode::Anonymous, false);
    let seeder = server.seeder().unwrap();
    let docker_arm = arm64().with_format(ManifestFormat::Docker);
    seeder
        .push_index("org/app", "list", &[docker_arm], ManifestFormat::Docker)
        .await
        .unwrap();
    let decision = decide(
        &client(&server),
        &policy("org/app", "newest-build", "", &["linux/arm64/v8"]),
    )
    .await;
    assert_eq!(chosen(&decision), Some("list"));
}

#[tokio::test]
async fn digest_resolves_with_one_head_and_no_get() {
    let server = start(AuthMode::Token, false);
    let seeder = server.seeder().unwrap();
    let pushed = seeder
        .push_image("org/app", "stable", &ImageSpec::created(day(2)))
        .await
        .unwrap();
    seeder
        .push_image("org/app", "edge", &ImageSpec::created(day(3)))
        .await
        .unwrap();
    let client = client(&server);
    let decision = decide(&client, &policy("org/app", "digest", "stable", &[])).await;
    assert_eq!(decision.chosen.unwrap().digest, Some(pushed));
    let counts = client.request_counts();
    assert_eq!(
        (counts.manifest_head, counts.manifest, counts.blob),
        (1, 0, 0),
        "{counts:?}"
    );
}
