//! [`StoreSeeder`]: writes images straight into a [`RegistryServer`]'s filesystem storage, in
//! the on-disk layout of distribution 2.8, so a benchmark can seed tens of thousands of tags in
//! seconds instead of pushing them over HTTP.

mod names;

use std::{
    error::Error,
    fmt, fs,
    io::{self, Write},
    path::{Path, PathBuf},
    process,
    sync::{
        OnceLock,
        atomic::{AtomicU64, Ordering},
    },
};

use crate::{
    image::{
        Blob, BuiltImage, ImageSpec, ManifestFormat, build_image, build_index, default_content,
    },
    registry::RegistryServer,
};

/// Why writing to a registry's storage failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum StoreError {
    /// The repository name is not one distribution accepts.
    InvalidRepository {
        /// The name given.
        repo: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The tag is not one distribution accepts.
    InvalidTag {
        /// The tag given.
        tag: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A directory of the layout could not be created.
    CreateDir {
        /// The directory.
        path: PathBuf,
        /// What the file system said.
        source: io::Error,
    },
    /// A temporary file could not be written.
    Write {
        /// The temporary file.
        path: PathBuf,
        /// What the file system said.
        source: io::Error,
    },
    /// A finished file or tag directory could not be renamed into place.
    Rename {
        /// Where it was to go.
        path: PathBuf,
        /// What the file system said.
        source: io::Error,
    },
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidRepository { repo, reason } => {
                write!(f, "invalid repository name `{repo}`: {reason}")
            }
            Self::InvalidTag { tag, reason } => write!(f, "invalid tag `{tag}`: {reason}"),
            Self::CreateDir { path, .. } => {
                write!(f, "cannot create directory `{}`", path.display())
            }
            Self::Write { path, .. } => write!(f, "cannot write `{}`", path.display()),
            Self::Rename { path, .. } => write!(f, "cannot move `{}` into place", path.display()),
        }
    }
}

