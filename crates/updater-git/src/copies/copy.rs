//! One locked working copy during a batch: git calls counted by subcommand, shallow fetches,
//! forced checkouts, restoring, and re-creating the copy once when it turns out damaged.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use tokio::sync::OwnedMutexGuard;

use crate::auth::AuthSetup;
use crate::branch;
use crate::command::{CommandError, GitCommand, GitOutput, GitRunner, Invocations};
use crate::error::{CreateError, GitError};

/// Output fragments of a failed local git operation that mean the copy itself is broken (not
/// the network or the remote), so deleting and re-creating it can help.
const DAMAGE_SIGNS: &[&str] = &[
    "not a git repository",
    "corrupt",
    "bad object",
    "loose object",
    "unable to read",
    "index.lock",
    "shallow.lock",
    "shallow file has changed",
    "did not send all necessary objects",
    "bad index file",
    "index file smaller than expected",
    "invalid object",
    "missing blob",
    "missing tree",
    "fatal: bad tree",
];

/// A locked working copy and the credentials of one batch.
#[derive(Debug)]
pub struct WorkingCopy {
    pub(super) runner: Arc<GitRunner>,
    pub(super) cache_dir: PathBuf,
    pub(super) dir: PathBuf,
    pub(super) url: String,
    pub(super) repo: String,
    pub(super) auth: AuthSetup,
    pub(super) invocations: Invocations,
    /// Created by this batch, so the health check is pointless.
    pub(super) fresh: bool,
    /// Shared with work that may outlive a cancelled batch (render threads), so the copy stays
    /// locked until that work ends.
    pub(super) lock: Arc<OwnedMutexGuard<()>>,
}

impl WorkingCopy {
    /// The working tree.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The repository URL for messages (userinfo stripped).
    pub fn repo(&self) -> &str {
        &self.repo
    }

    /// A share of this copy's lock, for blocking work on the working tree.
    pub fn lock_share(&self) -> Arc<OwnedMutexGuard<()>> {
        Arc::clone(&self.lock)
    }

    /// Git calls so far, by subcommand.
    pub fn invocations(&self) -> &Invocations {
        &self.invocations
    }

    /// Runs a local command in the copy; non-zero exit is an error.
    pub async fn git(&mut self, command: GitCommand) -> Result<GitOutput, CommandError> {
        let command = self.in_copy(command);
        self.invocations.record(command.subcommand());
        self.runner.run_ok(&command).await
    }

    /// Runs a command that talks to the remote (credentials applied); the exit status is
    /// left to the caller.
    pub async fn remote(&mut self, command: GitCommand) -> Result<GitOutput, CommandError> {
        let command = self.auth.apply(self.in_copy(command));
        self.invocations.record(command.subcommand());
        self.runner.run(&command).await
    }

    fn in_copy(&self, command: GitCommand) -> GitCommand {
        // Never let git discover a repository above the copy (a damaged copy must fail, not
        // operate on whatever repository holds the cache directory).
        command.current_dir(&self.dir).env(
            "GIT_CEILING_DIRECTORIES",
            self.cache_dir.display().to_string(),
        )
    }

    pub(super) async fn create_if_missing(mut self) -> Result<Self, GitError> {
        if self.dir.symlink_metadata().is_err() {
            self.create().await?;
        }
        Ok(self)
    }

    /// `git init` and `remote add` in a staging directory, renamed into place only when both
    /// worked, so an interrupted creation never leaves a half-made copy behind.
    async fn create(&mut self) -> Result<(), GitError> {
        let staging = tempfile::Builder::new()
            .prefix(".new-")
            .tempdir_in(&self.cache_dir)
            .map_err(|source| {
                self.create_error(CreateError::Directory {
                    path: self.cache_dir.clone(),
                    source,
                })
            })?;
        let init = GitCommand::new("init")
            .arg("--quiet")
            .config("init.defaultBranch", "main");
        let add = GitCommand::new("remote").args(["add", "origin", self.url.as_str()]);
        for command in [init, add] {
            let command = command.current_dir(staging.path()).env(
                "GIT_CEILING_DIRECTORIES",
                self.cache_dir.display().to_string(),
            );
            self.invocations.record(command.subcommand());
            self.runner
                .run_ok(&command)
                .await
                .map_err(|source| self.create_error(CreateError::Git { source }))?;
        }
        std::fs::rename(staging.path(), &self.dir).map_err(|source| {
            self.create_error(CreateError::Directory {
                path: self.dir.clone(),
                source,
            })
        })?;
        // The directory moved away; dropping the guard now has nothing to remove.
        let _ = staging.keep();
        self.fresh = true;
        Ok(())
    }

    fn create_error(&self, source: CreateError) -> GitError {
        GitError::Create {
            repo: self.repo.clone(),
            source,
        }
    }

    async fn recreate(&mut self) -> Result<(), GitError> {
        tracing::warn!(
            repo = %self.repo,
            dir = %self.dir.display(),
            "re-creating a damaged working copy"
        );
        std::fs::remove_dir_all(&self.dir).map_err(|source| {
            self.create_error(CreateError::Directory {
                path: self.dir.clone(),
                source,
            })
        })?;
        self.create().await
    }

