//! Faults: 429 with `Retry-After`, 5xx, registries that never answer or refuse connections, and
//! what the request observer is told of them.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use updater_registry::client::{ClientOptions, RegistryClient, RequestObserver};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{chain, client, client_with, endpoint, fast_options, tags_body};

const TAGS: &str = "/v2/org/app/tags/list";

async fn mount_then_ok(server: &MockServer, first: ResponseTemplate, times: u64) {
    Mock::given(path(TAGS))
        .respond_with(first)
        .up_to_n_times(times)
        .expect(times)
        .mount(server)
        .await;
    Mock::given(path(TAGS))
        .respond_with(ResponseTemplate::new(200).set_body_json(tags_body(&["ok"])))
        .expect(1)
        .mount(server)
        .await;
}

#[tokio::test]
async fn throttled_request_waits_retry_after_then_retries() {
    let server = MockServer::start().await;
    mount_then_ok(
        &server,
        ResponseTemplate::new(429).insert_header("retry-after", "1"),
        1,
    )
    .await;
    let client = client(&server);
    let started = Instant::now();
    assert_eq!(client.list_tags("org/app").await.unwrap(), ["ok"]);
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_secs(1), "{elapsed:?}");
    let counts = client.request_counts();
    assert_eq!(
        (counts.throttled, counts.ok, counts.tags),
        (1, 1, 2),
        "{counts:?}"
    );
}

#[tokio::test]
async fn retry_after_beyond_the_cap_fails_at_once() {
    let server = MockServer::start().await;
    Mock::given(path(TAGS))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "120"))
        .expect(1)
        .mount(&server)
        .await;
    let started = Instant::now();
    let error = client(&server).list_tags("org/app").await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(1));
    assert_eq!(error.kind(), "throttled");
    assert!(chain(&error).contains("120s"), "{}", chain(&error));
}

#[tokio::test]
async fn throttled_on_every_attempt_gives_up_after_max_retries() {
    let server = MockServer::start().await;
    Mock::given(path(TAGS))
        .respond_with(ResponseTemplate::new(429))
        .expect(3)
        .mount(&server)
        .await;
    let error = client(&server).list_tags("org/app").await.unwrap_err();
    assert_eq!(error.kind(), "throttled");
}

#[tokio::test]
async fn server_errors_then_success() {
    let server = MockServer::start().await;
    mount_then_ok(&server, ResponseTemplate::new(503), 2).await;
    let client = client(&server);
    assert_eq!(client.list_tags("org/app").await.unwrap(), ["ok"]);
    assert_eq!(client.request_counts().server_error, 2);
}

#[tokio::test]
async fn server_errors_forever_end_after_max_retries_plus_one_attempts() {
    let server = MockServer::start().await;
    Mock::given(path(TAGS))
        .respond_with(ResponseTemplate::new(502))
        .expect(3)
        .mount(&server)
        .await;
    let error = client(&server).list_tags("org/app").await.unwrap_err();
    assert_eq!(error.kind(), "server_error");
    assert!(
        chain(&error).contains("after 3 attempt(s)"),
        "{}",
        chain(&error)
    );
}

/// A TCP server that accepts connections and never writes a byte.
async fn silent_server() -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let accepted = Arc::new(AtomicUsize::new(0));
    let counter = accepted.clone();
    tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            open.push(socket);
        }
    });
    (format!("http://{address}"), accepted)
}

#[tokio::test]
async fn a_registry_that_never_answers_times_out_within_the_bound() {
    let (uri, accepted) = silent_server().await;
    let options = ClientOptions {
        request_timeout: Duration::from_millis(300),
        max_retries: 1,
        ..fast_options()
    };
    let client = RegistryClient::new(endpoint(&uri), None, options).unwrap();
    let started = Instant::now();
    let error = client.list_tags("org/app").await.unwrap_err();
    let elapsed = started.elapsed();
    assert_eq!(error.kind(), "timeout", "{error:?}");
    // 2 attempts × 300 ms + at most 40 ms backoff, plus scheduling slack.
    assert!(elapsed >= Duration::from_millis(600), "{elapsed:?}");
    assert!(elapsed < Duration::from_millis(1500), "{elapsed:?}");
    assert_eq!(client.request_counts().network, 2);
    assert!(accepted.load(Ordering::SeqCst) >= 1);
}

#[tokio::test]
async fn a_slow_response_body_times_out_too() {
    let server = MockServer::start().await;
    Mock::given(path(TAGS))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(tags_body(&["late"]))
                .set_delay(Duration::from_secs(5)),
        )
        .mount(&server)
        .await;
    let options = ClientOptions {
        request_timeout: Duration::from_millis(200),
        max_retries: 0,
        ..fast_options()
    };
    let started = Instant::now();
    let error = client_with(&server, None, options)
        .list_tags("org/app")
        .await
        .unwrap_err();
    assert_eq!(error.kind(), "timeout");
    assert!(started.elapsed() < Duration::from_secs(1));
}

#[tokio::test]
async fn refused_connections_are_network_errors_after_retries() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let uri = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let client = RegistryClient::new(endpoint(&uri), None, fast_options()).unwrap();
    let error = client.list_tags("org/app").await.unwrap_err();
    assert_eq!(error.kind(), "network", "{error:?}");
    assert_eq!(client.request_counts().network, 3);
}

/// Remembers every attempt it is told of.
#[derive(Debug, Default)]
struct Recorder {
    seen: Mutex<Vec<(String, &'static str, &'static str, Duration)>>,
}

impl RequestObserver for Recorder {
    fn observe(
        &self,
        registry: &str,
        kind: &'static str,
        outcome: &'static str,
        elapsed: Duration,
    ) {
        let attempt = (registry.to_owned(), kind, outcome, elapsed);
        self.seen.lock().unwrap().push(attempt);
    }
}

#[tokio::test]
async fn the_observer_sees_every_attempt_with_kind_and_outcome() {
    let server = MockServer::start().await;
    mount_then_ok(
        &server,
        ResponseTemplate::new(429)
            .insert_header("retry-after", "0")
            .set_delay(Duration::from_millis(50)),
        1,
    )
    .await;
    let digest = format!("sha256:{}", "a".repeat(64));
    Mock::given(method("HEAD"))
        .and(path("/v2/org/app/manifests/1.0"))
        .respond_with(ResponseTemplate::new(200).insert_header("docker-content-digest", &digest))
        .expect(1)
        .mount(&server)
        .await;
    let recorder = Arc::new(Recorder::default());
    let options = ClientOptions {
        observer: Some(recorder.clone()),
        ..fast_options()
    };
    let client = client_with(&server, None, options);
    assert_eq!(client.list_tags("org/app").await.unwrap(), ["ok"]);
    assert_eq!(
        client.head_manifest("org/app", "1.0").await.unwrap(),
        digest
    );

    let seen = recorder.seen.lock().unwrap().clone();
    let labels: Vec<_> = seen
        .iter()
        .map(|(r, k, o, _)| (r.as_str(), *k, *o))
        .collect();
    let registry = server.uri();
    assert_eq!(
        labels,
        [
            (registry.as_str(), "tags", "throttled"),
            (registry.as_str(), "tags", "ok"),
            (registry.as_str(), "manifest_head", "ok"),
        ]
    );
    assert!(seen[0].3 >= Duration::from_millis(50), "{:?}", seen[0].3);
    assert_eq!(client.request_counts().total(), seen.len() as u64);
}