impl Error for StoreError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        match self {
            Self::CreateDir { source, .. }
            | Self::Write { source, .. }
            | Self::Rename { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// Writes images straight into a registry's filesystem storage, which the running registry
/// then serves as if they had been pushed.
///
/// It exists for speed: pushing costs four or five HTTP requests per tag, too slow to seed the
/// hundreds of repositories and tens of thousands of tags a fleet benchmark needs, while a tag
/// written here costs a few dozen file-system calls. It relies on the filesystem layout of
/// distribution 2.8 (`docker/registry/v2/blobs/...` and `repositories/<repo>/_layers`,
/// `_manifests/revisions` and `_manifests/tags`), an implementation detail of that version,
/// not an API. The registry sees the files at once: its `inmemory` blob descriptor cache
/// remembers only blobs it found (content-addressed, so never stale), and tags are not cached.
///
/// Content and digests are those [`crate::Seeder`] pushes for the same repository, tag and
/// spec. Every file is written to a temporary name and renamed into place, and a new tag's
/// directory is built aside and renamed in whole, so a registry reading concurrently never
/// sees a partial file or a tag that does not resolve yet. It keeps no borrow of the server
/// and is `Sync`: threads may seed different repositories at once.
#[derive(Debug, Clone)]
pub struct StoreSeeder {
    /// `<rootdirectory>/docker/registry/v2`, under which distribution keeps everything.
    v2: PathBuf,
    /// Where new tag directories are built; outside `docker/`, so the registry never reads it.
    staging: PathBuf,
}

/// Makes temporary names unique across threads and seeders of this process.
static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

impl StoreSeeder {
    /// A seeder writing into `server`'s storage. No I/O happens until the first put.
    pub fn new(server: &RegistryServer) -> Self {
        Self::at_root(&server.storage_root())
    }

    /// A seeder for the storage whose `rootdirectory` is `root`.
    fn at_root(root: &Path) -> Self {
        Self {
            v2: root.join("docker/registry/v2"),
            staging: root.join(".store-seeder"),
        }
    }

    /// Writes one image under `repo:tag`; returns its manifest digest. The same content as
    /// [`crate::Seeder::push_image`] produces, hence the same digest for the same inputs.
    /// Putting a tag again with another image moves it, as a push would.
    pub fn put_image(&self, repo: &str, tag: &str, spec: &ImageSpec) -> Result<String, StoreError> {
        let repo_dir = self.repository_dir(repo)?;
        check_tag(tag)?;
        let image = build_image(spec, spec.format, &default_content(repo, tag, spec));
        self.put_image_blobs(&repo_dir, &image)?;
        self.tag(&repo_dir, tag, &image.manifest)?;
        Ok(image.manifest.digest)
    }

    /// Writes each spec as a child reachable by digest, then an OCI index or Docker manifest
    /// list over them under `repo:tag`; returns the index digest. Children use the index's
    /// `format`, as with [`crate::Seeder::push_index`].
    pub fn put_index(
        &self,
        repo: &str,
        tag: &str,
        specs: &[ImageSpec],
        format: ManifestFormat,
    ) -> Result<String, StoreError> {
        let repo_dir = self.repository_dir(repo)?;
        check_tag(tag)?;
        let images: Vec<BuiltImage> = specs
            .iter()
            .map(|spec| build_image(spec, format, &default_content(repo, tag, spec)))
            .collect();
        for image in &images {
            self.put_image_blobs(&repo_dir, image)?;
        }
        let children: Vec<(&ImageSpec, &BuiltImage)> = specs.iter().zip(&images).collect();
        let index = build_index(&children, format);
        self.put_manifest(&repo_dir, &index)?;
        self.tag(&repo_dir, tag, &index)?;
        Ok(index.digest)
    }

    /// `repositories/<repo>`, once `repo` is known to be a valid name.
    fn repository_dir(&self, repo: &str) -> Result<PathBuf, StoreError> {
        match names::repository_problem(repo) {
            None => Ok(self.v2.join("repositories").join(repo)),
            Some(reason) => Err(StoreError::InvalidRepository {
                repo: repo.to_owned(),
                reason,
            }),
        }
    }

    /// Layer and config, then the manifest; each blob before the link that exposes it, as a
    /// push does, so nothing visible references a missing file.
    fn put_image_blobs(&self, repo_dir: &Path, image: &BuiltImage) -> Result<(), StoreError> {
        for blob in [&image.layer, &image.config] {
            self.write_blob(blob)?;
            let link_dir = repo_dir.join("_layers/sha256").join(hex(blob));
            write_once(&link_dir, LINK, blob.digest.as_bytes())?;
        }
        self.put_manifest(repo_dir, &image.manifest)
    }

    /// The manifest blob and the repository's revision link to it (what a GET by digest
    /// checks).
    fn put_manifest(&self, repo_dir: &Path, manifest: &Blob) -> Result<(), StoreError> {
        self.write_blob(manifest)?;
        let link_dir = repo_dir
            .join("_manifests/revisions/sha256")
            .join(hex(manifest));
        write_once(&link_dir, LINK, manifest.digest.as_bytes())
    }

    /// `blobs/sha256/<2 hex>/<hex>/data`, shared by every repository: written once.
    fn write_blob(&self, blob: &Blob) -> Result<(), StoreError> {
        let hex = hex(blob);
        let dir = self.v2.join("blobs/sha256").join(&hex[..2]).join(hex);
        write_once(&dir, "data", &blob.bytes)
    }

    /// Points `tag` at `manifest`: a new tag's directory is built aside and renamed in whole;
    /// an existing tag gets the index entry first and then its `current` link, in the order
    /// distribution's tag store writes them.
    fn tag(&self, repo_dir: &Path, tag: &str, manifest: &Blob) -> Result<(), StoreError> {
        let tag_dir = repo_dir.join("_manifests/tags").join(tag);
        if !tag_dir.exists() && self.create_tag(&tag_dir, manifest)? {
            return Ok(());
        }
        let digest = manifest.digest.as_bytes();
        write_once(&index_link_dir(&tag_dir, manifest), LINK, digest)?;
        write_atomic(&tag_dir.join("current"), LINK, digest)
    }

    /// Builds the directory of a new tag in the staging area and renames it to `tag_dir`;
    /// false when the tag appeared meanwhile (another thread put it), which the caller then
    /// updates instead.
    fn create_tag(&self, tag_dir: &Path, manifest: &Blob) -> Result<bool, StoreError> {
        let staged = self.stage_tag(manifest)?;
        let rename = || fs::rename(&staged, tag_dir);
        let error = |source| StoreError::Rename {
            path: tag_dir.to_path_buf(),
            source,
        };
        match with_parent(tag_dir, rename, error) {
            Ok(()) => Ok(true),
            Err(error) => {
                // Best effort: a leftover in the staging area harms nothing.
                let _ = fs::remove_dir_all(&staged);
                if tag_dir.exists() {
                    return Ok(false);
                }
                Err(error)
            }
        }
    }

    /// A tag directory pointing at `manifest` (`current/link`, `index/sha256/<hex>/link`),
    /// made in the staging area; returns its path.
    fn stage_tag(&self, manifest: &Blob) -> Result<PathBuf, StoreError> {
        let staged = temp_path(&self.staging, "tag");
        with_parent(&staged, || fs::create_dir(&staged), dir_error(&staged))?;
        let current = staged.join("current");
        let index = index_link_dir(&staged, manifest);
        let index_parents = [staged.join("index"), staged.join("index/sha256")];
        for dir in [&current, &index_parents[0], &index_parents[1], &index] {
            fs::create_dir(dir).map_err(dir_error(dir))?;
        }
        // The staging area is invisible to the registry: plain writes suffice.
        let digest = manifest.digest.as_bytes();
        write_new(&current.join(LINK), digest)?;
        write_new(&index.join(LINK), digest)?;
        Ok(staged)
    }
}

/// The name of every link file; it holds a `sha256:<hex>` digest and no newline.
const LINK: &str = "link";

/// The directory of the tag's index entry for `manifest`: `index/sha256/<hex>` under
/// `tag_dir`.
fn index_link_dir(tag_dir: &Path, manifest: &Blob) -> PathBuf {
    tag_dir.join("index/sha256").join(hex(manifest))
}

/// The hex part of a blob's `sha256:<hex>` digest.
fn hex(blob: &Blob) -> &str {
    blob.digest.strip_prefix("sha256:").unwrap_or(&blob.digest)
}

fn check_tag(tag: &str) -> Result<(), StoreError> {
    match names::tag_problem(tag) {
        None => Ok(()),
        Some(reason) => Err(StoreError::InvalidTag {
            tag: tag.to_owned(),
            reason,
        }),
    }
}

/// Writes `bytes` as `dir/name` unless that file exists: for blobs and links, whose path
/// names their content, an existing file is already right.
///
/// Each such file is alone in a directory named after its digest, so `dir` is new exactly
/// when the file is: creating `dir` first answers "does it exist?" and makes the file's place
/// in one call. Syscalls per file matter here: 60,000 tags make over a million files.
fn write_once(dir: &Path, name: &str, bytes: &[u8]) -> Result<(), StoreError> {
    match fs::create_dir(dir) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            if dir.join(name).exists() {
                return Ok(());
            }
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            fs::create_dir_all(dir).map_err(dir_error(dir))?;
        }
        Err(source) => return Err(dir_error(dir)(source)),
    }
    write_atomic(dir, name, bytes)
}

