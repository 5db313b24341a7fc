//! The webhook routes through `oneshot`, with a fake parser whose outcome the body chooses and
//! a sink that records what reaches it: every status path, what the parser is given, what the
//! sink receives and what the metrics count.

use std::num::NonZeroU64;
use std::sync::Mutex;
use std::time::Duration;

use axum::body::Body;
use axum::http::Request;
use tower::ServiceExt;

use super::*;

/// What the fake parser was called with.
#[derive(Debug, Clone)]
struct Call {
    kind: RegistryType,
    secret: Option<String>,
    method: String,
    headers: Vec<(String, String)>,
    query: Vec<(String, String)>,
    body_len: usize,
}

/// The events that reached the sink.
#[derive(Default)]
struct RecordingSink(Mutex<Vec<(RegistryType, RegistryEvent)>>);

impl EventSink for RecordingSink {
    fn accept(&self, kind: RegistryType, event: RegistryEvent) {
        self.0.lock().unwrap().push((kind, event));
    }
}

impl RecordingSink {
    fn events(&self) -> Vec<(RegistryType, RegistryEvent)> {
        self.0.lock().unwrap().clone()
    }
}

/// A router over a fake parser, with its sink, calls and metrics.
struct Fixture {
    router: Router,
    sink: Arc<RecordingSink>,
    calls: Arc<Mutex<Vec<Call>>>,
    metrics: Arc<Metrics>,
}

/// The fake parser: a body `fail:<status>:<reason>` is refused with that status and reason;
/// any other body is an event whose repository is the body.
fn fake_handle(calls: Arc<Mutex<Vec<Call>>>) -> Arc<HandleFn> {
    Arc::new(move |kind, secret, request| {
        calls.lock().unwrap().push(Call {
            kind,
            secret: secret.map(str::to_owned),
            method: request.method.to_owned(),
            headers: request.headers.to_vec(),
            query: request.query.to_vec(),
            body_len: request.body.len(),
        });
        let text = String::from_utf8_lossy(request.body).into_owned();
        if let Some(rest) = text.strip_prefix("fail:") {
            let (status, reason) = rest.split_once(':').unwrap();
            return Err(WebhookError {
                status: status.parse().unwrap(),
                reason: Box::leak(reason.to_owned().into_boxed_str()),
                message: format!("refused: {reason}"),
            });
        }
        Ok(RegistryEvent {
            registry: kind.as_str().to_owned(),
            repository: text,
            tag: Some("1.0".to_owned()),
            digest: None,
        })
    })
}

fn fixture_with(
    handlers: Handlers,
    dispatch: impl FnOnce(Arc<RecordingSink>) -> Dispatch,
) -> Fixture {
    let sink = Arc::new(RecordingSink::default());
    let calls = Arc::new(Mutex::new(Vec::new()));
    let metrics = Arc::new(Metrics::new());
    let router = router_with(
        handlers,
        fake_handle(calls.clone()),
        dispatch(sink.clone()),
        metrics.clone(),
    );
    Fixture {
        router,
        sink,
        calls,
        metrics,
    }
}

fn fixture(handlers: Handlers) -> Fixture {
    fixture_with(handlers, |sink| Dispatch::Direct(sink))
}

/// Docker Hub with a secret, Quay with another; the rest have none.
fn two_secrets() -> Handlers {
    Handlers::resolve(
        |kind| match kind {
            RegistryType::DockerHub => Some(Secret::new("docker-secret")),
            RegistryType::Quay => Some(Secret::new("quay-secret")),
            RegistryType::Harbor => Some(Secret::new("")),
            _ => None,
        },
        true,
    )
}

impl Fixture {
    async fn send(&self, request: Request<Body>) -> (StatusCode, String) {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        (status, String::from_utf8(body.to_vec()).unwrap())
    }

    async fn post(&self, uri: &str, body: &str) -> (StatusCode, String) {
        let request = Request::post(uri).body(Body::from(body.to_owned()));
        self.send(request.unwrap()).await
    }

