//! Secrets never leak: not the password, not its Basic encoding, not a bearer token, in any
//! error's `Display`, `Debug` or cause chain.

use base64::Engine as _;
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{TestProvider, bearer_challenge, chain, client_with, fast_options};

const PASSWORD: &str = "s3cr3t-Hunter2-password";
const TOKEN: &str = "eyJ-secret-bearer-token";

fn assert_no_secret(error: &updater_registry::client::RegistryError) {
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("alice:{PASSWORD}"));
    for text in [error.to_string(), format!("{error:?}"), chain(error)] {
        for secret in [PASSWORD, basic.as_str(), TOKEN] {
            assert!(!text.contains(secret), "secret in {text}");
        }
    }
}

#[tokio::test]
async fn refused_basic_credentials_are_not_shown() {
    let server = MockServer::start().await;
    Mock::given(path("/v2/org/app/tags/list"))
        .respond_with(
            ResponseTemplate::new(401)
                .insert_header("www-authenticate", r#"Basic realm="r""#)
                .set_body_json(serde_json::json!({"errors": [{"code": "UNAUTHORIZED", "message": "bad credentials"}]})),
        )
        .mount(&server)
        .await;
    let provider = TestProvider::new("alice", &[PASSWORD]);
    let client = client_with(&server, Some(provider), fast_options());
    let error = client.list_tags("org/app").await.unwrap_err();
    assert_eq!(error.kind(), "auth");
    assert_no_secret(&error);
    assert!(!format!("{client:?}").contains(PASSWORD));
}

#[tokio::test]
async fn refused_bearer_token_is_not_shown() {
    let server = MockServer::start().await;
    Mock::given(path("/v2/org/app/manifests/1.0"))
        .respond_with(
            ResponseTemplate::new(401)
                .insert_header("www-authenticate", bearer_challenge(&server.uri())),
        )
        .mount(&server)
        .await;
    Mock::given(path("/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"token": TOKEN})))
        .mount(&server)
        .await;
    let provider = TestProvider::new("alice", &[PASSWORD]);
    let client = client_with(&server, Some(provider), fast_options());
    let error = client.get_manifest("org/app", "1.0").await.unwrap_err();
    assert_eq!(error.kind(), "auth");
    assert_no_secret(&error);
}

#[tokio::test]
async fn token_service_failures_do_not_show_credentials() {
    let server = MockServer::start().await;
    Mock::given(path("/v2/org/app/tags/list"))
        .respond_with(
            ResponseTemplate::new(401)
                .insert_header("www-authenticate", bearer_challenge(&server.uri())),
        )
        .mount(&server)
        .await;
    Mock::given(path("/token"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(format!("{{\"token\": \"{TOKEN}"), "application/json"),
        )
        .mount(&server)
        .await;
    let provider = TestProvider::new("alice", &[PASSWORD]);
    let error = client_with(&server, Some(provider), fast_options())
        .list_tags("org/app")
        .await
        .unwrap_err();
    assert_eq!(error.kind(), "parse");
    assert_no_secret(&error);
}