/// Writes `bytes` to a temporary file in `dir` (which exists) and renames it to `name`, so a
/// reader sees the old content or the new, never part of either.
///
/// Nothing is synced to disk: visibility to a concurrent reader needs only the rename, and a
/// test registry's storage need not survive a machine crash.
fn write_atomic(dir: &Path, name: &str, bytes: &[u8]) -> Result<(), StoreError> {
    let temp = temp_path(dir, "tmp");
    write_new(&temp, bytes)?;
    let path = dir.join(name);
    fs::rename(&temp, &path).map_err(|source| {
        let _ = fs::remove_file(&temp);
        StoreError::Rename { path, source }
    })
}

/// Creates the file `path`, which must not exist, in an existing directory.
fn write_new(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    let write = || {
        let mut options = fs::OpenOptions::new();
        options
            .write(true)
            .create_new(true)
            .open(path)?
            .write_all(bytes)
    };
    write().map_err(|source| StoreError::Write {
        path: path.to_path_buf(),
        source,
    })
}

/// Runs `operation` on `path`; if it fails because a directory is missing, creates `path`'s
/// parent and runs it again (the first tag of a repository, the first use of the staging area).
fn with_parent(
    path: &Path,
    operation: impl Fn() -> io::Result<()>,
    error: impl Fn(io::Error) -> StoreError,
) -> Result<(), StoreError> {
    match operation() {
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            let parent = path.parent().unwrap_or(Path::new("."));
            fs::create_dir_all(parent).map_err(dir_error(parent))?;
            operation().map_err(error)
        }
        result => result.map_err(error),
    }
}

