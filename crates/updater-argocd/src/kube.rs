//! The kube-backed cluster side: [`ClusterClient`] lists Argo CD Applications and
//! `ImageUpdater` resources, merge-patches Application specs and `ImageUpdater` status with
//! retry on conflict, and creates the `ImagesUpdated` event; [`KubeSecrets`] is the
//! [`SecretStore`](crate::secrets::SecretStore) over the API server.
//!
//! Everything goes through the unmodified kube client: Applications and `ImageUpdater`s as
//! [`DynamicObject`]s (no generated types, so no field is lost on a round trip), secrets and
//! events as k8s-openapi types. Writes are JSON merge patches guarded by the
//! `metadata.resourceVersion` they were computed from, never full replacements.

mod apps;
mod event;
mod list;
mod merge;
mod retry;
mod secrets;
mod spec_watch;
mod updaters;

#[cfg(test)]
mod tests;

use ::kube::api::{ApiResource, DynamicObject, GroupVersionKind};
use ::kube::{Api, Client, Config};

pub use event::{
    EVENT_COMPONENT, EVENT_REASON, EventChange, InvolvedApp, change_annotations, updated_message,
};
pub use list::Listed;
pub use retry::{RETRY_ATTEMPTS, RETRY_DELAY};
pub use secrets::KubeSecrets;
pub use spec_watch::{SpecEvent, SpecVersion};

use crate::secrets::BoxError;

/// The group of Argo CD Applications.
pub const APPLICATION_GROUP: &str = "argoproj.io";
/// The group of the updater's `ImageUpdater` CRD.
pub const IMAGE_UPDATER_GROUP: &str = "argocd-image-updater.argoproj.io";
/// The version of both custom resources.
pub const CRD_VERSION: &str = "v1alpha1";

/// What a write did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatchOutcome {
    /// The edit changed nothing, so no request was sent.
    Unchanged,
    /// The patch was accepted.
    Patched {
        /// How many PATCH requests it took (1 without conflicts).
        attempts: u32,
    },
}

