//! The webhook routes through `oneshot` with the real parsers of `updater_core::webhook` and
//! handlers built from the `run` flags: for each of the 7 registry types, what a valid, a
//! wrongly authenticated, a malformed or an oversized request gives at the sink and in metrics.

use std::sync::Mutex;

use axum::body::Body;
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderValue, Method, Request};
use clap::CommandFactory;
use tower::ServiceExt;
use updater_core::image::ImageRef;
use updater_core::webhook::auth::hmac_sha256;
use updater_core::webhook::concerns_image;

use super::*;
use crate::cli::{Cli, Command};
use crate::webhook::settings::settings_from;

/// The secret every type is configured with (query-safe: it is sent unencoded).
const SECRET: &str = "s3cr3t-token";
/// A secret that is not the configured one.
const WRONG: &str = "not-the-secret";
/// A body that is not JSON.
const MALFORMED: &str = r#"{"push_data": {"tag": "#;

const DOCKER_HUB_PAYLOAD: &str = r#"{
  "callback_url": "https://registry.hub.docker.com/u/svendowideit/testhook/hook/2141b5bi5i5b02bec211i4eeih0242eg11000a/",
  "push_data": { "pushed_at": 1417566161, "pusher": "trustedbuilder", "tag": "latest" },
  "repository": {
    "name": "testhook",
    "namespace": "svendowideit",
    "owner": "svendowideit",
    "repo_name": "svendowideit/testhook",
    "repo_url": "https://registry.hub.docker.com/u/svendowideit/testhook/",
    "status": "Active"
  }
}"#;

const GHCR_PAYLOAD: &str = r#"{
  "action": "published",
  "package": {
    "id": 1234567,
    "name": "Hello-World",
    "namespace": "Octo-Org",
    "ecosystem": "CONTAINER",
    "package_type": "CONTAINER",
    "owner": { "login": "Octo-Org", "id": 21031067, "type": "Organization" },
    "package_version": {
      "id": 7654321,
      "version": "sha256:0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9",
      "name": "sha256:0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9",
      "container_metadata": {
        "tag": {
          "name": "v1.2.3",
          "digest": "sha256:0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9"
        }
      },
      "package_url": "ghcr.io/octo-org/hello-world:v1.2.3"
    },
    "registry": { "name": "GitHub CONTAINER registry", "url": "https://ghcr.io/octo-org" }
  },
  "repository": { "full_name": "Octo-Org/hello-world" },
  "sender": { "login": "octocat" }
}"#;

const QUAY_PAYLOAD: &str = r#"{
  "name": "repository",
  "repository": "mynamespace/repository",
  "namespace": "mynamespace",
  "docker_url": "quay.io/mynamespace/repository",
  "homepage": "https://quay.io/repository/mynamespace/repository",
  "updated_tags": ["latest", "1.0.0"]
}"#;

const HARBOR_PAYLOAD: &str = r#"{
  "type": "PUSH_ARTIFACT",
  "occur_at": 1680501893,
  "operator": "admin",
  "event_data": {
    "resources": [
      {
        "digest": "sha256:954b378c375d852eb3c63ab88978f640b4348b01c1b3456a024a81536dafbbf4",
        "tag": "latest",
        "resource_url": "hub.harbor.com/test-webhook/debian:latest"
      }
    ],
    "repository": {
      "name": "debian",
      "namespace": "test-webhook",
      "repo_full_name": "test-webhook/debian",
      "repo_type": "private"
    }
  }
}"#;

const ALIYUN_PAYLOAD: &str = r#"{
  "push_data": {
    "digest": "sha256:457f4aa83fc9a6663ab9d1b0a6e2dce25a12a943ed5bf2c1747c58d48bbb4917",
    "pushed_at": "2016-11-29 12:25:46",
    "tag": "latest"
  },
  "repository": {
    "name": "repoTest",
    "namespace": "namespace",
    "region": "cn-hangzhou",
    "repo_full_name": "namespace/repoTest",
    "repo_type": "PUBLIC"
  }
}"#;

