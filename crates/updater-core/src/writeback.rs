//! Write-back settings as values (spec §3.5, §3.6, §7.2.3): the `method` with its git
//! credentials source, the `writeBackTarget` and its resolution to a repository path, the
//! `branch` syntax, and the default `.argocd-source-<app>.yaml` file name.
//!
//! Deliberate difference from the original: it recognises the keyword targets with a prefix test
//! and then drops `len(prefix)+1` characters, so `kustomizationX` or `helmvalues.yaml` become
//! keyword targets with a garbage path. Here only `kustomization`, `kustomization:<dir>`,
//! `helmvalues` and `helmvalues:<file>` are keywords; anything else is a bare file path.

mod path;

pub use path::clean_path;

/// Why a write-back setting was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WriteBackError {
    /// `method` is neither `argocd` nor `git` nor `git:<credentials>`.
    #[error("invalid update mechanism `{method}`")]
    InvalidMethod {
        /// The rejected method, trimmed.
        method: String,
    },
    /// The text after `git:` is neither `repocreds` nor `secret:[<ns>/]<name>`.
    #[error("unexpected credentials format `{credentials}` in write-back method `{method}`")]
    UnknownCredentials {
        /// The whole method.
        method: String,
        /// The part after `git:`.
        credentials: String,
    },
    /// `secret:` with an empty name or namespace, or more than one `/`.
    #[error(
        "invalid secret reference `{reference}` in write-back method `{method}` (expected `secret:[<namespace>/]<name>`)"
    )]
    BadSecretReference {
        /// The whole method.
        method: String,
        /// The part after `secret:`.
        reference: String,
    },
    /// A `git:secret:<ns>/<name>` secret lives outside the application's namespace.
    #[error("secret namespace `{secret_namespace}` differs from app namespace `{app_namespace}`")]
    SecretNamespaceMismatch {
        /// The namespace named in the method.
        secret_namespace: String,
        /// The application's namespace.
        app_namespace: String,
    },
    /// A bare target path names a kustomization file.
    #[error(
        "write-back target `{target}` is a kustomization file; use `kustomization:<dir>` to write to a kustomization"
    )]
    KustomizationFileTarget {
        /// The rejected target.
        target: String,
    },
    /// The resolved target lies outside the repository (too many `..`).
    #[error("write-back target `{target}` resolves to `{resolved}`, outside the repository")]
    TargetOutsideRepository {
        /// The configured target.
        target: String,
        /// Where it resolved to, relative to the repository root.
        resolved: String,
    },
    /// The branch has more than one `:`.
    #[error(
        "invalid git branch `{branch}`: more than one `:` (expected `base`, `base:write` or `:write`)"
    )]
    BranchTooManyColons {
        /// The rejected branch setting.
        branch: String,
    },
    /// The branch has a `:` although pull requests are enabled.
    #[error(
        "invalid git branch `{branch}`: a separate write branch (`:`) cannot be combined with pull requests"
    )]
    BranchWriteWithPullRequest {
        /// The rejected branch setting.
        branch: String,
    },
}

/// How changes are written back.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum WriteBackMethod {
    /// Patch the Application resource (the default).
    #[default]
    ArgoCd,
    /// Commit to the application's git repository.
    Git(GitCredentials),
}

/// Where the git credentials come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GitCredentials {
    /// Argo CD's repository credentials (`git` or `git:repocreds`).
    RepoCreds,
    /// A Kubernetes secret (`git:secret:[<ns>/]<name>`).
    Secret {
        /// The namespace, when given; it must equal the application's.
        namespace: Option<String>,
        /// The secret name.
        name: String,
    },
}

impl WriteBackMethod {
    /// Parses a `method` value; surrounding whitespace is ignored.
    pub fn parse(input: &str) -> Result<Self, WriteBackError> {
        let method = input.trim();
        match method {
            "argocd" => Ok(Self::ArgoCd),
            "git" => Ok(Self::Git(GitCredentials::RepoCreds)),
            _ => match method.strip_prefix("git:") {
                Some(credentials) => GitCredentials::parse(method, credentials).map(Self::Git),
                None => Err(WriteBackError::InvalidMethod {
                    method: method.to_owned(),
                }),
            },
        }
    }
}