/// Why a cluster operation failed. Every variant names the resources involved; the kube error
/// (or the local cause) is the source.
#[derive(Debug, thiserror::Error)]
pub enum ClusterError {
    /// No kubeconfig or in-cluster configuration could be loaded.
    #[error("cannot configure the kubernetes client")]
    Configure {
        /// The kube error.
        #[source]
        source: Box<::kube::Error>,
    },
    /// The API server URL does not parse.
    #[error("invalid kubernetes api server url")]
    Url {
        /// The parser error.
        #[source]
        source: BoxError,
    },
    /// Listing Applications failed.
    #[error("cannot list applications in {}", scope(.namespace))]
    ListApplications {
        /// The namespace, `None` for all.
        namespace: Option<String>,
        /// The kube error.
        #[source]
        source: Box<::kube::Error>,
    },
    /// Listing `ImageUpdater`s failed.
    #[error("cannot list imageupdaters in {}", scope(.namespace))]
    ListImageUpdaters {
        /// The namespace, `None` for all.
        namespace: Option<String>,
        /// The kube error.
        #[source]
        source: Box<::kube::Error>,
    },
    /// An object the API server returned could not be re-encoded as JSON.
    #[error("cannot encode {kind} `{namespace}/{name}` as json")]
    Encode {
        /// `application` or `imageupdater`.
        kind: &'static str,
        /// The object's namespace.
        namespace: String,
        /// The object's name.
        name: String,
        /// The serializer error.
        #[source]
        source: serde_json::Error,
    },
    /// An Application's JSON is not a usable Application.
    #[error("invalid application `{namespace}/{name}`")]
    InvalidApplication {
        /// The Application's namespace.
        namespace: String,
        /// The Application's name.
        name: String,
        /// Why.
        #[source]
        source: Box<updater_core::application::ApplicationError>,
    },
    /// An `ImageUpdater` does not match the CRD schema.
    #[error("invalid imageupdater `{namespace}/{name}`")]
    InvalidImageUpdater {
        /// The resource's namespace.
        namespace: String,
        /// The resource's name.
        name: String,
        /// The parser error.
        #[source]
        source: serde_json::Error,
    },
    /// Reading one Application failed.
    #[error("cannot get application `{namespace}/{name}`")]
    GetApplication {
        /// The Application's namespace.
        namespace: String,
        /// The Application's name.
        name: String,
        /// The kube error.
        #[source]
        source: Box<::kube::Error>,
    },
    /// The edit refused the Application.
    #[error("cannot edit application `{namespace}/{name}`")]
    Edit {
        /// The Application's namespace.
        namespace: String,
        /// The Application's name.
        name: String,
        /// The edit's error.
        #[source]
        source: BoxError,
    },
    /// The spec patch was refused (other than by a conflict).
    #[error("cannot patch application `{namespace}/{name}`")]
    PatchApplication {
        /// The Application's namespace.
        namespace: String,
        /// The Application's name.
        name: String,
        /// The kube error.
        #[source]
        source: Box<::kube::Error>,
    },
    /// Every attempt to patch the Application met a conflicting write.
    #[error("application `{namespace}/{name}` kept changing: gave up after {attempts} conflicts")]
    ApplicationConflicts {
        /// The Application's namespace.
        namespace: String,
        /// The Application's name.
        name: String,
        /// How many patches were refused.
        attempts: u32,
        /// The last conflict.
        #[source]
        source: Box<::kube::Error>,
    },
    /// Reading one `ImageUpdater` failed.
    #[error("cannot get imageupdater `{namespace}/{name}`")]
    GetImageUpdater {
        /// The resource's namespace.
        namespace: String,
        /// The resource's name.
        name: String,
        /// The kube error.
        #[source]
        source: Box<::kube::Error>,
    },
    /// The stored `status` does not parse, or the new one does not encode.
    #[error("invalid status of imageupdater `{namespace}/{name}`")]
    InvalidStatus {
        /// The resource's namespace.
        namespace: String,
        /// The resource's name.
        name: String,
        /// The serde error.
        #[source]
        source: serde_json::Error,
    },
    /// The status patch was refused (other than by a conflict).
    #[error("cannot patch the status of imageupdater `{namespace}/{name}`")]
    PatchStatus {
        /// The resource's namespace.
        namespace: String,
        /// The resource's name.
        name: String,
        /// The kube error.
        #[source]
        source: Box<::kube::Error>,
    },
    /// Every attempt to write the status met a conflicting write.
    #[error(
        "status of imageupdater `{namespace}/{name}` kept changing: gave up after {attempts} conflicts"
    )]
    StatusConflicts {
        /// The resource's namespace.
        namespace: String,
        /// The resource's name.
        name: String,
        /// How many patches were refused.
        attempts: u32,
        /// The last conflict.
        #[source]
        source: Box<::kube::Error>,
    },
    /// Creating the event about an Application failed.
    #[error("cannot create event `{event}` for application `{namespace}/{name}`")]
    CreateEvent {
        /// The namespace (the Application's).
        namespace: String,
        /// The Application's name.
        name: String,
        /// The event's name.
        event: String,
        /// The kube error.
        #[source]
        source: Box<::kube::Error>,
    },
}

impl ClusterError {
    /// A stable label for metrics.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Configure { .. } | Self::Url { .. } => "configure",
            Self::ListApplications { .. } | Self::ListImageUpdaters { .. } => "list",
            Self::Encode { .. } => "encode",
            Self::InvalidApplication { .. } | Self::InvalidImageUpdater { .. } => "invalid",
            Self::InvalidStatus { .. } => "invalid_status",
            Self::GetApplication { .. } | Self::GetImageUpdater { .. } => "get",
            Self::Edit { .. } => "edit",
            Self::PatchApplication { .. } | Self::PatchStatus { .. } => "patch",
            Self::ApplicationConflicts { .. } | Self::StatusConflicts { .. } => "conflict",
            Self::CreateEvent { .. } => "event",
        }
    }
}

/// `namespace `x`` or `all namespaces`, for messages.
fn scope(namespace: &Option<String>) -> String {
    match namespace {
        Some(namespace) => format!("namespace `{namespace}`"),
        None => "all namespaces".to_owned(),
    }
}

/// A kube client plus the resource descriptions the updater uses; clones share what it knows
/// of the ImageUpdaters.
#[derive(Clone)]
pub struct ClusterClient {
    client: Client,
    applications: ApiResource,
    image_updaters: ApiResource,
    known_updaters: updaters::KnownUpdaters,
}