const ACR_PAYLOAD: &str = r#"{
  "id": "cb8c3971-9adc-488b-bdd8-43cbb4974ff5",
  "timestamp": "2017-11-17T16:52:01.343145347Z",
  "action": "push",
  "target": {
    "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
    "digest": "sha256:6d3fe7e1b38d2ec7a3a4b2d4d08c3cd1e0e7e3f0e2b8e6d4f2b0a8c6e4d2f0a1",
    "repository": "hello-world",
    "tag": "v1"
  },
  "request": { "id": "3cbb6949", "host": "MyRegistry.azurecr.io", "method": "PUT" }
}"#;

const CLOUDEVENTS_PAYLOAD: &str = r#"{
  "specversion": "1.0",
  "id": "4f2c1a0e-7f3b-4c7e-9a1d-2b3c4d5e6f70",
  "source": "urn:aws:ecr:us-east-1:123456789012:repository/team/my-app",
  "type": "com.amazon.ecr.image.push",
  "subject": "team/my-app:v1.2.3",
  "datacontenttype": "application/json",
  "data": {
    "repositoryName": "team/my-app",
    "imageDigest": "sha256:9a2e5e5b1c7d0e4f3a6b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b",
    "imageTag": "v1.2.3",
    "registryId": "123456789012"
  }
}"#;

/// One registry type: a valid payload and the event it must give.
struct Case {
    kind: RegistryType,
    payload: &'static str,
    registry: &'static str,
    repository: &'static str,
    tag: &'static str,
}

const CASES: [Case; 7] = [
    Case {
        kind: RegistryType::DockerHub,
        payload: DOCKER_HUB_PAYLOAD,
        registry: "docker.io",
        repository: "svendowideit/testhook",
        tag: "latest",
    },
    Case {
        kind: RegistryType::Ghcr,
        payload: GHCR_PAYLOAD,
        registry: "ghcr.io",
        repository: "octo-org/hello-world",
        tag: "v1.2.3",
    },
    Case {
        kind: RegistryType::Quay,
        payload: QUAY_PAYLOAD,
        registry: "quay.io",
        repository: "mynamespace/repository",
        tag: "latest",
    },
    Case {
        kind: RegistryType::Harbor,
        payload: HARBOR_PAYLOAD,
        registry: "hub.harbor.com",
        repository: "test-webhook/debian",
        tag: "latest",
    },
    Case {
        kind: RegistryType::AliyunAcr,
        payload: ALIYUN_PAYLOAD,
        registry: "registry.cn-hangzhou.aliyuncs.com",
        repository: "namespace/repoTest",
        tag: "latest",
    },
    Case {
        kind: RegistryType::Acr,
        payload: ACR_PAYLOAD,
        registry: "myregistry.azurecr.io",
        repository: "hello-world",
        tag: "v1",
    },
    Case {
        kind: RegistryType::CloudEvents,
        payload: CLOUDEVENTS_PAYLOAD,
        registry: "123456789012.dkr.ecr.us-east-1.amazonaws.com",
        repository: "team/my-app",
        tag: "v1.2.3",
    },
];

/// Whether `kind` refuses a body whose `Content-Type` is not JSON.
fn requires_json(kind: RegistryType) -> bool {
    matches!(
        kind,
        RegistryType::Harbor | RegistryType::Acr | RegistryType::CloudEvents
    )
}

/// The events that reached the sink.
/// Records events; with `.1` set it stands by, as a replica without the lease does.
#[derive(Default)]
struct RecordingSink(
    Mutex<Vec<(RegistryType, RegistryEvent)>>,
    std::sync::atomic::AtomicBool,
);

impl EventSink for RecordingSink {
    fn accept(&self, kind: RegistryType, event: RegistryEvent) {
        self.0.lock().unwrap().push((kind, event));
    }

    fn accepting(&self) -> bool {
        !self.1.load(std::sync::atomic::Ordering::SeqCst)
    }
}

/// The handlers of `run --enable-webhook --disable-tls` with the extra `flags`, resolved by the
/// real settings code.
fn handlers_from_flags(flags: &[String]) -> Handlers {
    let fixed = [
        "argocd-image-updater",
        "run",
        "--enable-webhook",
        "--disable-tls",
    ];
    let argv = fixed
        .into_iter()
        .map(str::to_owned)
        .chain(flags.iter().cloned());
    let matches = Cli::command().try_get_matches_from(argv).unwrap();
    let cli = Cli::from_matches_and_env(&matches, &|_| None).unwrap();
    let Command::Run(args) = cli.command else {
        panic!("not run")
    };
    settings_from(&args).unwrap().unwrap().handlers
}

