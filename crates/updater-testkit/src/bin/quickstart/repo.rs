//! The demo's Git side: a bare repository served by `git daemon`, seeded with the GitOps
//! files, and the clone left for the user, with the queries the report and checks need.

use std::path::{Path, PathBuf};

use anyhow::Context;
use updater_testkit::git::{BareRepo, GitDaemon, GitEnv};

use crate::{demo_dir::DemoDir, gitops::RepoFile};

/// The repository's name under the daemon's root.
const REPO_NAME: &str = "gitops.git";
/// The branch everything happens on.
pub const BRANCH: &str = "main";

/// The served repository and the user's clone of it.
#[derive(Debug)]
pub struct DemoRepo {
    // Declared first so it stops first; the repository and clone stay on disk.
    daemon: GitDaemon,
    bare: BareRepo,
    clone: PathBuf,
    seed: String,
    env: GitEnv,
}

/// Starts `git daemon` over the demo's `remote/` directory; the URL it serves the repository
/// at goes into the files, so the daemon comes before the repository.
pub fn start_daemon(demo: &DemoDir) -> anyhow::Result<GitDaemon> {
    let remote = demo.remote();
    std::fs::create_dir_all(&remote)
        .with_context(|| format!("cannot create `{}`", remote.display()))?;
    GitDaemon::start(&remote).context("cannot start git daemon")
}

/// The URL the daemon serves the demo repository at.
pub fn url(daemon: &GitDaemon) -> String {
    daemon.url(REPO_NAME)
}

impl DemoRepo {
    /// Creates the bare repository with `files` on [`BRANCH`] and clones it into the demo's
    /// `gitops/` (its `origin` is the bare repository's path, which outlives the daemon).
    pub fn create(daemon: GitDaemon, demo: &DemoDir, files: &[RepoFile]) -> anyhow::Result<Self> {
        let pairs: Vec<(&str, &str)> = files.iter().map(|f| (f.path, f.content.as_str())).collect();
        let bare = BareRepo::create(daemon.root(), REPO_NAME, &pairs, BRANCH)
            .context("cannot create the demo repository")?;
        let seed = bare
            .head(BRANCH)?
            .context("the demo repository has no commit")?;
        let env = GitEnv::new().context("cannot make a git HOME")?;
        let clone = demo.gitops();
        let source = bare.path().display().to_string();
        let target = clone.display().to_string();
        env.run_ok(
            demo.root(),
            &["clone", "-q", "--branch", BRANCH, &source, &target],
        )
        .context("cannot clone the demo repository")?;
        Ok(Self {
            daemon,
            bare,
            clone,
            seed,
            env,
        })
    }

    /// The URL the updater clones from.
    pub fn url(&self) -> String {
        url(&self.daemon)
    }

    /// The git daemon's pid.
    pub fn daemon_pid(&self) -> u32 {
        self.daemon.pid()
    }

    /// The user's clone.
    pub fn clone_path(&self) -> &Path {
        &self.clone
    }

    /// Commits on [`BRANCH`].
    pub fn commit_count(&self) -> anyhow::Result<usize> {
        Ok(self.bare.commit_count(BRANCH)?)
    }

    /// `path` as [`BRANCH`] holds it now.
    pub fn file(&self, path: &str) -> anyhow::Result<Option<String>> {
        Ok(self.bare.file_at(BRANCH, path)?)
    }

    /// Brings the clone up to date with the repository.
    pub fn pull(&self) -> anyhow::Result<()> {
        self.git(&["pull", "-q", "--ff-only", "origin", BRANCH])
            .context("cannot update the clone")?;
        Ok(())
    }

    /// The commits after the seed, oldest first.
    pub fn new_commits(&self) -> anyhow::Result<Vec<String>> {
        let range = format!("{}..{BRANCH}", self.seed);
        let out = self.git(&["rev-list", "--reverse", &range])?;
        Ok(out.lines().map(str::to_owned).collect())
    }

    /// The author name of `commit`.
    pub fn author(&self, commit: &str) -> anyhow::Result<String> {
        self.git(&["log", "-1", "--format=%an", commit])
    }

    /// `git show --stat --patch` of `commit`.
    pub fn show(&self, commit: &str) -> anyhow::Result<String> {
        self.git(&["show", "--stat", "--patch", commit])
    }

    /// Runs git in the clone.
    fn git(&self, args: &[&str]) -> anyhow::Result<String> {
        let out = self.env.run_ok(&self.clone, args);
        out.with_context(|| format!("`git {}` failed", args.join(" ")))
    }
}
