//! ImageUpdater resources: listing with per-resource errors, and status writes that touch only
//! the `/status` subresource, retried on conflict.

use std::sync::atomic::{AtomicUsize, Ordering};

use jiff::Timestamp;
use serde_json::{Value, json};
use updater_argocd::kube::{ClusterError, PatchOutcome, RETRY_ATTEMPTS};
use updater_core::crd::{Condition, ConditionStatus, ImageUpdaterStatus};

use crate::{UPDATERS, chain, cluster, requests};

const STATUS_PATH: &str =
    "/apis/argocd-image-updater.argoproj.io/v1alpha1/namespaces/argocd/imageupdaters/web/status";

/// An ImageUpdater with server-side metadata and a status field from a newer controller.
fn updater_json(namespace: &str, name: &str) -> Value {
    json!({
        "apiVersion": "argocd-image-updater.argoproj.io/v1alpha1",
        "kind": "ImageUpdater",
        "metadata": {
            "name": name, "namespace": namespace, "generation": 3,
            "labels": {"team": "web"},
            "managedFields": [{"manager": "kubectl", "operation": "Apply"}],
        },
        "spec": {
            "commonUpdateSettings": {"updateStrategy": "semver"},
            "writeBackConfig": {"method": "argocd"},
            "applicationRefs": [{
                "namePattern": "web-*",
                "labelSelectors": {"matchLabels": {"tier": "frontend"}},
                "images": [{
                    "alias": "web",
                    "imageName": "ghcr.io/acme/web:1.x",
                    "manifestTargets": {"helm": {"name": "image.repository", "tag": "image.tag"}},
                }],
            }],
        },
        "status": {
            "applicationsMatched": 1,
            "imagesManaged": 1,
            "lastCheckedAt": "2025-01-01T00:00:00Z",
            "futureStatusField": {"kept": true},
        },
    })
}

fn seed(api: &updater_testkit::kube::FakeApiServer, namespace: &str, name: &str) -> Value {
    api.insert(UPDATERS, "imageupdaters", updater_json(namespace, name))
        .unwrap()
}

fn stored(api: &updater_testkit::kube::FakeApiServer) -> Value {
    api.get(UPDATERS, "imageupdaters", Some("argocd"), "web")
        .unwrap()
}

fn ready(status: &mut ImageUpdaterStatus) {
    status.images_managed = 4;
    status.conditions = vec![Condition {
        type_: "Ready".to_owned(),
        status: ConditionStatus::True,
        reason: "ReconcileSucceeded".to_owned(),
        message: "Reconciled 1 applications, 0 images updated.".to_owned(),
        last_transition_time: Timestamp::UNIX_EPOCH,
        observed_generation: Some(3),
    }];
}

#[tokio::test]
async fn a_malformed_image_updater_is_reported_while_the_others_parse() {
    let (api, cluster) = cluster();
    seed(&api, "argocd", "web");
    seed(&api, "team-a", "api");
    let mut broken = updater_json("argocd", "broken");
    broken["spec"]["namespace"] = json!("removed-in-v1");
    api.insert(UPDATERS, "imageupdaters", broken).unwrap();

    let listed = cluster.list_image_updaters(None).await.unwrap();
    let names: Vec<_> = listed
        .items
        .iter()
        .map(|u| u.metadata.name.clone().unwrap())
        .collect();
    assert_eq!(names, ["web", "api"]);
    assert_eq!(
        listed.items[0].spec.application_refs[0].images[0].alias,
        "web"
    );
    assert_eq!(listed.items[0].status.as_ref().unwrap().images_managed, 1);
    assert_eq!(listed.invalid.len(), 1);
    assert_eq!(listed.invalid[0].kind(), "invalid");
    assert!(chain(&listed.invalid[0]).starts_with("invalid imageupdater `argocd/broken`: "));

    let in_team = cluster.list_image_updaters(Some("team-a")).await.unwrap();
    assert_eq!(in_team.items.len(), 1);
    assert!(in_team.invalid.is_empty());
}

