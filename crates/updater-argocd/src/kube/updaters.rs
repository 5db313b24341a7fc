//! `ImageUpdater` resources: listing them as core [`ImageUpdater`] values and writing their
//! `status` subresource as a resourceVersion-guarded merge patch, retried on conflict.
//!
//! A status write starts from the status and resourceVersion last listed or written
//! ([`KnownUpdaters`]), so it costs one PATCH, as controller-runtime's write from its cache
//! does; only a conflict (the object changed meanwhile) or an object never seen costs a GET.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use ::kube::api::{DynamicObject, Patch, PatchParams};
use serde_json::{Value, json};
use updater_core::crd::{ImageUpdater, ImageUpdaterStatus};

use super::list::{Listed, identity, list_all, to_json};
use super::merge::status_patch;
use super::retry::{Attempt, is_conflict, retry_on_conflict};
use super::{ClusterClient, ClusterError, PatchOutcome};

impl ClusterClient {
    /// The `ImageUpdater`s of `namespace` (all namespaces when `None`); a resource that does
    /// not match the schema is reported in [`Listed::invalid`] and the others still parse.
    pub async fn list_image_updaters(
        &self,
        namespace: Option<&str>,
    ) -> Result<Listed<ImageUpdater>, ClusterError> {
        let api = self.image_updater_api(namespace);
        let objects = list_all(&api)
            .await
            .map_err(|source| ClusterError::ListImageUpdaters {
                namespace: namespace.map(str::to_owned),
                source: Box::new(source),
            })?;
        self.known_updaters.replace_listed(namespace, &objects);
        let converted = objects
            .into_iter()
            .map(|object| self.to_image_updater(object));
        Ok(Listed::collect(converted))
    }

    /// Lets `mutate` change the `ImageUpdater`'s status as last listed or written (read when
    /// never seen) and merge-patches the `/status` subresource with the changes, guarded by
    /// that resourceVersion. On a conflict the resource is read fresh and `mutate` re-applied,
    /// up to [`RETRY_ATTEMPTS`] times. A mutation that changes nothing sends nothing.
    pub async fn update_status(
        &self,
        namespace: &str,
        name: &str,
        mutate: impl Fn(&mut ImageUpdaterStatus),
    ) -> Result<PatchOutcome, ClusterError> {
        retry_on_conflict(
            &format!("imageupdater {namespace}/{name}"),
            |attempts| self.status_once(namespace, name, &mutate, attempts),
            |attempts, conflict| ClusterError::StatusConflicts {
                namespace: namespace.to_owned(),
                name: name.to_owned(),
                attempts,
                source: Box::new(conflict),
            },
        )
        .await
    }

    /// One read-mutate-patch round.
    async fn status_once(
        &self,
        namespace: &str,
        name: &str,
        mutate: &impl Fn(&mut ImageUpdaterStatus),
        attempts: u32,
    ) -> Result<Attempt<PatchOutcome>, ClusterError> {
        let api = self.image_updater_api(Some(namespace));
        let known = match attempts {
            1 => self.known_updaters.get(namespace, name),
            _ => None,
        };
        let base = match known {
            Some(base) => base,
            None => StatusBase::of(&api.get(name).await.map_err(|source| {
                ClusterError::GetImageUpdater {
                    namespace: namespace.to_owned(),
                    name: name.to_owned(),
                    source: Box::new(source),
                }
            })?),
        };
        let Some(patch) = prepare_status(namespace, name, &base, mutate)? else {
            return Ok(Attempt::Done(PatchOutcome::Unchanged));
        };
        match api
            .patch_status(name, &PatchParams::default(), &Patch::Merge(&patch))
            .await
        {
            Ok(written) => {
                self.known_updaters.put(&written);
                Ok(Attempt::Done(PatchOutcome::Patched { attempts }))
            }
            Err(error) if is_conflict(&error) => {
                self.known_updaters.forget(namespace, name);
                Ok(Attempt::Conflict(error))
            }
            Err(source) => Err(ClusterError::PatchStatus {
                namespace: namespace.to_owned(),
                name: name.to_owned(),
                source: Box::new(source),
            }),
        }
    }

