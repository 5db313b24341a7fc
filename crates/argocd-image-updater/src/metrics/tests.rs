//! Tests of the metrics: rendered names, labels and values (parsed from the exposition), and
//! the `/metrics` router.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use tower::ServiceExt;
use updater_registry::client::RequestObserver;

use super::*;

const REGISTRY: &str = "https://registry.example.com";

/// One sample line of the exposition.
#[derive(Debug)]
struct Sample {
    name: String,
    labels: BTreeMap<String, String>,
    value: f64,
}

/// The exposition parsed: `# TYPE` lines as `(family, type)` and the samples. Label values
/// in these tests never hold `,`, `"` or `\`, so a plain split is enough.
fn parse(text: &str) -> (Vec<(String, String)>, Vec<Sample>) {
    let mut types = Vec::new();
    let mut samples = Vec::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let (family, kind) = rest.split_once(' ').expect("TYPE line has a type");
            types.push((family.to_owned(), kind.to_owned()));
        } else if !line.starts_with('#') {
            samples.push(parse_sample(line));
        }
    }
    (types, samples)
}

fn parse_sample(line: &str) -> Sample {
    let (series, value) = line.rsplit_once(' ').expect("sample has a value");
    let (name, labels) = match series.split_once('{') {
        Some((name, rest)) => (name, rest.strip_suffix('}').expect("labels close")),
        None => (series, ""),
    };
    let labels = labels
        .split(',')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').expect("label has a value");
            (key.to_owned(), value.trim_matches('"').to_owned())
        })
        .collect();
    Sample {
        name: name.to_owned(),
        labels,
        value: value.parse().expect("numeric value"),
    }
}

/// The value of the one sample named `name` with exactly `labels`.
fn value(samples: &[Sample], name: &str, labels: &[(&str, &str)]) -> f64 {
    let wanted: BTreeMap<String, String> = labels
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    let found: Vec<_> = samples
        .iter()
        .filter(|s| s.name == name && s.labels == wanted)
        .collect();
    assert_eq!(found.len(), 1, "one `{name}` {wanted:?} in {samples:#?}");
    found[0].value
}

fn cr(name: &'static str, namespace: &'static str) -> [(&'static str, &'static str); 2] {
    [
        ("image_updater_cr_name", name),
        ("image_updater_cr_namespace", namespace),
    ]
}

fn counts(applications: i64, images: i64, updated: u64, errors: u64) -> RunCounts {
    RunCounts {
        applications,
        images,
        updated,
        errors,
    }
}

/// Metrics after two runs of one CR, two k8s requests, a cycle and three registry attempts.
fn busy_metrics() -> Metrics {
    let metrics = Metrics::new();
    metrics.record_run("web", "argocd", counts(2, 3, 1, 4));
    metrics.record_run("web", "argocd", counts(5, 6, 2, 0));
    metrics.k8s_request(true);
    metrics.k8s_request(false);
    metrics.observe_cycle(Duration::from_millis(1500));
    let observer: &dyn RequestObserver = &metrics;
    observer.observe(REGISTRY, "tags", "throttled", Duration::from_millis(20));
    observer.observe(REGISTRY, "tags", "ok", Duration::from_millis(30));
    observer.observe(REGISTRY, "token", "ok", Duration::from_millis(10));
    metrics
}