    fn calls(&self) -> Vec<Call> {
        self.calls.lock().unwrap().clone()
    }

    /// The count of `{type, outcome}`, 0 when the series does not exist.
    fn count(&self, kind: &str, outcome: &str) -> u64 {
        let series = format!(
            "argocd_image_updater_webhook_requests_total{{type=\"{kind}\",outcome=\"{outcome}\"}} "
        );
        let text = self.metrics.render();
        text.lines()
            .find_map(|line| line.strip_prefix(&series))
            .map_or(0, |value| value.parse().unwrap())
    }
}

#[tokio::test]
async fn a_valid_event_is_accepted_and_reaches_the_sink_once() {
    let fixture = fixture(two_secrets());
    let request = Request::post("/webhook?type=docker.io&secret=abc")
        .header("X-Custom", "Value")
        .body(Body::from("library/nginx"))
        .unwrap();
    let (status, body) = fixture.send(request).await;
    assert_eq!(
        (status, body.as_str()),
        (StatusCode::OK, "Webhook received and processing")
    );
    let events = fixture.sink.events();
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0].0, RegistryType::DockerHub);
    assert_eq!(events[0].1.repository, "library/nginx");
    let calls = fixture.calls();
    assert_eq!(calls.len(), 1);
    let call = &calls[0];
    assert_eq!(call.kind, RegistryType::DockerHub);
    assert_eq!(call.secret.as_deref(), Some("docker-secret"));
    assert_eq!(call.method, "POST");
    assert!(
        call.headers
            .contains(&("x-custom".to_owned(), "Value".to_owned()))
    );
    assert_eq!(
        call.query,
        [
            ("type".to_owned(), "docker.io".to_owned()),
            ("secret".to_owned(), "abc".to_owned())
        ]
    );
    assert_eq!(call.body_len, "library/nginx".len());
    assert_eq!(fixture.count("docker.io", "accepted"), 1);
}

#[tokio::test]
async fn the_type_may_come_from_the_header_and_the_query_wins() {
    let fixture = fixture(two_secrets());
    let by_header = Request::post("/webhook")
        .header("X-Registry-Type", "quay.io")
        .body(Body::from("org/app"))
        .unwrap();
    assert_eq!(fixture.send(by_header).await.0, StatusCode::OK);
    let both = Request::post("/webhook?type=docker.io")
        .header("X-Registry-Type", "quay.io")
        .body(Body::from("org/app"))
        .unwrap();
    assert_eq!(fixture.send(both).await.0, StatusCode::OK);
    let empty_query = Request::post("/webhook?type=")
        .header("x-registry-type", "quay.io")
        .body(Body::from("org/app"))
        .unwrap();
    assert_eq!(fixture.send(empty_query).await.0, StatusCode::OK);
    let kinds: Vec<_> = fixture.calls().iter().map(|call| call.kind).collect();
    assert_eq!(
        kinds,
        [
            RegistryType::Quay,
            RegistryType::DockerHub,
            RegistryType::Quay
        ]
    );
    assert_eq!(fixture.calls()[0].secret.as_deref(), Some("quay-secret"));
}

#[tokio::test]
async fn an_unknown_or_missing_type_is_refused_listing_the_registered_types() {
    let fixture = fixture(two_secrets());
    let (status, body) = fixture.post("/webhook?type=nope", "x").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("unknown registry type `nope`"), "{body}");
    assert!(
        body.ends_with("supported types: docker.io, quay.io\n"),
        "{body}"
    );
    let (status, body) = fixture.post("/webhook", "x").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.starts_with("missing registry type"), "{body}");
    assert!(
        body.contains("supported types: docker.io, quay.io"),
        "{body}"
    );
    assert!(fixture.calls().is_empty() && fixture.sink.events().is_empty());
    assert_eq!(fixture.count("unknown", "unknown_type"), 2);
}