/// Wraps a failure to create `dir` (a closure for `map_err`).
fn dir_error(dir: &Path) -> impl Fn(io::Error) -> StoreError + '_ {
    move |source| StoreError::CreateDir {
        path: dir.to_path_buf(),
        source,
    }
}

/// A fresh name in `dir`, `.<kind>-<pid>-<n>`: unique across this process's threads and
/// other processes, and dot-prefixed so it stands out as temporary.
fn temp_path(dir: &Path, kind: &str) -> PathBuf {
    static PID: OnceLock<u32> = OnceLock::new();
    let pid = *PID.get_or_init(process::id);
    let n = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
    dir.join(format!(".{kind}-{pid}-{n}"))
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::MetadataExt;

    use super::*;

    /// A seeder over a fresh storage root (no registry needed to check the files).
    fn seeder() -> (tempfile::TempDir, StoreSeeder) {
        let root = tempfile::tempdir().unwrap();
        let seeder = StoreSeeder::at_root(root.path());
        (root, seeder)
    }

    /// Every file under `dir`, relative to it, sorted.
    fn files(dir: &Path) -> Vec<String> {
        let mut out = Vec::new();
        let mut pending = vec![dir.to_path_buf()];
        while let Some(next) = pending.pop() {
            for entry in fs::read_dir(&next).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    pending.push(path);
                } else {
                    let relative = path.strip_prefix(dir).unwrap();
                    out.push(relative.to_string_lossy().into_owned());
                }
            }
        }
        out.sort();
        out
    }

    fn read(path: PathBuf) -> String {
        fs::read_to_string(path).unwrap()
    }

    #[test]
    fn bad_names_are_refused_before_any_write() {
        let (root, seeder) = seeder();
        let spec = ImageSpec::default();
        for repo in ["../escape", "org/../../x", "/abs", "Org/app", ""] {
            let error = seeder.put_image(repo, "v1", &spec).unwrap_err();
            assert!(
                matches!(&error, StoreError::InvalidRepository { repo: r, .. } if r == repo),
                "{error}"
            );
            assert!(
                error
                    .to_string()
                    .starts_with(&format!("invalid repository name `{repo}`: "))
            );
        }
        for tag in ["../x", "a/b", ".hidden", ""] {
            let error = seeder.put_index(
                "org/app",
                tag,
                std::slice::from_ref(&spec),
                ManifestFormat::Oci,
            );
            let error = error.unwrap_err();
            assert!(
                matches!(&error, StoreError::InvalidTag { tag: t, .. } if t == tag),
                "{error}"
            );
        }
        assert_eq!(files(root.path()), Vec::<String>::new());
    }

    #[test]
    fn a_moved_tag_keeps_its_history_and_leaves_no_temporary_files() {
        let (root, seeder) = seeder();
        let first = seeder
            .put_image("org/app", "v1", &ImageSpec::default())
            .unwrap();
        let moved = ImageSpec::default().with_label("rebuilt", "yes");
        let second = seeder.put_image("org/app", "v1", &moved).unwrap();
        assert_ne!(first, second);

        let tag = root
            .path()
            .join("docker/registry/v2/repositories/org/app/_manifests/tags/v1");
        assert_eq!(read(tag.join("current/link")), second);
        let index: Vec<String> = files(&tag.join("index"));
        let hex = |digest: &str| digest.strip_prefix("sha256:").unwrap().to_owned();
        let mut want = vec![
            format!("sha256/{}/link", hex(&first)),
            format!("sha256/{}/link", hex(&second)),
        ];
        want.sort();
        assert_eq!(index, want);
        for digest in [&first, &second] {
            let revision = tag
                .join("../../revisions/sha256")
                .join(hex(digest))
                .join("link");
            assert_eq!(&read(revision), digest);
        }
        let all = files(root.path());
        let temporary: Vec<&String> = all.iter().filter(|f| f.contains("/.")).collect();
        assert!(temporary.is_empty(), "{temporary:?}");
        assert!(all.iter().all(|f| f.starts_with("docker/registry/v2/")));
    }

    #[test]
    fn shared_blobs_are_written_once() {
        let (root, seeder) = seeder();
        let spec = ImageSpec {
            content: Some("shared".into()),
            ..ImageSpec::default()
        };
        let a = seeder.put_image("org/a", "v1", &spec).unwrap();
        let blobs = root.path().join("docker/registry/v2/blobs");
        let inodes = |dir: &Path| -> Vec<u64> {
            let names = files(dir);
            names
                .iter()
                .map(|f| fs::metadata(dir.join(f)).unwrap().ino())
                .collect()
        };
        let before = inodes(&blobs);
        // Layer, config and manifest.
        assert_eq!(before.len(), 3);
        let b = seeder.put_image("org/b", "v2", &spec).unwrap();
        let c = seeder.put_image("org/a", "v3", &spec).unwrap();
        assert_eq!((&a, &b), (&c, &c));
        // A rewrite would have renamed a new inode into place.
        assert_eq!(inodes(&blobs), before);
        let layers = root
            .path()
            .join("docker/registry/v2/repositories/org/b/_layers");
        assert_eq!(files(&layers).len(), 2);
    }

    #[test]
    fn an_index_links_its_children_by_digest_only() {
        let (root, seeder) = seeder();
        let specs = [
            ImageSpec::platform("amd64", None),
            ImageSpec::platform("arm64", Some("v8")),
        ];
        let digest = seeder
            .put_index("org/multi", "1.0", &specs, ManifestFormat::Docker)
            .unwrap();
        let repo = root
            .path()
            .join("docker/registry/v2/repositories/org/multi");
        // Two children and the index are revisions; only the index is tagged.
        assert_eq!(files(&repo.join("_manifests/revisions")).len(), 3);
        assert_eq!(files(&repo.join("_manifests/tags")).len(), 2);
        assert_eq!(read(repo.join("_manifests/tags/1.0/current/link")), digest);
        assert_eq!(files(&repo.join("_layers")).len(), 4);
    }

    #[test]
    fn io_errors_name_the_path() {
        let root = tempfile::tempdir().unwrap();
        let file = root.path().join("not-a-dir");
        fs::write(&file, "x").unwrap();
        let seeder = StoreSeeder::at_root(&file);
        let error = seeder
            .put_image("org/app", "v1", &ImageSpec::default())
            .unwrap_err();
        let message = error.to_string();
        assert!(message.contains(&*file.to_string_lossy()), "{message}");
        assert!(error.source().is_some(), "{message}");
    }
}
