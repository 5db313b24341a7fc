//! Each ImageUpdater's status after a pass (spec §3.10): counts, recent updates and the
//! `Ready` / `Error` / `Reconciling` conditions. Deliberate difference: `--dry-run` writes no
//! status, so a dry run changes nothing in the cluster.

use std::collections::BTreeMap;

use jiff::Timestamp;
use updater_core::crd::{Condition, ConditionStatus, ImageUpdaterStatus, RecentUpdate};

use super::Services;
use super::select::UpdaterRun;
use super::source::AppSource;
use super::update::AppResult;

/// What one ImageUpdater's run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunSummary {
    /// Applications with at least one image.
    pub applications: i32,
    /// Images considered.
    pub images: i32,
    /// Images updated.
    pub updated: i32,
    /// Errors.
    pub errors: i32,
    /// Why the whole run failed, if it did.
    pub failure: Option<String>,
    /// `recentUpdates` entries; their time is set when the status is written.
    pub updates: Vec<RecentUpdate>,
}

impl RunSummary {
    /// Sums the results of run `index`.
    pub fn of(index: usize, run: &UpdaterRun, results: &[AppResult]) -> Self {
        let mut summary = Self {
            failure: run.failure.clone(),
            errors: i32::from(run.failure.is_some()),
            ..Self::default()
        };
        let mut updates: BTreeMap<(String, String), RecentUpdate> = BTreeMap::new();
        for result in results.iter().filter(|r| r.run == index) {
            let counts = result.counts();
            summary.applications += i32::from(result.is_matched());
            summary.images += clamp(counts.considered);
            summary.updated += clamp(counts.updated);
            summary.errors += clamp(counts.errors);
            if result.write_failed {
                continue;
            }
            for change in result.changes() {
                let alias = change
                    .alias
                    .clone()
                    .unwrap_or_else(|| change.image.name.clone());
                let entry = updates
                    .entry((alias.clone(), change.new_display()))
                    .or_insert_with(|| RecentUpdate {
                        alias,
                        image: change.image.full_name_without_tag(),
                        new_version: change.new_display(),
                        applications_updated: 0,
                        updated_at: Timestamp::UNIX_EPOCH,
                        message: format!(
                            "Updated from {} to {}.",
                            change.old_display(),
                            change.new_display()
                        ),
                    });
                entry.applications_updated += 1;
            }
        }
        summary.updates = updates.into_values().collect();
        summary
    }

    /// Writes the summary into `status` at `now`.
    pub fn apply(&self, status: &mut ImageUpdaterStatus, generation: Option<i64>, now: Timestamp) {
        status.observed_generation = generation;
        status.last_checked_at = Some(now);
        status.applications_matched = self.applications;
        status.images_managed = self.images;
        if self.updated > 0 {
            status.last_updated_at = Some(now);
        }
        if !self.updates.is_empty() {
            status.recent_updates = self
                .updates
                .iter()
                .map(|update| RecentUpdate {
                    updated_at: now,
                    ..update.clone()
                })
                .collect();
        }
        for (kind, state, reason, message) in self.conditions() {
            let condition = Condition {
                type_: kind.to_owned(),
                status: state,
                reason: reason.to_owned(),
                message,
                last_transition_time: now,
                observed_generation: generation,
            };
            set_condition(&mut status.conditions, condition);
        }
    }

    fn conditions(&self) -> Vec<(&'static str, ConditionStatus, &'static str, String)> {
        use ConditionStatus::{False, True};
        let idle = (
            "Reconciling",
            False,
            "Idle",
            "Last check completed. Awaiting next cycle.".to_owned(),
        );
        if let Some(failure) = &self.failure {
            return vec![
                idle,
                ("Error", True, "ReconcileError", failure.clone()),
                (
                    "Ready",
                    False,
                    "ReconcileFailed",
                    format!("Reconciliation failed: {failure}"),
                ),
            ];
        }
        if self.errors > 0 {
            return vec![
                idle,
                (
                    "Error",
                    True,
                    "PartialErrors",
                    format!(
                        "{} error(s) occurred during image update checks.",
                        self.errors
                    ),
                ),
                (
                    "Ready",
                    True,
                    "ReconcileCompletedWithErrors",
                    format!(
                        "Reconciled {} applications with {} errors, {} images updated.",
                        self.applications, self.errors, self.updated
                    ),
                ),
            ];
        }
        vec![
            idle,
            (
                "Error",
                False,
                "NoErrors",
                "No errors during last reconciliation.".to_owned(),
            ),
            (
                "Ready",
                True,
                "ReconcileSucceeded",
                format!(
                    "Reconciled {} applications, {} images updated.",
                    self.applications, self.updated
                ),
            ),
        ]
    }
}

