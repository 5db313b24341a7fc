//! Secrets through `KubeSecrets`: get (404 is `None`), label listing, the Argo CD repository
//! credential lookup end to end, and failures without secret values.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};
use updater_argocd::credential::GitCredentialValue;
use updater_argocd::repo_creds;
use updater_argocd::secrets::{SECRET_TYPE_LABEL, SecretStore};
use updater_testkit::kube::FakeApiServer;

use crate::{chain, cluster};

fn seed_secret(
    api: &FakeApiServer,
    namespace: &str,
    name: &str,
    kind: Option<&str>,
    data: &[(&str, &str)],
) {
    let data: serde_json::Map<String, Value> = data
        .iter()
        .map(|(k, v)| ((*k).to_owned(), json!(STANDARD.encode(v))))
        .collect();
    let labels = kind.map_or(json!({}), |kind| json!({SECRET_TYPE_LABEL: kind}));
    let secret = json!({
        "apiVersion": "v1", "kind": "Secret", "type": "Opaque",
        "metadata": {"name": name, "namespace": namespace, "labels": labels,
                     "annotations": {"managed-by": "argocd"}},
        "data": data,
    });
    api.insert("v1", "secrets", secret).unwrap();
}

fn seed_argocd(api: &FakeApiServer) {
    seed_secret(
        api,
        "argocd",
        "repo-b",
        Some("repository"),
        &[
            ("url", "https://git.acme.test/platform/app.git"),
            ("username", "ci"),
            ("password", "TOKEN-ENTRY"),
        ],
    );
    seed_secret(
        api,
        "argocd",
        "repo-a",
        Some("repository"),
        &[
            ("url", "git@git.acme.test:platform/infra.git"),
            ("sshPrivateKey", "SSH-KEY"),
        ],
    );
    seed_secret(
        api,
        "argocd",
        "creds",
        Some("repo-creds"),
        &[
            ("url", "https://git.acme.test/platform"),
            ("password", "TOKEN-TEMPLATE"),
        ],
    );
    seed_secret(api, "argocd", "unlabelled", None, &[("password", "WRONG")]);
    seed_secret(
        api,
        "other",
        "repo-elsewhere",
        Some("repository"),
        &[
            ("url", "https://git.acme.test/platform/other.git"),
            ("password", "WRONG"),
        ],
    );
}

fn password(value: GitCredentialValue) -> String {
    match value {
        GitCredentialValue::Https { password, .. } => password.into_exposed(),
        other => panic!("not https: {other:?}"),
    }
}

#[tokio::test]
async fn secrets_are_read_and_listed_by_label() {
    let (api, cluster) = cluster();
    seed_argocd(&api);
    let store = cluster.secrets();

    let secret = store.get("argocd", "repo-b").await.unwrap().unwrap();
    assert_eq!(secret.namespace, "argocd");
    assert_eq!(secret.data["password"], b"TOKEN-ENTRY");
    assert!(secret.has_label(SECRET_TYPE_LABEL, "repository"));
    assert_eq!(secret.annotations["managed-by"], "argocd");
    assert!(store.get("argocd", "missing").await.unwrap().is_none());

    let listed = store
        .list_labeled("argocd", (SECRET_TYPE_LABEL, "repository"))
        .await
        .unwrap();
    let names: Vec<_> = listed.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["repo-a", "repo-b"]);
    let query = api
        .request_log()
        .into_iter()
        .find(|r| r.path == "/api/v1/namespaces/argocd/secrets");
    assert!(query.unwrap().query.unwrap().contains("labelSelector="));
}

#[tokio::test]
async fn repository_credentials_resolve_end_to_end() {
    let (api, cluster) = cluster();
    seed_argocd(&api);
    let store = cluster.secrets();
    let entry = repo_creds::lookup(
        &store,
        "argocd",
        "https://git.acme.test/platform/app",
        "default",
    )
    .await
    .unwrap();
    assert_eq!(password(entry), "TOKEN-ENTRY");
    let template = repo_creds::lookup(
        &store,
        "argocd",
        "https://git.acme.test/platform/other.git",
        "default",
    )
    .await
    .unwrap();
    assert_eq!(password(template), "TOKEN-TEMPLATE");
    let ssh = repo_creds::lookup(
        &store,
        "argocd",
        "git@git.acme.test:platform/infra.git",
        "default",
    )
    .await
    .unwrap();
    assert!(matches!(ssh, GitCredentialValue::Ssh { .. }));
}

#[tokio::test]
async fn store_failures_keep_their_identity_and_no_value() {
    let (api, cluster) = cluster();
    seed_argocd(&api);
    let store = cluster.secrets();
    api.fail_next("GET", "/api/v1/namespaces/argocd/secrets/repo-b", 403);
    let error = store.get("argocd", "repo-b").await.unwrap_err();
    let text = chain(&error);
    assert!(
        text.starts_with("cannot read secret `argocd/repo-b`: "),
        "{text}"
    );
    api.fail_next("GET", "/api/v1/namespaces/argocd/secrets", 500);
    let error = store
        .list_labeled("argocd", (SECRET_TYPE_LABEL, "repository"))
        .await
        .unwrap_err();
    let text = format!("{} {error:?}", chain(&error));
    assert!(text.contains("argocd.argoproj.io/secret-type=repository"));
    assert!(!text.contains("TOKEN"));
    assert!(!format!("{store:?} {cluster:?}").contains("TOKEN"));
}
