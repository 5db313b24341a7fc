//! `ImageUpdater` resources: listing them as core [`ImageUpdater`] values and writing their
//! `status` subresource as a resourceVersion-guarded merge patch, retried on conflict.

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
        let converted = objects
            .into_iter()
            .map(|object| self.to_image_updater(object));
        Ok(Listed::collect(converted))
    }

    /// Reads the `ImageUpdater` fresh, lets `mutate` change its status and merge-patches the
    /// `/status` subresource with the changes, guarded by the resourceVersion read. On a
    /// conflict the resource is re-read and `mutate` re-applied, up to [`RETRY_ATTEMPTS`]
    /// times. A mutation that changes nothing sends nothing.
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
        let object = api
            .get(name)
            .await
            .map_err(|source| ClusterError::GetImageUpdater {
                namespace: namespace.to_owned(),
                name: name.to_owned(),
                source: Box::new(source),
            })?;
        let Some(patch) = prepare_status(&object, mutate)? else {
            return Ok(Attempt::Done(PatchOutcome::Unchanged));
        };
        match api
            .patch_status(name, &PatchParams::default(), &Patch::Merge(&patch))
            .await
        {
            Ok(_) => Ok(Attempt::Done(PatchOutcome::Patched { attempts })),
            Err(error) if is_conflict(&error) => Ok(Attempt::Conflict(error)),
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

/// Parses the stored status, mutates it and computes the `/status` merge patch (with
/// `metadata.resourceVersion`), or `None` when nothing changed.
fn prepare_status(
    object: &DynamicObject,
    mutate: &impl Fn(&mut ImageUpdaterStatus),
) -> Result<Option<Value>, ClusterError> {
    let (namespace, name) = identity(object);
    let invalid = |source| ClusterError::InvalidStatus {
        namespace: namespace.clone(),
        name: name.clone(),
        source,
    };
    let stored = object.data.get("status").cloned().unwrap_or(Value::Null);
    let before: ImageUpdaterStatus = match &stored {
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
    let status = status_patch(&stored, &old, &new);
    let version = object.metadata.resource_version.clone();
    let patch = json!({"metadata": {"resourceVersion": version}, "status": status});
    Ok(Some(patch))
}
