//! Cost controls and accounting: rate limiter spacing, request counts, Docker Hub's
//! `ratelimit-remaining`, and TLS settings that fail at construction.

use std::time::{Duration, Instant};

use updater_registry::client::{ClientOptions, RegistryClient};
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{chain, client, client_with, endpoint, fast_options, tags_body};

#[tokio::test]
async fn rate_limit_spaces_requests() {
    let server = MockServer::start().await;
    Mock::given(path("/v2/org/app/tags/list"))
        .respond_with(ResponseTemplate::new(200).set_body_json(tags_body(&["a"])))
        .expect(6)
        .mount(&server)
        .await;
    let options = ClientOptions {
        rate_limit: Some(5),
        ..fast_options()
    };
    let client = client_with(&server, None, options);
    let started = Instant::now();
    for _ in 0..6 {
        client.list_tags("org/app").await.unwrap();
    }
    let elapsed = started.elapsed();
    println!("6 requests at 5/s took {elapsed:?}");
    assert!(elapsed >= Duration::from_millis(950), "{elapsed:?}");
}

#[tokio::test]
async fn endpoint_limit_applies_when_options_leave_it_unset() {
    let server = MockServer::start().await;
    Mock::given(path("/v2/org/app/tags/list"))
        .respond_with(ResponseTemplate::new(200).set_body_json(tags_body(&["a"])))
        .mount(&server)
        .await;
    let mut endpoint = endpoint(&server.uri());
    endpoint.limit = Some(10);
    let options = ClientOptions {
        rate_limit: None,
        ..fast_options()
    };
    let client = RegistryClient::new(endpoint, None, options).unwrap();
    let started = Instant::now();
    for _ in 0..4 {
        client.list_tags("org/app").await.unwrap();
    }
    assert!(
        started.elapsed() >= Duration::from_millis(280),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn counts_by_outcome_and_kind() {
    let server = MockServer::start().await;
    Mock::given(path("/v2/org/app/tags/list"))
        .respond_with(ResponseTemplate::new(200).set_body_json(tags_body(&["a"])))
        .mount(&server)
        .await;
    Mock::given(path("/v2/org/app/manifests/missing"))
        .respond_with(ResponseTemplate::new(404))
        .mount(&server)
        .await;
    Mock::given(path("/v2/org/app/manifests/broken"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&server)
        .await;
    let client = client(&server);
    assert_eq!(client.request_counts().total(), 0);
    client.list_tags("org/app").await.unwrap();
    client.get_manifest("org/app", "missing").await.unwrap_err();
    client.head_manifest("org/app", "broken").await.unwrap_err();
    let counts = client.request_counts();
    assert_eq!(
        (counts.ok, counts.client_error, counts.server_error),
        (1, 1, 3),
        "{counts:?}"
    );
    let manifests = (counts.manifest, counts.manifest_head);
    assert_eq!((counts.tags, manifests, counts.token), (1, (1, 3), 0));
    assert_eq!(counts.total(), 5);
    let kinds: u64 = counts.by_kind().iter().map(|(_, n)| n).sum();
    assert_eq!(kinds, counts.total());
}

#[tokio::test]
async fn ratelimit_remaining_is_read_from_the_last_response_carrying_it() {
    let server = MockServer::start().await;
    Mock::given(path("/v2/org/app/tags/list"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(tags_body(&["a"]))
                .insert_header("ratelimit-limit", "100;w=21600")
                .insert_header("ratelimit-remaining", "97;w=21600"),
        )
        .mount(&server)
        .await;
    Mock::given(path("/v2/org/app/manifests/1.0"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("{}", "application/json"))
        .mount(&server)
        .await;
    let client = client(&server);
    assert_eq!(client.rate_limit_remaining(), None);
    client.list_tags("org/app").await.unwrap();
    assert_eq!(client.rate_limit_remaining(), Some(97));
    client.get_manifest("org/app", "1.0").await.unwrap();
    assert_eq!(client.rate_limit_remaining(), Some(97));
}

#[test]
fn bad_tls_settings_fail_at_construction() {
    updater_registry::install_crypto_provider();
    let mut with_bad_data = endpoint("https://registry.example");
    with_bad_data.ca_data = Some("not a certificate".to_owned());
    let error = RegistryClient::new(with_bad_data, None, fast_options()).unwrap_err();
    assert_eq!(error.kind(), "config");
    assert!(chain(&error).contains("ca_data"), "{}", chain(&error));

    let mut with_missing_file = endpoint("https://registry.example");
    with_missing_file.ca_file = Some("/nonexistent/ca.pem".to_owned());
    let error = RegistryClient::new(with_missing_file, None, fast_options()).unwrap_err();
    assert!(
        chain(&error).contains("/nonexistent/ca.pem"),
        "{}",
        chain(&error)
    );

    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("ca.pem");
    std::fs::write(&empty, "").unwrap();
    let mut with_empty_file = endpoint("https://registry.example");
    with_empty_file.ca_file = Some(empty.display().to_string());
    let error = RegistryClient::new(with_empty_file, None, fast_options()).unwrap_err();
    assert_eq!(error.kind(), "config");

    let mut insecure = endpoint("https://registry.example");
    insecure.insecure = true;
    insecure.ca_data = Some("ignored when insecure".to_owned());
    RegistryClient::new(insecure, None, fast_options()).unwrap();

    let error =
        RegistryClient::new(endpoint("ftp://registry.example"), None, fast_options()).unwrap_err();
    assert_eq!(error.kind(), "config");
}

#[test]
fn userinfo_in_api_url_is_dropped() {
    let client = RegistryClient::new(
        endpoint("https://user:hunter2@registry.example/"),
        None,
        fast_options(),
    )
    .unwrap();
    assert_eq!(client.registry(), "https://registry.example");
    assert!(!format!("{client:?}").contains("hunter2"));
}
