//! The fake kube-apiserver driven by the unmodified kube client: list, get, create, replace,
//! the patch types, the status subresource, optimistic concurrency, fault injection and the
//! kubeconfig.

use ::kube::{
    Api, Client, Config,
    api::{
        ApiResource, DeleteParams, DynamicObject, GroupVersionKind, ListParams, Patch, PatchParams,
        PostParams,
    },
    config::{KubeConfigOptions, Kubeconfig},
};
use k8s_openapi::{ByteString, api::core::v1::Secret};
use serde_json::{Value, json};
use updater_testkit::kube::FakeApiServer;

/// The Application resource as the updater addresses it, without discovery.
pub(crate) fn applications() -> ApiResource {
    ApiResource::from_gvk(&GroupVersionKind::gvk(
        "argoproj.io",
        "v1alpha1",
        "Application",
    ))
}

/// A client of the fake.
pub(crate) fn client(api: &FakeApiServer) -> Client {
    updater_testkit::install_crypto();
    Client::try_from(Config::new(api.url().parse().unwrap())).unwrap()
}

/// Seeds an Application with a label `team` and a Helm parameter.
pub(crate) fn seed_app(api: &FakeApiServer, namespace: &str, name: &str, team: &str) -> Value {
    let app = json!({
        "metadata": {"name": name, "namespace": namespace, "labels": {"team": team}},
        "spec": {"source": {"repoURL": "https://example.com/repo.git",
                            "helm": {"parameters": [{"name": "image.tag", "value": "1.0"}]}}},
    });
    api.insert("argoproj.io/v1alpha1", "applications", app)
        .unwrap()
}

/// The `Status` of a failed call.
pub(crate) fn status_of<T: std::fmt::Debug>(result: Result<T, ::kube::Error>) -> (u16, String) {
    match result {
        Err(::kube::Error::Api(status)) => (status.code, status.reason.clone()),
        other => panic!("expected an API error, got {other:?}"),
    }
}

fn apps_in(api: &FakeApiServer, namespace: &str) -> Api<DynamicObject> {
    Api::namespaced_with(client(api), namespace, &applications())
}

fn names(list: &[DynamicObject]) -> Vec<String> {
    list.iter()
        .map(|o| o.metadata.name.clone().unwrap())
        .collect()
}