#[test]
fn every_series_renders_with_its_labels_and_values() {
    let (_, samples) = parse(&busy_metrics().render());
    let web = cr("web", "argocd");
    let by = |name: &str, labels: &[(&str, &str)]| value(&samples, name, labels);
    // Gauges hold the last run; counters add both runs.
    assert_eq!(
        by("argocd_image_updater_applications_watched_total", &web),
        5.0
    );
    assert_eq!(by("argocd_image_updater_images_watched_total", &web), 6.0);
    assert_eq!(by("argocd_image_updater_images_updated_total", &web), 3.0);
    assert_eq!(by("argocd_image_updater_images_errors_total", &web), 4.0);
    let registry = [("registry", REGISTRY)];
    assert_eq!(
        by("argocd_image_updater_registry_requests_total", &registry),
        3.0
    );
    assert_eq!(
        by(
            "argocd_image_updater_registry_requests_failed_total",
            &registry
        ),
        1.0
    );
    assert_eq!(by("argocd_image_updater_k8s_api_requests_total", &[]), 2.0);
    assert_eq!(by("argocd_image_updater_k8s_api_errors_total", &[]), 1.0);
    assert_eq!(
        by("argocd_image_updater_cycle_duration_seconds_count", &[]),
        1.0
    );
    assert_eq!(
        by("argocd_image_updater_cycle_duration_seconds_sum", &[]),
        1.5
    );
    let tags = [("registry", REGISTRY), ("kind", "tags")];
    let duration = "argocd_image_updater_registry_request_duration_seconds";
    assert_eq!(by(&format!("{duration}_count"), &tags), 2.0);
    assert!((by(&format!("{duration}_sum"), &tags) - 0.05).abs() < 1e-9);
    let token = [("registry", REGISTRY), ("kind", "token")];
    assert_eq!(by(&format!("{duration}_count"), &token), 1.0);
    let outcome = "argocd_image_updater_registry_requests_by_outcome_total";
    let throttled = [("registry", REGISTRY), ("outcome", "throttled")];
    assert_eq!(by(outcome, &throttled), 1.0);
    assert_eq!(
        by(outcome, &[("registry", REGISTRY), ("outcome", "ok")]),
        2.0
    );
}

#[test]
fn names_and_types_are_the_originals() {
    let originals = [
        ("argocd_image_updater_applications_watched_total", "gauge"),
        ("argocd_image_updater_images_watched_total", "gauge"),
        ("argocd_image_updater_images_updated_total", "counter"),
        ("argocd_image_updater_images_errors_total", "counter"),
        ("argocd_image_updater_registry_requests_total", "counter"),
        (
            "argocd_image_updater_registry_requests_failed_total",
            "counter",
        ),
        ("argocd_image_updater_k8s_api_requests_total", "counter"),
        ("argocd_image_updater_k8s_api_errors_total", "counter"),
    ];
    let (types, samples) = parse(&busy_metrics().render());
    // OpenMetrics names a counter family without `_total`; its samples carry the suffix.
    let exposed: Vec<(String, &str)> = types
        .iter()
        .map(|(family, kind)| match kind.as_str() {
            "counter" => (format!("{family}_total"), kind.as_str()),
            _ => (family.clone(), kind.as_str()),
        })
        .collect();
    for (name, kind) in originals {
        assert!(
            exposed.contains(&(name.to_owned(), kind)),
            "`{name}` ({kind}) not in {exposed:?}"
        );
        assert!(
            samples.iter().any(|s| s.name == name),
            "no sample named `{name}`"
        );
    }
    let ours = [
        ("argocd_image_updater_cycle_duration_seconds", "histogram"),
        (
            "argocd_image_updater_registry_request_duration_seconds",
            "histogram",
        ),
        (
            "argocd_image_updater_registry_requests_by_outcome_total",
            "counter",
        ),
    ];
    assert_eq!(exposed.len(), originals.len() + ours.len(), "{exposed:?}");
    for (name, kind) in ours {
        assert!(exposed.contains(&(name.to_owned(), kind)), "`{name}`");
    }
}

#[test]
fn webhook_requests_are_counted_by_type_and_outcome() {
    let metrics = Metrics::new();
    metrics.webhook_request("docker.io", "accepted");
    metrics.webhook_request("docker.io", "accepted");
    metrics.webhook_request("docker.io", "bad_signature");
    metrics.webhook_request("unknown", "unknown_type");
    let (_, samples) = parse(&metrics.render());
    let name = "argocd_image_updater_webhook_requests_total";
    let series = |kind, outcome| value(&samples, name, &[("type", kind), ("outcome", outcome)]);
    assert_eq!(series("docker.io", "accepted"), 2.0);
    assert_eq!(series("docker.io", "bad_signature"), 1.0);
    assert_eq!(series("unknown", "unknown_type"), 1.0);
    assert_eq!(samples.iter().filter(|s| s.name == name).count(), 3);
}

