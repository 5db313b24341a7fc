//! The demo directory: made empty (only ever wiping a previous demo, recognised by its marker
//! file), and the paths of what the quick start leaves in it.

use std::{
    fs, io,
    path::{Path, PathBuf},
};

use anyhow::{Context, bail};

/// The file that marks a directory as a quick start demo, safe to wipe on the next run.
pub const MARKER: &str = ".quickstart-demo";

/// The demo directory and its layout.
#[derive(Debug, Clone)]
pub struct DemoDir {
    root: PathBuf,
}

impl DemoDir {
    /// Makes `root` an empty demo directory: creates it, or empties it when it holds a
    /// previous demo; refuses any other non-empty directory.
    pub fn prepare(root: &Path) -> anyhow::Result<Self> {
        let root = absolute(root)?;
        match fs::read_dir(&root) {
            Ok(entries) => empty_previous_demo(&root, entries)?,
            Err(e) if e.kind() == io::ErrorKind::NotFound => fs::create_dir_all(&root)
                .with_context(|| format!("cannot create `{}`", root.display()))?,
            Err(e) => return Err(e).context(format!("cannot read `{}`", root.display())),
        }
        let marker = root.join(MARKER);
        let note = "made by scripts/quickstart.sh; the next run wipes this directory\n";
        fs::write(&marker, note).with_context(|| format!("cannot write `{}`", marker.display()))?;
        Ok(Self { root })
    }

    /// The directory itself.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `registries.conf`.
    pub fn registries_conf(&self) -> PathBuf {
        self.root.join("registries.conf")
    }

    /// The updater's cache (metadata and git working copies).
    pub fn cache(&self) -> PathBuf {
        self.root.join("cache")
    }

    /// The directory the git daemon serves; holds the bare repository.
    pub fn remote(&self) -> PathBuf {
        self.root.join("remote")
    }

    /// The clone left for the user.
    pub fn gitops(&self) -> PathBuf {
        self.root.join("gitops")
    }

    /// The log of pass `n`.
    pub fn log(&self, n: u32) -> PathBuf {
        self.root.join(format!("pass-{n}.log"))
    }
}

/// Empties `root` if it is empty already or marked as a demo; fails otherwise.
fn empty_previous_demo(root: &Path, entries: fs::ReadDir) -> anyhow::Result<()> {
    let entries: Vec<PathBuf> = entries
        .map(|entry| entry.map(|e| e.path()))
        .collect::<Result<_, _>>()
        .with_context(|| format!("cannot read `{}`", root.display()))?;
    if entries.is_empty() {
        return Ok(());
    }
    if !root.join(MARKER).is_file() {
        bail!(
            "`{}` is not empty and holds no previous quick start demo (no `{MARKER}` file); \
             choose another directory",
            root.display()
        );
    }
    for path in entries {
        remove(&path).with_context(|| format!("cannot remove `{}`", path.display()))?;
    }
    Ok(())
}

/// Removes a file, a symbolic link (not its target) or a directory tree.
fn remove(path: &Path) -> io::Result<()> {
    if fs::symlink_metadata(path)?.is_dir() {
        fs::remove_dir_all(path)
    } else {
        fs::remove_file(path)
    }
}

fn absolute(path: &Path) -> anyhow::Result<PathBuf> {
    std::path::absolute(path).with_context(|| format!("invalid directory `{}`", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn creates_a_missing_directory_with_its_marker() {
        let base = tempfile::tempdir().unwrap();
        let dir = DemoDir::prepare(&base.path().join("a/demo")).unwrap();
        assert!(dir.root().join(MARKER).is_file());
        assert_eq!(dir.gitops(), base.path().join("a/demo/gitops"));
    }

    #[test]
    fn wipes_a_previous_demo() {
        let base = tempfile::tempdir().unwrap();
        let root = base.path().join("demo");
        DemoDir::prepare(&root).unwrap();
        fs::create_dir_all(root.join("gitops/apps")).unwrap();
        fs::write(root.join("gitops/apps/x.yaml"), "x").unwrap();
        DemoDir::prepare(&root).unwrap();
        let left: Vec<_> = fs::read_dir(&root).unwrap().collect();
        assert_eq!(left.len(), 1, "only the marker remains");
    }

    #[test]
    fn refuses_a_directory_that_is_not_a_demo() {
        let base = tempfile::tempdir().unwrap();
        fs::write(base.path().join("precious.txt"), "keep me").unwrap();
        let err = DemoDir::prepare(base.path()).unwrap_err();
        assert!(err.to_string().contains("not empty"), "{err}");
        assert!(base.path().join("precious.txt").is_file());
    }

    #[test]
    fn accepts_an_empty_directory() {
        let base = tempfile::tempdir().unwrap();
        assert!(DemoDir::prepare(base.path()).is_ok());
    }
}
