//! What a pass did, summed up for the command line (and later for metrics).

use updater_registry::client::RequestCounts;

use super::select::UpdaterRun;
use super::update::AppResult;

/// The totals of one pass.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PassReport {
    /// Applications selected that have at least one image.
    pub applications: usize,
    /// Images considered (live or forced).
    pub images: usize,
    /// Images updated (and written, unless a dry run).
    pub updated: usize,
    /// Images skipped (not live, or no candidate).
    pub skipped: usize,
    /// Errors of any kind.
    pub errors: usize,
    /// Registry requests made so far by this process (with `--once`, those of the pass).
    pub registry_requests: RequestCounts,
}

impl PassReport {
    /// The pass could not start (e.g. the API server is unreachable).
    pub fn fail_pass(&mut self, error: anyhow::Error) {
        tracing::error!("{error:#}");
        self.errors += 1;
    }

    /// Objects that could not be read: one error each.
    pub fn count_problems(&mut self, problems: &[String]) {
        for problem in problems {
            tracing::error!("{problem}");
        }
        self.errors += problems.len();
    }

    /// Adds the runs' failures and the Applications' counts.
    pub fn add_results(&mut self, runs: &[UpdaterRun], results: &[AppResult]) {
        self.errors += runs.iter().filter(|run| run.failure.is_some()).count();
        for result in results {
            let counts = result.counts();
            self.applications += usize::from(result.is_matched());
            self.images += counts.considered;
            self.updated += counts.updated;
            self.skipped += counts.skipped;
            self.errors += counts.errors;
        }
    }

    /// The summary line printed last by `run --once`.
    pub fn summary_line(&self) -> String {
        format!(
            "summary: applications={} images={} updated={} skipped={} errors={}",
            self.applications, self.images, self.updated, self.skipped, self.errors
        )
    }

    /// The registry traffic of the pass, by kind.
    pub fn registry_line(&self) -> String {
        let counts = &self.registry_requests;
        format!(
            "registry requests: {} (tag list pages {}, manifest GET {}, manifest HEAD {}, blob GET {}, token {})",
            counts.total(),
            counts.tags,
            counts.manifest,
            counts.manifest_head,
            counts.blob,
            counts.token
        )
    }
}
