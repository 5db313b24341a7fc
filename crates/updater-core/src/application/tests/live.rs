//! §5.2: live-image matching, digest re-selection, forced images and the running version.

use super::{HELM_SINGLE, app, image};
use crate::application::{find_live, live_or_forced, reselect_digest, running, unchanged_image};
use crate::choose::{Running, Strategy};
use crate::image::ImageRef;

const OLD: &str = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
const NEW: &str = "sha256:2222222222222222222222222222222222222222222222222222222222222222";

fn images(texts: &[&str]) -> Vec<ImageRef> {
    texts.iter().map(|text| image(text)).collect()
}

#[test]
fn live_images_of_the_app_match_the_configured_image() {
    let live = app(HELM_SINGLE).live_images().images;
    let found = find_live(
        &image("gb=ghcr.io/acme/guestbook:~1.2"),
        None,
        Strategy::Semver,
        &live,
    );
    assert_eq!(found, Some(image("ghcr.io/acme/guestbook:1.2.0")));
}

#[test]
fn matching_needs_equal_name_and_registry_strictly() {
    let live = images(&["nginx:1.25", "quay.io/acme/api:1.0"]);
    let find = |text: &str| find_live(&image(text), None, Strategy::Semver, &live);
    assert_eq!(find("nginx"), Some(image("nginx:1.25")));
    assert_eq!(
        find("library/nginx"),
        None,
        "the name keeps library/ when spelt out"
    );
    assert_eq!(find("docker.io/nginx"), None, "docker.io/x is not x");
    assert_eq!(find("docker.io/library/nginx"), None);
    assert_eq!(find("acme/api"), None, "quay.io/x is not x");
    assert_eq!(
        find("quay.io/acme/api:~1"),
        Some(image("quay.io/acme/api:1.0"))
    );
    assert_eq!(find("ghcr.io/acme/api"), None);
}

#[test]
fn explicit_docker_io_matches_explicit_docker_io() {
    let live = images(&["docker.io/library/redis:7.2"]);
    let found = find_live(&image("docker.io/redis"), None, Strategy::Semver, &live);
    assert_eq!(found, Some(image("docker.io/library/redis:7.2")));
    let implicit = find_live(&image("redis"), None, Strategy::Semver, &live);
    assert_eq!(implicit, None);
}

#[test]
fn kustomize_name_is_tried_first() {
    let live = images(&["registry.acme.io/shop/web:1.0.0", "ghcr.io/acme/web:0.9"]);
    let configured = image("web=ghcr.io/acme/web");
    let by_kustomize = find_live(
        &configured,
        Some("registry.acme.io/shop/web"),
        Strategy::Semver,
        &live,
    );
    assert_eq!(by_kustomize, Some(image("registry.acme.io/shop/web:1.0.0")));
    let fallback = find_live(&configured, Some("other/web"), Strategy::Semver, &live);
    assert_eq!(fallback, Some(image("ghcr.io/acme/web:0.9")));
    let empty = find_live(&configured, Some(""), Strategy::Semver, &live);
    assert_eq!(empty, Some(image("ghcr.io/acme/web:0.9")));
}

#[test]
fn first_match_wins_for_tag_strategies() {
    let live = images(&["nginx:1.24", "nginx:1.25"]);
    for strategy in [
        Strategy::Semver,
        Strategy::NewestBuild,
        Strategy::Alphabetical,
    ] {
        let found = find_live(&image("nginx:1.25"), None, strategy, &live);
        assert_eq!(found, Some(image("nginx:1.24")), "{strategy}");
    }
}

#[test]
fn digest_strategy_prefers_the_tracked_tag() {
    let live = images(&[
        &format!("nginx:stable@{OLD}"),
        &format!("nginx:latest@{OLD}"),
    ]);
    let found = find_live(&image("nginx:latest"), None, Strategy::Digest, &live);
    assert_eq!(found, Some(live[1].clone()));
    let untracked = find_live(&image("nginx:mainline"), None, Strategy::Digest, &live);
    assert_eq!(untracked, Some(live[0].clone()));
}

#[test]
fn digest_reselection_prefers_tracked_tag_with_stale_digest() {
    let live = images(&[
        &format!("nginx:stable@{OLD}"),
        &format!("nginx:latest@{NEW}"),
        &format!("nginx:latest@{OLD}"),
    ]);
    let found = reselect_digest(&image("nginx:latest"), None, &live, NEW);
    assert_eq!(found, Some(live[2].clone()));
}

