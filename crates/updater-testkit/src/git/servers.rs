//! [`GitServers`]: the three git servers of `git-servers.sh` over one temporary repository
//! root, for tests that run the same scenario over every transport.

use std::path::Path;

use tempfile::TempDir;

use super::{
    daemon::GitDaemon, error::GitError, http::HttpGitServer, repo::BareRepo, ssh::SshGitServer,
};

/// A transport a repository can be reached by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    /// `git://`, anonymous.
    Git,
    /// `ssh://`, key authentication.
    Ssh,
    /// `http://`, Basic authentication when the servers were started with credentials.
    Http,
}

impl Transport {
    /// Every transport.
    pub const ALL: [Self; 3] = [Self::Git, Self::Ssh, Self::Http];
}

/// A git daemon, an sshd and a smart-HTTP server sharing a temporary repository root. Dropping
/// it stops the servers, then deletes the root.
#[derive(Debug)]
pub struct GitServers {
    // Fields drop in declaration order: the servers stop before their root is deleted.
    /// The `git://` server.
    pub daemon: GitDaemon,
    /// The `ssh://` server.
    pub ssh: SshGitServer,
    /// The `http://` server.
    pub http: HttpGitServer,
    root: TempDir,
}

impl GitServers {
    /// Makes an empty root and starts the three servers on it; `basic` protects HTTP.
    pub fn start(basic: Option<(&str, &str)>) -> Result<Self, GitError> {
        let root = tempfile::Builder::new()
            .prefix("updater-testkit-repos-")
            .tempdir()
            .map_err(GitError::TempDir)?;
        Ok(Self {
            daemon: GitDaemon::start(root.path())?,
            ssh: SshGitServer::start(root.path())?,
            http: HttpGitServer::start(root.path(), basic)?,
            root,
        })
    }

    /// The repository root.
    pub fn root(&self) -> &Path {
        self.root.path()
    }

    /// Creates a bare repository in the root, see [`BareRepo::create`].
    pub fn create_repo(
        &self,
        name: &str,
        files: &[(&str, &str)],
        branch: &str,
    ) -> Result<BareRepo, GitError> {
        BareRepo::create(self.root(), name, files, branch)
    }

    /// The URL of `repo` over `transport`.
    pub fn url(&self, transport: Transport, repo: &str) -> String {
        match transport {
            Transport::Git => self.daemon.url(repo),
            Transport::Ssh => self.ssh.url(repo),
            Transport::Http => self.http.url(repo),
        }
    }
}