/// `--<type>-webhook-secret=<SECRET>` for each of `kinds`.
fn secret_flags(kinds: impl Iterator<Item = RegistryType>) -> Vec<String> {
    kinds
        .map(|kind| format!("--{}-webhook-secret={SECRET}", kind.flag_name()))
        .collect()
}

/// Every type configured with [`SECRET`], secrets required (the default).
fn all_secrets() -> Handlers {
    handlers_from_flags(&secret_flags(RegistryType::ALL.into_iter()))
}

/// The real router over `handlers`, with its sink and metrics.
struct Fixture {
    router: Router,
    sink: Arc<RecordingSink>,
    metrics: Arc<Metrics>,
}

impl Fixture {
    fn new(handlers: Handlers) -> Self {
        let sink = Arc::new(RecordingSink::default());
        let metrics = Arc::new(Metrics::new());
        let router = router(handlers, Dispatch::Direct(sink.clone()), metrics.clone());
        Self {
            router,
            sink,
            metrics,
        }
    }

    async fn send(&self, request: Request<Body>) -> (StatusCode, String) {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        (status, String::from_utf8(body.to_vec()).unwrap())
    }

    fn events(&self) -> Vec<(RegistryType, RegistryEvent)> {
        self.sink.0.lock().unwrap().clone()
    }

    /// The count of `{type, outcome}`, 0 when the series does not exist.
    fn count(&self, kind: RegistryType, outcome: &str) -> u64 {
        let series = format!(
            "argocd_image_updater_webhook_requests_total{{type=\"{}\",outcome=\"{outcome}\"}} ",
            kind.as_str()
        );
        self.metrics
            .render()
            .lines()
            .find_map(|line| line.strip_prefix(&series))
            .map_or(0, |value| value.parse().unwrap())
    }

    /// Every webhook request counted, whatever its labels.
    fn total(&self) -> u64 {
        self.metrics
            .render()
            .lines()
            .filter(|line| line.starts_with("argocd_image_updater_webhook_requests_total{"))
            .filter_map(|line| line.rsplit(' ').next()?.parse::<u64>().ok())
            .sum()
    }
}

/// GitHub's `X-Hub-Signature-256` value for `body` under `secret`.
fn sign(secret: &str, body: &[u8]) -> String {
    let mac = hmac_sha256(secret.as_bytes(), body);
    let hex: String = mac.iter().map(|byte| format!("{byte:02x}")).collect();
    format!("sha256={hex}")
}

/// A request of `kind` with the headers the type requires (GitHub's event, a JSON content
/// type) and, when `secret` is given, the credentials where the type reads them.
fn request(kind: RegistryType, method: Method, body: &[u8], secret: Option<&str>) -> Request<Body> {
    let in_query = matches!(
        kind,
        RegistryType::DockerHub
            | RegistryType::Quay
            | RegistryType::AliyunAcr
            | RegistryType::CloudEvents
    );
    let uri = match secret {
        Some(secret) if in_query => format!("/webhook?type={}&secret={secret}", kind.as_str()),
        _ => format!("/webhook?type={}", kind.as_str()),
    };
    let mut builder = Request::builder().method(method).uri(uri);
    match kind {
        RegistryType::Ghcr => builder = builder.header("X-GitHub-Event", "package"),
        kind if requires_json(kind) => builder = builder.header(CONTENT_TYPE, "application/json"),
        _ => {}
    }
    match (kind, secret) {
        (RegistryType::Ghcr, Some(secret)) => {
            builder = builder.header("X-Hub-Signature-256", sign(secret, body));
        }
        (RegistryType::Harbor | RegistryType::Acr, Some(secret)) => {
            builder = builder.header("Authorization", secret);
        }
        _ => {}
    }
    builder.body(Body::from(body.to_vec())).unwrap()
}

/// A correctly authenticated POST of `body`.
fn post(kind: RegistryType, body: &[u8]) -> Request<Body> {
    request(kind, Method::POST, body, Some(SECRET))
}

