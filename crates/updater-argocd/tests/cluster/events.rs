//! The `ImagesUpdated` event as §7.4 describes it, created through the API.

use serde_json::json;
use updater_argocd::kube::{
    EVENT_REASON, EventChange, InvolvedApp, change_annotations, updated_message,
};

use crate::{chain, cluster, seed_app};

#[tokio::test]
async fn an_event_is_created_about_the_application() {
    let (api, cluster) = cluster();
    seed_app(&api, "argocd", "guestbook");
    let app = cluster
        .get_application("argocd", "guestbook")
        .await
        .unwrap();
    let involved = InvolvedApp::of(&app, "argocd");
    let changes = [EventChange {
        full_image_name: "ghcr.io/acme/guestbook".to_owned(),
        image_name: "acme/guestbook".to_owned(),
        old_tag: "1.0.0".to_owned(),
        new_tag: "1.1.0".to_owned(),
    }];
    let name = cluster
        .emit_event(
            &involved,
            EVENT_REASON,
            &updated_message("guestbook"),
            change_annotations(&changes),
        )
        .await
        .unwrap();

    let (prefix, nanos) = name.split_once('.').unwrap();
    assert_eq!(prefix, "guestbook");
    assert!(u128::from_str_radix(nanos, 16).is_ok(), "{name}");
    let event = api.get("v1", "events", Some("argocd"), &name).unwrap();
    assert_eq!(event["type"], "Normal");
    assert_eq!(event["reason"], "ImagesUpdated");
    assert_eq!(
        event["message"],
        "Successfully updated application 'guestbook'"
    );
    assert_eq!(event["source"]["component"], "ArgocdImageUpdater");
    assert_eq!(event["count"], 1);
    assert_eq!(event["firstTimestamp"], event["lastTimestamp"]);
    assert_eq!(
        event["involvedObject"],
        json!({"apiVersion": "argoproj.io/v1alpha1", "kind": "Application", "name": "guestbook",
               "namespace": "argocd", "uid": app.as_json()["metadata"]["uid"],
               "resourceVersion": app.resource_version().unwrap()})
    );
    let annotations = event["metadata"]["annotations"].as_object().unwrap();
    assert_eq!(annotations.len(), 4);
    assert_eq!(
        annotations["argocd-image-updater.image-0/full-image-name"],
        "ghcr.io/acme/guestbook"
    );
    assert_eq!(
        annotations["argocd-image-updater.image-0/image-name"],
        "acme/guestbook"
    );
    assert_eq!(annotations["argocd-image-updater.image-0/old-tag"], "1.0.0");
    assert_eq!(annotations["argocd-image-updater.image-0/new-tag"], "1.1.0");
}

#[tokio::test]
async fn a_refused_event_names_the_application() {
    let (api, cluster) = cluster();
    api.fail_next("POST", "/api/v1/namespaces/argocd/events", 403);
    let involved = InvolvedApp {
        namespace: "argocd".to_owned(),
        name: "guestbook".to_owned(),
        ..InvolvedApp::default()
    };
    let error = cluster
        .emit_event(&involved, EVENT_REASON, "m", Default::default())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), "event");
    assert!(
        chain(&error).starts_with("cannot create event `guestbook."),
        "{}",
        chain(&error)
    );
    assert!(chain(&error).contains("for application `argocd/guestbook`"));
}
