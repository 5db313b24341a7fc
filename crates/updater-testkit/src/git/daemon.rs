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

    /// Every connection it served so far, oldest first, read from its `--verbose` log: one
    /// `Request <service> for '<path>'` line per fetch, clone or `ls-remote` (`upload-pack`)
    /// and per push (`receive-pack`). The daemon logs a request as it starts serving it.
    pub fn requests(&self) -> Result<Vec<DaemonRequest>, GitError> {
        let log = self.dir.path().join("git-daemon.log");
        let text = std::fs::read_to_string(&log).map_err(file_error(&log))?;
        Ok(text.lines().filter_map(parse_request).collect())
    }
}

/// One connection the daemon served.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DaemonRequest {
    /// `upload-pack` (fetch, clone, ls-remote) or `receive-pack` (push).
    pub service: String,
    /// The repository path relative to the served root, e.g. `app.git`.
    pub repo: String,
}

/// The request of a `[pid] Request upload-pack for '/app.git'` log line.
fn parse_request(line: &str) -> Option<DaemonRequest> {
    let (_, rest) = line.split_once("] Request ")?;
    let (service, path) = rest.split_once(" for ")?;
    let path = path.trim().trim_matches('\'').trim_start_matches('/');
    Some(DaemonRequest {
        service: service.to_owned(),
        repo: path.to_owned(),
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_lines_name_service_and_repository() {
        let line = "[4242] Request upload-pack for '/team-01.git'";
        assert_eq!(
            parse_request(line),
            Some(DaemonRequest {
                service: "upload-pack".to_owned(),
                repo: "team-01.git".to_owned(),
            })
        );
        assert_eq!(parse_request("[4242] Connection from 127.0.0.1:5000"), None);
    }
}
