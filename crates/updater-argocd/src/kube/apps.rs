//! Argo CD Applications: listing them as [`Application`] values and writing spec edits back as
//! resourceVersion-guarded merge patches, retried on conflict.

use ::kube::api::{DynamicObject, Patch, PatchParams};
use updater_core::application::{Application, spec_changed, spec_merge_patch};

use super::list::{Listed, identity, list_all, to_json};
use super::retry::{Attempt, is_conflict, retry_on_conflict};
use super::{ClusterClient, ClusterError, PatchOutcome};

impl ClusterClient {
    /// The Applications of `namespace` (all namespaces when `None`), every field kept.
    pub async fn list_applications(
        &self,
        namespace: Option<&str>,
    ) -> Result<Listed<Application>, ClusterError> {
        let api = self.application_api(namespace);
        let objects = list_all(&api)
            .await
            .map_err(|source| ClusterError::ListApplications {
                namespace: namespace.map(str::to_owned),
                source: Box::new(source),
            })?;
        let converted = objects
            .into_iter()
            .map(|object| self.to_application(object));
        Ok(Listed::collect(converted))
    }

    /// The Application `namespace/name` as it is now.
    pub async fn get_application(
        &self,
        namespace: &str,
        name: &str,
    ) -> Result<Application, ClusterError> {
        let object = self
            .application_api(Some(namespace))
            .get(name)
            .await
            .map_err(|source| ClusterError::GetApplication {
                namespace: namespace.to_owned(),
                name: name.to_owned(),
                source: Box::new(source),
            })?;
        self.to_application(object)
    }

    /// Reads the Application fresh, applies `edit` and merge-patches the spec changes, guarded
    /// by the resourceVersion read. On a conflict the Application is re-read and the edit
    /// re-applied, up to [`RETRY_ATTEMPTS`] times. An edit that changes nothing sends nothing.
    pub async fn patch_application<E>(
        &self,
        namespace: &str,
        name: &str,
        edit: impl Fn(&mut Application) -> Result<(), E>,
    ) -> Result<PatchOutcome, ClusterError>
    where
        E: std::error::Error + Send + Sync + 'static,
    {
        retry_on_conflict(
            &format!("application {namespace}/{name}"),
            |attempts| self.patch_once(namespace, name, &edit, attempts),
            |attempts, conflict| ClusterError::ApplicationConflicts {
                namespace: namespace.to_owned(),
                name: name.to_owned(),
                attempts,
                source: Box::new(conflict),
            },
        )
        .await
    }

    /// One read-edit-patch round.
    async fn patch_once<E>(
        &self,
        namespace: &str,
        name: &str,
        edit: &impl Fn(&mut Application) -> Result<(), E>,
        attempts: u32,
    ) -> Result<Attempt<PatchOutcome>, ClusterError>
    where
        E: std::error::Error + Send + Sync + 'static,
    {
        let before = self.get_application(namespace, name).await?;
        let mut after = before.clone();
        edit(&mut after).map_err(|source| ClusterError::Edit {
            namespace: namespace.to_owned(),
            name: name.to_owned(),
            source: Box::new(source),
        })?;
        if !spec_changed(&before, &after) {
            return Ok(Attempt::Done(PatchOutcome::Unchanged));
        }
        let patch = spec_merge_patch(&before, &after);
        let api = self.application_api(Some(namespace));
        match api
            .patch(name, &PatchParams::default(), &Patch::Merge(&patch))
            .await
        {
            Ok(_) => Ok(Attempt::Done(PatchOutcome::Patched { attempts })),
            Err(error) if is_conflict(&error) => Ok(Attempt::Conflict(error)),
            Err(source) => Err(ClusterError::PatchApplication {
                namespace: namespace.to_owned(),
                name: name.to_owned(),
                source: Box::new(source),
            }),
        }
    }

    /// An API object as an [`Application`].
    fn to_application(&self, object: DynamicObject) -> Result<Application, ClusterError> {
        let (namespace, name) = identity(&object);
        let json = to_json(object, &self.applications, "application")?;
        Application::from_json(json).map_err(|source| ClusterError::InvalidApplication {
            namespace,
            name,
            source: Box::new(source),
        })
    }
}
