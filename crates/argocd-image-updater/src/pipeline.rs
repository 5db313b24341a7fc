//! One pass of the updater, the six stages of DESIGN.md in order. Start reading here.
//!
//! 1. **discover**: the [`AppSource`] loads ImageUpdaters and Applications; [`select`] picks
//!    the targets of each ImageUpdater (or, in v0.x mode, every annotated Application).
//! 2. **resolve**, 3. **query**, 4. **choose**: [`update`] takes each Application through its
//!    images: the effective policy, the tags of the repository (listed once per pass for all
//!    Applications, through [`registry::RegistryPool`]), the decision, and the in-memory edit.
//! 5. **plan** and 6. **write back**: [`writeback`] patches Applications written with the
//!    `argocd` method one by one, and groups Git changes by repository and branch so each group
//!    is one checkout, one commit and one push ([`git`]).
//!
//! Finally each ImageUpdater's status is written ([`status`]) and the pass is summed up
//! ([`report`]). One failing image or Application is counted and logged; it never stops the
//! others.

pub mod git;
pub mod registry;
pub mod report;
pub mod select;
pub mod source;
pub mod status;
pub mod target;
pub mod update;
pub mod writeback;

use std::sync::Arc;

use futures::stream::{self, StreamExt};
use updater_argocd::secrets::SecretStore;
use updater_core::discover::LegacyFilter;
use updater_core::image::ImageRef;
use updater_core::render::template::CommitTemplate;
use updater_git::{Author, GitWriter, Signing};

use crate::leader::Leadership;
use crate::metrics::Metrics;

pub use report::PassReport;
pub use source::AppSource;

/// Everything a pass is configured with, resolved once from flags and files.
pub struct PassSettings {
    /// Compute everything, write nothing (no patch, commit, event or status).
    pub dry_run: bool,
    /// Create Kubernetes events after writes.
    pub events: bool,
    /// Argo CD's namespace (repository credentials).
    pub argocd_namespace: String,
    /// The namespace the updater counts as its own (the `.argocd-source-<ns>_<app>` rule).
    pub controller_namespace: String,
    /// Applications processed at once.
    pub max_concurrent_apps: usize,
    /// Platforms wanted when an image configures none (the runtime's, as in the original).
    pub default_platforms: Vec<String>,
    /// v0.x mode (no ImageUpdater resources) and its filters; `None` reads ImageUpdaters.
    pub legacy: Option<LegacyFilter>,
    /// How commits are made.
    pub commit: CommitSettings,
    /// SSH `known_hosts` for Git remotes (Argo CD's, when mounted as in the original's install).
    pub ssh_known_hosts: Option<String>,
}

/// Commit author, signing and message template.
pub struct CommitSettings {
    /// Author and committer.
    pub author: Author,
    /// Signing, when a key is configured.
    pub signing: Option<Signing>,
    /// `git commit -s`.
    pub sign_off: bool,
    /// The message template.
    pub template: CommitTemplate,
}

/// The long-lived parts a pass works with.
pub struct Services {
    /// Settings.
    pub settings: PassSettings,
    /// Registry clients and the metadata cache.
    pub registries: registry::RegistryPool,
    /// The git writer and its working copies.
    pub git: GitWriter,
    /// Secrets (pull secrets, git credentials).
    pub secrets: Arc<dyn SecretStore>,
    /// Prometheus metrics.
    pub metrics: Arc<Metrics>,
    /// Whether this replica may write now (leader election).
    pub leadership: Leadership,
}

/// Which images a narrowed pass looks at (a registry webhook's: those its events concern).
pub type ImageScope = dyn Fn(&ImageRef) -> bool + Send + Sync;

/// Runs one pass over everything `source` selects.
pub async fn run_pass<S: AppSource>(services: &Services, source: &S) -> PassReport {
    run_scoped_pass(services, source, None).await
}

/// Runs one pass over the images `scope` keeps (all when `None`). A narrowed pass writes no
/// ImageUpdater status and sets no per-ImageUpdater gauge, which describe whole runs; its
/// updates and errors are counted.
pub async fn run_scoped_pass<S: AppSource>(
    services: &Services,
    source: &S,
    scope: Option<&ImageScope>,
) -> PassReport {
    let started = std::time::Instant::now();
    let report = pass(services, source, scope).await;
    services.metrics.observe_cycle(started.elapsed());
    report
}

async fn pass<S: AppSource>(
    services: &Services,
    source: &S,
    scope: Option<&ImageScope>,
) -> PassReport {
    let mut report = PassReport::default();
    let inventory = match source.load().await {
        Ok(inventory) => inventory,
        Err(error) => {
            report.fail_pass(error);
            return report;
        }
    };
    report.count_problems(&inventory.problems);
    let mut selection = select::select(&inventory, services.settings.legacy.as_ref());
    if let Some(scope) = scope {
        selection.narrow(scope);
    }
    let pass = updater_registry::cycle::CycleTags::new();
    let concurrency = services.settings.max_concurrent_apps.max(1);
    let mut results: Vec<update::AppResult> = stream::iter(&selection.works)
        .map(|work| update::update_app(services, source, &pass, work))
        .buffered(concurrency)
        .collect()
        .await;
    writeback::write_all(services, source, &mut results).await;
    let summaries: Vec<status::RunSummary> = (selection.runs.iter().enumerate())
        .map(|(index, run)| status::RunSummary::of(index, run, &results))
        .collect();
    report.add_results(&selection.runs, &results);
    if scope.is_some() {
        record_increments(services, &selection.runs, &summaries);
    } else {
        let failures = status::record_all(services, source, &selection.runs, &summaries).await;
        record_metrics(services, &selection.runs, &summaries);
        report.errors += failures;
    }
    report.registry_requests = services.registries.request_counts();
    report
}

/// A narrowed pass's updates and errors, added to the per-ImageUpdater counters.
fn record_increments(
    services: &Services,
    runs: &[select::UpdaterRun],
    summaries: &[status::RunSummary],
) {
    let dry_run = services.settings.dry_run;
    for (run, summary) in runs.iter().zip(summaries) {
        services
            .metrics
            .record_increments(run.key.as_ref(), summary, dry_run);
    }
}

/// The per-ImageUpdater series of §13 (a dry run counts no update, as in the original).
fn record_metrics(
    services: &Services,
    runs: &[select::UpdaterRun],
    summaries: &[status::RunSummary],
) {
    let dry_run = services.settings.dry_run;
    for (run, summary) in runs.iter().zip(summaries) {
        services
            .metrics
            .record_summary(run.key.as_ref(), summary, dry_run);
    }
    let keys = runs.iter().map(|run| run.key.as_ref());
    services.metrics.retain_updaters(keys);
}
