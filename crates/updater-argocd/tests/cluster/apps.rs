//! Listing Applications and patching their spec: merge patches only, unknown fields kept,
//! conflicts retried from a fresh read, bounded.

use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::{Value, json};
use updater_argocd::kube::{ClusterError, PatchOutcome, RETRY_ATTEMPTS};
use updater_core::application::{Application, ApplicationError, HelmParams, set_helm_image};
use updater_core::image::ImageRef;

use crate::{APPS, chain, cluster, requests, seed_app};

const APP_PATH: &str = "/apis/argoproj.io/v1alpha1/namespaces/argocd/applications/guestbook";

/// The edit the `argocd` write-back makes: the Helm tag parameter to `tag`.
fn set_tag(tag: &'static str) -> impl Fn(&mut Application) -> Result<(), ApplicationError> {
    move |app| {
        let image = ImageRef::parse(&format!("ghcr.io/acme/guestbook:{tag}")).unwrap();
        let params = HelmParams::resolve(None, None);
        set_helm_image(app, 0, &params, &image)
    }
}

fn parameter(object: &Value, name: &str) -> Value {
    let list = object["spec"]["source"]["helm"]["parameters"]
        .as_array()
        .unwrap();
    list.iter()
        .find(|p| p["name"] == name)
        .cloned()
        .unwrap_or(Value::Null)
}

#[tokio::test]
async fn lists_applications_across_namespaces_and_in_one() {
    let (api, cluster) = cluster();
    seed_app(&api, "argocd", "guestbook");
    seed_app(&api, "argocd", "billing");
    seed_app(&api, "team-a", "frontend");

    let all = cluster.list_applications(None).await.unwrap();
    assert!(all.invalid.is_empty());
    let names: Vec<_> = all
        .items
        .iter()
        .map(|a| (a.namespace().unwrap(), a.name()))
        .collect();
    assert_eq!(
        names,
        [
            ("argocd", "billing"),
            ("argocd", "guestbook"),
            ("team-a", "frontend")
        ]
    );
    let one = cluster.list_applications(Some("team-a")).await.unwrap();
    assert_eq!(one.items.len(), 1);
    let frontend = one.items[0].as_json();
    assert_eq!(
        frontend["spec"]["futureSpecField"]["introducedIn"],
        "argo-cd 9"
    );
    assert_eq!(
        frontend["status"]["summary"]["images"][0],
        "ghcr.io/acme/guestbook:1.0.0"
    );
    assert!(one.items[0].resource_version().is_some());
    let listed = requests(&api, "GET");
    assert!(
        listed
            .iter()
            .any(|r| r.path == "/apis/argoproj.io/v1alpha1/applications")
    );
    assert!(
        listed
            .iter()
            .any(|r| r.path == "/apis/argoproj.io/v1alpha1/namespaces/team-a/applications")
    );
}

#[tokio::test]
async fn a_patch_sends_only_the_spec_change_and_keeps_unknown_fields() {
    let (api, cluster) = cluster();
    let seeded = seed_app(&api, "argocd", "guestbook");

    let outcome = cluster
        .patch_application("argocd", "guestbook", set_tag("1.1.0"))
        .await
        .unwrap();
    assert_eq!(outcome, PatchOutcome::Patched { attempts: 1 });

    let patches = requests(&api, "PATCH");
    assert_eq!(patches.len(), 1);
    assert_eq!(patches[0].path, APP_PATH);
    assert_eq!(
        patches[0].content_type.as_deref(),
        Some("application/merge-patch+json")
    );
    let body: Value = serde_json::from_str(patches[0].body.as_deref().unwrap()).unwrap();
    assert_eq!(
        body["metadata"],
        json!({"resourceVersion": seeded["metadata"]["resourceVersion"]})
    );
    assert_eq!(
        body["spec"].as_object().unwrap().keys().collect::<Vec<_>>(),
        ["source"]
    );
    assert!(requests(&api, "PUT").is_empty(), "never a full replacement");

    let stored = api
        .get(APPS, "applications", Some("argocd"), "guestbook")
        .unwrap();
    assert_eq!(parameter(&stored, "image.tag")["value"], "1.1.0");
    let mut expected = seeded.clone();
    expected["spec"]["source"]["helm"]["parameters"][1]["value"] = json!("1.1.0");
    assert_eq!(
        stored["spec"], expected["spec"],
        "every other spec field is kept"
    );
    assert_eq!(stored["status"], seeded["status"]);
    assert_eq!(
        stored["metadata"]["annotations"],
        seeded["metadata"]["annotations"]
    );
    assert_eq!(
        stored["metadata"]["finalizers"],
        seeded["metadata"]["finalizers"]
    );
}

#[tokio::test]
async fn an_unchanged_spec_sends_no_patch() {
    let (api, cluster) = cluster();
    seed_app(&api, "argocd", "guestbook");
    let outcome = cluster
        .patch_application("argocd", "guestbook", set_tag("1.0.0"))
        .await
        .unwrap();
    assert_eq!(outcome, PatchOutcome::Unchanged);
    assert!(requests(&api, "PATCH").is_empty());
    assert_eq!(requests(&api, "GET").len(), 1);
}

