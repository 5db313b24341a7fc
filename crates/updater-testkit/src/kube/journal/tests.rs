//! The queued concurrent writes: matching, and their effect on the next request over HTTP.

use reqwest::StatusCode;
use serde_json::{Value, json};

use super::*;
use crate::kube::FakeApiServer;

const APPS: &str = "argoproj.io/v1alpha1";
const UPDATERS: &str = "argocd-image-updater.argoproj.io/v1alpha1";
const APP_PATH: &str = "/apis/argoproj.io/v1alpha1/namespaces/argocd/applications/web";

fn mutation(method: &str, path_prefix: &str) -> Mutation {
    Mutation {
        method: method.to_owned(),
        path_prefix: path_prefix.to_owned(),
        edit: Box::new(|_| {}),
    }
}

fn seed_app(api: &FakeApiServer) -> Value {
    let app = json!({
        "metadata": {"name": "web", "namespace": "argocd"},
        "spec": {"source": {"helm": {"parameters": [{"name": "image.tag", "value": "1.0.0"}]}}},
    });
    api.insert(APPS, "applications", app).unwrap()
}

fn version(object: &Value) -> u64 {
    object["metadata"]["resourceVersion"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap()
}

/// Adds a Helm parameter, as someone editing the Application in the UI would.
fn add_parameter(name: &'static str) -> impl FnOnce(&mut Value) + Send + 'static {
    move |app| {
        let parameters = app["spec"]["source"]["helm"]["parameters"]
            .as_array_mut()
            .unwrap();
        parameters.push(json!({"name": name, "value": "x"}));
    }
}

async fn merge_patch(api: &FakeApiServer, path: &str, patch: &Value) -> (StatusCode, Value) {
    crate::install_crypto();
    let response = reqwest::Client::new()
        .patch(format!("{}{path}", api.url()))
        .header("content-type", "application/merge-patch+json")
        .body(patch.to_string())
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap())
}

#[test]
fn the_first_matching_mutation_is_taken_once() {
    let mut queue = vec![
        mutation("PATCH", "/apis/argoproj.io/"),
        mutation("get", "/api/v1/"),
        mutation("PATCH", "/apis/"),
    ];
    assert!(take_mutation(&mut queue, "PUT", APP_PATH).is_none());
    assert!(take_mutation(&mut queue, "PATCH", "/api/v1/namespaces/a/secrets/s").is_none());
    let taken = take_mutation(&mut queue, "patch", APP_PATH).unwrap();
    assert_eq!(taken.path_prefix, "/apis/argoproj.io/");
    let taken = take_mutation(&mut queue, "PATCH", APP_PATH).unwrap();
    assert_eq!(taken.path_prefix, "/apis/");
    assert!(take_mutation(&mut queue, "PATCH", APP_PATH).is_none());
    assert_eq!(queue.len(), 1, "the GET mutation is still queued");
    assert!(format!("{:?}", queue[0]).contains("/api/v1/"));
}

#[tokio::test]
async fn a_patch_with_the_version_read_before_the_concurrent_write_conflicts() {
    let api = FakeApiServer::start().unwrap();
    let read = seed_app(&api);
    api.mutate_before_next("PATCH", APP_PATH, add_parameter("other.setting"));
    let ours = json!({
        "metadata": {"resourceVersion": read["metadata"]["resourceVersion"]},
        "spec": {"source": {"helm": {"parameters": [{"name": "image.tag", "value": "1.2.0"}]}}},
    });

    let (status, body) = merge_patch(&api, APP_PATH, &ours).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["reason"], "Conflict");
    assert_eq!((api.mutations_applied(), api.conflicts_served()), (1, 1));
    let stored = api
        .get(APPS, "applications", Some("argocd"), "web")
        .unwrap();
    assert_eq!(version(&stored), version(&read) + 1);
    let names: Vec<&Value> = stored["spec"]["source"]["helm"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| &p["name"])
        .collect();
    assert_eq!(names, ["image.tag", "other.setting"]);

    // A retry from a fresh read goes through: the mutation was spent.
    let mut retry = ours.clone();
    retry["metadata"]["resourceVersion"] = stored["metadata"]["resourceVersion"].clone();
    let (status, body) = merge_patch(&api, APP_PATH, &retry).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(api.mutations_applied(), 1);
}

#[tokio::test]
async fn a_patch_without_a_version_is_applied_over_the_concurrent_write() {
    let api = FakeApiServer::start().unwrap();
    seed_app(&api);
    api.mutate_before_next("PATCH", APP_PATH, |app| {
        app["metadata"]["labels"] = json!({"edited-by": "someone-else"});
    });
    let patch = json!({"metadata": {"annotations": {"ours": "yes"}}});
    let (status, body) = merge_patch(&api, APP_PATH, &patch).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["metadata"]["labels"]["edited-by"], "someone-else");
    assert_eq!(body["metadata"]["annotations"]["ours"], "yes");
    assert_eq!(api.conflicts_served(), 0);
}

#[tokio::test]
async fn a_custom_resource_edit_bumps_the_generation_and_keeps_the_status() {
    let api = FakeApiServer::start().unwrap();
    let seeded = json!({
        "metadata": {"name": "iu", "namespace": "argocd"},
        "spec": {"applicationRefs": [{"namePattern": "a"}]},
        "status": {"applicationsMatched": 1},
    });
    api.insert(UPDATERS, "imageupdaters", seeded).unwrap();
    let path = "/apis/argocd-image-updater.argoproj.io/v1alpha1/namespaces/argocd/imageupdaters/iu";
    api.mutate_before_next("GET", path, |iu| {
        iu["spec"]["applicationRefs"][0]["namePattern"] = json!("b");
        iu["status"] = json!({"applicationsMatched": 99});
    });
    crate::install_crypto();
    let read: Value = reqwest::get(format!("{}{path}", api.url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(read["spec"]["applicationRefs"][0]["namePattern"], "b");
    assert_eq!(read["metadata"]["generation"], 2);
    assert_eq!(
        read["status"]["applicationsMatched"], 1,
        "status is a subresource"
    );
    assert_eq!(api.mutations_applied(), 1);
}

#[tokio::test]
async fn a_mutation_on_a_collection_or_a_missing_object_is_spent_without_effect() {
    let api = FakeApiServer::start().unwrap();
    let seeded = seed_app(&api);
    let collection = "/apis/argoproj.io/v1alpha1/namespaces/argocd/applications";
    api.mutate_before_next("GET", collection, add_parameter("never"));
    crate::install_crypto();
    let list = reqwest::get(format!("{}{collection}", api.url()))
        .await
        .unwrap();
    assert_eq!(list.status(), StatusCode::OK);
    let missing = format!("{collection}/absent");
    api.mutate_before_next("GET", &missing, add_parameter("never"));
    let absent = reqwest::get(format!("{}{missing}", api.url()))
        .await
        .unwrap();
    assert_eq!(absent.status(), StatusCode::NOT_FOUND);
    assert_eq!(api.mutations_applied(), 0);
    let stored = api
        .get(APPS, "applications", Some("argocd"), "web")
        .unwrap();
    assert_eq!(stored, seeded);
    // Both were spent: a later GET of the object is not affected either.
    let again = reqwest::get(format!("{}{APP_PATH}", api.url()))
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::OK);
    assert_eq!(api.mutations_applied(), 0);
}
