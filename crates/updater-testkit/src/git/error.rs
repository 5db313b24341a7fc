//! [`GitError`]: why a git server, a bare repository or a git command of the testkit failed.
//!
//! Written by hand like `TestkitError`: the crate has no `thiserror`.

use std::{error::Error, fmt, io, path::PathBuf, process::ExitStatus};

/// Why a git test server or repository helper failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum GitError {
    /// A temporary directory could not be created.
    TempDir(io::Error),
    /// A file or directory could not be written, read or created.
    File {
        /// The file or directory.
        path: PathBuf,
        /// What the file system said.
        source: io::Error,
    },
    /// A program could not be started, or waiting for it failed.
    Spawn {
        /// The program, e.g. `git`.
        program: String,
        /// What the OS said.
        source: io::Error,
    },
    /// A program exited unsuccessfully.
    Command {
        /// The command line without its paths' contents, e.g. `git push origin main`.
        command: String,
        /// Its exit status.
        status: ExitStatus,
        /// The end of what it wrote to stderr.
        stderr: String,
    },
    /// A program did not finish in time and was killed.
    Timeout {
        /// The command line.
        command: String,
    },
    /// No loopback port could be bound.
    Bind(io::Error),
    /// A repository name is empty, absolute or leaves the repository root.
    InvalidRepoName {
        /// The name given.
        name: String,
    },
    /// A file path given to a repository helper is empty, absolute or leaves the checkout.
    InvalidFilePath {
        /// The path given.
        path: String,
    },
    /// A repository to be created exists already.
    RepoExists {
        /// Its directory.
        path: PathBuf,
    },
    /// A server process exited before it was ready.
    ServerExited {
        /// Which server, e.g. `git daemon`.
        server: &'static str,
        /// Its exit status.
        status: ExitStatus,
        /// The last lines of its log.
        log_tail: String,
    },
    /// A server process did not report readiness in time.
    ServerNotReady {
        /// Which server.
        server: &'static str,
        /// The last lines of its log.
        log_tail: String,
    },
}

impl fmt::Display for GitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TempDir(_) => f.write_str("cannot create a temporary directory"),
            Self::File { path, .. } => write!(f, "cannot access `{}`", path.display()),
            Self::Spawn { program, .. } => write!(f, "cannot run `{program}`"),
            Self::Command {
                command,
                status,
                stderr,
            } => write!(f, "`{command}` failed ({status}): {stderr}"),
            Self::Timeout { command } => write!(f, "`{command}` timed out and was killed"),
            Self::Bind(_) => f.write_str("cannot bind a loopback port"),
            Self::InvalidRepoName { name } => write!(f, "invalid repository name `{name}`"),
            Self::InvalidFilePath { path } => write!(f, "invalid file path `{path}`"),
            Self::RepoExists { path } => {
                write!(f, "repository `{}` exists already", path.display())
            }
            Self::ServerExited {
                server,
                status,
                log_tail,
            } => write!(f, "{server} exited early ({status}); log tail:\n{log_tail}"),
            Self::ServerNotReady { server, log_tail } => {
                write!(f, "{server} not ready in time; log tail:\n{log_tail}")
            }
        }
    }
}

impl Error for GitError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        match self {
            Self::TempDir(e) | Self::Bind(e) => Some(e),
            Self::File { source, .. } | Self::Spawn { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// Wraps an I/O error on `path` (a closure for `map_err`).
pub(crate) fn file_error(path: &std::path::Path) -> impl FnOnce(io::Error) -> GitError + '_ {
    move |source| GitError::File {
        path: path.to_path_buf(),
        source,
    }
}
