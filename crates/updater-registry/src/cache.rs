//! Manifest metadata cached by digest. A digest names immutable content, so an entry never goes
//! stale; entries live in memory and, when a directory is given, in one small JSON file each,
//! so a restart does not fetch them again. Files that do not parse, or that describe another
//! digest, are ignored (never trusted); the number of files is bounded.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

/// The file format version; files of another version are ignored.
const FORMAT: u32 = 1;

/// What one manifest digest tells the strategies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum CachedManifest {
    /// A single image.
    Image {
        /// Image creation time, if the config had one.
        created: Option<jiff::Timestamp>,
        /// `os/arch[/variant]`.
        platform: String,
    },
    /// An index of per-platform images.
    Index {
        /// `(child digest, platform or "")`.
        children: Vec<(String, String)>,
    },
}

#[derive(Serialize, Deserialize)]
struct CacheFile {
    format: u32,
    digest: String,
    entry: CachedManifest,
}

/// The digest-keyed cache.
pub struct MetadataCache {
    directory: Option<PathBuf>,
    max_files: usize,
    memory: Mutex<HashMap<String, CachedManifest>>,
    files_written: Mutex<usize>,
}

impl MetadataCache {
    /// An in-memory cache only.
    pub fn in_memory() -> Self {
        Self::build(None, 0)
    }

    /// A cache persisted under `directory` (created when missing), keeping at most `max_files`
    /// files: when over, the oldest are removed.
    pub fn persistent(directory: impl Into<PathBuf>, max_files: usize) -> Self {
        Self::build(Some(directory.into()), max_files)
    }

    fn build(directory: Option<PathBuf>, max_files: usize) -> Self {
        Self {
            directory,
            max_files,
            memory: Mutex::new(HashMap::new()),
            files_written: Mutex::new(0),
        }
    }

    /// The entry for `digest`, from memory or disk.
    pub fn get(&self, digest: &str) -> Option<CachedManifest> {
        if let Some(entry) = self.lock_memory().get(digest) {
            return Some(entry.clone());
        }
        let entry = self.read_file(digest)?;
        self.lock_memory().insert(digest.to_owned(), entry.clone());
        Some(entry)
    }

    /// Stores `entry` for `digest`. A failed disk write only costs a later refetch.
    pub fn put(&self, digest: &str, entry: CachedManifest) {
        self.lock_memory().insert(digest.to_owned(), entry.clone());
        if let Some(path) = self.file_path(digest)
            && write_atomically(&path, digest, entry).is_ok()
        {
            self.count_write();
        }
    }

    fn lock_memory(&self) -> std::sync::MutexGuard<'_, HashMap<String, CachedManifest>> {
        self.memory
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// `<dir>/<algorithm>/<hex>.json`, only for well-formed digests (no path tricks).
    fn file_path(&self, digest: &str) -> Option<PathBuf> {
        let directory = self.directory.as_ref()?;
        let (algorithm, hex) = digest.split_once(':')?;
        let plain =
            |text: &str| !text.is_empty() && text.chars().all(|c| c.is_ascii_alphanumeric());
        (plain(algorithm) && plain(hex))
            .then(|| directory.join(algorithm).join(format!("{hex}.json")))
    }

    fn read_file(&self, digest: &str) -> Option<CachedManifest> {
        let text = std::fs::read(self.file_path(digest)?).ok()?;
        let file: CacheFile = serde_json::from_slice(&text).ok()?;
        (file.format == FORMAT && file.digest == digest).then_some(file.entry)
    }

    fn count_write(&self) {
        let mut written = self.files_written.lock().unwrap_or_else(|p| p.into_inner());
        *written += 1;
        // Pruning lists the directory, so do it once per `max_files / 10` writes, not per write.
        if *written >= (self.max_files / 10).max(1) {
            *written = 0;
            if let Some(directory) = &self.directory {
                prune(directory, self.max_files);
            }
        }
    }
}

fn write_atomically(path: &Path, digest: &str, entry: CachedManifest) -> std::io::Result<()> {
    let parent = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent)?;
    let file = CacheFile {
        format: FORMAT,
        digest: digest.to_owned(),
        entry,
    };
    let bytes = serde_json::to_vec(&file).map_err(std::io::Error::other)?;
    // Unique per process and write, so concurrent writers never share a temporary file.
    static WRITES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let sequence = WRITES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let temporary = parent.join(format!(".{}-{sequence}.tmp", std::process::id()));
    std::fs::write(&temporary, bytes)?;
    std::fs::rename(&temporary, path)
}

/// Removes the oldest files until at most `max_files` remain.
fn prune(directory: &Path, max_files: usize) {
    let mut files: Vec<(std::time::SystemTime, PathBuf)> = std::fs::read_dir(directory)
        .into_iter()
        .flatten()
        .flatten()
        .flat_map(|algorithm| {
            std::fs::read_dir(algorithm.path())
                .into_iter()
                .flatten()
                .flatten()
        })
        .filter_map(|file| Some((file.metadata().ok()?.modified().ok()?, file.path())))
        .collect();
    if files.len() <= max_files {
        return;
    }
    files.sort();
    let excess = files.len() - max_files;
    for (_, path) in files.into_iter().take(excess) {
        let _ = std::fs::remove_file(path);
    }
}

#[cfg(test)]
mod tests;
