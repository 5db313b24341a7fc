//! Unit tests for `git:secret:` credentials: the namespace rule, URL classification and
//! required fields.

use super::{GitSecretError, check_namespace, from_secret, lookup};
use crate::credential::GitCredentialValue;
use crate::secrets::{FieldError, InMemorySecrets, Secret};

const KEY: &str = "-----BEGIN OPENSSH PRIVATE KEY-----TOPSECRET";

fn secret(fields: &[(&str, &str)]) -> Secret {
    fields
        .iter()
        .fold(Secret::new("team", "git-creds"), |s, (k, v)| {
            s.with_field(*k, *v)
        })
}

fn missing_field(result: Result<GitCredentialValue, GitSecretError>) -> String {
    match result {
        Err(GitSecretError::BadSecret { source, .. }) => match *source {
            FieldError::Missing { field, .. } => field,
            other => panic!("expected a missing field, got {other:?}"),
        },
        other => panic!("expected a missing field, got {other:?}"),
    }
}

#[test]
fn namespace_must_be_the_app_namespace() {
    assert!(check_namespace(None, "team").is_ok());
    assert!(check_namespace(Some("team"), "team").is_ok());
    let error = check_namespace(Some("other"), "team").unwrap_err();
    assert_eq!(
        error.to_string(),
        "secret namespace `other` differs from app namespace `team`"
    );
}

#[test]
fn ssh_urls_need_an_ssh_key_and_verify_host_keys_by_default() {
    let with_key = secret(&[("sshPrivateKey", KEY), ("username", "u")]);
    for url in [
        "git@github.com:org/repo.git",
        "ssh://git@github.com/org/repo",
        "ssh://host/repo",
    ] {
        let value = from_secret(&with_key, url).unwrap();
        assert!(
            matches!(
                value,
                GitCredentialValue::Ssh {
                    insecure: false,
                    ..
                }
            ),
            "{url}"
        );
    }
    let insecure = secret(&[("sshPrivateKey", KEY), ("insecure", "true")]);
    let value = from_secret(&insecure, "git@github.com:org/repo").unwrap();
    assert!(matches!(
        value,
        GitCredentialValue::Ssh { insecure: true, .. }
    ));
    let https_only = secret(&[("username", "u"), ("password", "p")]);
    assert_eq!(
        missing_field(from_secret(&https_only, "git@github.com:o/r")),
        "sshPrivateKey"
    );
}

#[test]
fn https_urls_take_username_and_password() {
    let value = from_secret(
        &secret(&[("username", "bot"), ("password", "pw")]),
        "https://h/r",
    );
    let Ok(GitCredentialValue::Https {
        username,
        password,
        insecure,
        ..
    }) = value
    else {
        panic!("not https: {value:?}");
    };
    assert_eq!(
        (username.as_str(), password.expose(), insecure),
        ("bot", "pw", false)
    );
    assert_eq!(
        missing_field(from_secret(&secret(&[("username", "bot")]), "https://h/r")),
        "password"
    );
}

#[test]
fn https_prefers_a_complete_github_app() {
    let app = [
        ("githubAppID", "12"),
        ("githubAppInstallationID", "34"),
        ("githubAppPrivateKey", "APP-KEY"),
        ("username", "bot"),
        ("password", "pw"),
        ("insecure", "1"),
    ];
    let value = from_secret(&secret(&app), "https://github.com/o/r").unwrap();
    let GitCredentialValue::GitHubApp { app, insecure, .. } = value else {
        panic!("not a github app");
    };
    assert_eq!((app.app_id, app.installation_id, insecure), (12, 34, true));
    let no_installation = secret(&[("githubAppID", "12"), ("githubAppPrivateKey", "K")]);
    let result = from_secret(&no_installation, "https://github.com/o/r");
    assert_eq!(missing_field(result), "githubAppInstallationID");
    let bad_id = secret(&[("githubAppID", "twelve"), ("githubAppInstallationID", "34")]);
    let result = from_secret(&bad_id, "https://github.com/o/r");
    assert!(matches!(
        result,
        Err(GitSecretError::BadSecret { source, .. }) if matches!(*source, FieldError::NotANumber { .. })
    ));
}

#[test]
fn https_without_app_or_username_is_an_error() {
    let error = from_secret(&secret(&[("password", "pw")]), "https://h/r").unwrap_err();
    assert_eq!(
        error.to_string(),
        "git credentials secret `team/git-creds` contains neither `githubAppID` nor `username` \
         for an https repository"
    );
}

#[test]
fn other_schemes_are_an_unknown_repository_type() {
    let full = secret(&[("username", "u"), ("password", "p"), ("sshPrivateKey", KEY)]);
    for url in [
        "http://u:TOPSECRET@h/r",
        "git://h/r",
        "/srv/repo",
        "file:///srv/repo",
    ] {
        let error = from_secret(&full, url).unwrap_err();
        assert!(
            matches!(error, GitSecretError::UnknownRepositoryType { .. }),
            "{url}"
        );
        assert!(
            error.to_string().starts_with("unknown repository type"),
            "{error}"
        );
        assert!(!error.to_string().contains("TOPSECRET"), "{error}");
    }
}

#[tokio::test]
async fn lookup_reads_the_app_namespace_and_reports_missing_secrets() {
    let store: InMemorySecrets = [
        secret(&[("sshPrivateKey", KEY)]),
        Secret::new("other", "git-creds").with_field("sshPrivateKey", KEY),
    ]
    .into_iter()
    .collect();
    let url = "git@github.com:org/repo";
    let found = lookup(&store, "team", Some("team"), "git-creds", url).await;
    assert!(matches!(found, Ok(GitCredentialValue::Ssh { .. })));
    let foreign = lookup(&store, "team", Some("other"), "git-creds", url).await;
    assert!(matches!(
        foreign,
        Err(GitSecretError::NamespaceMismatch { .. })
    ));
    let error = lookup(&store, "team", None, "nope", url).await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "git credentials secret `team/nope` not found"
    );
}