#[test]
fn digest_reselection_then_tracked_tag() {
    let live = images(&[
        &format!("nginx:stable@{OLD}"),
        &format!("nginx:latest@{NEW}"),
    ]);
    let found = reselect_digest(&image("nginx:latest"), None, &live, NEW);
    assert_eq!(found, Some(live[1].clone()));
}

#[test]
fn digest_reselection_then_any_stale_digest() {
    let live = images(&[
        &format!("nginx:stable@{NEW}"),
        &format!("nginx:mainline@{OLD}"),
    ]);
    let found = reselect_digest(&image("nginx:latest"), None, &live, NEW);
    assert_eq!(found, Some(live[1].clone()));
    // An entry without a digest is stale too: it has never been pinned.
    let unpinned = images(&[&format!("nginx:stable@{NEW}"), "nginx:mainline"]);
    let found = reselect_digest(&image("nginx:latest"), None, &unpinned, NEW);
    assert_eq!(found, Some(unpinned[1].clone()));
}

#[test]
fn digest_reselection_then_first_and_none_when_not_live() {
    let live = images(&[
        &format!("nginx:stable@{NEW}"),
        &format!("nginx:mainline@{NEW}"),
    ]);
    let found = reselect_digest(&image("nginx:latest"), None, &live, NEW);
    assert_eq!(found, Some(live[0].clone()));
    assert_eq!(reselect_digest(&image("redis:7"), None, &live, NEW), None);
}

#[test]
fn digest_reselection_honours_the_kustomize_name() {
    let live = images(&[
        &format!("ghcr.io/acme/web:latest@{OLD}"),
        &format!("registry.acme.io/web:latest@{NEW}"),
        &format!("registry.acme.io/web:latest@{OLD}"),
    ]);
    let found = reselect_digest(
        &image("ghcr.io/acme/web:latest"),
        Some("registry.acme.io/web"),
        &live,
        NEW,
    );
    assert_eq!(found, Some(live[2].clone()));
}

#[test]
fn forced_image_without_live_match_gets_no_tag() {
    let live = images(&["nginx:1.25"]);
    let configured = image("api=ghcr.io/acme/api:~1.2@sha256:abc");
    let forced = live_or_forced(&configured, None, Strategy::Semver, &live, true);
    let expected = ImageRef {
        tag: None,
        digest: None,
        ..configured.clone()
    };
    assert_eq!(forced, Some(expected));
    assert_eq!(forced.map(|f| f.alias), Some(Some("api".to_owned())));
    assert_eq!(
        live_or_forced(&configured, None, Strategy::Semver, &live, false),
        None
    );
}

#[test]
fn forced_image_that_is_live_uses_the_live_entry() {
    let live = images(&["ghcr.io/acme/api:1.2.3"]);
    let configured = image("ghcr.io/acme/api:~1.2");
    let found = live_or_forced(&configured, None, Strategy::Semver, &live, true);
    assert_eq!(found, Some(image("ghcr.io/acme/api:1.2.3")));
}

#[test]
fn running_of_a_tagless_entry_is_the_dummy_empty_tag() {
    assert_eq!(
        running(&image("nginx")),
        Running {
            tag: Some(String::new()),
            digest: None
        }
    );
    assert_eq!(
        running(&image(&format!("nginx@{OLD}"))),
        Running {
            tag: Some(String::new()),
            digest: Some(OLD.into())
        }
    );
    assert_eq!(
        running(&image(&format!("nginx:1.25@{OLD}"))),
        Running {
            tag: Some("1.25".into()),
            digest: Some(OLD.into())
        }
    );
}

#[test]
fn unchanged_image_keeps_the_live_version_on_the_configured_name() {
    let configured = image("web=ghcr.io/acme/web:~1.0");
    let live = image("ghcr.io/acme/web:1.0.4");
    let unchanged = unchanged_image(&configured, &live, Strategy::Semver);
    assert_eq!(unchanged.to_string(), "web=ghcr.io/acme/web:1.0.4");
}

#[test]
fn unchanged_bare_digest_gets_the_tracked_tag_back_for_digest() {
    let configured = image("ghcr.io/acme/web:latest");
    let live = image(&format!("ghcr.io/acme/web@{OLD}"));
    let digest = unchanged_image(&configured, &live, Strategy::Digest);
    assert_eq!(
        digest.full_name_with_tag(),
        format!("ghcr.io/acme/web:latest@{OLD}")
    );
    let semver = unchanged_image(&configured, &live, Strategy::Semver);
    assert_eq!(
        semver.full_name_with_tag(),
        format!("ghcr.io/acme/web@{OLD}")
    );
}
