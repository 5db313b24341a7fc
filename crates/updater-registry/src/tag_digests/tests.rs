//! Unit tests of the tag -> digest memo: freshness, persistence, distrust of foreign files,
//! pruning and write avoidance.

use std::sync::atomic::AtomicI64;

use super::*;

const API: &str = "https://registry.example";
const REPO: &str = "org/app";
const TTL: Duration = Duration::from_secs(600);

/// A clock the test moves by hand, starting at a fixed instant.
#[derive(Clone, Default)]
struct FakeClock(Arc<AtomicI64>);

impl FakeClock {
    fn advance(&self, by: Duration) {
        let seconds = i64::try_from(by.as_secs()).unwrap();
        self.0.fetch_add(seconds, Ordering::SeqCst);
    }

    fn now(&self) -> Timestamp {
        Timestamp::from_second(1_700_000_000 + self.0.load(Ordering::SeqCst)).unwrap()
    }
}

fn persistent(dir: &Path, clock: &FakeClock) -> TagDigests {
    let clock = clock.clone();
    TagDigests::persistent(dir, TTL).with_clock(move || clock.now())
}

fn digest(n: u32) -> String {
    format!("sha256:{n:064x}")
}

fn listed(tags: &[&str]) -> Vec<String> {
    tags.iter().map(|tag| tag.to_string()).collect()
}

#[test]
fn a_fresh_resolution_is_returned() {
    let clock = FakeClock::default();
    let memo = TagDigests::in_memory(TTL).with_clock({
        let clock = clock.clone();
        move || clock.now()
    });
    memo.put(API, REPO, "1.0", &digest(1));
    clock.advance(TTL - Duration::from_secs(1));
    assert_eq!(memo.get(API, REPO, "1.0"), Some(digest(1)));
    assert_eq!(memo.get(API, REPO, "2.0"), None, "never resolved");
    assert_eq!(
        memo.get(API, "org/other", "1.0"),
        None,
        "another repository"
    );
    assert_eq!(
        memo.get("https://other", REPO, "1.0"),
        None,
        "another registry"
    );
}

#[test]
fn a_resolution_older_than_the_ttl_is_not_returned() {
    let clock = FakeClock::default();
    let dir = tempfile::tempdir().unwrap();
    let memo = persistent(dir.path(), &clock);
    memo.put(API, REPO, "1.0", &digest(1));
    clock.advance(TTL);
    assert_eq!(memo.get(API, REPO, "1.0"), None);
    // A new HEAD refreshes it.
    memo.put(API, REPO, "1.0", &digest(2));
    assert_eq!(memo.get(API, REPO, "1.0"), Some(digest(2)));
}

#[test]
fn a_resolution_dated_in_the_future_is_not_trusted() {
    let clock = FakeClock::default();
    let dir = tempfile::tempdir().unwrap();
    let memo = persistent(dir.path(), &clock);
    clock.advance(Duration::from_secs(3600));
    memo.put(API, REPO, "1.0", &digest(1));
    memo.save(API, REPO, &listed(&["1.0"]));
    let earlier = FakeClock::default();
    assert_eq!(persistent(dir.path(), &earlier).get(API, REPO, "1.0"), None);
}

#[test]
fn a_saved_map_is_read_by_a_new_instance() {
    let clock = FakeClock::default();
    let dir = tempfile::tempdir().unwrap();
    let memo = persistent(dir.path(), &clock);
    memo.put(API, REPO, "1.0", &digest(1));
    memo.put(API, REPO, "2.0", &digest(2));
    memo.save(API, REPO, &listed(&["1.0", "2.0"]));

    let reopened = persistent(dir.path(), &clock);
    assert_eq!(reopened.get(API, REPO, "1.0"), Some(digest(1)));
    assert_eq!(reopened.get(API, REPO, "2.0"), Some(digest(2)));
    // The resolution time is persisted too, not reset by the reload.
    clock.advance(TTL);
    assert_eq!(persistent(dir.path(), &clock).get(API, REPO, "1.0"), None);
}

