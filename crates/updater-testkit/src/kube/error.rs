//! The error of starting and seeding the fake kube-apiserver, written by hand like
//! [`crate::TestkitError`].

use std::{error::Error, fmt, io, path::PathBuf};

/// Why the fake kube-apiserver could not be started, seeded or described.
#[derive(Debug)]
#[non_exhaustive]
pub enum FakeApiError {
    /// No loopback port could be bound or handed to the runtime.
    Bind(io::Error),
    /// The server's tokio runtime could not be built.
    Runtime(io::Error),
    /// The server thread could not be spawned.
    Thread(io::Error),
    /// No served resource has this apiVersion and plural or kind.
    UnknownResource {
        /// The apiVersion asked for, e.g. `argoproj.io/v1alpha1`.
        api_version: String,
        /// The plural or kind asked for.
        resource: String,
    },
    /// A seeded object was refused (no name, no namespace, not an object, bad name).
    Seed {
        /// The resource, e.g. `applications.argoproj.io`.
        resource: String,
        /// The apiserver-style message.
        message: String,
    },
    /// The kubeconfig could not be written.
    Kubeconfig {
        /// The file.
        path: PathBuf,
        /// What the file system said.
        source: io::Error,
    },
}

impl fmt::Display for FakeApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Bind(_) => f.write_str("cannot bind a loopback port for the fake kube-apiserver"),
            Self::Runtime(_) => f.write_str("cannot build the fake kube-apiserver's runtime"),
            Self::Thread(_) => f.write_str("cannot spawn the fake kube-apiserver's thread"),
            Self::UnknownResource {
                api_version,
                resource,
            } => write!(
                f,
                "the fake serves no resource `{resource}` in `{api_version}`"
            ),
            Self::Seed { resource, message } => {
                write!(f, "cannot seed a `{resource}` object: {message}")
            }
            Self::Kubeconfig { path, .. } => {
                write!(f, "cannot write the kubeconfig `{}`", path.display())
            }
        }
    }
}

impl Error for FakeApiError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        match self {
            Self::Bind(source) | Self::Runtime(source) | Self::Thread(source) => Some(source),
            Self::Kubeconfig { source, .. } => Some(source),
            Self::UnknownResource { .. } | Self::Seed { .. } => None,
        }
    }
}