fn clamp(value: usize) -> i32 {
    i32::try_from(value).unwrap_or(i32::MAX)
}

/// `meta.SetStatusCondition`: the transition time moves only when the status changes.
fn set_condition(conditions: &mut Vec<Condition>, new: Condition) {
    match conditions.iter_mut().find(|c| c.type_ == new.type_) {
        Some(existing) => {
            let since = if existing.status == new.status {
                existing.last_transition_time
            } else {
                new.last_transition_time
            };
            *existing = Condition {
                last_transition_time: since,
                ..new
            };
        }
        None => conditions.push(new),
    }
}

/// Writes the status of every ImageUpdater of the pass from its summary (none in a dry run);
/// returns how many writes failed.
pub async fn record_all<S: AppSource>(
    services: &Services,
    source: &S,
    runs: &[UpdaterRun],
    summaries: &[RunSummary],
) -> usize {
    if services.settings.dry_run {
        return 0;
    }
    let mut failures = 0;
    for (run, summary) in runs.iter().zip(summaries) {
        let Some(key) = &run.key else {
            continue;
        };
        if let Err(not_leader) = services.leadership.check() {
            tracing::error!(imageupdater = %key, "cannot write the status: {not_leader}");
            failures += 1;
            continue;
        }
        let now = Timestamp::now();
        let generation = run.generation;
        let mutate = move |status: &mut ImageUpdaterStatus| summary.apply(status, generation, now);
        if let Err(error) = source.write_status(key, &mutate).await {
            tracing::error!(imageupdater = %key, "cannot write the status: {error:#}");
            failures += 1;
        }
    }
    failures
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(second: i64) -> Timestamp {
        Timestamp::from_second(second).unwrap()
    }

    fn condition<'a>(status: &'a ImageUpdaterStatus, kind: &str) -> &'a Condition {
        status.conditions.iter().find(|c| c.type_ == kind).unwrap()
    }

    #[test]
    fn clean_partial_and_failed_runs_set_the_conditions_of_the_original() {
        let mut status = ImageUpdaterStatus::default();
        let clean = RunSummary {
            applications: 2,
            images: 3,
            updated: 1,
            updates: vec![RecentUpdate {
                alias: "web".into(),
                image: "reg/web".into(),
                new_version: "1.2.0".into(),
                applications_updated: 2,
                updated_at: Timestamp::UNIX_EPOCH,
                message: "Updated from 1.0.0 to 1.2.0.".into(),
            }],
            ..RunSummary::default()
        };
        clean.apply(&mut status, Some(4), at(100));
        assert_eq!(condition(&status, "Ready").reason, "ReconcileSucceeded");
        assert_eq!(
            condition(&status, "Ready").message,
            "Reconciled 2 applications, 1 images updated."
        );
        assert_eq!(condition(&status, "Error").status, ConditionStatus::False);
        assert_eq!(condition(&status, "Reconciling").reason, "Idle");
        assert_eq!((status.applications_matched, status.images_managed), (2, 3));
        assert_eq!(status.recent_updates[0].applications_updated, 2);
        assert_eq!(status.last_updated_at, Some(at(100)));
        assert_eq!(status.observed_generation, Some(4));

        let partial = RunSummary {
            applications: 2,
            errors: 1,
            ..RunSummary::default()
        };
        partial.apply(&mut status, Some(4), at(200));
        let error = condition(&status, "Error");
        assert_eq!(
            (error.status, error.reason.as_str()),
            (ConditionStatus::True, "PartialErrors")
        );
        assert_eq!(error.last_transition_time, at(200), "the status changed");
        let ready = condition(&status, "Ready");
        assert_eq!(ready.reason, "ReconcileCompletedWithErrors");
        assert_eq!(
            ready.last_transition_time,
            at(100),
            "still True: the time stays"
        );
        assert_eq!(status.recent_updates.len(), 1, "kept when nothing updated");
        assert_eq!(status.last_updated_at, Some(at(100)));
        assert_eq!(status.last_checked_at, Some(at(200)));

        let failed = RunSummary {
            failure: Some("bad pattern".into()),
            errors: 1,
            ..RunSummary::default()
        };
        failed.apply(&mut status, Some(5), at(300));
        let ready = condition(&status, "Ready");
        assert_eq!(
            (ready.status, ready.reason.as_str()),
            (ConditionStatus::False, "ReconcileFailed")
        );
        assert_eq!(ready.message, "Reconciliation failed: bad pattern");
        assert_eq!(status.conditions.len(), 3);
    }
}
