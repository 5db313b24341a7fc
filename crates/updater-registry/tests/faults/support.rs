//! Shared fixtures: an endpoint and client per wiremock server, a scripted credential provider
//! and small helpers for bodies and error chains.

use std::error::Error;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use updater_core::registries::RegistryEndpoint;
use updater_registry::client::{ClientOptions, RegistryClient};
use updater_registry::credentials::{BoxFuture, CredentialFetchError, CredentialProvider};
use updater_registry::secret::{Credentials, Secret};
use wiremock::MockServer;

/// An endpoint whose API is `uri` (a wiremock server).
pub fn endpoint(uri: &str) -> RegistryEndpoint {
    let mut endpoint = RegistryEndpoint::inferred("127.0.0.1");
    endpoint.name = "test".to_owned();
    endpoint.api_url = uri.to_owned();
    endpoint
}

/// Options that keep fault tests fast: no rate limit, millisecond backoff, 2 retries.
pub fn fast_options() -> ClientOptions {
    ClientOptions {
        request_timeout: Duration::from_secs(5),
        max_retries: 2,
        rate_limit: Some(0),
        backoff_base: Duration::from_millis(10),
        backoff_cap: Duration::from_millis(40),
        tls_certs_dir: None,
        ..ClientOptions::default()
    }
}

pub fn client(server: &MockServer) -> RegistryClient {
    client_with(server, None, fast_options())
}

pub fn client_with(
    server: &MockServer,
    provider: Option<Arc<TestProvider>>,
    options: ClientOptions,
) -> RegistryClient {
    updater_registry::install_crypto_provider();
    let provider = provider.map(|p| p as Arc<dyn CredentialProvider>);
    RegistryClient::new(endpoint(&server.uri()), provider, options).expect("client builds")
}

/// Hands out `passwords[n]` after `n` refreshes (the last one forever), counting refreshes.
pub struct TestProvider {
    pub username: &'static str,
    pub passwords: Vec<&'static str>,
    pub refreshes: AtomicUsize,
    pub calls: AtomicUsize,
}

impl TestProvider {
    pub fn new(username: &'static str, passwords: &[&'static str]) -> Arc<Self> {
        Arc::new(Self {
            username,
            passwords: passwords.to_vec(),
            refreshes: AtomicUsize::new(0),
            calls: AtomicUsize::new(0),
        })
    }

    pub fn refreshes(&self) -> usize {
        self.refreshes.load(Ordering::SeqCst)
    }
}

impl CredentialProvider for TestProvider {
    fn credentials(
        &self,
        refresh: bool,
    ) -> BoxFuture<'_, Result<Credentials, CredentialFetchError>> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        if refresh {
            self.refreshes.fetch_add(1, Ordering::SeqCst);
        }
        let index = self.refreshes().min(self.passwords.len() - 1);
        let credentials = Credentials {
            username: self.username.to_owned(),
            password: Secret::new(self.passwords[index]),
        };
        Box::pin(async move { Ok(credentials) })
    }

    fn describe(&self) -> String {
        "env:TEST_CREDENTIALS".to_owned()
    }
}

/// `{"name": …, "tags": […]}`.
pub fn tags_body(tags: &[&str]) -> serde_json::Value {
    serde_json::json!({ "name": "org/app", "tags": tags })
}

/// The error and its causes, `: `-joined, as `main` would print them.
pub fn chain(error: &dyn Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// The `Bearer` challenge of a registry whose token service is `<uri>/token`.
pub fn bearer_challenge(uri: &str) -> String {
    format!(r#"Bearer realm="{uri}/token",service="test-registry",scope="repository:org/app:pull""#)
}
