//! Unit tests of the pure parts: status patches, secret conversion, event building, errors.

use std::collections::BTreeMap;

use k8s_openapi::ByteString;
use k8s_openapi::api::core::v1::Secret as KubeSecret;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde_json::json;

use super::event::build_event;
use super::merge::status_patch;
use super::secrets::convert;
use super::*;
use updater_core::application::merge_diff as diff;

#[test]
fn diff_nulls_removed_keys_and_replaces_lists_whole() {
    let old = json!({"a": 1, "b": {"c": 1, "d": 2}, "l": [1, 2], "gone": true});
    let new = json!({"a": 1, "b": {"c": 1, "d": 3}, "l": [1], "new": "x"});
    assert_eq!(
        diff(&old, &new),
        json!({"b": {"d": 3}, "l": [1], "new": "x", "gone": null})
    );
}

#[test]
fn status_patch_leaves_unknown_stored_fields_alone() {
    let stored = json!({"applicationsMatched": 0, "imagesManaged": 2, "futureField": {"x": 1}});
    let old = json!({"applicationsMatched": 0, "imagesManaged": 2});
    let new = json!({"applicationsMatched": 0, "imagesManaged": 3});
    assert_eq!(
        status_patch(&stored, &old, &new),
        json!({"imagesManaged": 3})
    );
}

#[test]
fn status_patch_writes_defaults_the_stored_status_lacks_and_deletes_dropped_fields() {
    let stored = json!({"conditions": [{"type": "Ready"}]});
    let old =
        json!({"applicationsMatched": 0, "imagesManaged": 0, "conditions": [{"type": "Ready"}]});
    let new = json!({"applicationsMatched": 0, "imagesManaged": 1});
    assert_eq!(
        status_patch(&stored, &old, &new),
        json!({"applicationsMatched": 0, "imagesManaged": 1, "conditions": null})
    );
}

#[test]
fn status_patch_of_a_missing_status_is_the_whole_status() {
    let new = json!({"applicationsMatched": 1, "imagesManaged": 0});
    let old = json!({"applicationsMatched": 0, "imagesManaged": 0});
    assert_eq!(status_patch(&serde_json::Value::Null, &old, &new), new);
}

#[test]
fn secrets_convert_with_string_data_winning_and_the_namespace_defaulted() {
    let secret = KubeSecret {
        metadata: ObjectMeta {
            name: Some("repo".to_owned()),
            labels: Some(BTreeMap::from([("k".to_owned(), "v".to_owned())])),
            ..ObjectMeta::default()
        },
        data: Some(BTreeMap::from([
            ("a".to_owned(), ByteString(b"from-data".to_vec())),
            ("b".to_owned(), ByteString(vec![0, 255])),
        ])),
        string_data: Some(BTreeMap::from([("a".to_owned(), "from-string".to_owned())])),
        ..KubeSecret::default()
    };
    let converted = convert(secret, "argocd");
    assert_eq!(converted.namespace, "argocd");
    assert!(converted.has_label("k", "v"));
    assert_eq!(converted.data["a"], b"from-string");
    assert_eq!(converted.data["b"], vec![0, 255]);
}

#[test]
fn events_carry_the_upstream_fields() {
    let app = InvolvedApp {
        namespace: "argocd".to_owned(),
        name: "guestbook".to_owned(),
        uid: Some("u-1".to_owned()),
        resource_version: Some("7".to_owned()),
    };
    let now = jiff::Timestamp::from_nanosecond(0x1234_5678_9abc).unwrap();
    let annotations = change_annotations(&[EventChange {
        full_image_name: "ghcr.io/acme/app".to_owned(),
        image_name: "acme/app".to_owned(),
        old_tag: "1.0".to_owned(),
        new_tag: "1.1".to_owned(),
    }]);
    let event = build_event(
        &app,
        EVENT_REASON,
        &updated_message("guestbook"),
        annotations,
        now,
    );
    let json = serde_json::to_value(&event).unwrap();
    assert_eq!(json["metadata"]["name"], "guestbook.123456789abc");
    assert_eq!(
        json["metadata"]["annotations"]["argocd-image-updater.image-0/old-tag"],
        "1.0"
    );
    assert_eq!(
        json["metadata"]["annotations"].as_object().unwrap().len(),
        4
    );
    assert_eq!(json["type"], "Normal");
    assert_eq!(json["reason"], "ImagesUpdated");
    assert_eq!(
        json["message"],
        "Successfully updated application 'guestbook'"
    );
    assert_eq!(json["source"]["component"], "ArgocdImageUpdater");
    assert_eq!(json["count"], 1);
    assert_eq!(
        json["involvedObject"],
        json!({"apiVersion": "argoproj.io/v1alpha1", "kind": "Application", "name": "guestbook",
               "namespace": "argocd", "uid": "u-1", "resourceVersion": "7"})
    );
}

#[test]
fn involved_app_reads_the_identity_of_an_application() {
    let app = updater_core::application::Application::from_json(json!({
        "kind": "Application",
        "metadata": {"name": "a", "uid": "u", "resourceVersion": "3"},
    }))
    .unwrap();
    let involved = InvolvedApp::of(&app, "argocd");
    assert_eq!(involved.namespace, "argocd");
    assert_eq!(involved.uid.as_deref(), Some("u"));
    assert_eq!(involved.resource_version.as_deref(), Some("3"));
}

#[test]
fn errors_name_the_scope_and_have_stable_kinds() {
    let source = Box::new(::kube::Error::Api(Box::new(
        ::kube::core::Status::failure("x", "Conflict").with_code(409),
    )));
    let error = ClusterError::ListApplications {
        namespace: None,
        source,
    };
    assert_eq!(
        error.to_string(),
        "cannot list applications in all namespaces"
    );
    assert_eq!(error.kind(), "list");
    let url = ClusterClient::from_url("not a url").unwrap_err();
    assert_eq!(url.kind(), "configure");
}
