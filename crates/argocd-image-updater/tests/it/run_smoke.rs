//! A first end-to-end pass: one Helm Application on the fake API server, its image on the real
//! registry, `run --once` patches it (the full matrix lives in `run_once`).

use serde_json::json;
use updater_testkit::kube::FakeApiServer;
use updater_testkit::{AuthMode, RegistryOptions, RegistryServer};

use super::updater;

#[tokio::test]
async fn a_helm_application_is_patched_to_the_newest_allowed_version() {
    updater_testkit::install_crypto();
    let registry = RegistryServer::start(RegistryOptions::new(AuthMode::Anonymous)).unwrap();
    registry
        .seeder()
        .unwrap()
        .push_tags("org/web", &["1.0.0", "1.1.0", "1.2.0", "2.0.0"])
        .await
        .unwrap();
    let api = FakeApiServer::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let image = format!("{}/org/web", registry.host());
    api.insert(
        "argoproj.io/v1alpha1",
        "applications",
        json!({
            "apiVersion": "argoproj.io/v1alpha1", "kind": "Application",
            "metadata": {"name": "web", "namespace": "team-a"},
            "spec": {"project": "default", "someFutureField": {"kept": true},
                     "source": {"repoURL": "https://example.test/charts.git", "path": "web",
                                "helm": {"parameters": [{"name": "replicas", "value": "2"}]}}},
            "status": {"sourceType": "Helm", "summary": {"images": [format!("{image}:1.0.0")]}}
        }),
    )
    .unwrap();
    api.insert(
        "argocd-image-updater.argoproj.io/v1alpha1",
        "imageupdaters",
        json!({
            "apiVersion": "argocd-image-updater.argoproj.io/v1alpha1", "kind": "ImageUpdater",
            "metadata": {"name": "web", "namespace": "team-a"},
            "spec": {"applicationRefs": [{"namePattern": "web",
                     "images": [{"alias": "web", "imageName": format!("{image}:~1")}]}]}
        }),
    )
    .unwrap();
    let conf = dir.path().join("registries.conf");
    std::fs::write(
        &conf,
        format!(
            "registries:\n- name: test\n  prefix: {}\n  api_url: {}\n",
            registry.host(),
            registry.url()
        ),
    )
    .unwrap();
    let kubeconfig = api.write_kubeconfig(dir.path()).unwrap();
    let output = updater()
        .args([
            "run",
            "--once",
            "--watch-namespaces",
            "*",
            "--argocd-namespace",
            "argocd",
        ])
        .arg("--kubeconfig")
        .arg(&kubeconfig)
        .arg("--registries-conf-path")
        .arg(&conf)
        .arg("--cache-dir")
        .arg(dir.path().join("cache"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout.ends_with("summary: applications=1 images=1 updated=1 skipped=0 errors=0\n"),
        "{stdout}\n{stderr}"
    );
    let app = api
        .get(
            "argoproj.io/v1alpha1",
            "applications",
            Some("team-a"),
            "web",
        )
        .unwrap();
    let parameters = &app["spec"]["source"]["helm"]["parameters"];
    assert_eq!(parameters[0]["name"], "replicas");
    assert_eq!(
        parameters[1],
        json!({"name": "image.name", "value": image, "forceString": true})
    );
    assert_eq!(
        parameters[2],
        json!({"name": "image.tag", "value": "1.2.0", "forceString": true})
    );
    assert_eq!(app["spec"]["someFutureField"], json!({"kept": true}));
    let updater = api
        .get(
            "argocd-image-updater.argoproj.io/v1alpha1",
            "imageupdaters",
            Some("team-a"),
            "web",
        )
        .unwrap();
    assert_eq!(updater["status"]["imagesManaged"], 1, "{updater}");
}
