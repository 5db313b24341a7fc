//! Stages 5 and 6: Applications written with the `argocd` method are patched one by one (the
//! patch carries the resourceVersion and only the changed images, re-applied to a fresh read on
//! conflict); Git changes go through [`super::git`] in one commit per repository and branch.

use futures::stream::{self, StreamExt};
use updater_core::application::{Application, ApplicationError, set_image};

use super::Services;
use super::git;
use super::source::{AppSource, Written};
use super::update::AppResult;

/// Writes every Application with changes; failures are recorded on the results.
pub async fn write_all<S: AppSource>(services: &Services, source: &S, results: &mut [AppResult]) {
    let concurrency = services.settings.max_concurrent_apps.max(1);
    let argocd = results
        .iter_mut()
        .filter(|result| uses_argocd(result) && !result.changes().is_empty());
    stream::iter(argocd)
        .for_each_concurrent(concurrency, |result| write_argocd(services, source, result))
        .await;
    git::write_batches(services, source, results).await;
}

fn uses_argocd(result: &AppResult) -> bool {
    result.plan.as_ref().is_some_and(|plan| plan.git.is_none())
}

async fn write_argocd<S: AppSource>(services: &Services, source: &S, result: &mut AppResult) {
    let changes = result.changes();
    if services.settings.dry_run {
        tracing::info!(application = %result.key, "dry run: not patching {} image(s)", changes.len());
        return;
    }
    if let Err(not_leader) = services.leadership.check() {
        result.fail_write(&anyhow::Error::new(not_leader));
        return;
    }
    let Some(index) = result.plan.as_ref().map(|plan| plan.source_index) else {
        return;
    };
    let writes = result.spec_writes();
    let edit = move |app: &mut Application| -> Result<(), ApplicationError> {
        for (target, image) in &writes {
            set_image(app, index, target, image)?;
        }
        Ok(())
    };
    match source.write_app(&result.key, &edit).await {
        Ok(Written::Changed) => {
            tracing::info!(application = %result.key, "patched {} image(s)", changes.len());
            announce(services, source, &result.original, &changes).await;
        }
        Ok(Written::Unchanged) => {
            tracing::info!(application = %result.key, "the application already holds the new versions");
        }
        Err(error) => result.fail_write(&error.context("cannot update the application")),
    }
}

/// The Kubernetes event after a write; a failure to create it is only a warning.
pub async fn announce<S: AppSource>(
    services: &Services,
    source: &S,
    app: &Application,
    changes: &[updater_core::plan::ImageChange],
) {
    if !services.settings.events {
        return;
    }
    if let Err(error) = source.app_updated(app, changes).await {
        tracing::warn!(
            application = app.name(),
            "cannot record an event: {error:#}"
        );
    }
}
