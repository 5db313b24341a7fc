//! The secret readers end to end over a store: Argo CD repository secrets loaded from their
//! JSON manifests, `git:secret:` and pull-secret reads, and store failures surfacing with their
//! identity but never a secret value.

use std::error::Error;

use updater_argocd::credential::GitCredentialValue;
use updater_argocd::secrets::{BoxFuture, InMemorySecrets, Secret, SecretStore, StoreError};
use updater_argocd::{git_secret, pull_secret, repo_creds};

const ARGOCD: &str = "argocd";
const SECRETS: [&str; 5] = [
    "TOKEN-ENTRY",
    "TOKEN-TEMPLATE",
    "TOKEN-TEAM",
    "SSH-KEY",
    "APP-KEY",
];

fn manifest(name: &str, kind: &str, string_data: &str) -> Secret {
    manifest_in(ARGOCD, name, kind, string_data)
}

fn manifest_in(namespace: &str, name: &str, kind: &str, string_data: &str) -> Secret {
    let json = format!(
        r#"{{"apiVersion":"v1","kind":"Secret","metadata":{{"name":"{name}","namespace":"{namespace}",
        "labels":{{"argocd.argoproj.io/secret-type":"{kind}"}}}},"stringData":{{{string_data}}}}}"#
    );
    Secret::from_manifest_json(&json, "default").unwrap()
}

