//! The fake's state: objects keyed by resource, namespace and name, one global
//! resourceVersion counter, and the history of changes that watches replay.

mod write;

use std::{
    collections::{BTreeMap, VecDeque},
    sync::Arc,
    time::{SystemTime, UNIX_EPOCH},
};

use serde_json::{Value, json};
use tokio::sync::broadcast;

use super::{
    resource::{PathTarget, ResourceType, default_resources, serves},
    status::ApiFailure,
};

pub(crate) use write::UpdateMode;

/// How many changes are kept for watches to replay; older watches get `410 Expired`.
const HISTORY_LIMIT: usize = 10_000;

/// `(group, plural, namespace, name)`; the namespace is empty for cluster-scoped objects.
type Key = (String, String, String, String);

/// The type of a watch event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EventType {
    /// The object was created.
    Added,
    /// The object was changed.
    Modified,
    /// The object was deleted.
    Deleted,
}

/// One committed change, as kept in the history and broadcast to watches.
#[derive(Debug)]
pub(crate) struct Change {
    /// The resourceVersion the change created.
    pub(crate) resource_version: u64,
    /// What happened.
    pub(crate) event: EventType,
    /// The resource's group.
    pub(crate) group: String,
    /// The resource's plural.
    pub(crate) plural: String,
    /// The object after the change (for deletions: its last state, with the new version).
    pub(crate) object: Value,
    /// The object before a modification, so selector watches can turn it into ADDED/DELETED.
    pub(crate) previous: Option<Value>,
}

/// Everything the fake knows; guarded by one mutex so that a watch's replay and its
/// subscription to live changes see no gap.
#[derive(Debug)]
pub(crate) struct Store {
    resources: Vec<ResourceType>,
    objects: BTreeMap<Key, Value>,
    resource_version: u64,
    history: VecDeque<Arc<Change>>,
    /// The newest resourceVersion whose change is no longer in `history`.
    compacted: u64,
    /// Feeds uids and generated names.
    sequence: u64,
    /// Distinguishes uids of different fakes.
    seed: u64,
    changes: broadcast::Sender<Arc<Change>>,
    /// Bumped to end every open watch (see [`Store::drop_watches`]).
    drops: tokio::sync::watch::Sender<u64>,
}