#[tokio::test]
async fn a_valid_authenticated_payload_of_every_type_gives_exactly_one_event() {
    for case in &CASES {
        let fixture = Fixture::new(all_secrets());
        let (status, body) = fixture.send(post(case.kind, case.payload.as_bytes())).await;
        assert_eq!(
            (status, body.as_str()),
            (StatusCode::OK, ACCEPTED),
            "{:?}",
            case.kind
        );
        let events = fixture.events();
        assert_eq!(events.len(), 1, "{:?}: {events:?}", case.kind);
        let (kind, event) = &events[0];
        assert_eq!(*kind, case.kind);
        assert_eq!(
            (
                event.registry.as_str(),
                event.repository.as_str(),
                event.tag.as_deref()
            ),
            (case.registry, case.repository, Some(case.tag)),
            "{:?}",
            case.kind
        );
        assert_eq!(fixture.count(case.kind, "accepted"), 1, "{:?}", case.kind);
        assert_eq!(fixture.total(), 1, "{:?}", case.kind);
    }
}

/// Sends `request` and checks it is refused with `status` and counted as `outcome`, with
/// nothing reaching the sink.
async fn assert_refused(
    fixture: &Fixture,
    kind: RegistryType,
    request: Request<Body>,
    status: StatusCode,
    outcome: &str,
) {
    let before = fixture.count(kind, outcome);
    let (got, body) = fixture.send(request).await;
    assert_eq!(got, status, "{kind:?}: {body}");
    assert!(
        fixture.events().is_empty(),
        "{kind:?}: {:?}",
        fixture.events()
    );
    assert_eq!(
        fixture.count(kind, outcome),
        before + 1,
        "{kind:?} {outcome}"
    );
}

#[tokio::test]
async fn a_wrong_secret_is_unauthorized_for_every_type() {
    let fixture = Fixture::new(all_secrets());
    for case in &CASES {
        let request = request(
            case.kind,
            Method::POST,
            case.payload.as_bytes(),
            Some(WRONG),
        );
        let status = StatusCode::UNAUTHORIZED;
        assert_refused(&fixture, case.kind, request, status, "unauthorized").await;
    }
    assert_eq!(fixture.count(RegistryType::DockerHub, "accepted"), 0);
}

#[tokio::test]
async fn a_missing_secret_is_unauthorized_for_every_type() {
    let fixture = Fixture::new(all_secrets());
    for case in &CASES {
        let request = request(case.kind, Method::POST, case.payload.as_bytes(), None);
        let status = StatusCode::UNAUTHORIZED;
        assert_refused(&fixture, case.kind, request, status, "unauthorized").await;
    }
}

#[tokio::test]
async fn a_bad_ghcr_signature_or_one_over_another_body_is_unauthorized() {
    let kind = RegistryType::Ghcr;
    let fixture = Fixture::new(all_secrets());
    let other_body = GHCR_PAYLOAD.replace("v1.2.3", "v9.9.9");
    let valid = sign(SECRET, GHCR_PAYLOAD.as_bytes());
    let signatures = [
        sign(SECRET, other_body.as_bytes()),
        valid.trim_start_matches("sha256=").to_owned(),
        format!("sha1={}", valid.trim_start_matches("sha256=")),
        "sha256=not-hex".to_owned(),
        "sha256=".to_owned(),
        valid.to_uppercase(),
    ];
    for signature in signatures {
        let mut request = post(kind, GHCR_PAYLOAD.as_bytes());
        let value = HeaderValue::from_str(&signature).unwrap();
        request.headers_mut().insert("x-hub-signature-256", value);
        let status = StatusCode::UNAUTHORIZED;
        assert_refused(&fixture, kind, request, status, "unauthorized").await;
    }
    // The same valid signature, on the body it was computed over, is accepted.
    let mut request = post(kind, GHCR_PAYLOAD.as_bytes());
    let value = HeaderValue::from_str(&valid).unwrap();
    request.headers_mut().insert("x-hub-signature-256", value);
    assert_eq!(fixture.send(request).await.0, StatusCode::OK);
}

#[tokio::test]
async fn get_and_put_on_the_webhook_are_not_allowed_for_every_type() {
    let fixture = Fixture::new(all_secrets());
    for case in &CASES {
        for method in [Method::GET, Method::PUT] {
            let request = request(
                case.kind,
                method.clone(),
                case.payload.as_bytes(),
                Some(SECRET),
            );
            let (status, body) = fixture.send(request).await;
            assert_eq!(
                status,
                StatusCode::METHOD_NOT_ALLOWED,
                "{:?} {method}: {body}",
                case.kind
            );
        }
    }
    assert!(fixture.events().is_empty(), "{:?}", fixture.events());
    // Every refusal is counted: two methods for each of the seven types.
    assert_eq!(fixture.total(), 14);
}

