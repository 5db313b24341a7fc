//! Every authentication and TLS mode starts, accepts seeding, and lists what was pushed.

use reqwest::StatusCode;
use updater_testkit::{AuthMode, ImageSpec, RegistryOptions, RegistryServer};

use crate::{client, list_tags};

/// Starts a registry, pushes three tags to it and lists them back with a raw request.
async fn seed_and_list(options: RegistryOptions) -> RegistryServer {
    let server = RegistryServer::start(options).unwrap();
    let seeder = server.seeder().unwrap();
    seeder
        .push_image("myorg/app", "v1.0.0", &ImageSpec::default())
        .await
        .unwrap();
    seeder
        .push_tags("myorg/app", &["v1.1.0", "latest"])
        .await
        .unwrap();
    assert_eq!(
        list_tags(&server, "myorg/app").await,
        ["latest", "v1.0.0", "v1.1.0"]
    );
    server
}

#[tokio::test]
async fn anonymous() {
    let server = seed_and_list(RegistryOptions::default()).await;
    assert!(server.url().starts_with("http://127.0.0.1:"));
    assert_eq!(server.url(), format!("http://{}", server.host()));
    assert_eq!((server.username(), server.ca_pem()), (None, None));
}

#[tokio::test]
async fn htpasswd() {
    let server = seed_and_list(RegistryOptions::new(AuthMode::Htpasswd)).await;
    assert_eq!(server.username(), Some("testuser"));
    assert_eq!(server.password(), Some("testpass"));
    let url = format!("{}/v2/myorg/app/tags/list", server.url());
    let anonymous = client(&server).get(&url).send().await.unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    let wrong = client(&server)
        .get(&url)
        .basic_auth("testuser", Some("nope"));
    assert_eq!(
        wrong.send().await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn token() {
    let server = seed_and_list(RegistryOptions::new(AuthMode::Token)).await;
    let url = format!("{}/v2/myorg/app/tags/list", server.url());
    let anonymous = client(&server).get(&url).send().await.unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    let challenge = anonymous.headers()["www-authenticate"].to_str().unwrap();
    let realm = server.token_realm().unwrap();
    assert!(
        challenge.starts_with(&format!(
            "Bearer realm=\"{realm}\",service=\"test-registry\""
        )),
        "{challenge}"
    );
}

#[tokio::test]
async fn tls_anonymous() {
    let server = seed_and_list(RegistryOptions::default().with_tls()).await;
    assert!(server.url().starts_with("https://127.0.0.1:"));
    assert!(server.ca_pem().unwrap().exists());
    // Without the test CA the certificate is not trusted: proof the port really speaks TLS.
    updater_testkit::install_crypto();
    let untrusting = reqwest::Client::builder()
        .tls_certs_only([])
        .build()
        .unwrap();
    let result = untrusting.get(format!("{}/v2/", server.url())).send().await;
    assert!(result.is_err());
}

#[tokio::test]
async fn tls_htpasswd() {
    let server = seed_and_list(RegistryOptions::new(AuthMode::Htpasswd).with_tls()).await;
    assert!(server.url().starts_with("https://"));
}