#[test]
fn an_unsaved_map_is_not_on_disk() {
    let clock = FakeClock::default();
    let dir = tempfile::tempdir().unwrap();
    persistent(dir.path(), &clock).put(API, REPO, "1.0", &digest(1));
    assert_eq!(persistent(dir.path(), &clock).get(API, REPO, "1.0"), None);
}

#[test]
fn corrupt_foreign_and_other_format_files_are_ignored() {
    let clock = FakeClock::default();
    let dir = tempfile::tempdir().unwrap();
    let memo = persistent(dir.path(), &clock);
    memo.put(API, REPO, "1.0", &digest(1));
    memo.save(API, REPO, &listed(&["1.0"]));
    let path = memo.file_path(API, REPO).unwrap();
    let valid: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let reads = |contents: &[u8]| {
        std::fs::write(&path, contents).unwrap();
        persistent(dir.path(), &clock).get(API, REPO, "1.0")
    };
    let with = |field: &str, value: serde_json::Value| {
        let mut changed = valid.clone();
        changed[field] = value;
        serde_json::to_vec(&changed).unwrap()
    };
    assert_eq!(reads(&serde_json::to_vec(&valid).unwrap()), Some(digest(1)));
    assert_eq!(reads(b"{garbage"), None, "corrupt");
    assert_eq!(reads(&with("format", 2.into())), None, "another format");
    assert_eq!(
        reads(&with("repository", "org/x".into())),
        None,
        "another repository"
    );
    assert_eq!(
        reads(&with("api_url", "https://x".into())),
        None,
        "another registry"
    );
}

#[test]
fn registry_and_repository_do_not_run_together_in_the_file_name() {
    let memo = TagDigests::persistent("/memo", TTL);
    assert_ne!(memo.file_path("a/b", "c"), memo.file_path("a", "b/c"));
}

#[test]
fn tags_no_longer_listed_are_dropped_on_save() {
    let clock = FakeClock::default();
    let dir = tempfile::tempdir().unwrap();
    let memo = persistent(dir.path(), &clock);
    memo.put(API, REPO, "old", &digest(1));
    memo.put(API, REPO, "kept", &digest(2));
    memo.save(API, REPO, &listed(&["kept", "new"]));
    assert_eq!(memo.get(API, REPO, "old"), None);
    assert_eq!(memo.get(API, REPO, "kept"), Some(digest(2)));
    let file: MemoFile =
        serde_json::from_slice(&std::fs::read(memo.file_path(API, REPO).unwrap()).unwrap())
            .unwrap();
    assert_eq!(file.tags.keys().collect::<Vec<_>>(), ["kept"]);
}

#[test]
fn the_file_is_written_only_when_the_map_changed() {
    let clock = FakeClock::default();
    let dir = tempfile::tempdir().unwrap();
    let memo = persistent(dir.path(), &clock);
    let writes = || memo.files_written.load(Ordering::Relaxed);
    memo.put(API, REPO, "1.0", &digest(1));
    memo.save(API, REPO, &listed(&["1.0", "2.0"]));
    assert_eq!(writes(), 1);
    memo.get(API, REPO, "1.0");
    memo.save(API, REPO, &listed(&["1.0", "2.0"]));
    assert_eq!(writes(), 1, "nothing changed");

    let reopened = persistent(dir.path(), &clock);
    reopened.get(API, REPO, "1.0");
    reopened.save(API, REPO, &listed(&["1.0"]));
    assert_eq!(
        reopened.files_written.load(Ordering::Relaxed),
        0,
        "loaded, not changed"
    );

    memo.save(API, REPO, &listed(&["2.0"]));
    assert_eq!(writes(), 2, "a tag was dropped");
    memo.put(API, REPO, "2.0", &digest(2));
    memo.save(API, REPO, &listed(&["2.0"]));
    assert_eq!(writes(), 3, "a tag was resolved");
}

#[test]
fn an_in_memory_memo_writes_nothing() {
    let memo = TagDigests::in_memory(TTL);
    memo.put(API, REPO, "1.0", &digest(1));
    memo.save(API, REPO, &listed(&["1.0"]));
    assert_eq!(memo.get(API, REPO, "1.0"), Some(digest(1)));
    assert_eq!(memo.files_written.load(Ordering::Relaxed), 0);
}
