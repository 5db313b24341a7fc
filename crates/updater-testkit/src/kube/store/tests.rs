//! The write rules and the history, without HTTP.

use serde_json::{Value, json};

use super::*;

const MAIN: UpdateMode = UpdateMode {
    status_only: false,
    require_version: false,
};
const STATUS: UpdateMode = UpdateMode {
    status_only: true,
    require_version: false,
};

fn updaters(store: &Store) -> ResourceType {
    store
        .resource("argocd-image-updater.argoproj.io/v1alpha1", "ImageUpdater")
        .unwrap()
}

fn updater(spec: Value, status: Value) -> Value {
    json!({"metadata": {"name": "iu", "namespace": "argocd"}, "spec": spec, "status": status})
}

fn version(object: &Value) -> &str {
    object["metadata"]["resourceVersion"].as_str().unwrap()
}

#[test]
fn create_sets_system_fields_and_drops_status_of_a_subresource() {
    let mut store = Store::new();
    let resource = updaters(&store);
    let mut sent = updater(json!({"a": 1}), json!({"x": 1}));
    sent["metadata"]["uid"] = json!("client-chosen");
    let created = store.create(&resource, "argocd", sent).unwrap();
    assert_eq!(created["kind"], "ImageUpdater");
    assert_eq!(
        created["apiVersion"],
        "argocd-image-updater.argoproj.io/v1alpha1"
    );
    assert_eq!(created["metadata"]["generation"], 1);
    assert_eq!(version(&created), "1");
    assert_ne!(created["metadata"]["uid"], "client-chosen");
    assert!(
        created["metadata"]["creationTimestamp"]
            .as_str()
            .unwrap()
            .ends_with('Z')
    );
    assert_eq!(created.get("status"), None);
    let again = store.create(&resource, "argocd", updater(json!({}), json!({})));
    assert_eq!(again.unwrap_err().reason, "AlreadyExists");
}

#[test]
fn create_validates_names_and_generates_them() {
    let mut store = Store::new();
    let events = store.resource("v1", "events").unwrap();
    let generated = json!({"metadata": {"generateName": "app."}});
    let first = store.create(&events, "argocd", generated.clone()).unwrap();
    let second = store.create(&events, "argocd", generated).unwrap();
    let name = first["metadata"]["name"].as_str().unwrap();
    assert!(name.starts_with("app.") && name.len() == 9, "{name}");
    assert_ne!(first["metadata"]["name"], second["metadata"]["name"]);
    assert_eq!(
        first["metadata"].get("generation"),
        None,
        "built-ins have none here"
    );
    let nameless = store.create(&events, "argocd", json!({"metadata": {}}));
    assert_eq!(nameless.unwrap_err().code, 422);
    let upper = store.create(&events, "argocd", json!({"metadata": {"name": "Bad"}}));
    assert_eq!(upper.unwrap_err().code, 422);
    let elsewhere = json!({"metadata": {"name": "x", "namespace": "other"}});
    assert_eq!(
        store.create(&events, "argocd", elsewhere).unwrap_err().code,
        400
    );
    let versioned = json!({"metadata": {"name": "x", "resourceVersion": "5"}});
    assert_eq!(
        store.create(&events, "argocd", versioned).unwrap_err().code,
        500
    );
}

#[test]
fn generation_follows_spec_and_status_is_split() {
    let mut store = Store::new();
    let resource = updaters(&store);
    store
        .create(&resource, "argocd", updater(json!({"a": 1}), json!(null)))
        .unwrap();
    let status_write = store.update(
        &resource,
        "argocd",
        "iu",
        updater(json!({"a": 2}), json!({"ok": true})),
        STATUS,
    );
    let status_write = status_write.unwrap();
    assert_eq!(
        status_write["spec"],
        json!({"a": 1}),
        "status writes keep the spec"
    );
    assert_eq!(status_write["status"], json!({"ok": true}));
    assert_eq!(status_write["metadata"]["generation"], 1);
    let main_write = store.update(
        &resource,
        "argocd",
        "iu",
        updater(json!({"a": 2}), json!({"ok": false})),
        MAIN,
    );
    let main_write = main_write.unwrap();
    assert_eq!(
        main_write["status"],
        json!({"ok": true}),
        "main writes keep the status"
    );
    assert_eq!(main_write["metadata"]["generation"], 2);
    let mut labelled = main_write.clone();
    labelled["metadata"]["labels"] = json!({"l": "v"});
    let labelled = store
        .update(&resource, "argocd", "iu", labelled, MAIN)
        .unwrap();
    assert_eq!(
        labelled["metadata"]["generation"], 2,
        "metadata changes keep the generation"
    );
    assert_ne!(version(&labelled), version(&main_write));
}

#[test]
fn no_op_updates_keep_the_version_and_stale_ones_conflict() {
    let mut store = Store::new();
    let resource = updaters(&store);
    let created = store
        .create(&resource, "argocd", updater(json!({"a": 1}), json!(null)))
        .unwrap();
    let same = store
        .update(&resource, "argocd", "iu", created.clone(), MAIN)
        .unwrap();
    assert_eq!(same, created);
    assert_eq!(store.resource_version(), 1);
    let mut changed = created.clone();
    changed["spec"]["a"] = json!(2);
    store
        .update(&resource, "argocd", "iu", changed.clone(), MAIN)
        .unwrap();
    let stale = store
        .update(&resource, "argocd", "iu", changed, MAIN)
        .unwrap_err();
    assert!(stale.is_conflict(), "{stale:?}");
    let mut unversioned = created;
    unversioned["metadata"]["resourceVersion"] = json!("");
    let required = UpdateMode {
        require_version: true,
        ..MAIN
    };
    let refused = store.update(&resource, "argocd", "iu", unversioned, required);
    assert_eq!(refused.unwrap_err().code, 422);
}

#[test]
fn history_replays_and_compaction_expires() {
    let mut store = Store::new();
    let secrets = store.resource("v1", "secrets").unwrap();
    for name in ["a", "b", "c"] {
        let object = json!({"metadata": {"name": name, "namespace": "ns"}});
        store.create(&secrets, "ns", object).unwrap();
    }
    let deleted = store.delete(&secrets, "ns", "b", None).unwrap();
    assert_eq!(version(&deleted), "4");
    let versions = |since| -> Vec<u64> {
        let changes = store.changes_since(since).unwrap();
        changes.iter().map(|c| c.resource_version).collect()
    };
    assert_eq!(versions(1), [2, 3, 4]);
    assert_eq!(store.changes_since(4).unwrap().len(), 0);
    store.compact();
    assert_eq!(store.changes_since(3).unwrap_err().code, 410);
    assert!(store.changes_since(4).is_ok());
    assert_eq!(store.list(&secrets, Some("ns")).len(), 2);
    assert_eq!(
        store
            .delete(&secrets, "ns", "a", Some("99"))
            .unwrap_err()
            .code,
        409
    );
}
