//! Manifests, HEAD digests and blobs: Accept list, digest checks, size caps, parse errors,
//! registry error bodies and redirects.

use sha2::{Digest, Sha256};
use updater_registry::client::{ClientOptions, MANIFEST_ACCEPT};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use crate::support::{chain, client, client_with, fast_options};

const MANIFEST: &str = "/v2/org/app/manifests/1.0";
const INDEX_TYPE: &str = "application/vnd.oci.image.index.v1+json";
const INDEX: &str =
    r#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}"#;

fn sha256(bytes: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(bytes)))
}

/// True when the request accepts every manifest type the client must ask for.
fn accepts_all_manifest_types(request: &Request) -> bool {
    let accept = request
        .headers
        .get_all("accept")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect::<Vec<_>>()
        .join(",");
    MANIFEST_ACCEPT.split(", ").all(|t| accept.contains(t))
}

#[tokio::test]
async fn get_manifest_sends_the_accept_list_and_checks_the_digest() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(MANIFEST))
        .and(accepts_all_manifest_types)
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(INDEX, INDEX_TYPE)
                .insert_header("docker-content-digest", sha256(INDEX.as_bytes())),
        )
        .expect(1)
        .mount(&server)
        .await;
    let manifest = client(&server)
        .get_manifest("org/app", "1.0")
        .await
        .unwrap();
    assert_eq!(manifest.media_type, INDEX_TYPE);
    assert_eq!(manifest.digest, sha256(INDEX.as_bytes()));
    assert_eq!(&manifest.bytes[..], INDEX.as_bytes());
}

#[tokio::test]
async fn manifest_without_digest_header_gets_the_computed_digest_and_body_media_type() {
    let server = MockServer::start().await;
    Mock::given(path(MANIFEST))
        .respond_with(ResponseTemplate::new(200).set_body_raw(INDEX, "application/json"))
        .mount(&server)
        .await;
    let manifest = client(&server)
        .get_manifest("org/app", "1.0")
        .await
        .unwrap();
    assert_eq!(manifest.digest, sha256(INDEX.as_bytes()));
    assert_eq!(manifest.media_type, INDEX_TYPE);
}

#[tokio::test]
async fn digest_mismatch_is_an_error() {
    let server = MockServer::start().await;
    Mock::given(path(MANIFEST))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(INDEX, INDEX_TYPE)
                .insert_header("docker-content-digest", sha256(b"something else")),
        )
        .mount(&server)
        .await;
    let error = client(&server)
        .get_manifest("org/app", "1.0")
        .await
        .unwrap_err();
    assert_eq!(error.kind(), "digest");
    assert!(chain(&error).contains(&sha256(b"something else")));
}

#[tokio::test]
async fn manifest_by_digest_must_hash_to_that_digest() {
    let server = MockServer::start().await;
    let asked = sha256(b"the manifest we want");
    Mock::given(path(format!("/v2/org/app/manifests/{asked}")))
        .respond_with(ResponseTemplate::new(200).set_body_raw(INDEX, INDEX_TYPE))
        .mount(&server)
        .await;
    let error = client(&server)
        .get_manifest("org/app", &asked)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), "digest");
}

#[tokio::test]
async fn malformed_manifest_is_a_parse_error_naming_the_path() {
    let server = MockServer::start().await;
    Mock::given(path(MANIFEST))
        .respond_with(ResponseTemplate::new(200).set_body_raw("{\"schemaVersion\":", INDEX_TYPE))
        .mount(&server)
        .await;
    let error = client(&server)
        .get_manifest("org/app", "1.0")
        .await
        .unwrap_err();
    assert_eq!(error.kind(), "parse");
    assert!(chain(&error).contains(MANIFEST), "{}", chain(&error));
}

