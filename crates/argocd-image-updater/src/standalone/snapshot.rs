//! Read-only checkouts of Git repositories for standalone mode: the manifests repository and
//! the repositories write-back targets live in, fetched at most once per pass per repository
//! and branch. They live in their own cache directory, apart from the writer's working copies,
//! so reading never races with a commit being prepared.

use std::collections::HashMap;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use anyhow::{Context, anyhow};
use tokio::sync::OnceCell;
use updater_git::{GitAuth, GitOptions, GitRunner, WorkingCopies};

use super::current::Files;

type Key = (String, Option<String>);

/// A checkout's directory, or why it failed, computed once per pass.
type Slot = Arc<OnceCell<Result<PathBuf, String>>>;

/// The checkouts of one pass.
pub struct Snapshots {
    copies: WorkingCopies,
    /// Per repository and branch: the checkout's directory, or why it failed (once per pass).
    pass: Mutex<HashMap<Key, Slot>>,
}

impl Snapshots {
    /// Checkouts kept under `cache_dir`.
    pub fn new(cache_dir: &Path) -> anyhow::Result<Self> {
        let runner = GitRunner::new(GitOptions::default()).context("cannot run git")?;
        let copies = WorkingCopies::new(cache_dir, Arc::new(runner))
            .context("cannot prepare the checkouts of the manifests")?;
        Ok(Self {
            copies,
            pass: Mutex::new(HashMap::new()),
        })
    }

    /// Starts a new pass: the next reads fetch again.
    pub fn forget(&self) {
        self.lock().clear();
    }

    /// The directory of `url` checked out at `branch` (the default branch when `None`),
    /// fetched with the credentials `auth` resolves; they are resolved only when this pass has
    /// not fetched the repository yet.
    pub async fn checkout(
        &self,
        url: &str,
        branch: Option<&str>,
        auth: impl Future<Output = anyhow::Result<GitAuth>>,
    ) -> anyhow::Result<PathBuf> {
        let key = (url.to_owned(), branch.map(str::to_owned));
        let cell = self.lock().entry(key).or_default().clone();
        let result = cell
            .get_or_init(|| async {
                let fetched = match auth.await {
                    Ok(auth) => self.fetch(url, branch, &auth).await,
                    Err(error) => Err(error),
                };
                fetched.map_err(|error| format!("{error:#}"))
            })
            .await;
        result.clone().map_err(|message| anyhow!(message))
    }

    async fn fetch(
        &self,
        url: &str,
        branch: Option<&str>,
        auth: &GitAuth,
    ) -> anyhow::Result<PathBuf> {
        let mut copy = self.copies.open(url, auth).await?;
        let branch = match branch {
            Some(branch) => branch.to_owned(),
            None => copy.default_branch().await?,
        };
        copy.prepare(&branch, &branch)
            .await
            .with_context(|| format!("cannot check out `{branch}`"))?;
        Ok(copy.dir().to_path_buf())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Key, Slot>> {
        self.pass
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Files of a checked-out directory, confined to it.
pub struct Checkout<'a>(pub &'a Path);

impl Files for Checkout<'_> {
    fn read(&self, path: &str) -> anyhow::Result<Option<String>> {
        let relative = updater_git::edit::checked_relative(path)?;
        let file = self.0.join(relative);
        match std::fs::read_to_string(&file) {
            Ok(text) => Ok(Some(text)),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(error) => Err(anyhow::Error::new(error).context(format!("cannot read `{path}`"))),
        }
    }
}