#[tokio::test]
async fn a_missing_or_non_json_content_type_is_unsupported_where_json_is_required() {
    let fixture = Fixture::new(all_secrets());
    for case in CASES.iter().filter(|case| requires_json(case.kind)) {
        for content_type in [Some("text/plain"), Some("application/xml"), None] {
            let mut request = post(case.kind, case.payload.as_bytes());
            let headers = request.headers_mut();
            match content_type {
                Some(value) => headers.insert(CONTENT_TYPE, HeaderValue::from_static(value)),
                None => headers.remove(CONTENT_TYPE),
            };
            let status = StatusCode::UNSUPPORTED_MEDIA_TYPE;
            assert_refused(&fixture, case.kind, request, status, "content_type").await;
        }
    }
}

#[tokio::test]
async fn a_non_json_content_type_is_accepted_where_json_is_not_required() {
    let fixture = Fixture::new(all_secrets());
    let lenient: Vec<_> = CASES.iter().filter(|c| !requires_json(c.kind)).collect();
    assert_eq!(lenient.len(), 4);
    for case in &lenient {
        let mut request = post(case.kind, case.payload.as_bytes());
        let value = HeaderValue::from_static("text/plain");
        request.headers_mut().insert(CONTENT_TYPE, value);
        assert_eq!(
            fixture.send(request).await.0,
            StatusCode::OK,
            "{:?}",
            case.kind
        );
    }
    assert_eq!(fixture.events().len(), lenient.len());
}

#[tokio::test]
async fn a_malformed_body_is_a_bad_request_for_every_type() {
    let fixture = Fixture::new(all_secrets());
    for case in &CASES {
        let request = post(case.kind, MALFORMED.as_bytes());
        let status = StatusCode::BAD_REQUEST;
        assert_refused(&fixture, case.kind, request, status, "invalid_payload").await;
    }
}

#[tokio::test]
async fn a_body_over_one_mebibyte_is_too_large_for_every_type() {
    let fixture = Fixture::new(all_secrets());
    for case in &CASES {
        // Valid JSON padded past the limit, so only its size can refuse it.
        let padding = " ".repeat(MAX_BODY + 1 - case.payload.len());
        let body = format!("{}{padding}", case.payload);
        assert_eq!(body.len(), MAX_BODY + 1);
        let request = post(case.kind, body.as_bytes());
        let status = StatusCode::PAYLOAD_TOO_LARGE;
        assert_refused(&fixture, case.kind, request, status, "too_large").await;
        // One byte less is within the limit.
        let at_limit = &body[..MAX_BODY];
        let (status, _) = fixture.send(post(case.kind, at_limit.as_bytes())).await;
        assert_eq!(status, StatusCode::OK, "{:?}", case.kind);
        fixture.sink.0.lock().unwrap().clear();
    }
}

#[tokio::test]
async fn a_type_without_a_secret_is_refused_when_secrets_are_required() {
    for case in &CASES {
        let others = RegistryType::ALL
            .into_iter()
            .filter(|kind| *kind != case.kind);
        let fixture = Fixture::new(handlers_from_flags(&secret_flags(others)));
        for secret in [Some(SECRET), None] {
            let request = request(case.kind, Method::POST, case.payload.as_bytes(), secret);
            let status = StatusCode::BAD_REQUEST;
            assert_refused(&fixture, case.kind, request, status, "unregistered_type").await;
        }
    }
}

#[tokio::test]
async fn an_empty_secret_flag_counts_as_no_secret() {
    let kind = RegistryType::Quay;
    let flags = vec![
        "--quay-webhook-secret=".to_owned(),
        format!("--docker-webhook-secret={SECRET}"),
    ];
    let fixture = Fixture::new(handlers_from_flags(&flags));
    let request = request(kind, Method::POST, QUAY_PAYLOAD.as_bytes(), Some(""));
    let status = StatusCode::BAD_REQUEST;
    assert_refused(&fixture, kind, request, status, "unregistered_type").await;
}