#[tokio::test]
async fn malformed_tag_list_is_a_parse_error_naming_the_path() {
    let server = MockServer::start().await;
    Mock::given(path("/v2/org/app/tags/list"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw("{\"tags\": [1, 2", "application/json"),
        )
        .mount(&server)
        .await;
    let error = client(&server).list_tags("org/app").await.unwrap_err();
    assert_eq!(error.kind(), "parse");
    assert!(
        chain(&error).contains("/v2/org/app/tags/list"),
        "{}",
        chain(&error)
    );
}

#[tokio::test]
async fn oversized_manifest_is_refused() {
    let server = MockServer::start().await;
    let big = format!(r#"{{"schemaVersion":2,"pad":"{}"}}"#, "x".repeat(2048));
    Mock::given(path(MANIFEST))
        .respond_with(ResponseTemplate::new(200).set_body_raw(big, INDEX_TYPE))
        .expect(1)
        .mount(&server)
        .await;
    let options = ClientOptions {
        max_manifest_bytes: 1024,
        ..fast_options()
    };
    let error = client_with(&server, None, options)
        .get_manifest("org/app", "1.0")
        .await
        .unwrap_err();
    assert_eq!(error.kind(), "too_large");
    assert!(chain(&error).contains("1024 bytes"));
}

#[tokio::test]
async fn unknown_manifest_is_not_found_with_the_registry_code() {
    let server = MockServer::start().await;
    Mock::given(path("/v2/org/app/manifests/nope"))
        .respond_with(ResponseTemplate::new(404).set_body_json(serde_json::json!({
            "errors": [{"code": "MANIFEST_UNKNOWN", "message": "manifest unknown", "detail": {"Tag": "nope"}}]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let error = client(&server)
        .get_manifest("org/app", "nope")
        .await
        .unwrap_err();
    assert!(error.is_not_found());
    let text = chain(&error);
    assert!(
        text.contains("`MANIFEST_UNKNOWN` manifest unknown"),
        "{text}"
    );
    assert!(
        text.contains("`nope`") && text.contains("`org/app`"),
        "{text}"
    );
}

#[tokio::test]
async fn unknown_repository_is_not_found() {
    let server = MockServer::start().await;
    Mock::given(path("/v2/org/gone/tags/list"))
        .respond_with(ResponseTemplate::new(404).set_body_json(serde_json::json!({
            "errors": [{"code": "NAME_UNKNOWN", "message": "repository name not known to registry"}]
        })))
        .mount(&server)
        .await;
    let error = client(&server).list_tags("org/gone").await.unwrap_err();
    assert!(error.is_not_found(), "{error:?}");
}

#[tokio::test]
async fn head_manifest_reads_the_digest_header() {
    let server = MockServer::start().await;
    let digest = sha256(INDEX.as_bytes());
    Mock::given(method("HEAD"))
        .and(path(MANIFEST))
        .and(accepts_all_manifest_types)
        .respond_with(
            ResponseTemplate::new(200).insert_header("docker-content-digest", digest.as_str()),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("HEAD"))
        .and(path("/v2/org/app/manifests/2.0"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let client = client(&server);
    assert_eq!(
        client.head_manifest("org/app", "1.0").await.unwrap(),
        digest
    );
    let error = client.head_manifest("org/app", "2.0").await.unwrap_err();
    assert_eq!(error.kind(), "digest");
    let counts = client.request_counts();
    assert_eq!((counts.manifest_head, counts.manifest), (2, 0));
}

#[tokio::test]
async fn blob_follows_redirects_and_is_verified() {
    let server = MockServer::start().await;
    let cdn = MockServer::start().await;
    let config = br#"{"created":"2026-01-01T00:00:00Z"}"#;
    let digest = sha256(config);
    Mock::given(path(format!("/v2/org/app/blobs/{digest}")))
        .respond_with(
            ResponseTemplate::new(307)
                .insert_header("location", format!("{}/blob-store/1", cdn.uri())),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/blob-store/1"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(config.to_vec()))
        .expect(1)
        .mount(&cdn)
        .await;
    let blob = client(&server).get_blob("org/app", &digest).await.unwrap();
    assert_eq!(&blob[..], config);
}

#[tokio::test]
async fn blob_with_other_content_is_refused() {
    let server = MockServer::start().await;
    let digest = sha256(b"expected");
    Mock::given(path(format!("/v2/org/app/blobs/{digest}")))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(b"tampered".to_vec()))
        .mount(&server)
        .await;
    let error = client(&server)
        .get_blob("org/app", &digest)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), "digest");
}

#[tokio::test]
async fn oversized_blob_is_refused() {
    let server = MockServer::start().await;
    let body = vec![b'x'; 4096];
    let digest = sha256(&body);
    Mock::given(path(format!("/v2/org/app/blobs/{digest}")))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(body))
        .mount(&server)
        .await;
    let options = ClientOptions {
        max_blob_bytes: 1000,
        ..fast_options()
    };
    let error = client_with(&server, None, options)
        .get_blob("org/app", &digest)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), "too_large");
}

#[tokio::test]
async fn invalid_names_never_reach_the_registry() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    let client = client(&server);
    let cases = [
        client.list_tags("org/../admin").await.unwrap_err(),
        client.get_manifest("org/app", "1.0?x=1").await.unwrap_err(),
        client.head_manifest("org/app", "a/b").await.unwrap_err(),
        client.get_blob("org/app", "sha256:abc").await.unwrap_err(),
    ];
    for error in cases {
        assert_eq!(error.kind(), "invalid_input", "{error:?}");
    }
}
