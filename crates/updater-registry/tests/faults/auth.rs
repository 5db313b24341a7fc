//! Authentication: Bearer with token caching and coalescing, anonymous Bearer, Basic, and the
//! one refresh-and-retry after a refusal.

use std::time::Duration;

use wiremock::matchers::{basic_auth, bearer_token, header_exists, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use crate::support::{
    TestProvider, bearer_challenge, chain, client, client_with, fast_options, tags_body,
};

const TAGS: &str = "/v2/org/app/tags/list";
const MANIFEST: &str = "/v2/org/app/manifests/1.0";

fn no_authorization(request: &Request) -> bool {
    !request.headers.contains_key("authorization")
}

fn registry_api(request: &Request) -> bool {
    request.url.path().starts_with("/v2/")
}

/// The registry: `token` opens tags and a manifest; no header gets the Bearer challenge
/// (`challenges` times); a wrong token gets 401.
async fn mount_bearer_registry(server: &MockServer, token: &str, challenges: u64) {
    Mock::given(path(TAGS))
        .and(bearer_token(token))
        .respond_with(ResponseTemplate::new(200).set_body_json(tags_body(&["1.0"])))
        .mount(server)
        .await;
    Mock::given(path(MANIFEST))
        .and(bearer_token(token))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"schemaVersion":2}"#,
            "application/vnd.oci.image.manifest.v1+json",
        ))
        .mount(server)
        .await;
    Mock::given(no_authorization)
        .and(registry_api)
        .respond_with(
            ResponseTemplate::new(401)
                .insert_header("www-authenticate", bearer_challenge(&server.uri())),
        )
        .expect(challenges)
        .mount(server)
        .await;
    Mock::given(header_exists("authorization"))
        .and(registry_api)
        .respond_with(ResponseTemplate::new(401).set_body_json(serde_json::json!({
            "errors": [{"code": "UNAUTHORIZED", "message": "authentication required"}]
        })))
        .mount(server)
        .await;
}

fn token_response(token: &str, expires_in: u64) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(serde_json::json!({
        "token": token, "access_token": token, "expires_in": expires_in, "issued_at": "2026-01-01T00:00:00Z"
    }))
}

#[tokio::test]
async fn bearer_token_is_fetched_once_and_reused() {
    let server = MockServer::start().await;
    mount_bearer_registry(&server, "tok-1", 1).await;
    Mock::given(method("GET"))
        .and(path("/token"))
        .and(basic_auth("alice", "pw"))
        .and(query_param("service", "test-registry"))
        .and(query_param("scope", "repository:org/app:pull"))
        .respond_with(token_response("tok-1", 300))
        .expect(1)
        .mount(&server)
        .await;
    let client = client_with(
        &server,
        Some(TestProvider::new("alice", &["pw"])),
        fast_options(),
    );
    for _ in 0..3 {
        assert_eq!(client.list_tags("org/app").await.unwrap(), ["1.0"]);
    }
    let manifest = client.get_manifest("org/app", "1.0").await.unwrap();
    assert_eq!(
        manifest.media_type,
        "application/vnd.oci.image.manifest.v1+json"
    );
    let counts = client.request_counts();
    assert_eq!(
        (counts.token, counts.auth, counts.ok),
        (1, 1, 5),
        "{counts:?}"
    );
}

#[tokio::test]
async fn concurrent_misses_share_one_token_fetch() {
    let server = MockServer::start().await;
    mount_bearer_registry(&server, "tok-1", 1).await;
    Mock::given(path("/token"))
        .respond_with(token_response("tok-1", 300).set_delay(Duration::from_millis(200)))
        .expect(1)
        .mount(&server)
        .await;
    let client = std::sync::Arc::new(client(&server));
    client.ping().await.unwrap();
    let calls = (0..8).map(|_| {
        let client = client.clone();
        tokio::spawn(async move { client.list_tags("org/app").await })
    });
    for result in futures::future::join_all(calls).await {
        assert_eq!(result.unwrap().unwrap(), ["1.0"]);
    }
}

#[tokio::test]
async fn expired_token_is_fetched_again() {
    let server = MockServer::start().await;
    mount_bearer_registry(&server, "tok-1", 1).await;
    Mock::given(path("/token"))
        .respond_with(token_response("tok-1", 1))
        .expect(2)
        .mount(&server)
        .await;
    let client = client(&server);
    client.list_tags("org/app").await.unwrap();
    client.list_tags("org/app").await.unwrap();
    // A 1 s token is kept for half its life.
    tokio::time::sleep(Duration::from_millis(600)).await;
    client.list_tags("org/app").await.unwrap();
}

