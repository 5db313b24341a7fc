//! Working copies persist between runs (a fetch, not a new clone) and a damaged one is
//! re-created, never repaired in place or mistaken for an enclosing repository.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use updater_git::{BatchOutcome, GitOptions, GitWriter};

use crate::{Remote, batch, git, set_tag, writer};

#[tokio::test]
async fn the_working_copy_is_reused_across_runs() {
    let remote = Remote::simple();
    let (writer, _cache) = writer();

    let first = writer
        .apply(&batch(&remote, vec![set_tag("values.yaml", "v2")]), false)
        .await
        .unwrap();
    assert_eq!(first.invocations().count("init"), 1);
    let copy = writer.working_copies().path_for(&remote.url());
    assert!(copy.join(".git").is_dir());
    let marker = copy.join(".git").join("kept-marker");
    std::fs::write(&marker, "").unwrap();

    let second = writer
        .apply(&batch(&remote, vec![set_tag("values.yaml", "v3")]), false)
        .await
        .unwrap();

    assert!(
        matches!(second, BatchOutcome::Committed { .. }),
        "{second:?}"
    );
    assert_eq!(second.invocations().count("init"), 0);
    assert_eq!(second.invocations().count("fetch"), 1);
    assert!(marker.exists(), "the same copy was used");
    assert_eq!(remote.subjects("main").len(), 3);
}

#[tokio::test]
async fn a_copy_survives_a_new_writer_on_the_same_cache() {
    let remote = Remote::simple();
    let cache = tempfile::tempdir().unwrap();
    let first = GitWriter::new(cache.path(), GitOptions::default()).unwrap();
    first
        .apply(&batch(&remote, vec![set_tag("values.yaml", "v2")]), false)
        .await
        .unwrap();
    drop(first);

    let second = GitWriter::new(cache.path(), GitOptions::default()).unwrap();
    let outcome = second
        .apply(&batch(&remote, vec![set_tag("values.yaml", "v3")]), false)
        .await
        .unwrap();

    assert_eq!(outcome.invocations().count("init"), 0);
}

async fn recreated_after(damage: impl Fn(&Path)) {
    let remote = Remote::simple();
    let (writer, _cache) = writer();
    writer
        .apply(&batch(&remote, vec![set_tag("values.yaml", "v2")]), false)
        .await
        .unwrap();
    damage(&writer.working_copies().path_for(&remote.url()));

    let outcome = writer
        .apply(&batch(&remote, vec![set_tag("values.yaml", "v3")]), false)
        .await
        .unwrap();

    assert!(
        matches!(outcome, BatchOutcome::Committed { .. }),
        "{outcome:?}"
    );
    assert_eq!(
        outcome.invocations().count("init"),
        1,
        "{:?}",
        outcome.invocations()
    );
    assert_eq!(
        remote.show("main", "values.yaml"),
        "image:\n  tag: v3\nreplicas: 1\n"
    );
}

#[tokio::test]
async fn a_copy_without_head_is_recreated() {
    recreated_after(|copy| std::fs::remove_file(copy.join(".git/HEAD")).unwrap()).await;
}

#[tokio::test]
async fn a_copy_with_a_stale_index_lock_is_recreated() {
    recreated_after(|copy| std::fs::write(copy.join(".git/index.lock"), "").unwrap()).await;
}

#[tokio::test]
async fn a_copy_with_truncated_objects_is_recreated() {
    recreated_after(|copy| truncate_loose_objects(&copy.join(".git/objects"))).await;
}

fn truncate_loose_objects(objects: &Path) {
    let mut truncated = 0;
    for fanout in std::fs::read_dir(objects)
        .unwrap()
        .map(|e| e.unwrap().path())
    {
        let name = fanout.file_name().unwrap().to_string_lossy().into_owned();
        if name.len() != 2 {
            continue;
        }
        for object in std::fs::read_dir(&fanout)
            .unwrap()
            .map(|e| e.unwrap().path())
        {
            let writable = std::fs::Permissions::from_mode(0o644);
            std::fs::set_permissions(&object, writable).unwrap();
            std::fs::write(&object, b"").unwrap();
            truncated += 1;
        }
    }
    assert!(truncated > 0, "the copy had loose objects to damage");
}

#[tokio::test]
async fn a_copy_that_lost_its_object_store_fetches_it_again() {
    let remote = Remote::simple();
    let (writer, _cache) = writer();
    writer
        .apply(&batch(&remote, vec![set_tag("values.yaml", "v2")]), false)
        .await
        .unwrap();
    let objects = writer
        .working_copies()
        .path_for(&remote.url())
        .join(".git/objects");
    std::fs::remove_dir_all(&objects).unwrap();
    std::fs::create_dir(&objects).unwrap();

    let outcome = writer
        .apply(&batch(&remote, vec![set_tag("values.yaml", "v3")]), false)
        .await
        .unwrap();

    assert!(
        matches!(outcome, BatchOutcome::Committed { .. }),
        "{outcome:?}"
    );
    assert_eq!(
        remote.show("main", "values.yaml"),
        "image:\n  tag: v3\nreplicas: 1\n"
    );
}

#[tokio::test]
async fn a_damaged_copy_inside_another_repository_is_not_confused_with_it() {
    let remote = Remote::simple();
    let outer = tempfile::tempdir().unwrap();
    git(outer.path(), &["init", "--quiet"]);
    let writer = GitWriter::new(outer.path().join("cache"), GitOptions::default()).unwrap();
    writer
        .apply(&batch(&remote, vec![set_tag("values.yaml", "v2")]), false)
        .await
        .unwrap();
    let copy = writer.working_copies().path_for(&remote.url());
    std::fs::remove_file(copy.join(".git/HEAD")).unwrap();

    let outcome = writer
        .apply(&batch(&remote, vec![set_tag("values.yaml", "v3")]), false)
        .await
        .unwrap();

    assert_eq!(outcome.invocations().count("init"), 1);
    assert_eq!(
        git(outer.path(), &["status", "--porcelain"]).trim(),
        "?? cache/"
    );
    let outer_log = crate::git_command(outer.path(), &["log"]).output().unwrap();
    assert!(
        !outer_log.status.success(),
        "the outer repository got no commit"
    );
}