    /// The remote's default branch, from `git ls-remote --symref origin HEAD`.
    pub async fn default_branch(&mut self) -> Result<String, GitError> {
        let command = GitCommand::new("ls-remote").args(["--symref", "origin", "HEAD"]);
        let output = self
            .remote(command)
            .await
            .and_then(|out| checked(out, "ls-remote"));
        let output = output.map_err(|source| GitError::DefaultBranch {
            repo: self.repo.clone(),
            source,
        })?;
        branch::parse_symref_head(&output.stdout).ok_or_else(|| GitError::NoDefaultBranch {
            repo: self.repo.clone(),
        })
    }

    /// Leaves the copy on `push` at the remote's tip: `push`'s own tip when it exists on the
    /// remote, else `base`'s (creating `push` from it). Re-creates a damaged copy once.
    pub async fn prepare(&mut self, base: &str, push: &str) -> Result<(), GitError> {
        match self.try_prepare(base, push).await {
            Err(error) if looks_damaged(&error) => {
                tracing::debug!(error = %error, "working copy looks damaged");
                self.recreate().await?;
                self.try_prepare(base, push).await
            }
            other => other,
        }
    }

    async fn try_prepare(&mut self, base: &str, push: &str) -> Result<(), GitError> {
        if !self.fresh {
            self.check_health().await?;
        }
        let start = self.fetch_start(base, push).await?;
        self.checkout(push, &start).await
    }

    /// A cheap check that git still sees a repository here; with the ceiling set, a copy that
    /// lost `HEAD` fails instead of resolving to an enclosing repository.
    async fn check_health(&mut self) -> Result<(), GitError> {
        let command = GitCommand::new("rev-parse").arg("--git-dir");
        let result = self.git(command).await;
        result.map(drop).map_err(|source| GitError::Damaged {
            repo: self.repo.clone(),
            source,
        })
    }

    /// Fetches what the push branch starts from and returns its remote-tracking ref.
    async fn fetch_start(&mut self, base: &str, push: &str) -> Result<String, GitError> {
        if push != base {
            match self.fetch(push).await {
                Ok(()) => return Ok(branch::remote_ref(push)),
                Err(GitError::Fetch { source, .. }) if is_missing_ref(&source) => {}
                Err(error) => return Err(error),
            }
        }
        self.fetch(base).await?;
        Ok(branch::remote_ref(base))
    }

    /// Shallow-fetches `name` into its remote-tracking ref.
    pub async fn fetch(&mut self, name: &str) -> Result<(), GitError> {
        let command = GitCommand::new("fetch")
            .args(["--quiet", "--depth", "1", "--no-tags", "origin"])
            .arg(branch::fetch_refspec(name));
        let result = self
            .remote(command)
            .await
            .and_then(|out| checked(out, "fetch"));
        result.map(drop).map_err(|source| GitError::Fetch {
            repo: self.repo.clone(),
            branch: name.to_owned(),
            source,
        })
    }

    /// Points local `name` at `start`, forces the working tree to it and removes everything
    /// untracked or ignored.
    async fn checkout(&mut self, name: &str, start: &str) -> Result<(), GitError> {
        let checkout = GitCommand::new("checkout").args([
            "--quiet",
            "--force",
            "--no-track",
            "-B",
            name,
            start,
        ]);
        let clean = GitCommand::new("clean").arg("-ffdxq");
        for command in [checkout, clean] {
            self.git(command)
                .await
                .map_err(|source| GitError::Checkout {
                    repo: self.repo.clone(),
                    branch: name.to_owned(),
                    source,
                })?;
        }
        Ok(())
    }

    /// Drops every uncommitted change: `reset --hard` and `clean -ffdx`.
    pub async fn restore(&mut self, name: &str) -> Result<(), GitError> {
        let reset = GitCommand::new("reset").args(["--quiet", "--hard"]);
        let clean = GitCommand::new("clean").arg("-ffdxq");
        for command in [reset, clean] {
            self.git(command)
                .await
                .map_err(|source| GitError::Restore {
                    repo: self.repo.clone(),
                    branch: name.to_owned(),
                    source,
                })?;
        }
        Ok(())
    }
}

fn checked(output: GitOutput, subcommand: &str) -> Result<GitOutput, CommandError> {
    match output.success() {
        true => Ok(output),
        false => Err(output.into_error(subcommand)),
    }
}

fn is_missing_ref(error: &CommandError) -> bool {
    error.output().contains("couldn't find remote ref")
}

/// Local failures always point at the copy; a fetch failure only when git says so.
pub(super) fn looks_damaged(error: &GitError) -> bool {
    match error {
        GitError::Damaged { .. } | GitError::Checkout { .. } => true,
        GitError::Fetch { source, .. } => {
            let output = source.output().to_ascii_lowercase();
            DAMAGE_SIGNS.iter().any(|sign| output.contains(sign))
        }
        _ => false,
    }
}
