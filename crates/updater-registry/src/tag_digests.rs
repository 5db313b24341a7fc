//! Which digest each tag pointed to, and when we last checked: a memo per repository that spares
//! `newest-build` one HEAD per tag per pass. A tag can be re-pushed, so a digest is trusted only
//! for a bounded time, then checked again. Kept in memory and, when a directory is given, in one
//! small JSON file per repository, so a restart starts warm. Files that do not parse, have
//! another format or name another repository are ignored (never trusted).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// How long a tag's digest is trusted without a HEAD. A re-pushed tag is noticed within this time
/// (the Go original caches tag metadata by name with no expiry and never notices); an hour keeps
/// a warm pass at one listing per repository while bounding how stale a moved tag can be.
pub const DEFAULT_TAG_DIGEST_TTL: Duration = Duration::from_secs(60 * 60);

/// The file format version; files of another version are ignored.
const FORMAT: u32 = 1;

/// The current time; injectable so tests can move past the TTL.
type Clock = Arc<dyn Fn() -> Timestamp + Send + Sync>;

/// `(registry API URL, repository)`.
type RepositoryKey = (String, String);

/// One HEAD's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Resolution {
    digest: String,
    resolved_at: Timestamp,
}

/// One repository's tags, and whether they changed since the last save.
#[derive(Default)]
struct Repository {
    tags: BTreeMap<String, Resolution>,
    dirty: bool,
}

#[derive(Serialize, Deserialize)]
struct MemoFile {
    format: u32,
    api_url: String,
    repository: String,
    tags: BTreeMap<String, Resolution>,
}

/// The tag -> digest memo of every repository a process queries.
pub struct TagDigests {
    directory: Option<PathBuf>,
    ttl: SignedDuration,
    now: Clock,
    repositories: Mutex<HashMap<RepositoryKey, Repository>>,
    files_written: AtomicU64,
}

impl TagDigests {
    /// A memo kept in memory only, trusting a digest for `ttl`.
    pub fn in_memory(ttl: Duration) -> Self {
        Self::build(None, ttl)
    }

    /// A memo persisted under `directory` (created when missing), trusting a digest for `ttl`.
    pub fn persistent(directory: impl Into<PathBuf>, ttl: Duration) -> Self {
        Self::build(Some(directory.into()), ttl)
    }

    /// The same memo reading the time from `now` instead of the system clock.
    pub fn with_clock(self, now: impl Fn() -> Timestamp + Send + Sync + 'static) -> Self {
        Self {
            now: Arc::new(now),
            ..self
        }
    }

    fn build(directory: Option<PathBuf>, ttl: Duration) -> Self {
        Self {
            directory,
            ttl: SignedDuration::try_from(ttl).unwrap_or(SignedDuration::MAX),
            now: Arc::new(Timestamp::now),
            repositories: Mutex::new(HashMap::new()),
            files_written: AtomicU64::new(0),
        }
    }

    /// The digest of `tag`, when it was resolved less than the TTL ago.
    pub fn get(&self, api_url: &str, repository: &str, tag: &str) -> Option<String> {
        let now = (self.now)();
        let mut repositories = self.lock();
        let resolution = self
            .repository(&mut repositories, api_url, repository)
            .tags
            .get(tag)?;
        let age = now.duration_since(resolution.resolved_at);
        // A resolution dated in the future (clock moved back, or a file from a skewed host) is
        // not trusted: it would otherwise stay "fresh" for longer than the TTL.
        (!age.is_negative() && age < self.ttl).then(|| resolution.digest.clone())
    }

    /// Records that `tag` points to `digest` as of now.
    pub fn put(&self, api_url: &str, repository: &str, tag: &str, digest: &str) {
        let resolution = Resolution {
            digest: digest.to_owned(),
            resolved_at: (self.now)(),
        };
        let mut repositories = self.lock();
        let entry = self.repository(&mut repositories, api_url, repository);
        entry.tags.insert(tag.to_owned(), resolution);
        entry.dirty = true;
    }

    /// Forgets tags of `repository` that are not in `listed` and, when anything changed since the
    /// last save, writes the repository's file. A failed write only costs HEADs later.
    pub fn save(&self, api_url: &str, repository: &str, listed: &[String]) {
        let mut repositories = self.lock();
        let entry = self.repository(&mut repositories, api_url, repository);
        let listed: HashSet<&str> = listed.iter().map(String::as_str).collect();
        let before = entry.tags.len();
        entry.tags.retain(|tag, _| listed.contains(tag.as_str()));
        entry.dirty |= entry.tags.len() != before;
        if entry.dirty {
            self.write(api_url, repository, entry);
        }
    }

    /// Writes `entry` to the repository's file, if the memo has a directory.
    fn write(&self, api_url: &str, repository: &str, entry: &mut Repository) {
        let Some(path) = self.file_path(api_url, repository) else {
            entry.dirty = false;
            return;
        };
        let file = MemoFile {
            format: FORMAT,
            api_url: api_url.to_owned(),
            repository: repository.to_owned(),
            tags: entry.tags.clone(),
        };
        if write_atomically(&path, &file).is_ok() {
            entry.dirty = false;
            self.files_written.fetch_add(1, Ordering::Relaxed);
        }
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<RepositoryKey, Repository>> {
        self.repositories
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The repository's memo, read from its file the first time it is asked for.
    fn repository<'m>(
        &self,
        repositories: &'m mut HashMap<RepositoryKey, Repository>,
        api_url: &str,
        repository: &str,
    ) -> &'m mut Repository {
        let key = (api_url.to_owned(), repository.to_owned());
        repositories.entry(key).or_insert_with(|| Repository {
            tags: self.read_file(api_url, repository).unwrap_or_default(),
            dirty: false,
        })
    }

    /// `<dir>/<sha256 of api_url and repository>.json`: a fixed-length name whatever the input.
    fn file_path(&self, api_url: &str, repository: &str) -> Option<PathBuf> {
        let directory = self.directory.as_ref()?;
        let mut hasher = Sha256::new();
        hasher.update(api_url.as_bytes());
        // A separator no URL or repository contains, so ("a/b", "c") and ("a", "b/c") differ.
        hasher.update([0]);
        hasher.update(repository.as_bytes());
        Some(directory.join(format!("{}.json", hex::encode(hasher.finalize()))))
    }

    fn read_file(&self, api_url: &str, repository: &str) -> Option<BTreeMap<String, Resolution>> {
        let bytes = std::fs::read(self.file_path(api_url, repository)?).ok()?;
        let file: MemoFile = serde_json::from_slice(&bytes).ok()?;
        let ours =
            file.format == FORMAT && file.api_url == api_url && file.repository == repository;
        ours.then_some(file.tags)
    }
}

fn write_atomically(path: &Path, file: &MemoFile) -> std::io::Result<()> {
    let parent = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent)?;
    let bytes = serde_json::to_vec(file).map_err(std::io::Error::other)?;
    // Unique per process and write, so concurrent writers never share a temporary file.
    static WRITES: AtomicU64 = AtomicU64::new(0);
    let sequence = WRITES.fetch_add(1, Ordering::Relaxed);
    let temporary = parent.join(format!(".{}-{sequence}.tmp", std::process::id()));
    std::fs::write(&temporary, bytes)?;
    std::fs::rename(&temporary, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&temporary);
    })
}

#[cfg(test)]
mod tests;
