//! `git:repocreds` (spec §7.2.6): the credentials Argo CD itself would use for a repository,
//! read from the secrets in the Argo CD namespace labelled
//! `argocd.argoproj.io/secret-type` = `repository` (one repository each, exact URL match) or
//! `repo-creds` (credential templates, matched by URL prefix).
//!
//! The lookup mirrors Argo CD's repo DB (`GetRepository(repoURL, project)`):
//! 1. A `repository` secret whose `url` is the same repository (see [`crate::repo_url`]). A
//!    secret with a `project` field belongs to that AppProject only; one scoped to the
//!    application's project beats an unscoped one, and one scoped to another project never
//!    matches.
//! 2. When no entry matched, or the entry carries no credentials, the `repo-creds` template with
//!    the longest matching `url` fills the missing credential fields.
//! 3. With still no credentials, the lookup fails naming the repository (`HasCredentials`).
//! 4. The credentials are chosen in the order password (HTTPS), SSH key, GitHub App, GCP key.
//!
//! Deliberate differences:
//! - Template prefixes match at a path boundary only ([`crate::repo_url::prefix_covers`]);
//!   Argo CD's bare string prefix lets `https://git.example.com` match
//!   `https://git.example.com.attacker.net/…`.
//! - A `project` on a template scopes it as well (preferred over an unscoped template of the
//!   same prefix length); Argo CD matches templates without looking at the project, which would
//!   hand one project's credentials to another.
//! - Several equally good candidates: the first by name wins (Argo CD takes whichever its
//!   informer lists first or last, and logs a warning; we log the same warning).
//! - `insecure` is taken from the `repository` entry only (templates carry no such field in
//!   Argo CD), so a template cannot switch verification off.

mod fields;
#[cfg(test)]
mod tests;

use crate::credential::GitCredentialValue;
use crate::repo_url::{self, normalise, prefix_covers};
use crate::secrets::{FieldError, SECRET_TYPE_LABEL, Secret, SecretStore, StoreError};
use fields::RepoFields;

/// Label value of a secret describing one repository.
pub const REPOSITORY: &str = "repository";
/// Label value of a credential template.
pub const REPO_CREDS: &str = "repo-creds";

/// Why repository credentials could not be found. Never carries a secret value.
#[derive(Debug, thiserror::Error)]
pub enum RepoCredsError {
    /// Listing the repository or template secrets failed.
    #[error("cannot list argo cd `{kind}` secrets in namespace `{namespace}`")]
    List {
        /// The Argo CD namespace.
        namespace: String,
        /// `repository` or `repo-creds`.
        kind: &'static str,
        /// The cause.
        #[source]
        source: Box<StoreError>,
    },
    /// The chosen secret has a malformed field.
    #[error("argo cd repository secret `{namespace}/{name}` is unusable")]
    BadSecret {
        /// The secret's namespace.
        namespace: String,
        /// The secret's name.
        name: String,
        /// Which field and why.
        #[source]
        source: Box<FieldError>,
    },
    /// Neither an entry nor a template carries credentials for the repository.
    #[error("credentials for `{repo}` are not configured in argo cd settings")]
    NotConfigured {
        /// The repository URL, userinfo stripped.
        repo: String,
    },
}

/// Reads the Argo CD repository secrets of `argocd_namespace` and resolves the credentials for
/// `repo_url` as seen by AppProject `project`.
pub async fn lookup(
    store: &dyn SecretStore,
    argocd_namespace: &str,
    repo_url: &str,
    project: &str,
) -> Result<GitCredentialValue, RepoCredsError> {
    let repositories = list(store, argocd_namespace, REPOSITORY).await?;
    let templates = list(store, argocd_namespace, REPO_CREDS).await?;
    resolve(&repositories, &templates, repo_url, project)
}

async fn list(
    store: &dyn SecretStore,
    namespace: &str,
    kind: &'static str,
) -> Result<Vec<Secret>, RepoCredsError> {
    store
        .list_labeled(namespace, (SECRET_TYPE_LABEL, kind))
        .await
        .map_err(|source| RepoCredsError::List {
            namespace: namespace.to_owned(),
            kind,
            source: Box::new(source),
        })
}

/// The pure lookup over already listed `repository` and `repo-creds` secrets.
pub fn resolve(
    repositories: &[Secret],
    templates: &[Secret],
    repo_url: &str,
    project: &str,
) -> Result<GitCredentialValue, RepoCredsError> {
    let target = normalise(repo_url);
    let mut fields = match find_repository(repositories, &target, project) {
        Some(entry) => read(entry, true)?,
        None => RepoFields::default(),
    };
    if !fields.has_credentials()
        && let Some(template) = find_template(templates, &target, project)
    {
        fields.fill_from(read(template, false)?);
    }
    if !fields.has_credentials() {
        return Err(RepoCredsError::NotConfigured {
            repo: repo_url::display(repo_url),
        });
    }
    Ok(fields.into_value())
}

fn read(secret: &Secret, is_entry: bool) -> Result<RepoFields, RepoCredsError> {
    RepoFields::read(secret, is_entry).map_err(|source| RepoCredsError::BadSecret {
        namespace: secret.namespace.clone(),
        name: secret.name.clone(),
        source: Box::new(source),
    })
}

/// The normalised `url` and the `project` of a secret; a secret whose `url` or `project` is not
/// text is skipped (with a warning) rather than failing lookups for every other repository.
fn identity(secret: &Secret) -> Option<(String, String)> {
    let read = |field| {
        secret
            .text(field)
            .map(|text| text.unwrap_or("").trim().to_owned())
    };
    match (read(fields::URL), read(fields::PROJECT)) {
        (Ok(url), Ok(project)) => Some((normalise(&url), project)),
        (Err(error), _) | (_, Err(error)) => {
            tracing::warn!(%error, "skipping argo cd repository secret");
            None
        }
    }
}

/// The `repository` entry for `target`: scoped to `project` first, else the first unscoped one.
fn find_repository<'a>(
    repositories: &'a [Secret],
    target: &str,
    project: &str,
) -> Option<&'a Secret> {
    let mut fallback = None;
    for secret in repositories {
        let Some((url, scope)) = identity(secret) else {
            continue;
        };
        if url.is_empty() || url != target {
            continue;
        }
        if scope == project {
            return Some(secret);
        }
        if scope.is_empty() {
            warn_if_duplicate(fallback.is_some(), target);
            fallback = fallback.or(Some(secret));
        }
    }
    fallback
}

/// The template with the longest prefix covering `target`; at equal length one scoped to
/// `project` beats an unscoped one.
fn find_template<'a>(templates: &'a [Secret], target: &str, project: &str) -> Option<&'a Secret> {
    let mut best: Option<((usize, bool), &Secret)> = None;
    for secret in templates {
        let Some((prefix, scope)) = identity(secret) else {
            continue;
        };
        if !prefix_covers(&prefix, target) || !(scope.is_empty() || scope == project) {
            continue;
        }
        let rank = (prefix.len(), !scope.is_empty());
        match best {
            Some((best_rank, _)) if best_rank >= rank => {
                warn_if_duplicate(best_rank == rank, target)
            }
            _ => best = Some((rank, secret)),
        }
    }
    best.map(|(_, secret)| secret)
}

fn warn_if_duplicate(duplicate: bool, target: &str) {
    if duplicate {
        tracing::warn!(repo = %repo_url::display(target), "found multiple credentials for repository");
    }
}