impl std::fmt::Debug for ClusterClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClusterClient")
            .field("default_namespace", &self.client.default_namespace())
            .finish_non_exhaustive()
    }
}

impl ClusterClient {
    /// Wraps a configured kube client.
    pub fn new(client: Client) -> Self {
        Self {
            client,
            applications: application_resource(),
            image_updaters: image_updater_resource(),
            known_updaters: updaters::KnownUpdaters::default(),
        }
    }

    /// A client of the API server at `url`, unauthenticated (tests and local proxies). A
    /// rustls crypto provider must be installed first.
    pub fn from_url(url: &str) -> Result<Self, ClusterError> {
        let client = Client::try_from(Config::new(parse_url(url)?)).map_err(|source| {
            ClusterError::Configure {
                source: Box::new(source),
            }
        })?;
        Ok(Self::new(client))
    }

    /// A client configured from the kubeconfig (`KUBECONFIG` or `~/.kube/config`) or, failing
    /// that, the in-cluster service account.
    pub async fn infer() -> Result<Self, ClusterError> {
        let client = Client::try_default()
            .await
            .map_err(|source| ClusterError::Configure {
                source: Box::new(source),
            })?;
        Ok(Self::new(client))
    }

    /// A client configured from the kubeconfig file at `path` (its current context). A rustls
    /// crypto provider must be installed first.
    pub async fn from_kubeconfig(path: &std::path::Path) -> Result<Self, ClusterError> {
        let configure = |source: ::kube::Error| ClusterError::Configure {
            source: Box::new(source),
        };
        let kubeconfig = ::kube::config::Kubeconfig::read_from(path)
            .map_err(|source| configure(::kube::Error::InferKubeconfig(source)))?;
        let options = ::kube::config::KubeConfigOptions::default();
        let config = Config::from_custom_kubeconfig(kubeconfig, &options)
            .await
            .map_err(|source| configure(::kube::Error::InferKubeconfig(source)))?;
        Client::try_from(config).map(Self::new).map_err(configure)
    }

    /// The namespace of the kubeconfig's context or the in-cluster service account
    /// (`default` when neither says).
    pub fn default_namespace(&self) -> &str {
        self.client.default_namespace()
    }

    /// The underlying kube client.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// A secret store reading through this client.
    pub fn secrets(&self) -> KubeSecrets {
        KubeSecrets::new(self.client.clone())
    }

    /// The `Application` API, in one namespace or all.
    fn application_api(&self, namespace: Option<&str>) -> Api<DynamicObject> {
        self.dynamic_api(&self.applications, namespace)
    }

    /// The `ImageUpdater` API, in one namespace or all.
    fn image_updater_api(&self, namespace: Option<&str>) -> Api<DynamicObject> {
        self.dynamic_api(&self.image_updaters, namespace)
    }

    fn dynamic_api(&self, resource: &ApiResource, namespace: Option<&str>) -> Api<DynamicObject> {
        match namespace {
            Some(namespace) => Api::namespaced_with(self.client.clone(), namespace, resource),
            None => Api::all_with(self.client.clone(), resource),
        }
    }
}

/// Parses the API server URL into whatever URI type the kube config takes.
fn parse_url<T>(url: &str) -> Result<T, ClusterError>
where
    T: std::str::FromStr,
    T::Err: std::error::Error + Send + Sync + 'static,
{
    url.parse().map_err(|source| ClusterError::Url {
        source: Box::new(source),
    })
}

/// `argoproj.io/v1alpha1` `Application` (plural `applications`).
fn application_resource() -> ApiResource {
    let gvk = GroupVersionKind::gvk(APPLICATION_GROUP, CRD_VERSION, "Application");
    ApiResource::from_gvk_with_plural(&gvk, "applications")
}

/// `argocd-image-updater.argoproj.io/v1alpha1` `ImageUpdater` (plural `imageupdaters`).
fn image_updater_resource() -> ApiResource {
    let gvk = GroupVersionKind::gvk(IMAGE_UPDATER_GROUP, CRD_VERSION, "ImageUpdater");
    ApiResource::from_gvk_with_plural(&gvk, "imageupdaters")
}
