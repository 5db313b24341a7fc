//! Cluster mode's [`AppSource`]: ImageUpdaters and Applications listed through the Kubernetes
//! API, Applications written as resourceVersion-guarded merge patches, events and statuses.

use updater_argocd::kube::{
    ClusterClient, EVENT_REASON, EventChange, InvolvedApp, Listed, PatchOutcome,
    change_annotations, updated_message,
};
use updater_core::application::Application;
use updater_core::crd::ImageUpdaterStatus;
use updater_core::discover::AppKey;
use updater_core::plan::ImageChange;

use std::sync::Arc;

use crate::failure::error_chain;
use crate::metrics::Metrics;
use crate::pipeline::source::{AppEdit, AppSource, Inventory, UpdaterKey, Written};

/// Which namespaces a pass looks at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WatchScope {
    /// Every namespace (`*`).
    All,
    /// These namespaces.
    Namespaces(Vec<String>),
}

impl WatchScope {
    /// The namespaces to list, `None` meaning all of them at once.
    fn list_targets(&self) -> Vec<Option<&str>> {
        match self {
            Self::All => vec![None],
            Self::Namespaces(list) => list.iter().map(|ns| Some(ns.as_str())).collect(),
        }
    }

    fn contains(&self, namespace: &str) -> bool {
        match self {
            Self::All => true,
            Self::Namespaces(list) => list.iter().any(|ns| ns == namespace),
        }
    }
}

/// The Kubernetes API as the pipeline's source and sink.
pub struct ClusterSource {
    /// The client.
    pub client: ClusterClient,
    /// Namespaces of ImageUpdaters (and of Applications in v0.x mode).
    pub scope: WatchScope,
    /// v0.x mode: list Applications directly, no ImageUpdaters.
    pub legacy: bool,
    /// Counts API calls and their failures.
    pub metrics: Arc<Metrics>,
}

impl ClusterSource {
    /// Counts one API operation (retries inside it are not counted separately).
    fn counted<T, E>(&self, result: Result<T, E>) -> Result<T, E> {
        self.metrics.k8s_request(result.is_ok());
        result
    }

    async fn load_updaters(&self, inventory: &mut Inventory) -> anyhow::Result<()> {
        for namespace in self.scope.list_targets() {
            let listed = self.counted(self.client.list_image_updaters(namespace).await)?;
            let updaters = collect(listed, &mut inventory.problems);
            inventory.updaters.extend(updaters);
        }
        Ok(())
    }

    /// The Applications of the namespaces that hold something to run.
    async fn load_apps(&self, inventory: &mut Inventory) -> anyhow::Result<()> {
        let namespaces: Vec<Option<String>> = if self.legacy {
            let targets = self.scope.list_targets();
            targets
                .into_iter()
                .map(|ns| ns.map(str::to_owned))
                .collect()
        } else {
            let mut list: Vec<String> = inventory
                .updaters
                .iter()
                .filter_map(|u| u.metadata.namespace.clone())
                .filter(|ns| self.scope.contains(ns))
                .collect();
            list.sort();
            list.dedup();
            list.into_iter().map(Some).collect()
        };
        for namespace in namespaces {
            let listed = self.counted(self.client.list_applications(namespace.as_deref()).await)?;
            let apps = collect(listed, &mut inventory.problems);
            inventory.apps.extend(apps);
        }
        Ok(())
    }
}

fn collect<T>(listed: Listed<T>, problems: &mut Vec<String>) -> Vec<T> {
    problems.extend(listed.invalid.iter().map(|error| error_chain(error)));
    listed.items
}

impl AppSource for ClusterSource {
    async fn load(&self) -> anyhow::Result<Inventory> {
        let mut inventory = Inventory::default();
        if !self.legacy {
            self.load_updaters(&mut inventory).await?;
        }
        self.load_apps(&mut inventory).await?;
        Ok(inventory)
    }

    async fn write_app(&self, app: &AppKey, edit: &AppEdit<'_>) -> anyhow::Result<Written> {
        let outcome = self.counted(
            self.client
                .patch_application(&app.namespace, &app.name, edit)
                .await,
        )?;
        Ok(match outcome {
            PatchOutcome::Unchanged => Written::Unchanged,
            PatchOutcome::Patched { .. } => Written::Changed,
        })
    }

    async fn app_updated(&self, app: &Application, changes: &[ImageChange]) -> anyhow::Result<()> {
        let involved = InvolvedApp::of(app, self.client.default_namespace());
        let changes: Vec<EventChange> = changes.iter().map(event_change).collect();
        let emitted = self
            .client
            .emit_event(
                &involved,
                EVENT_REASON,
                &updated_message(app.name()),
                change_annotations(&changes),
            )
            .await;
        self.counted(emitted)?;
        Ok(())
    }

    async fn write_status(
        &self,
        updater: &UpdaterKey,
        mutate: &(dyn Fn(&mut ImageUpdaterStatus) + Send + Sync),
    ) -> anyhow::Result<()> {
        let written = self
            .client
            .update_status(&updater.namespace, &updater.name, mutate)
            .await;
        self.counted(written)?;
        Ok(())
    }
}

fn event_change(change: &ImageChange) -> EventChange {
    EventChange {
        full_image_name: change.image.full_name_without_tag(),
        image_name: change.image.name.clone(),
        old_tag: change.old_display(),
        new_tag: change.new_display(),
    }
}
