//! Unit tests for the pure repository-credential lookup over a realistic Argo CD secret set.

use super::{RepoCredsError, resolve};
use crate::credential::GitCredentialValue;
use crate::secrets::Secret;

const NS: &str = "argocd";

fn entry(name: &str, url: &str, fields: &[(&str, &str)]) -> Secret {
    with_fields(Secret::new(NS, name).with_field("url", url), fields)
}

fn with_fields(mut secret: Secret, fields: &[(&str, &str)]) -> Secret {
    for (key, value) in fields {
        secret = secret.with_field(*key, *value);
    }
    secret
}

fn repositories() -> Vec<Secret> {
    vec![
        entry(
            "app",
            "https://github.com/acme/app.git",
            &[("username", "bot"), ("password", "app-token")],
        ),
        entry(
            "app-team-a",
            "https://github.com/acme/app",
            &[("project", "team-a"), ("password", "team-a-token")],
        ),
        entry(
            "stuff-team-b",
            "https://github.com/acme/stuff",
            &[("project", "team-b"), ("password", "team-b-token")],
        ),
        entry(
            "infra-ssh",
            "git@github.com:acme/infra.git",
            &[("sshPrivateKey", "SSH-KEY-INFRA"), ("insecure", "true")],
        ),
        entry("public", "https://github.com/acme/public", &[]),
        entry(
            "ghapp",
            "https://github.com/acme/ghapp",
            &[
                ("githubAppID", "123"),
                ("githubAppInstallationID", "456"),
                ("githubAppPrivateKey", "APP-KEY"),
                ("githubAppEnterpriseBaseUrl", "https://ghe.acme.test/api/v3"),
            ],
        ),
    ]
}

fn templates() -> Vec<Secret> {
    vec![
        entry(
            "github",
            "https://github.com/",
            &[("username", "x"), ("password", "github-wide")],
        ),
        entry(
            "acme",
            "https://github.com/acme",
            &[("password", "acme-token"), ("insecure", "true")],
        ),
        entry(
            "acme-team-b",
            "https://github.com/acme/",
            &[("project", "team-b"), ("password", "acme-team-b")],
        ),
        entry(
            "gitlab-ssh",
            "git@gitlab.com:",
            &[("sshPrivateKey", "SSH-KEY-GITLAB")],
        ),
        entry(
            "gcp",
            "https://source.developers.google.com/p/proj",
            &[("gcpServiceAccountKey", "{\"type\":\"service_account\"}")],
        ),
    ]
}

fn lookup(url: &str, project: &str) -> Result<GitCredentialValue, RepoCredsError> {
    resolve(&repositories(), &templates(), url, project)
}