#[tokio::test]
async fn a_status_update_touches_only_the_status() {
    let (api, cluster) = cluster();
    let seeded = seed(&api, "argocd", "web");

    let outcome = cluster.update_status("argocd", "web", ready).await.unwrap();
    assert_eq!(outcome, PatchOutcome::Patched { attempts: 1 });

    let patches = requests(&api, "PATCH");
    assert_eq!(patches.len(), 1);
    assert_eq!(patches[0].path, STATUS_PATH);
    let body: Value = serde_json::from_str(patches[0].body.as_deref().unwrap()).unwrap();
    assert_eq!(
        body["metadata"]["resourceVersion"],
        seeded["metadata"]["resourceVersion"]
    );
    assert_eq!(
        body.as_object().unwrap().len(),
        2,
        "metadata.resourceVersion and status only"
    );
    assert_eq!(body["status"]["imagesManaged"], 4);
    assert!(
        body["status"].get("applicationsMatched").is_none(),
        "unchanged fields are not sent"
    );

    let after = stored(&api);
    assert_eq!(after["spec"], seeded["spec"]);
    assert_eq!(after["metadata"]["labels"], seeded["metadata"]["labels"]);
    assert_eq!(after["metadata"]["generation"], 3);
    assert_eq!(after["status"]["futureStatusField"], json!({"kept": true}));
    assert_eq!(after["status"]["applicationsMatched"], 1);
    assert_eq!(
        after["status"]["conditions"][0]["reason"],
        "ReconcileSucceeded"
    );

    let again = cluster.update_status("argocd", "web", ready).await.unwrap();
    assert_eq!(again, PatchOutcome::Unchanged);
    assert_eq!(requests(&api, "PATCH").len(), 1);
}

#[tokio::test]
async fn a_first_status_is_written_whole() {
    let (api, cluster) = cluster();
    let mut fresh = updater_json("argocd", "web");
    fresh.as_object_mut().unwrap().remove("status");
    api.insert(UPDATERS, "imageupdaters", fresh).unwrap();

    cluster.update_status("argocd", "web", ready).await.unwrap();
    let status = &stored(&api)["status"];
    assert_eq!(status["applicationsMatched"], 0);
    assert_eq!(status["imagesManaged"], 4);
    assert_eq!(status["conditions"][0]["type"], "Ready");
}

#[tokio::test]
async fn status_conflicts_are_retried_from_a_fresh_read_and_bounded() {
    let (api, cluster) = cluster();
    seed(&api, "argocd", "web");
    let calls = AtomicUsize::new(0);
    let racing = |status: &mut ImageUpdaterStatus| {
        if calls.fetch_add(1, Ordering::SeqCst) == 0 {
            let mut theirs = stored(&api);
            theirs["status"]["applicationsMatched"] = json!(7);
            api.insert(UPDATERS, "imageupdaters", theirs).unwrap();
        }
        ready(status);
    };
    let outcome = cluster
        .update_status("argocd", "web", racing)
        .await
        .unwrap();
    assert_eq!(outcome, PatchOutcome::Patched { attempts: 2 });
    assert_eq!(api.conflicts_served(), 1);
    let status = &stored(&api)["status"];
    assert_eq!(status["applicationsMatched"], 7, "the other write is kept");
    assert_eq!(status["imagesManaged"], 4);

    for _ in 0..RETRY_ATTEMPTS {
        api.fail_next("PATCH", STATUS_PATH, 409);
    }
    let error = cluster
        .update_status("argocd", "web", |s| s.images_managed = 9)
        .await
        .unwrap_err();
    assert!(matches!(
        error,
        ClusterError::StatusConflicts { attempts: 5, .. }
    ));
    assert!(chain(&error).starts_with(
        "status of imageupdater `argocd/web` kept changing: gave up after 5 conflicts: "
    ));
    assert_eq!(stored(&api)["status"]["imagesManaged"], 4);
}

