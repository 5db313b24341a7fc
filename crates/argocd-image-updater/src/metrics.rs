//! Prometheus metrics: the original's series (spec §13) with its names and labels, plus ours
//! (cycle and registry request durations, registry requests by outcome, webhook requests),
//! rendered in the OpenMetrics text format that `prometheus-client` produces.
//!
//! Naming: OpenMetrics counters are exposed as `<family>_total`, and `prometheus-client` adds
//! that suffix itself, so counters are registered without it; the sample names come out exactly
//! as the original's. The original's two gauges are themselves named `..._total` and keep it.

mod http;

use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::{Registry, Unit};
use updater_registry::client::RequestObserver;

use crate::pipeline::source::UpdaterKey;
use crate::pipeline::status::RunSummary;

pub use http::router;

/// The `image_updater_cr_name` of the v0.x annotation mode, where no ImageUpdater resource
/// exists; its namespace label is empty.
pub const ANNOTATIONS_CR_NAME: &str = "annotations";

/// What one ImageUpdater's run counted, for [`Metrics::record_run`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunCounts {
    /// Applications matched (the `applications_watched` gauge).
    pub applications: i64,
    /// Images considered (the `images_watched` gauge).
    pub images: i64,
    /// Images updated and written: 0 in a dry run (added to `images_updated`).
    pub updated: u64,
    /// Errors (added to `images_errors`).
    pub errors: u64,
}

/// The labels of the per-ImageUpdater series.
#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct UpdaterLabels {
    image_updater_cr_name: String,
    image_updater_cr_namespace: String,
}

impl UpdaterLabels {
    fn new(name: &str, namespace: &str) -> Self {
        Self {
            image_updater_cr_name: name.to_owned(),
            image_updater_cr_namespace: namespace.to_owned(),
        }
    }
}

/// `{registry}`: the registry API URL without credentials.
#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct RegistryLabels {
    registry: String,
}

/// `{registry, kind}` for request durations.
#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct KindLabels {
    registry: String,
    kind: &'static str,
}

/// `{registry, outcome}` for requests by outcome.
#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct OutcomeLabels {
    registry: String,
    outcome: &'static str,
}

/// `{type, outcome}` for webhook requests.
#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct WebhookLabels {
    r#type: String,
    outcome: String,
}

/// A family of histograms, all with the same buckets.
type HistogramFamily<S> = Family<S, Histogram, fn() -> Histogram>;

