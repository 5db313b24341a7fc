//! The spec merge patch: what the API server receives for an `argocd` write-back.

use serde_json::{Value, json};

use super::{HELM_SINGLE, KUSTOMIZE, MULTI, app, image};
use crate::application::{
    Application, HelmParams, set_helm_image, set_kustomize_image, spec_changed, spec_merge_patch,
};

/// RFC 7386 application, to check that a patch really turns `before` into `after`.
fn apply(target: &Value, patch: &Value) -> Value {
    let Value::Object(patch) = patch else {
        return patch.clone();
    };
    let mut result = match target {
        Value::Object(map) => map.clone(),
        _ => serde_json::Map::new(),
    };
    for (key, value) in patch {
        if value.is_null() {
            result.remove(key);
        } else {
            let current = result.get(key).cloned().unwrap_or(Value::Null);
            result.insert(key.clone(), apply(&current, value));
        }
    }
    Value::Object(result)
}

fn assert_patch_round_trips(before: &Application, after: &Application) {
    let patch = spec_merge_patch(before, after);
    let spec_patch = json!({"spec": patch.get("spec").cloned().unwrap_or(json!({}))});
    let patched = apply(before.as_json(), &spec_patch);
    assert_eq!(patched["spec"], after.as_json()["spec"]);
}

#[test]
fn helm_patch_sends_the_whole_parameter_list_and_the_resource_version() {
    let before = app(HELM_SINGLE);
    let mut after = before.clone();
    let new = image("ghcr.io/acme/guestbook:1.3.0");
    set_helm_image(&mut after, 0, &HelmParams::resolve(None, None), &new).expect("set");
    assert!(spec_changed(&before, &after));
    insta::assert_json_snapshot!(spec_merge_patch(&before, &after));
    assert_patch_round_trips(&before, &after);
}

#[test]
fn kustomize_patch_on_a_multi_source_app_sends_the_whole_sources_list() {
    let before = app(MULTI);
    let mut after = before.clone();
    set_kustomize_image(&mut after, 1, None, &image("ghcr.io/acme/infra:2.0")).expect("set");
    let patch = spec_merge_patch(&before, &after);
    assert_eq!(patch["metadata"], json!({"resourceVersion": "500"}));
    assert_eq!(patch["spec"]["sources"], after.as_json()["spec"]["sources"]);
    assert_eq!(patch["spec"].as_object().map(|o| o.len()), Some(1));
    assert_patch_round_trips(&before, &after);
}

#[test]
fn unchanged_spec_gives_only_the_resource_version() {
    let before = app(KUSTOMIZE);
    let mut after = before.clone();
    let same = image("registry.acme.io/shop/web:1.0.0");
    set_kustomize_image(&mut after, 0, Some("web"), &same).expect("set");
    assert!(!spec_changed(&before, &after));
    assert_eq!(
        spec_merge_patch(&before, &after),
        json!({"metadata": {"resourceVersion": "99"}})
    );
}

#[test]
fn status_and_metadata_changes_are_not_patched() {
    let before = app(KUSTOMIZE);
    let mut json = before.as_json().clone();
    json["status"]["sourceType"] = json!("Helm");
    json["metadata"]["labels"] = json!({"x": "y"});
    let after = Application::from_json(json).expect("valid");
    assert_eq!(
        spec_merge_patch(&before, &after),
        json!({"metadata": {"resourceVersion": "99"}})
    );
}

#[test]
fn removed_keys_become_null_and_missing_version_is_left_out() {
    let before = Application::from_json(json!({"kind": "Application", "metadata": {"name": "a"},
        "spec": {"source": {"repoURL": "r", "helm": {"releaseName": "x"}}, "project": "p"}}))
    .expect("valid");
    let after = Application::from_json(json!({"kind": "Application", "metadata": {"name": "a"},
        "spec": {"source": {"repoURL": "r", "kustomize": {"images": ["a:1"]}}, "project": "p"}}))
    .expect("valid");
    assert_eq!(
        spec_merge_patch(&before, &after),
        json!({"spec": {"source": {"helm": null, "kustomize": {"images": ["a:1"]}}}})
    );
    assert_patch_round_trips(&before, &after);
}