fn version(object: &DynamicObject) -> u64 {
    object
        .metadata
        .resource_version
        .as_deref()
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn lists_across_namespaces_and_in_one_without_discovery() {
    let api = FakeApiServer::start().unwrap();
    seed_app(&api, "argocd", "a", "red");
    seed_app(&api, "argocd", "b", "blue");
    seed_app(&api, "other", "c", "red");
    let all: Api<DynamicObject> = Api::all_with(client(&api), &applications());
    let listed = all.list(&ListParams::default()).await.unwrap();
    assert_eq!(names(&listed.items), ["a", "b", "c"]);
    assert_eq!(
        listed.metadata.resource_version,
        Some(api.resource_version().to_string())
    );
    let argocd = apps_in(&api, "argocd");
    assert_eq!(
        names(&argocd.list(&ListParams::default()).await.unwrap().items),
        ["a", "b"]
    );
    let red = all
        .list(&ListParams::default().labels("team in (red),team!=blue"))
        .await
        .unwrap();
    assert_eq!(names(&red.items), ["a", "c"]);
    let by_name = ListParams::default().fields("metadata.name=b").limit(1);
    assert_eq!(names(&argocd.list(&by_name).await.unwrap().items), ["b"]);
    let bad = argocd
        .list(&ListParams::default().labels("team in (red"))
        .await;
    assert_eq!(status_of(bad), (400, "BadRequest".to_owned()));
    let paths: Vec<String> = api.request_log().into_iter().map(|r| r.path).collect();
    assert!(
        paths
            .iter()
            .all(|p| p.starts_with("/apis/argoproj.io/v1alpha1/")),
        "{paths:?}"
    );
}

#[tokio::test]
async fn get_of_a_missing_object_is_a_not_found_status() {
    let api = FakeApiServer::start().unwrap();
    seed_app(&api, "argocd", "a", "red");
    let apps = apps_in(&api, "argocd");
    assert_eq!(
        apps.get("a").await.unwrap().metadata.namespace.as_deref(),
        Some("argocd")
    );
    assert_eq!(
        status_of(apps.get("nope").await),
        (404, "NotFound".to_owned())
    );
    assert_eq!(
        apps.get_opt("nope").await.unwrap().map(|o| o.metadata.name),
        None
    );
    let unserved = Api::<DynamicObject>::namespaced_with(
        client(&api),
        "argocd",
        &ApiResource::from_gvk(&GroupVersionKind::gvk("apps", "v1", "Deployment")),
    );
    assert_eq!(status_of(unserved.get("x").await).0, 404);
}

#[tokio::test]
async fn merge_patch_bumps_the_version_and_the_generation_only_on_spec_change() {
    let api = FakeApiServer::start().unwrap();
    let seeded = seed_app(&api, "argocd", "a", "red");
    assert_eq!(seeded["metadata"]["generation"], 1);
    let apps = apps_in(&api, "argocd");
    let before = apps.get("a").await.unwrap();
    let annotate = Patch::Merge(json!({"metadata": {"annotations": {"note": "x"}}}));
    let annotated = apps
        .patch("a", &PatchParams::default(), &annotate)
        .await
        .unwrap();
    assert_eq!(version(&annotated), version(&before) + 1);
    assert_eq!(annotated.metadata.generation, Some(1));
    let retag = Patch::Merge(json!({"spec": {"source": {"helm": {"parameters": [
        {"name": "image.tag", "value": "1.1", "forceString": true}]}}}}));
    let retagged = apps
        .patch("a", &PatchParams::default(), &retag)
        .await
        .unwrap();
    assert_eq!(retagged.metadata.generation, Some(2));
    assert_eq!(
        retagged.data["spec"]["source"]["helm"]["parameters"][0]["value"],
        "1.1"
    );
    assert_eq!(
        retagged.data["spec"]["source"]["repoURL"],
        "https://example.com/repo.git"
    );
    let again = apps
        .patch("a", &PatchParams::default(), &retag)
        .await
        .unwrap();
    assert_eq!(
        version(&again),
        version(&retagged),
        "a no-op patch changes nothing"
    );
    let stored = api
        .get("argoproj.io/v1alpha1", "Application", Some("argocd"), "a")
        .unwrap();
    assert_eq!(stored["metadata"]["generation"], 2);
}

#[tokio::test]
async fn a_stale_resource_version_in_a_patch_is_a_conflict() {
    let api = FakeApiServer::start().unwrap();
    let seeded = seed_app(&api, "argocd", "a", "red");
    let stale_version = seeded["metadata"]["resourceVersion"].clone();
    let apps = apps_in(&api, "argocd");
    let touch = Patch::Merge(json!({"metadata": {"labels": {"touched": "yes"}}}));
    apps.patch("a", &PatchParams::default(), &touch)
        .await
        .unwrap();
    let stale = Patch::Merge(json!({"metadata": {"resourceVersion": stale_version},
                                    "spec": {"source": {"path": "x"}}}));
    let refused = apps.patch("a", &PatchParams::default(), &stale).await;
    assert_eq!(status_of(refused), (409, "Conflict".to_owned()));
    assert_eq!(api.conflicts_served(), 1);
    let current = apps.get("a").await.unwrap();
    assert_eq!(current.data["spec"]["source"].get("path"), None);
    let fresh = Patch::Merge(
        json!({"metadata": {"resourceVersion": current.metadata.resource_version},
                                    "spec": {"source": {"path": "x"}}}),
    );
    let accepted = apps
        .patch("a", &PatchParams::default(), &fresh)
        .await
        .unwrap();
    assert_eq!(accepted.data["spec"]["source"]["path"], "x");
}

#[tokio::test]
async fn the_status_subresource_is_split_from_the_main_resource() {
    let api = FakeApiServer::start().unwrap();
    let seed = json!({"metadata": {"name": "iu", "namespace": "argocd"},
                      "spec": {"interval": "2m"}, "status": {"phase": "Seeded"}});
    api.insert(
        "argocd-image-updater.argoproj.io/v1alpha1",
        "ImageUpdater",
        seed,
    )
    .unwrap();
    let resource = ApiResource::from_gvk(&GroupVersionKind::gvk(
        "argocd-image-updater.argoproj.io",
        "v1alpha1",
        "ImageUpdater",
    ));
    let updaters: Api<DynamicObject> = Api::namespaced_with(client(&api), "argocd", &resource);
    let both = json!({"spec": {"interval": "5m"}, "status": {"phase": "Done"}});
    let status_write = updaters
        .patch_status("iu", &PatchParams::default(), &Patch::Merge(&both))
        .await
        .unwrap();
    assert_eq!(status_write.data["status"]["phase"], "Done");
    assert_eq!(
        status_write.data["spec"]["interval"], "2m",
        "a status write ignores the spec"
    );
    assert_eq!(status_write.metadata.generation, Some(1));
    let both = json!({"spec": {"interval": "5m"}, "status": {"phase": "Ignored"}});
    let main_write = updaters
        .patch("iu", &PatchParams::default(), &Patch::Merge(&both))
        .await
        .unwrap();
    assert_eq!(
        main_write.data["status"]["phase"], "Done",
        "a main write ignores the status"
    );
    assert_eq!(main_write.data["spec"]["interval"], "5m");
    assert_eq!(main_write.metadata.generation, Some(2));
    let mut replacement = main_write.clone();
    replacement.data["status"] = json!({"phase": "Replaced"});
    let replaced = updaters
        .replace_status("iu", &PostParams::default(), &replacement)
        .await
        .unwrap();
    assert_eq!(replaced.data["status"]["phase"], "Replaced");
    let apps = apps_in(&api, "argocd");
    let no_status = apps
        .patch_status("a", &PatchParams::default(), &Patch::Merge(json!({})))
        .await;
    assert_eq!(
        status_of(no_status).0,
        404,
        "Applications have no status subresource"
    );
}

#[tokio::test]
async fn json_patch_applies_and_a_failed_test_is_invalid() {
    let api = FakeApiServer::start().unwrap();
    seed_app(&api, "argocd", "a", "red");
    let apps = apps_in(&api, "argocd");
    let operations = json!([
        {"op": "test", "path": "/spec/source/helm/parameters/0/value", "value": "1.0"},
        {"op": "replace", "path": "/spec/source/helm/parameters/0/value", "value": "2.0"},
        {"op": "add", "path": "/metadata/annotations", "value": {"a": "b"}},
        {"op": "remove", "path": "/metadata/labels/team"},
    ]);
    let patch = Patch::Json::<()>(serde_json::from_value(operations).unwrap());
    let patched = apps
        .patch("a", &PatchParams::default(), &patch)
        .await
        .unwrap();
    assert_eq!(
        patched.data["spec"]["source"]["helm"]["parameters"][0]["value"],
        "2.0"
    );
    assert_eq!(patched.metadata.annotations.unwrap()["a"], "b");
    assert_eq!(
        patched.metadata.labels.unwrap_or_default().get("team"),
        None
    );
    assert_eq!(patched.metadata.generation, Some(2));
    let failing =
        json!([{"op": "test", "path": "/spec/source/helm/parameters/0/value", "value": "1.0"}]);
    let failing = Patch::Json::<()>(serde_json::from_value(failing).unwrap());
    let refused = apps.patch("a", &PatchParams::default(), &failing).await;
    assert_eq!(status_of(refused), (422, "Invalid".to_owned()));
    let logged = api
        .request_log()
        .into_iter()
        .rfind(|r| r.method == "PATCH")
        .unwrap();
    assert_eq!(
        logged.content_type.as_deref(),
        Some("application/json-patch+json")
    );
    assert!(logged.body.unwrap().contains("\"op\":\"test\""));
}

#[tokio::test]
async fn apply_and_strategic_patches_are_refused() {
    let api = FakeApiServer::start().unwrap();
    seed_app(&api, "argocd", "a", "red");
    let apps = apps_in(&api, "argocd");
    let apply = apps
        .patch("a", &PatchParams::apply("test"), &Patch::Apply(json!({})))
        .await;
    assert_eq!(status_of(apply), (415, "UnsupportedMediaType".to_owned()));
    let strategic = apps
        .patch("a", &PatchParams::default(), &Patch::Strategic(json!({})))
        .await;
    assert_eq!(status_of(strategic).0, 415);
}

#[tokio::test]
async fn secrets_are_created_read_replaced_and_deleted() {
    let api = FakeApiServer::start().unwrap();
    let secrets: Api<Secret> = Api::namespaced(client(&api), "argocd");
    let mut secret = Secret::default();
    secret.metadata.name = Some("creds".to_owned());
    secret.data = Some([("token".to_owned(), ByteString(b"s3cret".to_vec()))].into());
    let created = secrets
        .create(&PostParams::default(), &secret)
        .await
        .unwrap();
    assert!(created.metadata.uid.is_some() && created.metadata.creation_timestamp.is_some());
    let read = secrets.get("creds").await.unwrap();
    assert_eq!(read.data.as_ref().unwrap()["token"].0, b"s3cret");
    let stored = api.get("v1", "secrets", Some("argocd"), "creds").unwrap();
    assert_eq!(
        stored["data"]["token"], "czNjcmV0",
        "stored as base64 like the API sends it"
    );
    assert_eq!(
        status_of(secrets.create(&PostParams::default(), &secret).await).0,
        409
    );
    let mut changed = read.clone();
    changed.string_data = None;
    changed.data = Some([("token".to_owned(), ByteString(b"new".to_vec()))].into());
    secrets
        .replace("creds", &PostParams::default(), &changed)
        .await
        .unwrap();
    let stale = secrets
        .replace("creds", &PostParams::default(), &changed)
        .await;
    assert_eq!(status_of(stale), (409, "Conflict".to_owned()));
    secrets
        .delete("creds", &DeleteParams::default())
        .await
        .unwrap();
    assert_eq!(status_of(secrets.get("creds").await).0, 404);
}

#[tokio::test]
async fn events_are_created_with_generated_names_in_both_apis() {
    use k8s_openapi::api::{core::v1 as core, events::v1 as events};
    let api = FakeApiServer::start().unwrap();
    let mut event = core::Event::default();
    event.metadata.generate_name = Some("guestbook.".to_owned());
    event.reason = Some("ImagesUpdated".to_owned());
    event.involved_object.kind = Some("Application".to_owned());
    event.involved_object.name = Some("guestbook".to_owned());
    let core_events: Api<core::Event> = Api::namespaced(client(&api), "argocd");
    let created = core_events
        .create(&PostParams::default(), &event)
        .await
        .unwrap();
    let name = created.metadata.name.unwrap();
    assert!(
        name.starts_with("guestbook.") && name.len() > "guestbook.".len(),
        "{name}"
    );
    let mut new_event = events::Event::default();
    new_event.metadata.generate_name = Some("guestbook.".to_owned());
    new_event.reason = Some("ImagesUpdated".to_owned());
    let new_events: Api<events::Event> = Api::namespaced(client(&api), "argocd");
    new_events
        .create(&PostParams::default(), &new_event)
        .await
        .unwrap();
    let stored = api.objects("events");
    assert_eq!(stored.len(), 2);
    assert_eq!(stored[0]["involvedObject"]["name"], "guestbook");
    let by_field =
        ListParams::default().fields("involvedObject.name=guestbook,reason=ImagesUpdated");
    assert_eq!(core_events.list(&by_field).await.unwrap().items.len(), 1);
}

#[tokio::test]
async fn fail_next_injects_one_failure_per_call() {
    let api = FakeApiServer::start().unwrap();
    seed_app(&api, "argocd", "a", "red");
    let apps = apps_in(&api, "argocd");
    let patch = Patch::Merge(json!({"spec": {"source": {"path": "x"}}}));
    api.fail_next(
        "patch",
        "/apis/argoproj.io/v1alpha1/namespaces/argocd/",
        409,
    );
    api.fail_next("GET", "/apis/argoproj.io/", 500);
    let first = apps.patch("a", &PatchParams::default(), &patch).await;
    assert_eq!(status_of(first), (409, "Conflict".to_owned()));
    assert_eq!(api.conflicts_served(), 1);
    apps.patch("a", &PatchParams::default(), &patch)
        .await
        .unwrap();
    assert_eq!(
        status_of(apps.get("a").await),
        (500, "InternalError".to_owned())
    );
    assert_eq!(
        apps.get("a").await.unwrap().data["spec"]["source"]["path"],
        "x"
    );
}

#[tokio::test]
async fn the_kubeconfig_points_at_the_fake() {
    let api = FakeApiServer::start().unwrap();
    let mut secret = Secret::default();
    secret.metadata.name = Some("in-default".to_owned());
    let seeded = serde_json::to_value(&secret).unwrap();
    let mut seeded = seeded;
    seeded["metadata"]["namespace"] = json!("default");
    api.insert("v1", "Secret", seeded).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = api.write_kubeconfig(dir.path()).unwrap();
    let kubeconfig = Kubeconfig::read_from(&path).unwrap();
    updater_testkit::install_crypto();
    let config = Config::from_custom_kubeconfig(kubeconfig, &KubeConfigOptions::default())
        .await
        .unwrap();
    assert_eq!(config.default_namespace, "default");
    let secrets: Api<Secret> = Api::default_namespaced(Client::try_from(config).unwrap());
    let listed = secrets.list(&ListParams::default()).await.unwrap();
    assert_eq!(listed.items.len(), 1);
}
