//! Watching `ImageUpdater` specs, so the controller can run a pass as soon as one is created
//! or changed (the original's controller reconciles on such events) instead of at the next
//! interval. kube's watcher does the hard parts: it re-lists when the watch is dropped or its
//! resourceVersion has expired (410), and backs off while the API server fails.

use ::kube::runtime::{WatchStreamExt, watcher};
use futures::{Stream, StreamExt};

use super::ClusterClient;

/// The identity and spec generation of an `ImageUpdater`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecVersion {
    /// Its namespace.
    pub namespace: String,
    /// Its name.
    pub name: String,
    /// `metadata.generation`: bumped by the API server on spec changes only.
    pub generation: i64,
}

/// What the watch saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SpecEvent {
    /// A (re-)listing starts; [`SpecEvent::Listed`] follows for every object, then
    /// [`SpecEvent::ListDone`].
    ListStart,
    /// An object of the listing.
    Listed(SpecVersion),
    /// The listing is complete.
    ListDone,
    /// An object was created or changed (spec, status or metadata).
    Applied(SpecVersion),
    /// An object was deleted.
    Deleted(SpecVersion),
}

impl ClusterClient {
    /// The `ImageUpdater` events of `namespace` (all namespaces when `None`). Errors are
    /// yielded (to be logged) and the stream goes on after a backoff.
    pub fn watch_image_updaters(
        &self,
        namespace: Option<&str>,
    ) -> impl Stream<Item = Result<SpecEvent, watcher::Error>> + Send + 'static {
        let api = self.image_updater_api(namespace);
        watcher::watcher(api, watcher::Config::default())
            .default_backoff()
            .map(|event| event.map(spec_event))
    }
}

fn spec_event(event: watcher::Event<::kube::api::DynamicObject>) -> SpecEvent {
    match event {
        watcher::Event::Init => SpecEvent::ListStart,
        watcher::Event::InitApply(object) => SpecEvent::Listed(version(&object)),
        watcher::Event::InitDone => SpecEvent::ListDone,
        watcher::Event::Apply(object) => SpecEvent::Applied(version(&object)),
        watcher::Event::Delete(object) => SpecEvent::Deleted(version(&object)),
    }
}

fn version(object: &::kube::api::DynamicObject) -> SpecVersion {
    SpecVersion {
        namespace: object.metadata.namespace.clone().unwrap_or_default(),
        name: object.metadata.name.clone().unwrap_or_default(),
        generation: object.metadata.generation.unwrap_or(0),
    }
}