    /// An API object as an [`ImageUpdater`].
    fn to_image_updater(&self, object: DynamicObject) -> Result<ImageUpdater, ClusterError> {
        let (namespace, name) = identity(&object);
        let json = to_json(object, &self.image_updaters, "imageupdater")?;
        serde_json::from_value(json).map_err(|source| ClusterError::InvalidImageUpdater {
            namespace,
            name,
            source,
        })
    }
}

/// What a status write starts from: the stored status, kept as JSON text (a parsed tree of
/// a thousand statuses weighs megabytes), and the resourceVersion it is of.
#[derive(Debug, Clone)]
struct StatusBase {
    resource_version: Option<String>,
    status: String,
}

impl StatusBase {
    fn of(object: &DynamicObject) -> Self {
        let status = object.data.get("status").unwrap_or(&Value::Null);
        Self {
            resource_version: object.metadata.resource_version.clone(),
            status: status.to_string(),
        }
    }

    /// The stored status (`null` when there is none).
    fn status(&self) -> Value {
        // Our own serialisation of a JSON value: it always parses back.
        serde_json::from_str(&self.status).unwrap_or(Value::Null)
    }
}

/// The status base of each ImageUpdater the client listed or wrote, by namespace and name
/// (only that: whole objects of a large fleet would cost megabytes). A listing replaces what
/// was known of its namespace (or of all), so deleted ImageUpdaters are forgotten at the next.
#[derive(Debug, Default, Clone)]
pub(super) struct KnownUpdaters(Arc<Mutex<HashMap<(String, String), StatusBase>>>);

impl KnownUpdaters {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(String, String), StatusBase>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Forgets what was known of `namespace` (all namespaces when `None`), then knows `listed`.
    fn replace_listed(&self, namespace: Option<&str>, listed: &[DynamicObject]) {
        let mut known = self.lock();
        known.retain(|(ns, _), _| namespace.is_some_and(|listed_ns| listed_ns != ns));
        for object in listed {
            known.insert(identity(object), StatusBase::of(object));
        }
    }

    fn get(&self, namespace: &str, name: &str) -> Option<StatusBase> {
        let key = (namespace.to_owned(), name.to_owned());
        self.lock().get(&key).cloned()
    }

    fn put(&self, object: &DynamicObject) {
        self.lock().insert(identity(object), StatusBase::of(object));
    }

    fn forget(&self, namespace: &str, name: &str) {
        self.lock().remove(&(namespace.to_owned(), name.to_owned()));
    }
}

/// Parses the stored status of `namespace/name`, mutates it and computes the `/status` merge
/// patch (with `metadata.resourceVersion`), or `None` when nothing changed.
fn prepare_status(
    namespace: &str,
    name: &str,
    base: &StatusBase,
    mutate: &impl Fn(&mut ImageUpdaterStatus),
) -> Result<Option<Value>, ClusterError> {
    let invalid = |source| ClusterError::InvalidStatus {
        namespace: namespace.to_owned(),
        name: name.to_owned(),
        source,
    };
    let stored = &base.status();
    let before: ImageUpdaterStatus = match stored {
        Value::Null => ImageUpdaterStatus::default(),
        stored => serde_json::from_value(stored.clone()).map_err(invalid)?,
    };
    let mut after = before.clone();
    mutate(&mut after);
    if after == before {
        return Ok(None);
    }
    let old = serde_json::to_value(&before).map_err(invalid)?;
    let new = serde_json::to_value(&after).map_err(invalid)?;
    let status = status_patch(stored, &old, &new);
    let version = &base.resource_version;
    let patch = json!({"metadata": {"resourceVersion": version}, "status": status});
    Ok(Some(patch))
}