impl Store {
    /// An empty store serving the default resources.
    pub(crate) fn new() -> Self {
        let seed = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.subsec_nanos().into());
        Self {
            resources: default_resources(),
            objects: BTreeMap::new(),
            resource_version: 0,
            history: VecDeque::new(),
            compacted: 0,
            sequence: 0,
            seed,
            changes: broadcast::channel(HISTORY_LIMIT).0,
            drops: tokio::sync::watch::channel(0).0,
        }
    }

    /// Serves `resource`, replacing a resource with the same group, version and plural.
    pub(crate) fn register(&mut self, resource: ResourceType) {
        self.resources.retain(|known| {
            (&known.group, &known.version, &known.plural)
                != (&resource.group, &resource.version, &resource.plural)
        });
        self.resources.push(resource);
    }

    /// The resource `api_version` + plural-or-kind names.
    pub(crate) fn resource(&self, api_version: &str, name: &str) -> Option<ResourceType> {
        let found = self.resources.iter().find(|r| r.matches(api_version, name));
        found.cloned()
    }

    /// Every resource whose plural or kind is `name`, in any group.
    pub(crate) fn resources_named(&self, name: &str) -> Vec<ResourceType> {
        let named = self
            .resources
            .iter()
            .filter(|r| r.plural == name || r.kind == name);
        named.cloned().collect()
    }

    /// The resource a request path addresses, if it is served at that path.
    pub(crate) fn resolve(&self, target: &PathTarget) -> Option<ResourceType> {
        self.resources.iter().find(|r| serves(r, target)).cloned()
    }

    /// The current (newest) resourceVersion.
    pub(crate) fn resource_version(&self) -> u64 {
        self.resource_version
    }

    /// Live changes from now on.
    pub(crate) fn subscribe(&self) -> broadcast::Receiver<Arc<Change>> {
        self.changes.subscribe()
    }

    /// Changes when the open watches must end.
    pub(crate) fn drop_signal(&self) -> tokio::sync::watch::Receiver<u64> {
        self.drops.subscribe()
    }

    /// Ends every open watch, as an apiserver restart or a load balancer timeout would.
    pub(crate) fn drop_watches(&self) {
        self.drops.send_modify(|drops| *drops += 1);
    }

    /// The kept changes newer than `since`, or `410 Expired` if some of them were dropped.
    pub(crate) fn changes_since(&self, since: u64) -> Result<Vec<Arc<Change>>, ApiFailure> {
        if since < self.compacted {
            return Err(ApiFailure::expired(since, self.compacted));
        }
        let newer = self.history.iter().filter(|c| c.resource_version > since);
        Ok(newer.cloned().collect())
    }

    /// Forgets the whole history, like an etcd compaction: watches from older versions expire.
    pub(crate) fn compact(&mut self) {
        self.history.clear();
        self.compacted = self.resource_version;
    }

    /// The objects of `resource`, in one namespace or all, ordered by namespace and name.
    pub(crate) fn list(&self, resource: &ResourceType, namespace: Option<&str>) -> Vec<Value> {
        let of_resource = self.objects.iter().filter(|((group, plural, ns, _), _)| {
            *group == resource.group
                && *plural == resource.plural
                && namespace.is_none_or(|wanted| wanted == ns)
        });
        of_resource.map(|(_, object)| object.clone()).collect()
    }

    /// One object, or `404 NotFound`.
    pub(crate) fn get(
        &self,
        resource: &ResourceType,
        namespace: &str,
        name: &str,
    ) -> Result<Value, ApiFailure> {
        let found = self.objects.get(&key(resource, namespace, name));
        found
            .cloned()
            .ok_or_else(|| ApiFailure::not_found(resource, name))
    }

    /// Records a change under the next resourceVersion, stores or removes the object, keeps it
    /// in the history and broadcasts it; returns the object as stored.
    fn commit(
        &mut self,
        event: EventType,
        resource: &ResourceType,
        mut object: Value,
        previous: Option<Value>,
    ) -> Value {
        self.resource_version += 1;
        object["metadata"]["resourceVersion"] = json!(self.resource_version.to_string());
        let key = object_key(resource, &object);
        match event {
            EventType::Deleted => self.objects.remove(&key),
            EventType::Added | EventType::Modified => self.objects.insert(key, object.clone()),
        };
        let change = Arc::new(Change {
            resource_version: self.resource_version,
            event,
            group: resource.group.clone(),
            plural: resource.plural.clone(),
            object: object.clone(),
            previous,
        });
        self.remember(Arc::clone(&change));
        // No receiver just means no watch is open.
        let _ = self.changes.send(change);
        object
    }

    /// Appends to the history, dropping the oldest changes beyond the limit.
    fn remember(&mut self, change: Arc<Change>) {
        self.history.push_back(change);
        while self.history.len() > HISTORY_LIMIT {
            if let Some(dropped) = self.history.pop_front() {
                self.compacted = dropped.resource_version;
            }
        }
    }

    /// A fresh uid, unique within this fake and unlikely to repeat across fakes.
    fn next_uid(&mut self) -> String {
        self.sequence += 1;
        format!("{:08x}-0000-4000-8000-{:012x}", self.seed, self.sequence)
    }
}

/// The key of `name` in `namespace`.
fn key(resource: &ResourceType, namespace: &str, name: &str) -> Key {
    let namespace = if resource.namespaced { namespace } else { "" };
    let parts = [resource.group.as_str(), &resource.plural, namespace, name];
    parts.map(str::to_owned).into()
}

/// The key of a stored object, from its own metadata.
fn object_key(resource: &ResourceType, object: &Value) -> Key {
    let field = |name: &str| object["metadata"][name].as_str().unwrap_or_default();
    key(resource, field("namespace"), field("name"))
}

#[cfg(test)]
mod tests;
