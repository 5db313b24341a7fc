//! File edits inside a working copy: each edit renders a file's new content from its current
//! content, only inside the repository, and reports which files actually changed.

#[cfg(test)]
mod tests;

use std::fmt;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

/// Renders a file's new content from its current content (`None` when it does not exist);
/// `Err` carries a human-readable reason.
pub type Render = Arc<dyn Fn(Option<&str>) -> Result<String, String> + Send + Sync>;

/// One file to (re)write in a batch.
#[derive(Clone)]
pub struct FileEdit {
    /// Path relative to the repository root, `/`-separated.
    pub path: String,
    /// Other names the file may have (kustomize accepts `kustomization.yaml`,
    /// `kustomization.yml` and `Kustomization`): the first of `path` and these that exists is
    /// edited; `path` is created when none does.
    pub alternatives: Vec<String>,
    /// The rendering function.
    pub render: Render,
}

impl FileEdit {
    /// An edit of `path` with `render`.
    pub fn new(
        path: impl Into<String>,
        render: impl Fn(Option<&str>) -> Result<String, String> + Send + Sync + 'static,
    ) -> Self {
        Self {
            path: path.into(),
            alternatives: Vec::new(),
            render: Arc::new(render),
        }
    }

    /// The same edit, applied to the first existing of `path` and `alternatives`.
    pub fn or_existing(mut self, alternatives: Vec<String>) -> Self {
        self.alternatives = alternatives;
        self
    }
}

impl fmt::Debug for FileEdit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FileEdit")
            .field("path", &self.path)
            .field("alternatives", &self.alternatives)
            .finish_non_exhaustive()
    }
}

/// Why an edit could not be applied.
#[derive(Debug, thiserror::Error)]
pub enum EditError {
    /// The path is empty, absolute, climbs with `..`, enters `.git`, or resolves outside the
    /// repository through a symbolic link.
    #[error("path `{path}` is not inside the repository: {reason}")]
    UnsafePath {
        /// The path as given.
        path: String,
        /// Which rule it breaks.
        reason: &'static str,
    },
    /// The current content could not be read.
    #[error("cannot read `{path}`")]
    Read {
        /// The path.
        path: String,
        /// The cause.
        #[source]
        source: io::Error,
    },
    /// The current content is not UTF-8 text.
    #[error("`{path}` is not UTF-8 text")]
    NotText {
        /// The path.
        path: String,
    },
    /// The render function refused.
    #[error("cannot render `{path}`: {reason}")]
    Render {
        /// The path.
        path: String,
        /// The render function's reason.
        reason: String,
    },
    /// The new content could not be written.
    #[error("cannot write `{path}`")]
    Write {
        /// The path.
        path: String,
        /// The cause.
        #[source]
        source: io::Error,
    },
}

impl EditError {
    /// The path of the failing edit, as the edit named it.
    pub fn path(&self) -> &str {
        match self {
            Self::UnsafePath { path, .. }
            | Self::Read { path, .. }
            | Self::NotText { path }
            | Self::Render { path, .. }
            | Self::Write { path, .. } => path,
        }
    }
}

/// Applies `edits` in order under `root` (later edits of a path see earlier results) and
/// returns the paths whose content changed, each once, in first-change order.
pub fn apply_all(root: &Path, edits: &[FileEdit]) -> Result<Vec<String>, EditError> {
    let canonical_root = root.canonicalize().map_err(|source| EditError::Read {
        path: ".".to_owned(),
        source,
    })?;
    let mut changed: Vec<String> = Vec::new();
    for edit in edits {
        if let Some(path) = apply_one(&canonical_root, edit)?
            && !changed.contains(&path)
        {
            changed.push(path);
        }
    }
    Ok(changed)
}

/// Applies one edit; the path written when the file's content changed.
fn apply_one(root: &Path, edit: &FileEdit) -> Result<Option<String>, EditError> {
    let path = chosen_path(root, edit)?;
    let target = root.join(checked_relative(path)?);
    ensure_inside(root, &target, path)?;
    let current = read_current(&target, path)?;
    let next = (edit.render)(current.as_deref()).map_err(|reason| EditError::Render {
        path: path.to_owned(),
        reason,
    })?;
    if current.as_deref() == Some(next.as_str()) {
        return Ok(None);
    }
    write(&target, &next, path)?;
    Ok(Some(path.to_owned()))
}

/// `path`, or the first of the alternatives that exists when `path` does not.
fn chosen_path<'a>(root: &Path, edit: &'a FileEdit) -> Result<&'a str, EditError> {
    let candidates = std::iter::once(&edit.path).chain(&edit.alternatives);
    for candidate in candidates {
        if root.join(checked_relative(candidate)?).is_file() {
            return Ok(candidate);
        }
    }
    Ok(&edit.path)
}

/// Rejects paths that could leave the repository or touch git's own files.
pub fn checked_relative(path: &str) -> Result<PathBuf, EditError> {
    let unsafe_path = |reason| EditError::UnsafePath {
        path: path.to_owned(),
        reason,
    };
    if path.is_empty() || path.contains('\0') {
        return Err(unsafe_path("empty or contains NUL"));
    }
    let mut relative = PathBuf::new();
    for component in Path::new(path).components() {
        match component {
            Component::Normal(part) if part.eq_ignore_ascii_case(".git") => {
                return Err(unsafe_path("enters `.git`"));
            }
            Component::Normal(part) => relative.push(part),
            Component::CurDir => {}
            Component::ParentDir => return Err(unsafe_path("contains `..`")),
            Component::RootDir | Component::Prefix(_) => {
                return Err(unsafe_path("is absolute"));
            }
        }
    }
    if relative.as_os_str().is_empty() {
        return Err(unsafe_path("names the repository root"));
    }
    Ok(relative)
}

/// Follows symbolic links already in the tree: the deepest existing ancestor of the file (and
/// the file itself, when it is a link) must resolve inside `root`.
fn ensure_inside(root: &Path, target: &Path, path: &str) -> Result<(), EditError> {
    let escapes = || EditError::UnsafePath {
        path: path.to_owned(),
        reason: "resolves outside the repository",
    };
    let mut existing = target;
    while existing.symlink_metadata().is_err() {
        existing = existing.parent().ok_or_else(escapes)?;
    }
    match existing.canonicalize() {
        Ok(resolved) if resolved.starts_with(root) => Ok(()),
        _ => Err(escapes()),
    }
}

fn read_current(target: &Path, path: &str) -> Result<Option<String>, EditError> {
    match std::fs::read(target) {
        Ok(bytes) => String::from_utf8(bytes)
            .map(Some)
            .map_err(|_| EditError::NotText {
                path: path.to_owned(),
            }),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(EditError::Read {
            path: path.to_owned(),
            source,
        }),
    }
}

fn write(target: &Path, content: &str, path: &str) -> Result<(), EditError> {
    let failed = |source| EditError::Write {
        path: path.to_owned(),
        source,
    };
    if let Some(parent) = target.parent() {
        std::fs::create_dir_all(parent).map_err(failed)?;
    }
    std::fs::write(target, content).map_err(failed)
}