#[test]
fn a_fresh_registry_shows_zero_k8s_counters_and_ends_with_eof() {
    let text = Metrics::new().render();
    let (_, samples) = parse(&text);
    assert_eq!(
        value(&samples, "argocd_image_updater_k8s_api_requests_total", &[]),
        0.0
    );
    assert!(
        !samples.iter().any(|s| s.name.contains("images_watched")),
        "CR series appear only once a run is recorded"
    );
    assert!(text.ends_with("# EOF\n"), "{text}");
}

#[test]
fn summaries_label_annotation_mode_and_skip_updates_of_dry_runs() {
    let metrics = Metrics::new();
    let summary = RunSummary {
        applications: 1,
        images: 2,
        updated: 2,
        errors: 1,
        ..RunSummary::default()
    };
    metrics.record_summary(None, &summary, true);
    let key = UpdaterKey {
        namespace: "team".into(),
        name: "apps".into(),
    };
    metrics.record_summary(Some(&key), &summary, false);
    let (_, samples) = parse(&metrics.render());
    let updated = "argocd_image_updater_images_updated_total";
    let annotations = cr(ANNOTATIONS_CR_NAME, "");
    assert_eq!(value(&samples, updated, &annotations), 0.0);
    assert_eq!(
        value(
            &samples,
            "argocd_image_updater_images_errors_total",
            &annotations
        ),
        1.0
    );
    assert_eq!(value(&samples, updated, &cr("apps", "team")), 2.0);
}

#[test]
fn forgetting_an_updater_drops_only_its_series() {
    let metrics = Metrics::new();
    metrics.record_run("gone", "argocd", counts(1, 1, 1, 1));
    metrics.record_run("kept", "argocd", counts(1, 1, 1, 1));
    metrics.forget_updater("gone", "argocd");
    let (_, samples) = parse(&metrics.render());
    let names = |cr: &str| {
        samples
            .iter()
            .filter(|s| s.labels.get("image_updater_cr_name").map(String::as_str) == Some(cr))
            .count()
    };
    assert_eq!((names("gone"), names("kept")), (0, 4));
}

async fn call(method: &str, uri: &str) -> (StatusCode, Option<String>, String) {
    let metrics = Arc::new(busy_metrics());
    let request = Request::builder()
        .method(method)
        .uri(uri)
        .body(Body::empty())
        .unwrap();
    let response = router(metrics).oneshot(request).await.unwrap();
    let status = response.status();
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_owned());
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    (
        status,
        content_type,
        String::from_utf8(body.to_vec()).unwrap(),
    )
}

#[tokio::test]
async fn get_metrics_serves_the_exposition() {
    let (status, content_type, body) = call("GET", "/metrics").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(content_type.as_deref(), Some(http::CONTENT_TYPE));
    let (_, samples) = parse(&body);
    assert_eq!(
        value(&samples, "argocd_image_updater_k8s_api_errors_total", &[]),
        1.0
    );
}

#[tokio::test]
async fn other_methods_and_paths_are_refused() {
    assert_eq!(
        call("POST", "/metrics").await.0,
        StatusCode::METHOD_NOT_ALLOWED
    );
    assert_eq!(call("GET", "/healthz").await.0, StatusCode::NOT_FOUND);
    assert_eq!(call("GET", "/metrics/x").await.0, StatusCode::NOT_FOUND);
}

#[test]
fn updaters_gone_since_the_last_pass_lose_their_series() {
    let metrics = Metrics::new();
    let key = |name: &str| crate::pipeline::source::UpdaterKey {
        namespace: "argocd".to_owned(),
        name: name.to_owned(),
    };
    let (gone, kept) = (key("gone"), key("kept"));
    metrics.record_run("gone", "argocd", counts(1, 1, 1, 1));
    metrics.record_run("kept", "argocd", counts(1, 1, 1, 1));
    metrics.retain_updaters([Some(&gone), Some(&kept)]);
    metrics.retain_updaters([Some(&kept)]);
    let (_, samples) = parse(&metrics.render());
    let series = |cr: &str| {
        samples
            .iter()
            .filter(|s| s.labels.get("image_updater_cr_name").map(String::as_str) == Some(cr))
            .count()
    };
    assert_eq!((series("gone"), series("kept")), (0, 4));
}
