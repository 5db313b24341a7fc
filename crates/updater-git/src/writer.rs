//! [`GitWriter::apply`]: one batch → one prepared working copy, every edit rendered, one
//! commit, one push; a push that loses a race on a shared branch is redone on the new tip.

mod commit;
#[cfg(test)]
mod tests;

use std::path::PathBuf;
use std::sync::Arc;

use crate::batch::{Batch, BatchOutcome};
use crate::branch;
use crate::command::{GitOptions, GitRunner};
use crate::copies::{WorkingCopies, WorkingCopy};
use crate::edit;
use crate::error::GitError;
use crate::redact::strip_userinfo;

use commit::PushResult;

/// Push attempts on a shared branch before giving up (each after re-rendering on the new tip).
pub const DEFAULT_PUSH_ATTEMPTS: u32 = 3;

/// Writes batches to git repositories through cached working copies.
#[derive(Debug)]
pub struct GitWriter {
    copies: WorkingCopies,
    runner: Arc<GitRunner>,
    push_attempts: u32,
}

/// The branches of one batch: checked out from `base`, pushed to `push`.
struct Branches {
    base: String,
    push: String,
}

impl Branches {
    /// A separate write branch is the updater's own and is force-pushed, as in the original.
    fn force(&self) -> bool {
        self.base != self.push
    }
}

impl GitWriter {
    /// A writer keeping working copies under `cache_dir`.
    pub fn new(cache_dir: impl Into<PathBuf>, options: GitOptions) -> Result<Self, GitError> {
        let runner = GitRunner::new(options).map_err(|source| GitError::Runner { source })?;
        let runner = Arc::new(runner);
        let copies = WorkingCopies::new(cache_dir, Arc::clone(&runner))?;
        Ok(Self {
            copies,
            runner,
            push_attempts: DEFAULT_PUSH_ATTEMPTS,
        })
    }

    /// Sets how many pushes a batch on a shared branch tries (at least one).
    pub fn with_push_attempts(mut self, attempts: u32) -> Self {
        self.push_attempts = attempts.max(1);
        self
    }

    /// The working-copy cache.
    pub fn working_copies(&self) -> &WorkingCopies {
        &self.copies
    }

    /// Applies `batch`: nothing is committed unless every edit rendered, nothing when no file
    /// changes, and in a dry run only the diff is returned and the copy is restored.
    pub async fn apply(&self, batch: &Batch, dry_run: bool) -> Result<BatchOutcome, GitError> {
        validate(batch)?;
        let mut copy = self.copies.open(&batch.repo_url, &batch.auth).await?;
        let branches = resolve_branches(&mut copy, batch).await?;
        copy.prepare(&branches.base, &branches.push).await?;
        if dry_run {
            return dry_run_on(&mut copy, batch, &branches.push).await;
        }
        self.publish(&mut copy, batch, &branches).await
    }

    /// Render, commit and push, redoing all three on the new tip after a lost race.
    async fn publish(
        &self,
        copy: &mut WorkingCopy,
        batch: &Batch,
        branches: &Branches,
    ) -> Result<BatchOutcome, GitError> {
        let mut attempt = 1;
        loop {
            let files = render(copy, batch, &branches.push).await?;
            let committed = commit::commit(copy, batch, &branches.push, &files, &self.runner);
            let Some(sha) = committed.await? else {
                return Ok(unchanged(copy, &branches.push, attempt));
            };
            let pushed = commit::push(copy, &branches.push, branches.force()).await?;
            if pushed == PushResult::Pushed {
                return Ok(committed_outcome(copy, sha, &branches.push, files, attempt));
            }
            if attempt >= self.push_attempts {
                return Err(GitError::PushRejected {
                    repo: copy.repo().to_owned(),
                    branch: branches.push.clone(),
                    attempts: attempt,
                });
            }
            tracing::info!(
                repo = copy.repo(),
                branch = %branches.push,
                attempt,
                "push lost a race; rendering again on the new tip"
            );
            attempt += 1;
            copy.prepare(&branches.base, &branches.push).await?;
        }
    }
}

fn validate(batch: &Batch) -> Result<(), GitError> {
    let repo = strip_userinfo(&batch.repo_url);
    if batch.author.name.trim().is_empty() || batch.author.email.trim().is_empty() {
        return Err(GitError::MissingAuthor { repo });
    }
    let named = [batch.write_branch.as_deref(), batch.base_branch.as_deref()];
    let invalid = named
        .into_iter()
        .flatten()
        .find(|name| !branch::means_default(Some(name)) && !branch::is_valid_branch(name));
    // A write branch that renders empty is an error, as in the original.
    let empty_write = batch.write_branch.as_deref().filter(|name| name.is_empty());
    match invalid.or(empty_write) {
        Some(name) => Err(GitError::InvalidBranch {
            repo,
            branch: name.to_owned(),
        }),
        None => Ok(()),
    }
}

async fn resolve_branches(copy: &mut WorkingCopy, batch: &Batch) -> Result<Branches, GitError> {
    let base = match batch.base_branch.as_deref() {
        Some(base) if !branch::means_default(Some(base)) => base.to_owned(),
        _ => copy.default_branch().await?,
    };
    let push = batch.write_branch.clone().unwrap_or_else(|| base.clone());
    Ok(Branches { base, push })
}

/// Runs every render function off the async threads; on any failure the copy is restored.
async fn render(
    copy: &mut WorkingCopy,
    batch: &Batch,
    branch: &str,
) -> Result<Vec<String>, GitError> {
    let root = copy.dir().to_path_buf();
    let edits = batch.edits.clone();
    let lock = copy.lock_share();
    let result = tokio::task::spawn_blocking(move || {
        let _locked = lock;
        edit::apply_all(&root, &edits)
    })
    .await;
    let error = match result {
        Ok(Ok(files)) => return Ok(files),
        Ok(Err(source)) => GitError::Edit {
            repo: copy.repo().to_owned(),
            branch: branch.to_owned(),
            source,
        },
        Err(_) => GitError::EditTask {
            repo: copy.repo().to_owned(),
            branch: branch.to_owned(),
        },
    };
    copy.restore(branch).await?;
    Err(error)
}

async fn dry_run_on(
    copy: &mut WorkingCopy,
    batch: &Batch,
    branch: &str,
) -> Result<BatchOutcome, GitError> {
    let files = render(copy, batch, branch).await?;
    if files.is_empty() {
        return Ok(unchanged(copy, branch, 1));
    }
    let diff = commit::staged_diff(copy, branch, &files).await;
    copy.restore(branch).await?;
    Ok(BatchOutcome::DryRun {
        diff: diff?,
        branch: branch.to_owned(),
        files_changed: files,
        invocations: copy.invocations().clone(),
    })
}

fn unchanged(copy: &WorkingCopy, branch: &str, attempts: u32) -> BatchOutcome {
    BatchOutcome::Unchanged {
        branch: branch.to_owned(),
        attempts,
        invocations: copy.invocations().clone(),
    }
}

fn committed_outcome(
    copy: &WorkingCopy,
    sha: String,
    branch: &str,
    files: Vec<String>,
    attempts: u32,
) -> BatchOutcome {
    BatchOutcome::Committed {
        sha,
        branch: branch.to_owned(),
        files_changed: files,
        attempts,
        invocations: copy.invocations().clone(),
    }
}
