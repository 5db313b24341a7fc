//! [`GitDaemon`]: `git daemon` serving a repository root over `git://` on a free loopback port,
//! push enabled, no authentication.

use std::{
    path::{Path, PathBuf},
    process::Command,
};

use tempfile::TempDir;

use super::{
    command::git_program,
    env::{SCRUBBED_VARS, git_env},
    error::{GitError, file_error},
    launch::{Launch, ServerProcess, start_on_free_port},
};

/// A running git daemon. Dropping it kills the daemon and its connection handlers and deletes
/// its temporary directory (not the repositories).
#[derive(Debug)]
pub struct GitDaemon {
    // Fields drop in declaration order: the process stops before its directory is deleted.
    process: ServerProcess,
    port: u16,
    root: PathBuf,
    dir: TempDir,
}

impl GitDaemon {
    /// Serves every repository below `repos_root` (anonymous fetch and push) and waits until it
    /// listens.
    pub fn start(repos_root: &Path) -> Result<Self, GitError> {
        let root = repos_root.canonicalize().map_err(file_error(repos_root))?;
        let dir = tempfile::Builder::new()
            .prefix("updater-testkit-git-daemon-")
            .tempdir()
            .map_err(GitError::TempDir)?;
        let program = git_program("git-daemon")?;
        let command = |port| Ok(daemon_command(&program, &root, dir.path(), port));
        let ready_line = |_| "Ready to rumble".to_owned();
        let launch = Launch {
            server: "git daemon",
            log: dir.path().join("git-daemon.log"),
            command: &command,
            ready_line: &ready_line,
        };
        let (process, port) = start_on_free_port(&launch)?;
        Ok(Self {
            process,
            port,
            root,
            dir,
        })
    }

    /// `git://127.0.0.1:<port>/<repo>`.
    pub fn url(&self, repo: &str) -> String {
        format!("git://127.0.0.1:{}/{repo}", self.port)
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The (canonical) repository root it serves.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The daemon's pid.
    pub fn pid(&self) -> u32 {
        self.process.pid()
    }

    /// The last lines of its log (it runs with `--verbose`), for assertion messages.
    pub fn log_tail(&self) -> String {
        self.process.log_tail()
    }

    /// Its temporary directory (log, HOME).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }
}

/// `git-daemon` on `port` with `home` as the HOME of the upload and receive packs it runs.
pub(crate) fn daemon_command(program: &Path, root: &Path, home: &Path, port: u16) -> Command {
    let mut command = Command::new(program);
    command
        .arg("--verbose")
        .arg("--reuseaddr")
        .arg(format!("--base-path={}", root.display()))
        .arg("--export-all")
        .arg("--enable=receive-pack")
        .arg("--informative-errors")
        .arg("--listen=127.0.0.1")
        .arg(format!("--port={port}"))
        .arg(root)
        .current_dir(home);
    for name in SCRUBBED_VARS {
        command.env_remove(name);
    }
    command.envs(git_env(home));
    command
}
