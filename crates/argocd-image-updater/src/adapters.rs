//! The edge crates meet here: Kubernetes secrets (read by `updater-argocd`) served to the
//! registry client as `secret:` / `pullsecret:` credentials, and Argo CD repository secrets or
//! `git:secret:` secrets turned into the git writer's credentials. The edge crates do not know
//! each other; only the binary joins them.

use std::sync::Arc;

use updater_argocd::credential::GitCredentialValue;
use updater_argocd::pull_secret::read_secret_field;
use updater_argocd::repo_creds::{self, RepoCredsError};
use updater_argocd::secrets::SecretStore;
use updater_argocd::{git_secret, repo_url};
use updater_core::writeback::GitCredentials;
use updater_git::auth::{BoxFuture as GitFuture, CredentialError, describe_reference};
use updater_git::{GitAuth, GitCredentialSource};
use updater_registry::credentials::{
    BoxFuture as RegistryFuture, CredentialFetchError, SecretSource,
};
use updater_registry::secret::Secret;

use crate::failure::error_chain;

#[cfg(test)]
mod tests;

/// Secrets from the cluster (or any [`SecretStore`]) as the registry crate's [`SecretSource`].
pub struct StoreSecrets {
    store: Arc<dyn SecretStore>,
}

impl StoreSecrets {
    /// Serves `store`.
    pub fn new(store: Arc<dyn SecretStore>) -> Self {
        Self { store }
    }
}

impl SecretSource for StoreSecrets {
    fn read_field<'a>(
        &'a self,
        namespace: &'a str,
        name: &'a str,
        field: &'a str,
    ) -> RegistryFuture<'a, Result<Secret, CredentialFetchError>> {
        Box::pin(async move {
            read_secret_field(self.store.as_ref(), namespace, name, field)
                .await
                .map_err(|error| CredentialFetchError::Unavailable {
                    source_ref: format!("{namespace}/{name}#{field}"),
                    reason: error_chain(&error),
                })
        })
    }
}

/// Git credentials for one Application: Argo CD's repository secrets in the Argo CD namespace
/// (scoped by the app's project), or a `git:secret:` secret in the app's namespace.
pub struct AppGitCredentials {
    /// Where secrets are read.
    pub store: Arc<dyn SecretStore>,
    /// Argo CD's namespace (repository and repo-creds secrets).
    pub argocd_namespace: String,
    /// The Application's namespace.
    pub app_namespace: String,
    /// The Application's `spec.project`.
    pub project: String,
    /// `known_hosts` content SSH remotes are verified against (Argo CD's, when mounted).
    pub known_hosts: Option<String>,
}

impl GitCredentialSource for AppGitCredentials {
    fn credentials<'a>(
        &'a self,
        repo_url: &'a str,
        reference: &'a GitCredentials,
    ) -> GitFuture<'a, Result<GitAuth, CredentialError>> {
        Box::pin(async move {
            let value = self.lookup(repo_url, reference).await?;
            let auth = to_git_auth(value, reference, repo_url)?;
            Ok(with_known_hosts(auth, self.known_hosts.as_deref()))
        })
    }
}

impl AppGitCredentials {
    async fn lookup(
        &self,
        repo: &str,
        reference: &GitCredentials,
    ) -> Result<GitCredentialValue, CredentialError> {
        let read_error = |source: Box<dyn std::error::Error + Send + Sync>| CredentialError::Read {
            repo: repo_url::display(repo),
            reference: describe_reference(reference),
            source,
        };
        match reference {
            GitCredentials::RepoCreds => {
                let store = self.store.as_ref();
                match repo_creds::lookup(store, &self.argocd_namespace, repo, &self.project).await {
                    // Deliberate difference: with nothing configured the push is attempted
                    // without credentials (public or anonymous servers); a server that wants
                    // credentials refuses it with git's own message.
                    Err(RepoCredsError::NotConfigured { .. }) => Ok(GitCredentialValue::None),
                    other => other.map_err(|error| read_error(Box::new(error))),
                }
            }
            GitCredentials::Secret { namespace, name } => {
                let store = self.store.as_ref();
                let ns = namespace.as_deref();
                git_secret::lookup(store, &self.app_namespace, ns, name, repo)
                    .await
                    .map_err(|error| read_error(Box::new(error)))
            }
        }
    }
}

/// SSH credentials verify the host against `known_hosts` when given (deliberate difference:
/// the original turns host-key checking off for `git:secret:` secrets).
fn with_known_hosts(auth: GitAuth, known_hosts: Option<&str>) -> GitAuth {
    match auth {
        GitAuth::Ssh {
            private_key,
            known_hosts: None,
            insecure_ignore_host_key,
        } => GitAuth::Ssh {
            private_key,
            known_hosts: known_hosts.map(str::to_owned),
            insecure_ignore_host_key,
        },
        other => other,
    }
}

/// The git writer's credentials from Argo CD's; kinds the writer cannot use yet are refused
/// with a reason instead of being silently dropped.
pub fn to_git_auth(
    value: GitCredentialValue,
    reference: &GitCredentials,
    repo: &str,
) -> Result<GitAuth, CredentialError> {
    let unusable = |reason: &str| CredentialError::Unusable {
        repo: repo_url::display(repo),
        reference: describe_reference(reference),
        reason: reason.to_owned(),
    };
    match value {
        GitCredentialValue::None => Ok(GitAuth::None),
        GitCredentialValue::Https {
            username, password, ..
        } => Ok(GitAuth::Https { username, password }),
        GitCredentialValue::Ssh {
            private_key,
            insecure,
        } => Ok(GitAuth::Ssh {
            private_key,
            known_hosts: None,
            insecure_ignore_host_key: insecure,
        }),
        GitCredentialValue::GitHubApp { .. } => Err(unusable(
            "GitHub App credentials are not supported yet; use a username and token",
        )),
        GitCredentialValue::Gcp { .. } => Err(unusable(
            "Google Cloud service account credentials are not supported yet",
        )),
    }
}