/// Every series the updater exposes, and the registry that renders them. `Send + Sync`: share
/// it through an `Arc` between the controller, the registry clients and the HTTP server.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    applications_watched: Family<UpdaterLabels, Gauge>,
    images_watched: Family<UpdaterLabels, Gauge>,
    images_updated: Family<UpdaterLabels, Counter>,
    images_errors: Family<UpdaterLabels, Counter>,
    registry_requests: Family<RegistryLabels, Counter>,
    registry_requests_failed: Family<RegistryLabels, Counter>,
    k8s_requests: Counter,
    k8s_errors: Counter,
    cycle_duration: Histogram,
    request_duration: HistogramFamily<KindLabels>,
    requests_by_outcome: Family<OutcomeLabels, Counter>,
    webhook_requests: Family<WebhookLabels, Counter>,
    /// The ImageUpdaters of the last pass, so deleted ones lose their series.
    seen: std::sync::Mutex<std::collections::BTreeSet<(String, String)>>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    /// Every series registered, the unlabelled ones at zero.
    pub fn new() -> Self {
        let mut metrics = Self {
            registry: Registry::default(),
            applications_watched: Family::default(),
            images_watched: Family::default(),
            images_updated: Family::default(),
            images_errors: Family::default(),
            registry_requests: Family::default(),
            registry_requests_failed: Family::default(),
            k8s_requests: Counter::default(),
            k8s_errors: Counter::default(),
            cycle_duration: cycle_histogram(),
            request_duration: Family::new_with_constructor(request_histogram),
            requests_by_outcome: Family::default(),
            webhook_requests: Family::default(),
            seen: std::sync::Mutex::default(),
        };
        metrics.register_original();
        metrics.register_ours();
        metrics
    }

    /// The original's eight series, under its names.
    fn register_original(&mut self) {
        let registry = &mut self.registry;
        registry.register(
            "argocd_image_updater_applications_watched_total",
            "The number of applications watched by the image updater CR",
            self.applications_watched.clone(),
        );
        registry.register(
            "argocd_image_updater_images_watched_total",
            "The number of images watched by the image updater CR",
            self.images_watched.clone(),
        );
        registry.register(
            "argocd_image_updater_images_updated",
            "The number of images updated by the image updater CR",
            self.images_updated.clone(),
        );
        registry.register(
            "argocd_image_updater_images_errors",
            "The number of errors reported by the image updater CR",
            self.images_errors.clone(),
        );
        registry.register(
            "argocd_image_updater_registry_requests",
            "The number of requests to the container registry",
            self.registry_requests.clone(),
        );
        registry.register(
            "argocd_image_updater_registry_requests_failed",
            "The number of requests to the container registry that did not succeed",
            self.registry_requests_failed.clone(),
        );
        registry.register(
            "argocd_image_updater_k8s_api_requests",
            "The number of requests to the Kubernetes API",
            self.k8s_requests.clone(),
        );
        registry.register(
            "argocd_image_updater_k8s_api_errors",
            "The number of failed requests to the Kubernetes API",
            self.k8s_errors.clone(),
        );
    }

    /// Series the original does not have.
    fn register_ours(&mut self) {
        let registry = &mut self.registry;
        registry.register_with_unit(
            "argocd_image_updater_cycle_duration",
            "How long one pass over every ImageUpdater took",
            Unit::Seconds,
            self.cycle_duration.clone(),
        );
        registry.register_with_unit(
            "argocd_image_updater_registry_request_duration",
            "How long one registry request attempt took, rate-limit wait excluded",
            Unit::Seconds,
            self.request_duration.clone(),
        );
        registry.register(
            "argocd_image_updater_registry_requests_by_outcome",
            "Registry request attempts by outcome (ok, auth, client_error, server_error, \
             throttled, network)",
            self.requests_by_outcome.clone(),
        );
        registry.register(
            "argocd_image_updater_webhook_requests",
            "Webhook requests by registry type and outcome (accepted, or why they were refused)",
            self.webhook_requests.clone(),
        );
    }

    /// One ImageUpdater's run (`name` [`ANNOTATIONS_CR_NAME`] and namespace `""` in annotation
    /// mode): the watched gauges are set, the updated and error counters incremented.
    pub fn record_run(&self, name: &str, namespace: &str, counts: RunCounts) {
        let labels = UpdaterLabels::new(name, namespace);
        self.applications_watched
            .get_or_create(&labels)
            .set(counts.applications);
        self.images_watched
            .get_or_create(&labels)
            .set(counts.images);
        self.images_updated
            .get_or_create(&labels)
            .inc_by(counts.updated);
        self.images_errors
            .get_or_create(&labels)
            .inc_by(counts.errors);
    }

    /// [`Metrics::record_run`] from a pipeline summary; `key` is `None` in annotation mode.
    /// A dry run counts no updates, as the original counts only written ones.
    pub fn record_summary(&self, key: Option<&UpdaterKey>, summary: &RunSummary, dry_run: bool) {
        let (name, namespace) = cr_labels(key);
        let updated = if dry_run { 0 } else { summary.updated };
        let counts = RunCounts {
            applications: summary.applications.into(),
            images: summary.images.into(),
            updated: non_negative(updated),
            errors: non_negative(summary.errors),
        };
        self.record_run(&name, &namespace, counts);
    }

    /// Adds a narrowed pass's updates and errors to the counters of `key`, leaving the gauges
    /// (which describe whole runs) alone.
    pub fn record_increments(&self, key: Option<&UpdaterKey>, summary: &RunSummary, dry_run: bool) {
        let (name, namespace) = cr_labels(key);
        let labels = UpdaterLabels::new(&name, &namespace);
        let updated = if dry_run { 0 } else { summary.updated };
        self.images_updated
            .get_or_create(&labels)
            .inc_by(non_negative(updated));
        self.images_errors
            .get_or_create(&labels)
            .inc_by(non_negative(summary.errors));
    }

    /// Keeps the series of the ImageUpdaters of this pass (`None`: annotation mode) and drops
    /// those of ImageUpdaters gone since the last one, as the original's finalizer does.
    pub fn retain_updaters<'a>(&self, current: impl IntoIterator<Item = Option<&'a UpdaterKey>>) {
        let current: std::collections::BTreeSet<(String, String)> =
            current.into_iter().map(cr_labels).collect();
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        for (name, namespace) in seen.difference(&current) {
            self.forget_updater(name, namespace);
        }
        *seen = current;
    }

    /// Drops an ImageUpdater's series, as the original's finalizer does when it is deleted.
    pub fn forget_updater(&self, name: &str, namespace: &str) {
        let labels = UpdaterLabels::new(name, namespace);
        self.applications_watched.remove(&labels);
        self.images_watched.remove(&labels);
        self.images_updated.remove(&labels);
        self.images_errors.remove(&labels);
    }

    /// One Kubernetes API request, failed unless `ok`.
    pub fn k8s_request(&self, ok: bool) {
        self.k8s_requests.inc();
        if !ok {
            self.k8s_errors.inc();
        }
    }

    /// One webhook request of registry type `kind` (`unknown` when not recognised) ended with
    /// `outcome`: `accepted` or the reason it was refused.
    pub fn webhook_request(&self, kind: &str, outcome: &str) {
        let labels = WebhookLabels {
            r#type: kind.to_owned(),
            outcome: outcome.to_owned(),
        };
        self.webhook_requests.get_or_create(&labels).inc();
    }

    /// One pass took `elapsed`.
    pub fn observe_cycle(&self, elapsed: Duration) {
        self.cycle_duration.observe(elapsed.as_secs_f64());
    }

    /// Every series in the OpenMetrics text format (served as [`CONTENT_TYPE`]).
    pub fn render(&self) -> String {
        let mut text = String::new();
        // Writing to a String cannot fail, nor can encoding these metric types; a truncated
        // exposition (no `# EOF`) would be rejected by the scraper, which is the right signal.
        if let Err(error) = prometheus_client::encoding::text::encode(&mut text, &self.registry) {
            tracing::error!("cannot encode the metrics: {error}");
        }
        text
    }
}