#[tokio::test]
async fn a_type_without_a_secret_is_not_registered_when_secrets_are_required() {
    let fixture = fixture(two_secrets());
    // Harbor's secret is empty, which counts as none.
    for kind in ["harbor", "ghcr.io"] {
        let (status, body) = fixture.post(&format!("/webhook?type={kind}"), "x").await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{kind}");
        assert!(
            body.starts_with(&format!("invalid registry type `{kind}`")),
            "{body}"
        );
        assert!(
            body.contains("supported types: docker.io, quay.io"),
            "{body}"
        );
        assert_eq!(fixture.count(kind, "unregistered_type"), 1, "{kind}");
    }
    assert!(fixture.calls().is_empty() && fixture.sink.events().is_empty());
    let (_, body) = fixture.post("/webhook?type=harbor", "x").await;
    assert!(body.contains("`--harbor-webhook-secret`"), "{body}");
}

#[tokio::test]
async fn without_required_secrets_every_type_is_registered() {
    let handlers = Handlers::resolve(
        |kind| (kind == RegistryType::Acr).then(|| Secret::new("acr-secret")),
        false,
    );
    assert_eq!(handlers.kinds().collect::<Vec<_>>(), RegistryType::ALL);
    let fixture = fixture(handlers);
    for kind in RegistryType::ALL {
        let uri = format!("/webhook?type={}", kind.as_str());
        assert_eq!(
            fixture.post(&uri, "repo").await.0,
            StatusCode::OK,
            "{kind:?}"
        );
    }
    let secrets: Vec<_> = fixture
        .calls()
        .into_iter()
        .map(|call| (call.kind, call.secret))
        .collect();
    for (kind, secret) in secrets {
        let expected = (kind == RegistryType::Acr).then(|| "acr-secret".to_owned());
        assert_eq!(secret, expected, "{kind:?}");
    }
    assert_eq!(fixture.sink.events().len(), 7);
}

#[tokio::test]
async fn with_no_handler_at_all_every_request_is_refused() {
    let fixture = fixture(Handlers::resolve(|_| None, true));
    for uri in ["/webhook?type=docker.io", "/webhook?type=nope", "/webhook"] {
        let (status, body) = fixture.post(uri, "repo").await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}");
        assert!(
            body.starts_with("no webhook handlers are registered"),
            "{body}"
        );
    }
    assert!(fixture.calls().is_empty() && fixture.sink.events().is_empty());
    assert_eq!(fixture.count("unknown", "no_handlers"), 3);
}

#[tokio::test]
async fn other_methods_on_the_webhook_path_are_refused() {
    let fixture = fixture(two_secrets());
    for method in ["GET", "PUT", "DELETE"] {
        let request = Request::builder()
            .method(method)
            .uri("/webhook?type=docker.io")
            .body(Body::from("repo"))
            .unwrap();
        assert_eq!(
            fixture.send(request).await.0,
            StatusCode::METHOD_NOT_ALLOWED,
            "{method}"
        );
    }
    assert!(fixture.calls().is_empty());
}

#[tokio::test]
async fn a_body_over_one_mebibyte_is_refused_and_exactly_one_is_accepted() {
    let fixture = fixture(two_secrets());
    let too_big = "a".repeat(MAX_BODY + 1);
    let (status, body) = fixture.post("/webhook?type=docker.io", &too_big).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert!(fixture.calls().is_empty() && fixture.sink.events().is_empty());
    assert_eq!(fixture.count("docker.io", "too_large"), 1);
    let limit = "a".repeat(MAX_BODY);
    assert_eq!(
        fixture.post("/webhook?type=docker.io", &limit).await.0,
        StatusCode::OK
    );
    assert_eq!(fixture.calls()[0].body_len, MAX_BODY);
}

#[tokio::test]
async fn an_endless_body_is_not_read_to_its_end() {
    // Without a Content-Length; reading it all would never finish.
    let fixture = fixture(two_secrets());
    let chunk = Bytes::from(vec![b'a'; 64 * 1024]);
    let endless = futures::stream::repeat_with(move || Ok::<_, std::io::Error>(chunk.clone()));
    let request = Request::post("/webhook?type=docker.io")
        .body(Body::from_stream(endless))
        .unwrap();
    let answer = tokio::time::timeout(Duration::from_secs(30), fixture.send(request)).await;
    assert_eq!(
        answer.expect("the limit ends the read").0,
        StatusCode::PAYLOAD_TOO_LARGE
    );
    assert!(fixture.sink.events().is_empty());
}

