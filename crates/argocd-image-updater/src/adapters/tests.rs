//! The adapters over an in-memory store: the registry reads secret fields through them, and an
//! Application's git credentials come out as the writer's values, or as a reasoned refusal.

use std::sync::Arc;

use updater_argocd::secrets::{InMemorySecrets, Secret, SecretStore};
use updater_core::writeback::GitCredentials;
use updater_git::auth::CredentialError;
use updater_git::{GitAuth, GitCredentialSource};
use updater_registry::credentials::SecretSource;

use super::{AppGitCredentials, StoreSecrets};

const REPO: &str = "https://git.acme.test/platform/app.git";

fn store() -> Arc<dyn SecretStore> {
    let secrets: InMemorySecrets = [
        Secret::new("team-a", "registry").with_field("creds", "robot:S3CRET"),
        Secret::new("argocd", "repo-app")
            .with_label("argocd.argoproj.io/secret-type", "repository")
            .with_field("url", REPO)
            .with_field("username", "ci")
            .with_field("password", "TOKEN"),
        Secret::new("team-a", "deploy-key").with_field("sshPrivateKey", "KEY"),
        Secret::new("argocd", "gh-app")
            .with_label("argocd.argoproj.io/secret-type", "repo-creds")
            .with_field("url", "https://github.com/acme")
            .with_field("githubAppID", "7")
            .with_field("githubAppInstallationID", "8")
            .with_field("githubAppPrivateKey", "APP-KEY"),
    ]
    .into_iter()
    .collect();
    Arc::new(secrets)
}

fn app_credentials() -> AppGitCredentials {
    AppGitCredentials {
        store: store(),
        argocd_namespace: "argocd".to_owned(),
        app_namespace: "team-a".to_owned(),
        project: "default".to_owned(),
        known_hosts: Some("git.acme.test ssh-ed25519 AAAA".to_owned()),
    }
}

fn secret_ref(namespace: Option<&str>, name: &str) -> GitCredentials {
    GitCredentials::Secret {
        namespace: namespace.map(str::to_owned),
        name: name.to_owned(),
    }
}

#[tokio::test]
async fn registry_secret_fields_come_from_the_store_and_missing_ones_name_the_field() {
    let secrets = StoreSecrets::new(store());
    let value = secrets
        .read_field("team-a", "registry", "creds")
        .await
        .unwrap();
    assert_eq!(value.expose(), "robot:S3CRET");
    let missing = secrets
        .read_field("team-a", "registry", "nope")
        .await
        .unwrap_err()
        .to_string();
    assert!(missing.contains("team-a/registry#nope"), "{missing}");
    assert!(missing.contains("no field `nope`"), "{missing}");
}

#[tokio::test]
async fn repocreds_give_https_credentials_and_nothing_configured_means_anonymous() {
    let credentials = app_credentials();
    let auth = credentials
        .credentials(REPO, &GitCredentials::RepoCreds)
        .await
        .unwrap();
    match auth {
        GitAuth::Https { username, password } => {
            assert_eq!(username, "ci");
            assert_eq!(password.expose(), "TOKEN");
        }
        other => panic!("expected https credentials, got {other:?}"),
    }
    let anonymous = credentials
        .credentials("git://127.0.0.1:9418/other.git", &GitCredentials::RepoCreds)
        .await
        .unwrap();
    assert_eq!(anonymous, GitAuth::None);
}

#[tokio::test]
async fn a_git_secret_ssh_key_verifies_the_host_against_the_known_hosts_unless_insecure() {
    let auth = app_credentials()
        .credentials(
            "ssh://git@git.acme.test/app.git",
            &secret_ref(None, "deploy-key"),
        )
        .await
        .unwrap();
    match auth {
        GitAuth::Ssh {
            private_key,
            insecure_ignore_host_key,
            known_hosts,
        } => {
            assert_eq!(private_key.expose(), "KEY");
            assert!(!insecure_ignore_host_key);
            assert_eq!(
                known_hosts.as_deref(),
                Some("git.acme.test ssh-ed25519 AAAA")
            );
        }
        other => panic!("expected ssh credentials, got {other:?}"),
    }
}

#[tokio::test]
async fn a_secret_of_another_namespace_and_github_apps_are_refused_with_a_reason() {
    let credentials = app_credentials();
    let foreign = credentials
        .credentials(
            "ssh://git@git.acme.test/app.git",
            &secret_ref(Some("team-b"), "deploy-key"),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(foreign, CredentialError::Read { .. }),
        "{foreign:?}"
    );
    let text = crate::failure::error_chain(&foreign);
    assert!(text.contains("team-b"), "{text}");

    let app = credentials
        .credentials(
            "https://github.com/acme/app.git",
            &GitCredentials::RepoCreds,
        )
        .await
        .unwrap_err();
    assert!(matches!(app, CredentialError::Unusable { .. }), "{app:?}");
    assert!(!crate::failure::error_chain(&app).contains("APP-KEY"));
}
