//! The error of starting a test server (registry, token service) and of the tools it runs.
//!
//! Written by hand because the crate's dependency list has no `thiserror`; the shape follows
//! the workspace convention all the same: one variant per failing operation, lowercase messages
//! that describe this layer only, and the cause in `source()`.

use std::{error::Error, fmt, io, path::PathBuf, process::ExitStatus};

/// Why a test server could not be started.
#[derive(Debug)]
#[non_exhaustive]
pub enum TestkitError {
    /// The temporary working directory could not be created.
    TempDir(io::Error),
    /// A file in the working directory could not be written or read.
    File {
        /// The file.
        path: PathBuf,
        /// What the file system said.
        source: io::Error,
    },
    /// An external program could not be started, or waiting for it failed.
    Spawn {
        /// The program, e.g. `openssl`.
        program: String,
        /// What the OS said.
        source: io::Error,
    },
    /// An external program exited unsuccessfully.
    ToolFailed {
        /// The program, e.g. `openssl`.
        program: String,
        /// Its exit status.
        status: ExitStatus,
        /// The end of what it wrote to stderr.
        stderr: String,
    },
    /// An external program did not finish in time and was killed.
    ToolTimeout {
        /// The program, e.g. `openssl`.
        program: String,
    },
    /// No loopback port could be bound.
    Bind(io::Error),
    /// `ring` rejected the token signing key made by `openssl`.
    SigningKey(String),
    /// The TLS configuration of the readiness probe could not be built.
    Tls(rustls::Error),
    /// The registry exited before it answered `/v2/`.
    RegistryExited {
        /// Its exit status.
        status: ExitStatus,
        /// The last lines of its log.
        log_tail: String,
    },
    /// The registry did not answer `/v2/` in time.
    RegistryNotReady {
        /// The URL that was probed.
        url: String,
        /// Why the last probe failed.
        last_error: String,
        /// The last lines of its log.
        log_tail: String,
    },
}

impl fmt::Display for TestkitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TempDir(_) => f.write_str("cannot create a temporary directory"),
            Self::File { path, .. } => write!(f, "cannot access `{}`", path.display()),
            Self::Spawn { program, .. } => write!(f, "cannot run `{program}`"),
            Self::ToolFailed {
                program,
                status,
                stderr,
            } => write!(f, "`{program}` failed ({status}): {stderr}"),
            Self::ToolTimeout { program } => write!(f, "`{program}` timed out and was killed"),
            Self::Bind(_) => f.write_str("cannot bind a loopback port"),
            Self::SigningKey(why) => write!(f, "token signing key rejected: {why}"),
            Self::Tls(_) => f.write_str("cannot configure TLS for the readiness probe"),
            Self::RegistryExited { status, log_tail } => {
                write!(f, "registry exited early ({status}); log tail:\n{log_tail}")
            }
            Self::RegistryNotReady {
                url,
                last_error,
                log_tail,
            } => write!(
                f,
                "registry at `{url}` not ready in time (last probe: {last_error}); log tail:\n{log_tail}"
            ),
        }
    }
}

impl Error for TestkitError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        match self {
            Self::TempDir(e) | Self::Bind(e) => Some(e),
            Self::File { source, .. } | Self::Spawn { source, .. } => Some(source),
            Self::Tls(e) => Some(e),
            _ => None,
        }
    }
}

/// Wraps an I/O error on `path` (a closure for `map_err`).
pub(crate) fn file_error(path: &std::path::Path) -> impl FnOnce(io::Error) -> TestkitError + '_ {
    move |source| TestkitError::File {
        path: path.to_path_buf(),
        source,
    }
}
