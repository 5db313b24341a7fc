//! `secret:` and `pullsecret:` credentials read through a [`SecretSource`]: the Kubernetes crate
//! implements it on the API; [`FileSecrets`] serves mounted or local files, so the CLI works
//! outside a cluster.

use std::path::PathBuf;
use std::sync::Arc;

use updater_core::credentials::{CredentialRef, CredentialSource};

use super::docker_config::credentials_from_docker_config;
use super::env::user_pass;
use super::{BoxFuture, CredentialFetchError, CredentialProvider};
use crate::secret::{Credentials, Secret};

/// The field of a pull secret that holds the Docker config.
pub const DOCKER_CONFIG_FIELD: &str = ".dockerconfigjson";

/// Reads one field of a named secret.
pub trait SecretSource: Send + Sync {
    /// The value of `field` in secret `namespace/name`.
    fn read_field<'a>(
        &'a self,
        namespace: &'a str,
        name: &'a str,
        field: &'a str,
    ) -> BoxFuture<'a, Result<Secret, CredentialFetchError>>;
}

/// Secrets as files `<root>/<namespace>/<name>/<field>`, the layout of Kubernetes secret volume
/// mounts under a per-namespace folder.
pub struct FileSecrets {
    root: PathBuf,
}

impl FileSecrets {
    /// Serves files below `root`.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }
}

impl SecretSource for FileSecrets {
    fn read_field<'a>(
        &'a self,
        namespace: &'a str,
        name: &'a str,
        field: &'a str,
    ) -> BoxFuture<'a, Result<Secret, CredentialFetchError>> {
        Box::pin(async move {
            let source = format!("{namespace}/{name}#{field}");
            let unsafe_part = [namespace, name, field]
                .iter()
                .any(|part| part.is_empty() || part.contains('/') || *part == "..");
            if unsafe_part {
                return Err(CredentialFetchError::new(source, "not a plain secret path"));
            }
            let path = self.root.join(namespace).join(name).join(field);
            let value = tokio::fs::read_to_string(&path).await.map_err(|error| {
                CredentialFetchError::new(
                    &source,
                    format!("cannot read `{}`: {error}", path.display()),
                )
            })?;
            Ok(Secret::new(value))
        })
    }
}

/// Provider for `secret:` and `pullsecret:` references.
pub(super) struct SecretProvider {
    reference: CredentialRef,
    api_url: String,
    secrets: Arc<dyn SecretSource>,
}

impl SecretProvider {
    pub(super) fn new(
        reference: CredentialRef,
        api_url: &str,
        secrets: Arc<dyn SecretSource>,
    ) -> Self {
        Self {
            reference,
            api_url: api_url.to_owned(),
            secrets,
        }
    }

    async fn fetch(&self) -> Result<Credentials, CredentialFetchError> {
        let described = self.describe();
        match &self.reference.source {
            CredentialSource::PullSecret { namespace, name } => {
                let document = self
                    .secrets
                    .read_field(namespace, name, DOCKER_CONFIG_FIELD)
                    .await?;
                credentials_from_docker_config(&described, document.expose(), &self.api_url)
            }
            CredentialSource::Secret {
                namespace,
                name,
                field,
            } => {
                let value = self.secrets.read_field(namespace, name, field).await?;
                user_pass(&described, value.expose())
            }
            CredentialSource::Env { .. } | CredentialSource::Ext { .. } => Err(
                CredentialFetchError::new(described, "not a secret reference"),
            ),
        }
    }
}

impl CredentialProvider for SecretProvider {
    fn credentials(
        &self,
        _refresh: bool,
    ) -> BoxFuture<'_, Result<Credentials, CredentialFetchError>> {
        Box::pin(self.fetch())
    }

    fn describe(&self) -> String {
        self.reference.to_string()
    }
}
