use super::*;

fn image(second: i64) -> CachedManifest {
    CachedManifest::Image {
        created: Some(jiff::Timestamp::from_second(second).unwrap()),
        platform: "linux/amd64".into(),
    }
}

fn digest(n: u32) -> String {
    format!("sha256:{n:064x}")
}

#[test]
fn entries_survive_a_new_cache_on_the_same_directory() {
    let dir = tempfile::tempdir().unwrap();
    MetadataCache::persistent(dir.path(), 100).put(&digest(1), image(10));
    let reopened = MetadataCache::persistent(dir.path(), 100);
    assert_eq!(reopened.get(&digest(1)), Some(image(10)));
    assert_eq!(reopened.get(&digest(2)), None);
}

#[test]
fn corrupt_and_foreign_files_are_ignored() {
    let dir = tempfile::tempdir().unwrap();
    let cache = MetadataCache::persistent(dir.path(), 100);
    cache.put(&digest(1), image(10));
    let path = cache.file_path(&digest(1)).unwrap();
    std::fs::write(&path, b"{garbage").unwrap();
    assert_eq!(
        MetadataCache::persistent(dir.path(), 100).get(&digest(1)),
        None
    );
    // A valid file stored under the wrong name describes another digest: not trusted.
    let other = MetadataCache::persistent(dir.path(), 100);
    other.put(&digest(2), image(20));
    std::fs::copy(other.file_path(&digest(2)).unwrap(), &path).unwrap();
    assert_eq!(
        MetadataCache::persistent(dir.path(), 100).get(&digest(1)),
        None
    );
}

#[test]
fn digests_that_could_escape_the_directory_are_not_stored() {
    let dir = tempfile::tempdir().unwrap();
    let cache = MetadataCache::persistent(dir.path(), 100);
    for bad in ["../../x", "sha256:../../etc", "sha256:", "nocolon"] {
        assert_eq!(cache.file_path(bad), None, "{bad}");
    }
}

#[test]
fn the_number_of_files_is_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let cache = MetadataCache::persistent(dir.path(), 20);
    for n in 0..60 {
        cache.put(&digest(n), image(i64::from(n)));
    }
    let files = std::fs::read_dir(dir.path().join("sha256"))
        .unwrap()
        .count();
    assert!(files <= 22, "{files} files kept");
}

#[test]
fn in_memory_cache_works_without_a_directory() {
    let cache = MetadataCache::in_memory();
    cache.put(&digest(3), image(3));
    assert_eq!(cache.get(&digest(3)), Some(image(3)));
}
