//! Working copies kept between cycles: one per repository URL under the cache directory,
//! created with `git init` + `remote add` + shallow fetches, refreshed with a shallow fetch and
//! a forced checkout, and re-created once when damaged. One batch at a time per copy.

mod copy;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use sha2::{Digest, Sha256};

use crate::auth::{AuthSetup, GitAuth};
use crate::command::{GitRunner, Invocations};
use crate::error::GitError;
use crate::redact::strip_userinfo;

pub use copy::WorkingCopy;

/// Hex digits of sha256(url) naming a copy's directory.
const DIR_NAME_LEN: usize = 16;

/// The cache of working copies.
#[derive(Debug)]
pub struct WorkingCopies {
    cache_dir: PathBuf,
    runner: Arc<GitRunner>,
    locks: Mutex<HashMap<PathBuf, Arc<tokio::sync::Mutex<()>>>>,
}

impl WorkingCopies {
    /// Uses (and creates) `cache_dir`; working copies persist there across runs.
    pub fn new(cache_dir: impl Into<PathBuf>, runner: Arc<GitRunner>) -> Result<Self, GitError> {
        let path = cache_dir.into();
        let failed = |source| GitError::CacheDir {
            path: path.clone(),
            source,
        };
        std::fs::create_dir_all(&path).map_err(failed)?;
        let cache_dir = path.canonicalize().map_err(failed)?;
        Ok(Self {
            cache_dir,
            runner,
            locks: Mutex::new(HashMap::new()),
        })
    }

    /// The directory of the working copy for `repo_url`.
    pub fn path_for(&self, repo_url: &str) -> PathBuf {
        let digest = hex::encode(Sha256::digest(repo_url.as_bytes()));
        self.cache_dir.join(&digest[..DIR_NAME_LEN])
    }

    /// Locks the copy for `repo_url` (waiting for another batch on it) and creates it if missing.
    pub async fn open(&self, repo_url: &str, auth: &GitAuth) -> Result<WorkingCopy, GitError> {
        let repo = strip_userinfo(repo_url);
        check_url(repo_url, &repo)?;
        let dir = self.path_for(repo_url);
        let lock = self.lock_for(&dir).lock_owned().await;
        let auth = AuthSetup::prepare(auth, self.runner.scratch_dir()).map_err(|source| {
            GitError::Credentials {
                repo: repo.clone(),
                source,
            }
        })?;
        let copy = WorkingCopy {
            runner: Arc::clone(&self.runner),
            cache_dir: self.cache_dir.clone(),
            dir,
            url: repo_url.to_owned(),
            repo,
            auth,
            invocations: Invocations::default(),
            fresh: false,
            lock: Arc::new(lock),
        };
        copy.create_if_missing().await
    }

    fn lock_for(&self, dir: &Path) -> Arc<tokio::sync::Mutex<()>> {
        let mut locks = self
            .locks
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        Arc::clone(locks.entry(dir.to_path_buf()).or_default())
    }
}

/// Refuses URLs git would read as an option, and URLs carrying a password (credentials go
/// through [`GitAuth`], never into argv or `.git/config`).
fn check_url(url: &str, repo: &str) -> Result<(), GitError> {
    let invalid = |reason| GitError::InvalidUrl {
        repo: repo.to_owned(),
        reason,
    };
    if url.trim().is_empty() || url.starts_with('-') || url.contains(['\n', '\0']) {
        return Err(invalid(
            "empty, starts with `-` or contains a control character",
        ));
    }
    let authority = url
        .split_once("://")
        .map(|(_, rest)| rest.split('/').next().unwrap_or(""));
    match authority {
        Some(authority)
            if authority
                .rsplit_once('@')
                .is_some_and(|(info, _)| info.contains(':')) =>
        {
            Err(invalid("it contains a password; use credentials instead"))
        }
        _ => Ok(()),
    }
}