impl RequestObserver for Metrics {
    fn observe(
        &self,
        registry: &str,
        kind: &'static str,
        outcome: &'static str,
        elapsed: Duration,
    ) {
        let by_registry = RegistryLabels {
            registry: registry.to_owned(),
        };
        self.registry_requests.get_or_create(&by_registry).inc();
        if outcome != "ok" {
            self.registry_requests_failed
                .get_or_create(&by_registry)
                .inc();
        }
        let by_kind = KindLabels {
            registry: registry.to_owned(),
            kind,
        };
        self.request_duration
            .get_or_create(&by_kind)
            .observe(elapsed.as_secs_f64());
        let by_outcome = OutcomeLabels {
            registry: by_registry.registry,
            outcome,
        };
        self.requests_by_outcome.get_or_create(&by_outcome).inc();
    }
}

/// 0.5 s to about 17 min: a pass lists every repository of the cluster once.
fn cycle_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.5, 2.0, 12))
}

/// 5 ms to about 10 s, the default per-attempt timeout.
fn request_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.005, 2.0, 12))
}

fn non_negative(value: i32) -> u64 {
    u64::try_from(value).unwrap_or(0)
}

#[cfg(test)]
mod tests;

/// The `image_updater_cr_name` and `image_updater_cr_namespace` of a run; annotation mode
/// (no resource) is [`ANNOTATIONS_CR_NAME`] in no namespace.
fn cr_labels(key: Option<&UpdaterKey>) -> (String, String) {
    key.map_or((ANNOTATIONS_CR_NAME.to_owned(), String::new()), |key| {
        (key.name.clone(), key.namespace.clone())
    })
}
