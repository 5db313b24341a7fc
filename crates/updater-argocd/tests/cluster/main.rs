//! `updater_argocd::kube` against the fake kube-apiserver: listing Applications and
//! ImageUpdaters, spec patches with conflict retries, status writes, secrets and events.

mod apps;
mod events;
mod lease;
mod secrets;
mod updaters;

use serde_json::{Value, json};
use updater_argocd::kube::ClusterClient;
use updater_testkit::kube::{FakeApiServer, LoggedRequest};

pub(crate) const APPS: &str = "argoproj.io/v1alpha1";
pub(crate) const UPDATERS: &str = "argocd-image-updater.argoproj.io/v1alpha1";

/// A fake API server and a cluster client talking to it.
pub(crate) fn cluster() -> (FakeApiServer, ClusterClient) {
    updater_testkit::install_crypto();
    let api = FakeApiServer::start().unwrap();
    let client = ClusterClient::from_url(&api.url()).unwrap();
    (api, client)
}

/// An Application as Argo CD stores it, with fields the updater knows nothing about.
pub(crate) fn app_json(namespace: &str, name: &str) -> Value {
    json!({
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Application",
        "metadata": {
            "name": name, "namespace": namespace,
            "labels": {"team": "payments"},
            "annotations": {"notified.notifications.argoproj.io": "{\"on-sync\":\"x\"}"},
            "finalizers": ["resources-finalizer.argocd.argoproj.io"],
        },
        "spec": {
            "project": "default",
            "destination": {"server": "https://kubernetes.default.svc", "namespace": "guestbook"},
            "source": {
                "repoURL": "https://github.com/acme/guestbook.git",
                "path": "chart",
                "targetRevision": "HEAD",
                "helm": {
                    "releaseName": "guestbook",
                    "valuesObject": {"replicaCount": 2, "ingress": {"enabled": true}},
                    "parameters": [
                        {"name": "image.name", "value": "ghcr.io/acme/guestbook", "forceString": true},
                        {"name": "image.tag", "value": "1.0.0", "forceString": true},
                        {"name": "replicas", "value": "2"},
                    ],
                },
            },
            "syncPolicy": {"automated": {"prune": true, "selfHeal": true}, "syncOptions": ["CreateNamespace=true"]},
            "ignoreDifferences": [{"group": "apps", "kind": "Deployment", "jsonPointers": ["/spec/replicas"]}],
            "futureSpecField": {"introducedIn": "argo-cd 9"},
        },
        "status": {
            "sourceType": "Helm",
            "summary": {"images": ["ghcr.io/acme/guestbook:1.0.0"]},
            "sync": {"status": "Synced", "revision": "abc123"},
            "health": {"status": "Healthy"},
        },
    })
}

/// Seeds [`app_json`] and returns the stored object.
pub(crate) fn seed_app(api: &FakeApiServer, namespace: &str, name: &str) -> Value {
    api.insert(APPS, "applications", app_json(namespace, name))
        .unwrap()
}

/// The requests of `method`, in order.
pub(crate) fn requests(api: &FakeApiServer, method: &str) -> Vec<LoggedRequest> {
    let log = api.request_log();
    log.into_iter().filter(|r| r.method == method).collect()
}

/// The error and its causes, joined with `: `.
pub(crate) fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