fn argocd_secrets() -> InMemorySecrets {
    [
        manifest("repo-app", "repository", r#""url":"https://git.acme.test/platform/app.git","username":"ci","password":"TOKEN-ENTRY""#),
        manifest("repo-app-team", "repository", r#""url":"https://git.acme.test/platform/app","project":"team","password":"TOKEN-TEAM""#),
        manifest("repo-infra", "repository", r#""url":"git@git.acme.test:platform/infra.git","sshPrivateKey":"SSH-KEY""#),
        manifest("creds-platform", "repo-creds", r#""url":"https://git.acme.test/platform","password":"TOKEN-TEMPLATE""#),
        manifest("creds-github", "repo-creds", r#""url":"https://github.com/acme","githubAppID":"7","githubAppInstallationID":"8","githubAppPrivateKey":"APP-KEY""#),
        // Same namespace, other label: never consulted.
        Secret::new(ARGOCD, "unlabelled").with_field("url", "https://git.acme.test/platform/app").with_field("password", "WRONG"),
        // Same label, other namespace: never consulted.
        manifest_in("other", "elsewhere", "repository", r#""url":"https://git.acme.test/platform/app","password":"WRONG""#),
    ]
    .into_iter()
    .collect()
}

fn password(value: GitCredentialValue) -> String {
    match value {
        GitCredentialValue::Https { password, .. } => password.into_exposed(),
        other => panic!("not https: {other:?}"),
    }
}

#[tokio::test]
async fn repocreds_lookup_over_the_argocd_namespace() {
    let store = argocd_secrets();
    let get = |url: &'static str, project: &'static str| {
        let store = &store;
        async move { repo_creds::lookup(store, ARGOCD, url, project).await }
    };
    let entry = get("https://git.acme.test/platform/app", "default")
        .await
        .unwrap();
    assert_eq!(password(entry), "TOKEN-ENTRY");
    let team = get("https://git.acme.test/platform/app/", "team")
        .await
        .unwrap();
    assert_eq!(password(team), "TOKEN-TEAM");
    let template = get("https://git.acme.test/platform/other.git", "default")
        .await
        .unwrap();
    assert_eq!(password(template), "TOKEN-TEMPLATE");
    let ssh = get("ssh://git@git.acme.test/platform/infra", "default")
        .await
        .unwrap();
    assert!(matches!(
        ssh,
        GitCredentialValue::Ssh {
            insecure: false,
            ..
        }
    ));
    let app = get("https://github.com/acme/charts", "default")
        .await
        .unwrap();
    assert!(matches!(app, GitCredentialValue::GitHubApp { .. }));
    let none = get("https://git.other.test/x", "default")
        .await
        .unwrap_err();
    assert_eq!(
        none.to_string(),
        "credentials for `https://git.other.test/x` are not configured in argo cd settings"
    );
}

#[tokio::test]
async fn git_secret_and_pull_secret_reads_share_the_store() {
    let store = InMemorySecrets::new();
    store.insert(
        Secret::new("team", "writer")
            .with_field("username", "bot")
            .with_field("password", "TOKEN-ENTRY")
            .with_field("creds", "bot:TOKEN-ENTRY"),
    );
    let https = "https://git.acme.test/team/deploy";
    let value = git_secret::lookup(&store, "team", None, "writer", https)
        .await
        .unwrap();
    assert_eq!(password(value), "TOKEN-ENTRY");
    let field = pull_secret::read_secret_field(&store, "team", "writer", "creds")
        .await
        .unwrap();
    assert_eq!(field.expose(), "bot:TOKEN-ENTRY");
    let http = git_secret::lookup(&store, "team", None, "writer", "http://git.acme.test/x").await;
    assert!(matches!(
        http,
        Err(git_secret::GitSecretError::UnknownRepositoryType { .. })
    ));
}

/// A store whose API calls fail, as an unreachable or forbidding API server would.
struct FailingStore;

fn cause() -> Box<dyn Error + Send + Sync> {
    "403 forbidden".into()
}

impl SecretStore for FailingStore {
    fn get<'a>(
        &'a self,
        namespace: &'a str,
        name: &'a str,
    ) -> BoxFuture<'a, Result<Option<Secret>, StoreError>> {
        Box::pin(async move {
            Err(StoreError::Get {
                namespace: namespace.into(),
                name: name.into(),
                source: cause(),
            })
        })
    }

    fn list_labeled<'a>(
        &'a self,
        namespace: &'a str,
        (key, value): (&'a str, &'a str),
    ) -> BoxFuture<'a, Result<Vec<Secret>, StoreError>> {
        Box::pin(async move {
            Err(StoreError::List {
                namespace: namespace.into(),
                key: key.into(),
                value: value.into(),
                source: cause(),
            })
        })
    }
}

fn chain(error: &dyn Error) -> String {
    let mut text = error.to_string();
    let mut next = error.source();
    while let Some(cause) = next {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        next = cause.source();
    }
    text
}

#[tokio::test]
async fn store_failures_keep_their_identity_and_cause() {
    let error = repo_creds::lookup(&FailingStore, ARGOCD, "https://h/r", "default")
        .await
        .unwrap_err();
    assert_eq!(
        chain(&error),
        "cannot list argo cd `repository` secrets in namespace `argocd`: cannot list secrets \
         labelled `argocd.argoproj.io/secret-type=repository` in namespace `argocd`: 403 forbidden"
    );
    let error = git_secret::lookup(&FailingStore, "team", None, "w", "https://h/r")
        .await
        .unwrap_err();
    assert!(chain(&error).starts_with("cannot read git credentials secret `team/w`"));
    let error = pull_secret::read_secret_field(&FailingStore, "team", "p", "f")
        .await
        .unwrap_err();
    assert!(chain(&error).ends_with("403 forbidden"));
}

#[tokio::test]
async fn no_error_or_debug_output_contains_a_secret() {
    let store = argocd_secrets();
    let mut outputs = vec![format!("{store:?}")];
    let found = repo_creds::lookup(
        &store,
        ARGOCD,
        "https://git.acme.test/platform/app",
        "default",
    )
    .await;
    outputs.push(format!("{found:?}"));
    let app = repo_creds::lookup(&store, ARGOCD, "https://github.com/acme/x", "default").await;
    outputs.push(format!("{app:?}"));
    let ssh = repo_creds::lookup(
        &store,
        ARGOCD,
        "git@git.acme.test:platform/infra",
        "default",
    )
    .await;
    outputs.push(format!("{ssh:?}"));
    let missing = git_secret::lookup(&store, ARGOCD, None, "repo-infra", "https://h/r").await;
    let missing = missing.unwrap_err();
    outputs.push(format!("{missing:?} / {}", chain(&missing)));
    for output in outputs {
        for secret in SECRETS {
            assert!(!output.contains(secret), "`{secret}` leaked in {output}");
        }
    }
}