#[tokio::test]
async fn anonymous_bearer_sends_no_credentials_and_reads_access_token() {
    let server = MockServer::start().await;
    mount_bearer_registry(&server, "anon", 1).await;
    Mock::given(path("/token"))
        .and(no_authorization)
        .and(query_param("scope", "repository:org/app:pull"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(serde_json::json!({"access_token": "anon"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    assert_eq!(client(&server).list_tags("org/app").await.unwrap(), ["1.0"]);
}

#[tokio::test]
async fn basic_challenge_sends_credentials() {
    let server = MockServer::start().await;
    Mock::given(path(TAGS))
        .and(basic_auth("bob", "pw"))
        .respond_with(ResponseTemplate::new(200).set_body_json(tags_body(&["x"])))
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(no_authorization)
        .respond_with(
            ResponseTemplate::new(401)
                .insert_header("www-authenticate", r#"Basic realm="test-realm""#),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = client_with(
        &server,
        Some(TestProvider::new("bob", &["pw"])),
        fast_options(),
    );
    assert_eq!(client.list_tags("org/app").await.unwrap(), ["x"]);
    // The scheme is remembered: the second call authenticates up front.
    assert_eq!(client.list_tags("org/app").await.unwrap(), ["x"]);
}

#[tokio::test]
async fn basic_challenge_without_credentials_is_an_auth_error() {
    let server = MockServer::start().await;
    Mock::given(path(TAGS))
        .respond_with(
            ResponseTemplate::new(401)
                .insert_header("www-authenticate", r#"Basic realm="test-realm""#),
        )
        .expect(1)
        .mount(&server)
        .await;
    let error = client(&server).list_tags("org/app").await.unwrap_err();
    assert_eq!(error.kind(), "auth");
    assert!(
        chain(&error).contains("no credentials"),
        "{}",
        chain(&error)
    );
}

/// Stale credentials get a token the registry refuses; after one refresh the provider hands
/// out the new password, whose token works.
#[tokio::test]
async fn refusal_after_auth_refreshes_credentials_once_and_retries() {
    let server = MockServer::start().await;
    mount_bearer_registry(&server, "fresh", 1).await;
    Mock::given(path("/token"))
        .and(basic_auth("alice", "old"))
        .respond_with(token_response("stale", 300))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/token"))
        .and(basic_auth("alice", "new"))
        .respond_with(token_response("fresh", 300))
        .expect(1)
        .mount(&server)
        .await;
    let provider = TestProvider::new("alice", &["old", "new"]);
    let client = client_with(&server, Some(provider.clone()), fast_options());
    assert_eq!(client.list_tags("org/app").await.unwrap(), ["1.0"]);
    assert_eq!(provider.refreshes(), 1);
}

#[tokio::test]
async fn refusal_after_refresh_fails_naming_registry_and_repository() {
    let server = MockServer::start().await;
    mount_bearer_registry(&server, "never-issued", 1).await;
    Mock::given(path("/token"))
        .respond_with(token_response("useless", 300))
        .expect(2)
        .mount(&server)
        .await;
    let provider = TestProvider::new("alice", &["pw"]);
    let client = client_with(&server, Some(provider.clone()), fast_options());
    let error = client.list_tags("org/app").await.unwrap_err();
    assert_eq!(error.kind(), "auth");
    let text = chain(&error);
    assert!(
        text.contains(&server.uri()) && text.contains("`org/app`"),
        "{text}"
    );
    assert!(text.contains("UNAUTHORIZED"), "{text}");
    assert_eq!(provider.refreshes(), 1);
    // First try, challenge answered, one refreshed retry: no more.
    assert_eq!(client.request_counts().tags, 3);
}

#[tokio::test]
async fn token_service_refusing_credentials_refreshes_once() {
    let server = MockServer::start().await;
    mount_bearer_registry(&server, "fresh", 1).await;
    Mock::given(path("/token"))
        .and(basic_auth("alice", "old"))
        .respond_with(ResponseTemplate::new(401))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/token"))
        .and(basic_auth("alice", "new"))
        .respond_with(token_response("fresh", 300))
        .expect(1)
        .mount(&server)
        .await;
    let provider = TestProvider::new("alice", &["old", "new"]);
    let client = client_with(&server, Some(provider.clone()), fast_options());
    assert_eq!(client.list_tags("org/app").await.unwrap(), ["1.0"]);
    assert_eq!(provider.refreshes(), 1);
}

#[tokio::test]
async fn ping_accepts_200_and_401_only() {
    let server = MockServer::start().await;
    Mock::given(path("/v2/"))
        .respond_with(
            ResponseTemplate::new(401)
                .insert_header("www-authenticate", bearer_challenge(&server.uri())),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path("/v2/"))
        .respond_with(ResponseTemplate::new(200))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path("/v2/"))
        .respond_with(ResponseTemplate::new(404))
        .mount(&server)
        .await;
    let client = client(&server);
    client.ping().await.unwrap();
    client.ping().await.unwrap();
    let error = client.ping().await.unwrap_err();
    assert_eq!(error.kind(), "client_error");
    assert_eq!(client.request_counts().ping, 3);
}

/// A provider whose source is gone.
struct BrokenProvider;

impl updater_registry::credentials::CredentialProvider for BrokenProvider {
    fn credentials(
        &self,
        _refresh: bool,
    ) -> updater_registry::credentials::BoxFuture<
        '_,
        Result<
            updater_registry::secret::Credentials,
            updater_registry::credentials::CredentialFetchError,
        >,
    > {
        Box::pin(async {
            Err(
                updater_registry::credentials::CredentialFetchError::Unavailable {
                    source_ref: "env:MISSING".to_owned(),
                    reason: "env `MISSING` is not set".to_owned(),
                },
            )
        })
    }

    fn describe(&self) -> String {
        "env:MISSING".to_owned()
    }
}

#[tokio::test]
async fn failing_credential_provider_is_a_credentials_error() {
    let server = MockServer::start().await;
    Mock::given(path(TAGS))
        .respond_with(
            ResponseTemplate::new(401).insert_header("www-authenticate", r#"Basic realm="r""#),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = updater_registry::client::RegistryClient::new(
        crate::support::endpoint(&server.uri()),
        Some(std::sync::Arc::new(BrokenProvider)),
        fast_options(),
    )
    .unwrap();
    let error = client.list_tags("org/app").await.unwrap_err();
    assert_eq!(error.kind(), "credentials");
    assert!(chain(&error).contains("env:MISSING"), "{}", chain(&error));
}
