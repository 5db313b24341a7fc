//! Early passes: like the original's controller, which reconciles an ImageUpdater as soon as
//! it is created or its spec changes, the loop starts a pass on such a change instead of
//! waiting for the interval. Status writes (ours included) do not bump the generation, so they
//! wake nothing. After a dropped watch the watcher re-lists; the re-listing is compared with
//! what was known, so a change made while the watch was down still wakes the loop.

use std::collections::HashMap;
use std::sync::Arc;

use futures::StreamExt;
use tokio::sync::Notify;
use updater_argocd::kube::{ClusterClient, SpecEvent, SpecVersion};

use crate::cluster::WatchScope;
use crate::failure::error_chain;

type Key = (String, String);

/// The generations seen so far, and whether an event means a pass is due.
#[derive(Debug, Default)]
pub struct SpecChanges {
    known: HashMap<Key, i64>,
    /// The listing in progress, if any.
    relisting: Option<HashMap<Key, i64>>,
    /// Whether a first listing completed (the first pass covers everything before it).
    listed: bool,
}

impl SpecChanges {
    /// Takes in `event`; returns what changed when a pass is due.
    pub fn observe(&mut self, event: SpecEvent) -> Option<String> {
        match event {
            SpecEvent::ListStart => {
                self.relisting = Some(HashMap::new());
                None
            }
            SpecEvent::Listed(version) => {
                let (key, generation) = split(version);
                self.relisting
                    .get_or_insert_with(HashMap::new)
                    .insert(key, generation);
                None
            }
            SpecEvent::ListDone => self.list_done(),
            SpecEvent::Applied(version) => {
                let (key, generation) = split(version);
                let before = self.known.insert(key.clone(), generation);
                (before != Some(generation)).then(|| describe(&key, before.is_none()))
            }
            SpecEvent::Deleted(version) => {
                self.known.remove(&split(version).0);
                None
            }
        }
    }

    fn list_done(&mut self) -> Option<String> {
        let listing = self.relisting.take().unwrap_or_default();
        let first = !std::mem::replace(&mut self.listed, true);
        let changed = listing
            .iter()
            .find(|(key, generation)| self.known.get(*key) != Some(*generation))
            .map(|(key, _)| describe(key, !self.known.contains_key(key)));
        self.known = listing;
        if first { None } else { changed }
    }
}

fn split(version: SpecVersion) -> (Key, i64) {
    ((version.namespace, version.name), version.generation)
}

fn describe((namespace, name): &Key, created: bool) -> String {
    let what = if created { "created" } else { "changed" };
    format!("ImageUpdater {namespace}/{name} {what}")
}

/// Watches the ImageUpdaters of `scope` and notifies `wake` on every created or changed spec.
/// Runs until aborted.
pub fn spawn(
    client: &ClusterClient,
    scope: &WatchScope,
    wake: Arc<Notify>,
) -> tokio::task::JoinHandle<()> {
    let namespaces: Vec<Option<String>> = match scope {
        WatchScope::All => vec![None],
        WatchScope::Namespaces(list) => list.iter().cloned().map(Some).collect(),
    };
    let streams = namespaces
        .iter()
        .map(|namespace| client.watch_image_updaters(namespace.as_deref()).boxed());
    let mut events = futures::stream::select_all(streams);
    tokio::spawn(async move {
        let mut changes = SpecChanges::default();
        while let Some(event) = events.next().await {
            match event {
                Ok(event) => {
                    if let Some(change) = changes.observe(event) {
                        tracing::info!("{change}: a pass starts now");
                        wake.notify_one();
                    }
                }
                Err(error) => tracing::warn!("watching ImageUpdaters: {}", error_chain(&error)),
            }
        }
    })
}

#[cfg(test)]
mod tests;