#[tokio::test]
async fn a_type_without_a_secret_is_accepted_unauthenticated_when_secrets_are_not_required() {
    let flags = ["--webhook-require-secret=false".to_owned()];
    let fixture = Fixture::new(handlers_from_flags(&flags));
    for case in &CASES {
        // No credentials at all, then credentials nobody configured: neither is checked.
        for secret in [None, Some(WRONG)] {
            let request = request(case.kind, Method::POST, case.payload.as_bytes(), secret);
            let (status, body) = fixture.send(request).await;
            assert_eq!(status, StatusCode::OK, "{:?} {secret:?}: {body}", case.kind);
        }
        assert_eq!(fixture.count(case.kind, "accepted"), 2, "{:?}", case.kind);
    }
    let events = fixture.events();
    assert_eq!(events.len(), 2 * CASES.len());
    for (case, pair) in CASES.iter().zip(events.chunks(2)) {
        assert!(
            pair.iter()
                .all(|(kind, event)| *kind == case.kind && event.repository == case.repository)
        );
    }
}

#[tokio::test]
async fn secrets_not_required_still_check_a_configured_secret() {
    let flags = [
        "--webhook-require-secret=false".to_owned(),
        format!("--acr-webhook-secret={SECRET}"),
    ];
    let fixture = Fixture::new(handlers_from_flags(&flags));
    let kind = RegistryType::Acr;
    let request = request(kind, Method::POST, ACR_PAYLOAD.as_bytes(), None);
    let status = StatusCode::UNAUTHORIZED;
    assert_refused(&fixture, kind, request, status, "unauthorized").await;
    let (status, _) = fixture.send(post(kind, ACR_PAYLOAD.as_bytes())).await;
    assert_eq!(status, StatusCode::OK);
}

/// A Docker Hub push of the official image `library/nginx`.
const NGINX_PAYLOAD: &str = r#"{
  "callback_url": "https://registry.hub.docker.com/u/library/nginx/hook/1/",
  "push_data": { "pushed_at": 1417566161, "pusher": "library", "tag": "1.27.0" },
  "repository": {
    "name": "nginx",
    "namespace": "library",
    "repo_name": "library/nginx",
    "is_official": true,
    "status": "Active"
  }
}"#;

#[tokio::test]
async fn a_docker_hub_event_for_library_nginx_concerns_the_images_named_nginx() {
    let fixture = Fixture::new(all_secrets());
    let kind = RegistryType::DockerHub;
    let (status, _) = fixture.send(post(kind, NGINX_PAYLOAD.as_bytes())).await;
    assert_eq!(status, StatusCode::OK);
    let events = fixture.events();
    assert_eq!(events.len(), 1, "{events:?}");
    let event = &events[0].1;
    assert_eq!(
        (event.registry.as_str(), event.repository.as_str()),
        ("docker.io", "library/nginx")
    );
    let table = [
        ("nginx", true),
        ("nginx:1.25", true),
        ("web=nginx", true),
        ("library/nginx", true),
        ("docker.io/nginx", true),
        ("docker.io/library/nginx", true),
        ("index.docker.io/library/nginx", true),
        ("ghcr.io/nginx", false),
        ("quay.io/library/nginx", false),
        ("nginxinc/nginx", false),
        ("nginx-unprivileged", false),
        ("library/redis", false),
    ];
    for (image, expected) in table {
        let image_ref = ImageRef::parse(image).unwrap();
        assert_eq!(concerns_image(event, &image_ref), expected, "{image}");
    }
}

#[tokio::test]
async fn a_standby_replica_refuses_events_with_503_until_it_leads() {
    let fixture = Fixture::new(all_secrets());
    let case = &CASES[0];
    fixture
        .sink
        .1
        .store(true, std::sync::atomic::Ordering::SeqCst);
    let valid = || {
        request(
            case.kind,
            Method::POST,
            case.payload.as_bytes(),
            Some(SECRET),
        )
    };
    let (status, body) = fixture.send(valid()).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert!(fixture.events().is_empty());
    assert_eq!(fixture.count(case.kind, "standby"), 1);
    fixture
        .sink
        .1
        .store(false, std::sync::atomic::Ordering::SeqCst);
    let (status, body) = fixture.send(valid()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(fixture.events().len(), 1);
}