#[tokio::test]
async fn the_parser_refusal_keeps_its_status_reason_and_message() {
    let fixture = fixture(two_secrets());
    for (status, reason) in [
        (401, "bad_secret"),
        (400, "bad_payload"),
        (415, "content_type"),
    ] {
        let (got, body) = fixture
            .post("/webhook?type=quay.io", &format!("fail:{status}:{reason}"))
            .await;
        assert_eq!(got.as_u16(), status);
        assert_eq!(body, format!("refused: {reason}\n"));
        assert_eq!(fixture.count("quay.io", reason), 1);
    }
    // A status that is not an error would be a parser bug; the request is still refused.
    let (got, _) = fixture.post("/webhook?type=quay.io", "fail:200:odd").await;
    assert_eq!(got, StatusCode::BAD_REQUEST);
    assert!(fixture.sink.events().is_empty());
}

#[tokio::test]
async fn healthz_answers_ok() {
    let fixture = fixture(Handlers::default());
    let (status, body) = fixture
        .send(Request::get("/healthz").body(Body::empty()).unwrap())
        .await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "OK"));
}

#[tokio::test]
async fn every_outcome_is_counted_separately() {
    let fixture = fixture(two_secrets());
    fixture.post("/webhook?type=docker.io", "a").await;
    fixture.post("/webhook?type=docker.io", "b").await;
    fixture
        .post("/webhook?type=docker.io", "fail:401:bad_secret")
        .await;
    fixture.post("/webhook?type=quay.io", "c").await;
    fixture.post("/webhook?type=acr", "d").await;
    let expected = [
        ("docker.io", "accepted", 2),
        ("docker.io", "bad_secret", 1),
        ("quay.io", "accepted", 1),
        ("acr", "unregistered_type", 1),
        ("quay.io", "bad_secret", 0),
    ];
    for (kind, outcome, count) in expected {
        assert_eq!(fixture.count(kind, outcome), count, "{kind} {outcome}");
    }
}

/// Lets the rate limiter's worker run without moving the paused clock.
async fn settle() {
    for _ in 0..20 {
        tokio::task::yield_now().await;
    }
}

#[tokio::test(start_paused = true)]
async fn rate_limited_events_are_answered_at_once_and_a_full_backlog_is_429() {
    let per_hour = NonZeroU64::new(1).unwrap();
    let mut worker = None;
    let fixture = fixture_with(two_secrets(), |sink| {
        let (limiter, task) = RateLimiter::spawn(per_hour, 1, sink);
        worker = Some(task);
        Dispatch::Spaced(limiter)
    });
    let start = tokio::time::Instant::now();
    let mut statuses = Vec::new();
    for repo in ["a", "b", "c", "d"] {
        statuses.push(
            fixture
                .post("/webhook?type=docker.io", repo)
                .await
                .0
                .as_u16(),
        );
        settle().await;
    }
    // `a` is delivered, `b` waits in the worker for an hour, `c` fills the backlog of one.
    assert_eq!(statuses, [200, 200, 200, 429]);
    assert_eq!(
        start.elapsed(),
        Duration::ZERO,
        "no response waited for the limit"
    );
    assert_eq!(fixture.sink.events().len(), 1);
    assert_eq!(fixture.count("docker.io", "rate_limited"), 1);
    assert_eq!(fixture.count("docker.io", "accepted"), 3);
    tokio::time::sleep(Duration::from_secs(3600)).await;
    settle().await;
    let repos: Vec<_> = fixture
        .sink
        .events()
        .into_iter()
        .map(|(_, e)| e.repository)
        .collect();
    assert_eq!(repos, ["a", "b"]);
    worker.unwrap().abort();
}