impl GitCredentials {
    fn parse(method: &str, credentials: &str) -> Result<Self, WriteBackError> {
        if credentials == "repocreds" {
            return Ok(Self::RepoCreds);
        }
        let Some(reference) = credentials.strip_prefix("secret:") else {
            return Err(WriteBackError::UnknownCredentials {
                method: method.to_owned(),
                credentials: credentials.to_owned(),
            });
        };
        let bad = || WriteBackError::BadSecretReference {
            method: method.to_owned(),
            reference: reference.to_owned(),
        };
        let parts: Vec<&str> = reference.split('/').collect();
        match parts.as_slice() {
            [name] if !name.is_empty() => Ok(Self::Secret {
                namespace: None,
                name: (*name).to_owned(),
            }),
            [ns, name] if !ns.is_empty() && !name.is_empty() => Ok(Self::Secret {
                namespace: Some((*ns).to_owned()),
                name: (*name).to_owned(),
            }),
            _ => Err(bad()),
        }
    }

    /// Checks the v1 rule that a credentials secret lives in the application's namespace.
    pub fn check_namespace(&self, app_namespace: &str) -> Result<(), WriteBackError> {
        match self {
            Self::Secret {
                namespace: Some(ns),
                ..
            } if ns != app_namespace => Err(WriteBackError::SecretNamespaceMismatch {
                secret_namespace: ns.clone(),
                app_namespace: app_namespace.to_owned(),
            }),
            _ => Ok(()),
        }
    }
}

/// A parsed `writeBackTarget`, still relative to the application source path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WriteBackTarget {
    /// `kustomization[:<dir>]`: edit the kustomization in `dir` (`.` when omitted; a leading `/`
    /// means repository-relative, anything else is relative to the source path).
    Kustomization {
        /// The directory as written.
        dir: String,
    },
    /// `helmvalues[:<file>]`: edit a Helm values file (`values.yaml` when omitted; a leading `/`
    /// means repository-relative).
    HelmValues {
        /// The file as written.
        file: String,
    },
    /// Any other non-empty string: a repository-relative file path.
    File {
        /// The path as written.
        path: String,
    },
    /// No target: the `.argocd-source-<app>.yaml` file in the source path.
    Default,
}

/// Where a target resolved to; every path is clean and relative to the repository root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResolvedTarget {
    /// Edit the `kustomization.yaml` (or `.yml`, `Kustomization`) in this directory.
    Kustomization {
        /// The directory (`.` for the repository root).
        dir: String,
    },
    /// Edit this Helm values file.
    HelmValues {
        /// The file.
        file: String,
    },
    /// Write this parameter override file (the `.argocd-source-*` format).
    OverrideFile {
        /// The file.
        path: String,
    },
}

const KUSTOMIZATION: &str = "kustomization";
const HELM_VALUES: &str = "helmvalues";
const DEFAULT_HELM_VALUES_FILE: &str = "values.yaml";

impl WriteBackTarget {
    /// Parses a `writeBackTarget` value; surrounding whitespace is ignored and empty means
    /// [`WriteBackTarget::Default`].
    pub fn parse(input: &str) -> Result<Self, WriteBackError> {
        let target = input.trim();
        if target.is_empty() {
            return Ok(Self::Default);
        }
        if let Some(dir) = keyword_argument(target, KUSTOMIZATION) {
            return Ok(Self::Kustomization {
                dir: non_empty_or(dir, "."),
            });
        }
        if let Some(file) = keyword_argument(target, HELM_VALUES) {
            return Ok(Self::HelmValues {
                file: non_empty_or(file, DEFAULT_HELM_VALUES_FILE),
            });
        }
        if crate::render::kustomization::KUSTOMIZATION_FILE_NAMES.contains(&path::base_name(target))
        {
            return Err(WriteBackError::KustomizationFileTarget {
                target: target.to_owned(),
            });
        }
        Ok(Self::File {
            path: target.to_owned(),
        })
    }

    /// Resolves against the application's source path (relative to the repository root);
    /// `default_file_name` is the [`source_file_name`] used for [`WriteBackTarget::Default`].
    pub fn resolve(
        &self,
        source_path: &str,
        default_file_name: &str,
    ) -> Result<ResolvedTarget, WriteBackError> {
        let resolved = match self {
            Self::Kustomization { dir } => ResolvedTarget::Kustomization {
                dir: self.checked(anchored(source_path, dir))?,
            },
            Self::HelmValues { file } => ResolvedTarget::HelmValues {
                file: self.checked(anchored(source_path, file))?,
            },
            Self::File { path } => classify_file(self.checked(path::join(&[path]))?),
            Self::Default => ResolvedTarget::OverrideFile {
                path: self.checked(path::join(&[source_path, default_file_name]))?,
            },
        };
        Ok(resolved)
    }

