//! Stage 1, the selection: which Applications each ImageUpdater manages (spec §3.11), or in
//! v0.x mode every Application carrying the `image-list` annotation. The rules live in
//! `updater_core::discover`; this module feeds them and logs what they skipped.

use std::collections::HashMap;

use updater_core::application::Application;
use updater_core::crd::ImageUpdater;
use updater_core::discover::{
    AppKey, AppMeta, LegacyFilter, Selection, Target, select_annotated, select_targets,
};

use super::source::{Inventory, UpdaterKey};
use crate::failure::error_chain;

/// One ImageUpdater's share of the pass (or the single v0.x run, without a key).
#[derive(Debug, Clone)]
pub struct UpdaterRun {
    /// The ImageUpdater; `None` in v0.x mode.
    pub key: Option<UpdaterKey>,
    /// Its `metadata.generation`.
    pub generation: Option<i64>,
    /// Why the whole run failed (e.g. a malformed `namePattern`).
    pub failure: Option<String>,
}

/// One selected Application with its configuration.
#[derive(Debug, Clone)]
pub struct AppWork {
    /// Index of the run in [`Selected::runs`].
    pub run: usize,
    /// The configuration it is updated with.
    pub target: Target,
    /// The Application as loaded.
    pub app: Application,
}

/// The result of selection.
#[derive(Debug, Default)]
pub struct Selected {
    /// One entry per ImageUpdater (or one for v0.x mode).
    pub runs: Vec<UpdaterRun>,
    /// The Applications to update, in run order.
    pub works: Vec<AppWork>,
}

impl Selected {
    /// Keeps only the images `scope` keeps (an image whose reference does not parse is
    /// dropped: it could not concern anything), and only the Applications left with images.
    pub fn narrow(&mut self, scope: &super::ImageScope) {
        for work in &mut self.works {
            work.target.images.retain(|image| {
                updater_core::image::ImageRef::parse(&image.image_name).is_ok_and(|r| scope(&r))
            });
        }
        self.works.retain(|work| !work.target.images.is_empty());
    }
}

/// Selects the work of a pass; `legacy` switches to v0.x mode.
pub fn select(inventory: &Inventory, legacy: Option<&LegacyFilter>) -> Selected {
    let metas: Vec<AppMeta> = inventory.apps.iter().map(app_meta).collect();
    let by_key: HashMap<AppKey, &Application> = metas
        .iter()
        .map(AppMeta::key)
        .zip(&inventory.apps)
        .collect();
    let mut selected = Selected::default();
    match legacy {
        Some(filter) => {
            let selection = select_annotated(&metas, filter);
            add_run(&mut selected, v0_run(), selection, &by_key);
        }
        None => {
            for updater in &inventory.updaters {
                let (run, selection) = select_for(updater, &metas);
                add_run(&mut selected, run, selection, &by_key);
            }
        }
    }
    selected
}

/// What discovery needs of an Application.
pub fn app_meta(app: &Application) -> AppMeta {
    AppMeta {
        name: app.name().to_owned(),
        namespace: app.namespace().unwrap_or_default().to_owned(),
        labels: app.labels(),
        annotations: app.annotations(),
    }
}

fn v0_run() -> UpdaterRun {
    UpdaterRun {
        key: None,
        generation: None,
        failure: None,
    }
}

fn select_for(updater: &ImageUpdater, metas: &[AppMeta]) -> (UpdaterRun, Selection) {
    let key = UpdaterKey {
        namespace: updater.metadata.namespace.clone().unwrap_or_default(),
        name: updater.metadata.name.clone().unwrap_or_default(),
    };
    let mut run = UpdaterRun {
        key: Some(key.clone()),
        generation: updater.metadata.generation,
        failure: None,
    };
    match select_targets(updater, metas) {
        Ok(selection) => (run, selection),
        Err(error) => {
            let message = error_chain(&error);
            tracing::error!(imageupdater = %key, "{message}");
            run.failure = Some(message);
            (run, Selection::default())
        }
    }
}

fn add_run(
    selected: &mut Selected,
    run: UpdaterRun,
    selection: Selection,
    apps: &HashMap<AppKey, &Application>,
) {
    let index = selected.runs.len();
    let scope = run
        .key
        .as_ref()
        .map_or("v0.x annotations".to_owned(), |k| k.to_string());
    for warning in &selection.warnings {
        tracing::warn!(imageupdater = %scope, "{}", error_chain(warning));
    }
    selected.runs.push(run);
    for target in selection.targets {
        let Some(app) = apps.get(&target.app) else {
            continue;
        };
        selected.works.push(AppWork {
            run: index,
            target,
            app: (*app).clone(),
        });
    }
}
