//! Listing works in every auth mode the registry offers, over plain HTTP and TLS.

use updater_testkit::AuthMode;

use super::{client, start};

async fn lists_seeded_tags(auth: AuthMode, tls: bool) {
    let server = start(auth, tls);
    let seeder = server.seeder().unwrap();
    seeder
        .push_tags("org/app", &["1.0.0", "1.1.0", "2.0.0"])
        .await
        .unwrap();
    let client = client(&server);
    let mut tags = client.list_tags("org/app").await.unwrap();
    tags.sort();
    assert_eq!(tags, ["1.0.0", "1.1.0", "2.0.0"], "{auth:?} tls={tls}");
}

#[tokio::test]
async fn anonymous() {
    lists_seeded_tags(AuthMode::Anonymous, false).await;
}

#[tokio::test]
async fn basic_htpasswd() {
    lists_seeded_tags(AuthMode::Htpasswd, false).await;
}

#[tokio::test]
async fn bearer_token() {
    lists_seeded_tags(AuthMode::Token, false).await;
}

#[tokio::test]
async fn tls_anonymous() {
    lists_seeded_tags(AuthMode::Anonymous, true).await;
}

#[tokio::test]
async fn tls_basic_htpasswd() {
    lists_seeded_tags(AuthMode::Htpasswd, true).await;
}

#[tokio::test]
async fn bearer_tokens_are_cached_per_scope() {
    let server = start(AuthMode::Token, false);
    let seeder = server.seeder().unwrap();
    seeder.push_tags("org/app", &["1.0.0"]).await.unwrap();
    let before = server.token_requests();
    let client = client(&server);
    for _ in 0..3 {
        client.list_tags("org/app").await.unwrap();
        client.head_manifest("org/app", "1.0.0").await.unwrap();
    }
    assert_eq!(
        server.token_requests() - before,
        1,
        "one token for six requests"
    );
    assert_eq!(client.request_counts().token, 1);
}

#[tokio::test]
async fn wrong_password_is_an_auth_error_without_the_password() {
    let server = start(AuthMode::Htpasswd, false);
    let credentials: std::sync::Arc<dyn updater_registry::credentials::CredentialProvider> =
        std::sync::Arc::new(super::Fixed("testuser", "not-the-password"));
    let options = updater_registry::client::ClientOptions {
        tls_certs_dir: None,
        ..Default::default()
    };
    let client = updater_registry::client::RegistryClient::new(
        super::endpoint(&server),
        Some(credentials),
        options,
    )
    .unwrap();
    let error = client.list_tags("org/app").await.unwrap_err();
    assert_eq!(error.kind(), "auth", "{error}");
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains("not-the-password"), "{shown}");
}
