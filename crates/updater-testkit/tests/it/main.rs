//! Integration tests of the testkit against the real `docker-registry`: every auth/TLS mode
//! starts and can be seeded, the token service behaves like `token-server.py`, and servers
//! clean up after themselves.

mod git;
mod git_auth;
mod git_lifecycle;
mod git_transports;
mod kube;
mod kube_watch;
mod lifecycle;
mod modes;
mod seeding;
mod store_seeding;
mod token;

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use reqwest::{Client, StatusCode, header};
use serde_json::Value;
use updater_testkit::{AuthMode, RegistryServer, media_type};

/// A client that trusts the server's CA in TLS mode.
fn client(server: &RegistryServer) -> Client {
    updater_testkit::install_crypto();
    let mut builder = Client::builder();
    if let Some(path) = server.ca_pem() {
        let pem = std::fs::read(path).unwrap();
        builder = builder.tls_certs_only([reqwest::Certificate::from_pem(&pem).unwrap()]);
    }
    builder.build().unwrap()
}

/// GET of the token endpoint with `scope` and optional Basic credentials.
async fn request_token(
    server: &RegistryServer,
    scope: &str,
    credentials: Option<(&str, &str)>,
) -> reqwest::Response {
    let realm = server.token_realm().expect("token mode");
    let url = format!("{realm}?service=test-registry&scope={scope}");
    let mut request = client(server).get(url);
    if let Some((user, password)) = credentials {
        request = request.basic_auth(user, Some(password));
    }
    request.send().await.unwrap()
}

/// The `token` of a successful token response.
async fn token_of(response: reqwest::Response) -> String {
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["token"], body["access_token"]);
    assert_eq!(body["expires_in"], 300);
    body["token"].as_str().unwrap().to_owned()
}

/// The decoded header and claims of a JWT.
fn jwt_parts(token: &str) -> (Value, Value) {
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3, "compact JWS has three parts");
    let decode = |part: &str| serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).unwrap());
    (decode(parts[0]).unwrap(), decode(parts[1]).unwrap())
}

/// The `Authorization` value to pull `repo` in the server's mode.
async fn pull_authorization(server: &RegistryServer, repo: &str) -> Option<String> {
    let credentials = server.username().zip(server.password());
    match server.options().auth {
        AuthMode::Anonymous => None,
        AuthMode::Htpasswd => {
            let (user, password) = credentials.unwrap();
            let basic = base64::engine::general_purpose::STANDARD;
            Some(format!(
                "Basic {}",
                basic.encode(format!("{user}:{password}"))
            ))
        }
        AuthMode::Token => {
            let scope = format!("repository:{repo}:pull");
            let token = token_of(request_token(server, &scope, credentials).await).await;
            Some(format!("Bearer {token}"))
        }
    }
}

/// GET `/v2/<path>` with pull authorization for `repo`.
async fn get(server: &RegistryServer, repo: &str, path: &str) -> reqwest::Response {
    let mut request = client(server)
        .get(format!("{}/v2/{path}", server.url()))
        .header(header::ACCEPT, media_type::ACCEPT_ALL);
    if let Some(authorization) = pull_authorization(server, repo).await {
        request = request.header(header::AUTHORIZATION, authorization);
    }
    request.send().await.unwrap()
}

/// The sorted tags of `repo`.
async fn list_tags(server: &RegistryServer, repo: &str) -> Vec<String> {
    let response = get(server, repo, &format!("{repo}/tags/list")).await;
    assert_eq!(response.status(), StatusCode::OK, "{}", server.log_tail());
    let body: Value = response.json().await.unwrap();
    let mut tags: Vec<String> = serde_json::from_value(body["tags"].clone()).unwrap();
    tags.sort();
    tags
}

/// A manifest's `Content-Type`, `Docker-Content-Digest` and body.
async fn manifest(server: &RegistryServer, repo: &str, reference: &str) -> (String, String, Value) {
    let response = get(server, repo, &format!("{repo}/manifests/{reference}")).await;
    assert_eq!(response.status(), StatusCode::OK, "{}", server.log_tail());
    let header_of = |name: &str| {
        let value = response.headers().get(name).unwrap();
        value.to_str().unwrap().to_owned()
    };
    let (content_type, digest) = (
        header_of("content-type"),
        header_of("docker-content-digest"),
    );
    (content_type, digest, response.json().await.unwrap())
}

/// A blob parsed as JSON (configs).
async fn json_blob(server: &RegistryServer, repo: &str, digest: &str) -> Value {
    let response = get(server, repo, &format!("{repo}/blobs/{digest}")).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}