/// The password (HTTPS) or key (SSH) chosen, to compare against fixtures.
fn chosen(url: &str, project: &str) -> String {
    match lookup(url, project).unwrap() {
        GitCredentialValue::Https { password, .. } => password.into_exposed(),
        GitCredentialValue::Ssh { private_key, .. } => private_key.into_exposed(),
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn exact_entry_beats_templates() {
    assert_eq!(
        chosen("https://github.com/acme/app", "default"),
        "app-token"
    );
    let GitCredentialValue::Https {
        username, insecure, ..
    } = lookup("https://github.com/acme/app", "default").unwrap()
    else {
        panic!("not https");
    };
    assert_eq!((username.as_str(), insecure), ("bot", false));
}

#[test]
fn entry_urls_are_normalised() {
    for url in [
        "https://github.com/acme/app.git",
        "https://github.com/acme/app/",
        "HTTPS://GitHub.COM/acme/app",
        "https://github.com/Acme/App.git/",
    ] {
        assert_eq!(chosen(url, "default"), "app-token", "{url}");
    }
    assert_eq!(
        chosen("ssh://git@github.com/acme/infra", "default"),
        "SSH-KEY-INFRA"
    );
}

#[test]
fn project_scoped_entry_beats_unscoped_and_binds_to_its_project() {
    assert_eq!(
        chosen("https://github.com/acme/app", "team-a"),
        "team-a-token"
    );
    assert_eq!(chosen("https://github.com/acme/app", "team-b"), "app-token");
    assert_eq!(
        chosen("https://github.com/acme/stuff", "team-b"),
        "team-b-token"
    );
    // Another project's entry is invisible: the template answers instead.
    assert_eq!(
        chosen("https://github.com/acme/stuff", "default"),
        "acme-token"
    );
}

#[test]
fn longest_template_prefix_wins() {
    assert_eq!(
        chosen("https://github.com/acme/new", "default"),
        "acme-token"
    );
    assert_eq!(
        chosen("https://github.com/elsewhere/new", "default"),
        "github-wide"
    );
    assert_eq!(
        chosen("git@gitlab.com:group/project.git", "default"),
        "SSH-KEY-GITLAB"
    );
}

#[test]
fn project_scoped_template_beats_unscoped_of_equal_length() {
    assert_eq!(
        chosen("https://github.com/acme/new", "team-b"),
        "acme-team-b"
    );
    assert_eq!(
        chosen("https://github.com/acme/new", "team-a"),
        "acme-token"
    );
}

#[test]
fn templates_match_at_path_boundaries_only() {
    assert_eq!(
        chosen("https://github.com/acmecorp/x", "default"),
        "github-wide"
    );
    let spoof = lookup("https://github.com.attacker.test/acme/app", "default");
    assert!(matches!(spoof, Err(RepoCredsError::NotConfigured { .. })));
}

#[test]
fn entry_without_credentials_is_filled_from_a_template() {
    assert_eq!(
        chosen("https://github.com/acme/public", "default"),
        "acme-token"
    );
}

#[test]
fn template_insecure_flag_is_ignored_and_entry_flag_kept() {
    let from_template = lookup("https://github.com/acme/new", "default").unwrap();
    assert!(matches!(
        from_template,
        GitCredentialValue::Https {
            insecure: false,
            ..
        }
    ));
    let ssh = lookup("git@github.com:acme/infra", "default").unwrap();
    assert!(matches!(
        ssh,
        GitCredentialValue::Ssh { insecure: true, .. }
    ));
}

#[test]
fn github_app_and_gcp_credentials() {
    let GitCredentialValue::GitHubApp { app, .. } =
        lookup("https://github.com/acme/ghapp", "default").unwrap()
    else {
        panic!("not a github app");
    };
    assert_eq!((app.app_id, app.installation_id), (123, 456));
    assert_eq!(app.private_key.expose(), "APP-KEY");
    assert_eq!(
        app.enterprise_base_url.as_deref(),
        Some("https://ghe.acme.test/api/v3")
    );
    let gcp = lookup(
        "https://source.developers.google.com/p/proj/r/repo",
        "default",
    )
    .unwrap();
    assert!(matches!(gcp, GitCredentialValue::Gcp { .. }));
}

fn only(url: &str, fields: &[(&str, &str)]) -> GitCredentialValue {
    resolve(&[entry("only", url, fields)], &[], url, "default").unwrap()
}

#[test]
fn priority_is_password_then_ssh_then_github_app_then_gcp() {
    let url = "https://git.example.test/team/repo";
    let app = [
        ("githubAppID", "1"),
        ("githubAppInstallationID", "2"),
        ("githubAppPrivateKey", "K"),
    ];
    let gcp = ("gcpServiceAccountKey", "G");
    let mut all = vec![("password", "P"), ("sshPrivateKey", "S"), gcp];
    all.extend(app);
    assert!(matches!(only(url, &all), GitCredentialValue::Https { .. }));
    assert!(matches!(
        only(url, &all[1..]),
        GitCredentialValue::Ssh { .. }
    ));
    assert!(matches!(
        only(url, &all[2..]),
        GitCredentialValue::GitHubApp { .. }
    ));
    assert!(matches!(
        only(url, &all[2..4]),
        GitCredentialValue::Gcp { .. }
    ));
}

#[test]
fn https_carries_client_cert_proxy_and_basic_auth_flag() {
    let url = "https://git.example.test/team/repo";
    let fields = [
        ("password", "P"),
        ("tlsClientCertData", "CERT"),
        ("tlsClientCertKey", "CERT-KEY"),
        ("proxy", "http://user:pw@proxy:3128"),
        ("forceHttpBasicAuth", "true"),
    ];
    let GitCredentialValue::Https {
        client_cert,
        proxy,
        force_basic_auth,
        username,
        ..
    } = only(url, &fields)
    else {
        panic!("not https");
    };
    assert_eq!(client_cert.map(|c| c.cert), Some("CERT".to_owned()));
    assert!(proxy.is_some() && force_basic_auth && username.is_empty());
}

#[test]
fn credentials_without_a_usable_kind_are_none() {
    let url = "https://git.example.test/team/repo";
    assert_eq!(only(url, &[("username", "bot")]), GitCredentialValue::None);
    let partial_app = [("githubAppPrivateKey", "K"), ("githubAppID", "1")];
    assert_eq!(only(url, &partial_app), GitCredentialValue::None);
}

#[test]
fn missing_credentials_name_the_repository_without_userinfo() {
    let error = lookup("https://bot:hunter2@bitbucket.example/x/y", "default").unwrap_err();
    assert_eq!(
        error.to_string(),
        "credentials for `https://bitbucket.example/x/y` are not configured in argo cd settings"
    );
    assert!(!format!("{error:?}").contains("hunter2"));
}

#[test]
fn malformed_chosen_secret_is_an_error_without_its_value() {
    let url = "https://git.example.test/team/repo";
    let bad = entry(
        "bad",
        url,
        &[("password", "TOPSECRET"), ("insecure", "TOPSECRET")],
    );
    let error = resolve(&[bad], &[], url, "default").unwrap_err();
    assert_eq!(
        error.to_string(),
        "argo cd repository secret `argocd/bad` is unusable"
    );
    let chain = format!("{error:?} {}", std::error::Error::source(&error).unwrap());
    assert!(
        chain.contains("`insecure`") && !chain.contains("TOPSECRET"),
        "{chain}"
    );
}

#[test]
fn unreadable_unrelated_secrets_are_skipped() {
    let mut repositories = repositories();
    repositories.insert(0, Secret::new(NS, "broken").with_field("url", vec![0xff]));
    let result = resolve(
        &repositories,
        &templates(),
        "https://github.com/acme/app",
        "default",
    );
    assert!(matches!(result, Ok(GitCredentialValue::Https { .. })));
}

#[test]
fn no_secrets_at_all_is_not_configured() {
    let result = resolve(&[], &[], "https://github.com/acme/app", "default");
    assert!(matches!(result, Err(RepoCredsError::NotConfigured { .. })));
}

#[test]
fn template_fills_only_what_the_entry_leaves_empty() {
    let url = "https://git.example.test/team/repo";
    let entry = entry("entry", url, &[("proxy", "http://entry-proxy:3128")]);
    let template = entry_template();
    let value = resolve(&[entry], &[template], url, "default").unwrap();
    let GitCredentialValue::Https {
        password, proxy, ..
    } = value
    else {
        panic!("not https");
    };
    assert_eq!(password.expose(), "TEMPLATE-PW");
    assert_eq!(
        proxy.map(|p| p.into_exposed()).as_deref(),
        Some("http://entry-proxy:3128")
    );
}

fn entry_template() -> Secret {
    let fields = [
        ("password", "TEMPLATE-PW"),
        ("proxy", "http://template-proxy:3128"),
    ];
    entry("template", "https://git.example.test", &fields)
}