#[tokio::test]
async fn status_failures_name_the_resource() {
    let (api, cluster) = cluster();
    let missing = cluster
        .update_status("argocd", "web", ready)
        .await
        .unwrap_err();
    assert_eq!(missing.kind(), "get");
    assert!(chain(&missing).starts_with("cannot get imageupdater `argocd/web`: "));

    let mut odd = updater_json("argocd", "web");
    odd["status"]["imagesManaged"] = json!("many");
    api.insert(UPDATERS, "imageupdaters", odd).unwrap();
    let invalid = cluster
        .update_status("argocd", "web", ready)
        .await
        .unwrap_err();
    assert_eq!(invalid.kind(), "invalid_status");
    assert!(requests(&api, "PATCH").is_empty());
}

/// The status writes of a pass start from the listed objects: one PATCH each, no GET, as
/// controller-runtime's writes from its cache; a write learns the new state for the next.
#[tokio::test]
async fn status_writes_after_a_listing_cost_one_patch_each() {
    let (api, cluster) = cluster();
    seed(&api, "argocd", "web");
    cluster.list_image_updaters(None).await.unwrap();
    let gets_before = requests(&api, "GET").len();

    let first = cluster.update_status("argocd", "web", ready).await.unwrap();
    assert_eq!(first, PatchOutcome::Patched { attempts: 1 });
    let second = cluster
        .update_status("argocd", "web", |s| s.images_managed = 6)
        .await
        .unwrap();
    assert_eq!(second, PatchOutcome::Patched { attempts: 1 });
    assert_eq!(requests(&api, "GET").len(), gets_before, "no GET");
    assert_eq!(requests(&api, "PATCH").len(), 2);
    assert_eq!(
        api.conflicts_served(),
        0,
        "the second started from the first's answer"
    );
    assert_eq!(stored(&api)["status"]["imagesManaged"], 6);
}

/// A listed object changed since is a conflict: the write is retried from a fresh read and
/// the other writer's change is kept.
#[tokio::test]
async fn a_stale_listed_object_is_read_again_on_conflict() {
    let (api, cluster) = cluster();
    seed(&api, "argocd", "web");
    cluster.list_image_updaters(None).await.unwrap();
    let mut theirs = stored(&api);
    theirs["status"]["applicationsMatched"] = json!(7);
    api.insert(UPDATERS, "imageupdaters", theirs).unwrap();

    let outcome = cluster.update_status("argocd", "web", ready).await.unwrap();
    assert_eq!(outcome, PatchOutcome::Patched { attempts: 2 });
    assert_eq!(api.conflicts_served(), 1);
    let status = &stored(&api)["status"];
    assert_eq!(status["applicationsMatched"], 7, "the other write is kept");
    assert_eq!(status["imagesManaged"], 4);
}

/// A listing forgets the ImageUpdaters it no longer returns: a write to a deleted one reads it
/// and fails as before, rather than patching from a memory of it.
#[tokio::test]
async fn a_listing_forgets_deleted_image_updaters() {
    let (api, cluster) = cluster();
    seed(&api, "argocd", "web");
    seed(&api, "team-a", "api");
    cluster.list_image_updaters(None).await.unwrap();
    api.remove(UPDATERS, "imageupdaters", Some("argocd"), "web")
        .unwrap();
    cluster.list_image_updaters(Some("argocd")).await.unwrap();

    let gone = cluster
        .update_status("argocd", "web", ready)
        .await
        .unwrap_err();
    assert_eq!(gone.kind(), "get");
    let gets_before = requests(&api, "GET").len();
    let other = cluster.update_status("team-a", "api", ready).await.unwrap();
    assert_eq!(other, PatchOutcome::Patched { attempts: 1 });
    assert_eq!(
        requests(&api, "GET").len(),
        gets_before,
        "another namespace's listing is still known"
    );
}