#[tokio::test]
async fn an_injected_conflict_is_retried_from_a_fresh_read() {
    let (api, cluster) = cluster();
    seed_app(&api, "argocd", "guestbook");
    api.fail_next("PATCH", "/apis/argoproj.io/", 409);

    let outcome = cluster
        .patch_application("argocd", "guestbook", set_tag("1.1.0"))
        .await
        .unwrap();
    assert_eq!(outcome, PatchOutcome::Patched { attempts: 2 });
    assert_eq!(api.conflicts_served(), 1);
    assert_eq!(requests(&api, "GET").len(), 2, "one fresh read per attempt");
    let stored = api
        .get(APPS, "applications", Some("argocd"), "guestbook")
        .unwrap();
    assert_eq!(parameter(&stored, "image.tag")["value"], "1.1.0");
}

#[tokio::test]
async fn a_write_between_read_and_patch_conflicts_and_is_not_lost() {
    let (api, cluster) = cluster();
    seed_app(&api, "argocd", "guestbook");
    let calls = AtomicUsize::new(0);
    let tag = set_tag("1.1.0");
    let racing_edit = |app: &mut Application| {
        if calls.fetch_add(1, Ordering::SeqCst) == 0 {
            // Another writer (Argo CD, a user) changes the Application after our read.
            let mut theirs = api
                .get(APPS, "applications", Some("argocd"), "guestbook")
                .unwrap();
            theirs["spec"]["source"]["helm"]["parameters"][2]["value"] = json!("5");
            theirs["spec"]["source"]["targetRevision"] = json!("release-2");
            theirs["metadata"]["labels"]["owner"] = json!("someone-else");
            api.insert(APPS, "applications", theirs).unwrap();
        }
        tag(app)
    };

    let outcome = cluster
        .patch_application("argocd", "guestbook", racing_edit)
        .await
        .unwrap();
    assert_eq!(outcome, PatchOutcome::Patched { attempts: 2 });
    assert_eq!(
        calls.load(Ordering::SeqCst),
        2,
        "the edit is re-applied to the fresh object"
    );
    assert_eq!(
        api.conflicts_served(),
        1,
        "the stale resourceVersion was refused"
    );
    let stored = api
        .get(APPS, "applications", Some("argocd"), "guestbook")
        .unwrap();
    assert_eq!(parameter(&stored, "image.tag")["value"], "1.1.0");
    assert_eq!(parameter(&stored, "replicas")["value"], "5");
    assert_eq!(stored["spec"]["source"]["targetRevision"], "release-2");
    assert_eq!(stored["metadata"]["labels"]["owner"], "someone-else");
}

#[tokio::test]
async fn conflicts_are_retried_a_bounded_number_of_times() {
    let (api, cluster) = cluster();
    seed_app(&api, "argocd", "guestbook");
    for _ in 1..RETRY_ATTEMPTS {
        api.fail_next("PATCH", APP_PATH, 409);
    }
    let outcome = cluster
        .patch_application("argocd", "guestbook", set_tag("1.1.0"))
        .await
        .unwrap();
    assert_eq!(
        outcome,
        PatchOutcome::Patched {
            attempts: RETRY_ATTEMPTS
        }
    );

    for _ in 0..RETRY_ATTEMPTS {
        api.fail_next("PATCH", APP_PATH, 409);
    }
    let error = cluster
        .patch_application("argocd", "guestbook", set_tag("1.2.0"))
        .await
        .unwrap_err();
    assert!(matches!(
        error,
        ClusterError::ApplicationConflicts { attempts: 5, .. }
    ));
    assert_eq!(error.kind(), "conflict");
    assert!(
        chain(&error).starts_with(
            "application `argocd/guestbook` kept changing: gave up after 5 conflicts: "
        )
    );
    assert_eq!(requests(&api, "PATCH").len(), 2 * RETRY_ATTEMPTS as usize);
    let stored = api
        .get(APPS, "applications", Some("argocd"), "guestbook")
        .unwrap();
    assert_eq!(parameter(&stored, "image.tag")["value"], "1.1.0");
}

#[tokio::test]
async fn other_failures_are_not_retried_and_name_the_app() {
    let (api, cluster) = cluster();
    seed_app(&api, "argocd", "guestbook");

    let missing = cluster
        .patch_application("argocd", "nope", set_tag("1.1.0"))
        .await
        .unwrap_err();
    assert_eq!(missing.kind(), "get");
    assert!(chain(&missing).starts_with("cannot get application `argocd/nope`: "));

    api.fail_next("PATCH", APP_PATH, 500);
    let refused = cluster
        .patch_application("argocd", "guestbook", set_tag("1.1.0"))
        .await
        .unwrap_err();
    assert_eq!(refused.kind(), "patch");
    assert_eq!(requests(&api, "PATCH").len(), 1);

    let bad_edit = |app: &mut Application| {
        set_helm_image(
            app,
            3,
            &HelmParams::default(),
            &ImageRef::parse("x:1").unwrap(),
        )
    };
    let error = cluster
        .patch_application("argocd", "guestbook", bad_edit)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), "edit");
    assert!(chain(&error).starts_with("cannot edit application `argocd/guestbook`: "));
    assert_eq!(requests(&api, "PATCH").len(), 1);
}
