//! Where a pass reads Applications and ImageUpdaters and where the `argocd` method, events and
//! statuses go: the Kubernetes API in cluster mode ([`crate::cluster::ClusterSource`]), manifests
//! in Git in standalone mode, plain values in tests.

use updater_core::application::{Application, ApplicationError, SpecTarget};
use updater_core::image::ImageRef;

use super::target::{AppPlan, GitPlan};
use updater_core::crd::{ImageUpdater, ImageUpdaterStatus};
use updater_core::discover::AppKey;
use updater_core::plan::ImageChange;

/// What a pass works on.
#[derive(Debug, Default)]
pub struct Inventory {
    /// The ImageUpdaters to run (empty in v0.x mode).
    pub updaters: Vec<ImageUpdater>,
    /// The Applications they may select.
    pub apps: Vec<Application>,
    /// Objects that could not be read, one message each; each counts as an error of the pass.
    pub problems: Vec<String>,
}

/// Identifies an ImageUpdater.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UpdaterKey {
    /// Namespace.
    pub namespace: String,
    /// Name.
    pub name: String,
}

impl std::fmt::Display for UpdaterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.namespace, self.name)
    }
}

/// An Application edit, re-applied on a fresh copy when a write conflicts.
pub type AppEdit<'a> = dyn Fn(&mut Application) -> Result<(), ApplicationError> + Send + Sync + 'a;

/// Whether a write changed anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// The Application already held the edit; nothing was sent.
    Unchanged,
    /// The edit was written.
    Changed,
}

/// The I/O of stages 1 and 6 that is not Git.
#[allow(async_fn_in_trait)] // used generically within this binary, never as a trait object
pub trait AppSource {
    /// ImageUpdaters and Applications as they are now.
    async fn load(&self) -> anyhow::Result<Inventory>;

    /// Applies `edit` to the current Application and writes the difference (`argocd` method),
    /// keeping every field another writer set.
    async fn write_app(&self, app: &AppKey, edit: &AppEdit<'_>) -> anyhow::Result<Written>;

    /// Records that `app` was updated with `changes` (a Kubernetes event).
    async fn app_updated(&self, app: &Application, changes: &[ImageChange]) -> anyhow::Result<()>;

    /// Lets `mutate` update the status of `updater`.
    async fn write_status(
        &self,
        updater: &UpdaterKey,
        mutate: &(dyn Fn(&mut ImageUpdaterStatus) + Send + Sync),
    ) -> anyhow::Result<()>;

    /// Where the `argocd` method writes `app` when it is not the Kubernetes API (standalone
    /// mode: its manifest in Git); `None` keeps [`AppSource::write_app`].
    fn argocd_as_git(&self, _app: &AppKey) -> Option<GitPlan> {
        None
    }

    /// For sources without live status (standalone mode): the image the write-back target of
    /// `app` holds now for `image`, `Ok(None)` when it holds none. `None`: the Application's
    /// live images decide, as in a cluster.
    async fn current_image(
        &self,
        _app: &Application,
        _plan: &AppPlan,
        _target: &SpecTarget,
        _image: &ImageRef,
    ) -> Option<anyhow::Result<Option<ImageRef>>> {
        None
    }
}