    fn checked(&self, resolved: String) -> Result<String, WriteBackError> {
        let relative = resolved.trim_start_matches('/');
        if relative == ".." || relative.starts_with("../") {
            return Err(WriteBackError::TargetOutsideRepository {
                target: self.to_string(),
                resolved,
            });
        }
        Ok(if relative.is_empty() { "." } else { relative }.to_owned())
    }
}

impl std::fmt::Display for WriteBackTarget {
    /// The canonical configuration text of this target.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Kustomization { dir } => write!(f, "{KUSTOMIZATION}:{dir}"),
            Self::HelmValues { file } => write!(f, "{HELM_VALUES}:{file}"),
            Self::File { path } => f.write_str(path),
            Self::Default => Ok(()),
        }
    }
}

impl ResolvedTarget {
    /// The resolved directory or file.
    pub fn path(&self) -> &str {
        match self {
            Self::Kustomization { dir } => dir,
            Self::HelmValues { file } => file,
            Self::OverrideFile { path } => path,
        }
    }
}

/// `Some(argument)` when `target` is exactly `keyword` (empty argument) or `keyword:<argument>`.
fn keyword_argument<'a>(target: &'a str, keyword: &str) -> Option<&'a str> {
    let rest = target.strip_prefix(keyword)?;
    if rest.is_empty() {
        return Some("");
    }
    rest.strip_prefix(':')
}

fn non_empty_or(value: &str, default: &str) -> String {
    if value.is_empty() { default } else { value }.to_owned()
}

/// A leading `/` anchors at the repository root; otherwise the path is under the source path.
fn anchored(source_path: &str, relative: &str) -> String {
    if relative.starts_with('/') {
        path::join(&[relative])
    } else {
        path::join(&[source_path, relative])
    }
}

/// A bare `.yaml`/`.yml` file that is not an `.argocd-source-*` file is Helm values (spec §7.0).
fn classify_file(path: String) -> ResolvedTarget {
    let base = path::base_name(&path);
    let yaml = base.ends_with(".yaml") || base.ends_with(".yml");
    if yaml && !base.starts_with(".argocd-source-") {
        ResolvedTarget::HelmValues { file: path }
    } else {
        ResolvedTarget::OverrideFile { path }
    }
}

/// The `branch` setting: `base`, `base:write` or `:write`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BranchSpec {
    /// The branch to check out; `None` means the application's target revision.
    pub base: Option<String>,
    /// The Go template of the branch to push to; `None` means the base branch.
    pub write_template: Option<String>,
}

impl BranchSpec {
    /// Parses a branch setting (trimmed); with `pull_request` a write branch is not allowed.
    pub fn parse(input: &str, pull_request: bool) -> Result<Self, WriteBackError> {
        let branch = input.trim();
        let parts: Vec<&str> = branch.split(':').collect();
        let (base, write) = match parts.as_slice() {
            [base] => (*base, ""),
            [base, write] if !pull_request => (*base, *write),
            [_, _] => {
                return Err(WriteBackError::BranchWriteWithPullRequest {
                    branch: branch.to_owned(),
                });
            }
            _ => {
                return Err(WriteBackError::BranchTooManyColons {
                    branch: branch.to_owned(),
                });
            }
        };
        Ok(Self {
            base: Some(base.to_owned()).filter(|b| !b.is_empty()),
            write_template: Some(write.to_owned()).filter(|w| !w.is_empty()),
        })
    }
}

/// The default override file name, `.argocd-source-<app>.yaml`, qualified as
/// `.argocd-source-<appNs>_<app>.yaml` when the application lives outside the controller's
/// (kube client's) namespace, that namespace is not `default`, and the app namespace is known.
pub fn source_file_name(app_name: &str, app_namespace: &str, controller_namespace: &str) -> String {
    let qualified = !app_namespace.is_empty()
        && app_namespace != controller_namespace
        && controller_namespace != "default";
    if qualified {
        format!(".argocd-source-{app_namespace}_{app_name}.yaml")
    } else {
        format!(".argocd-source-{app_name}.yaml")
    }
}

#[cfg(test)]
mod tests;
