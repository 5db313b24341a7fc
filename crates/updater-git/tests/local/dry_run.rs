//! Dry runs: the diff of what would be committed, and nothing committed, pushed or left over.

use updater_git::BatchOutcome;

use crate::{Remote, batch, set_tag, status, write_file, writer};

#[tokio::test]
async fn a_dry_run_returns_the_diff_and_leaves_everything_untouched() {
    let remote = Remote::simple();
    let before = remote.tip("main");
    let (writer, _cache) = writer();
    let edits = vec![
        set_tag("values.yaml", "v2"),
        write_file("apps/new.yaml", "new: true\n"),
    ];

    let outcome = writer.apply(&batch(&remote, edits), true).await.unwrap();

    let BatchOutcome::DryRun {
        diff,
        branch,
        files_changed,
        invocations,
    } = outcome
    else {
        panic!("expected a dry run, got {outcome:?}");
    };
    assert_eq!(branch, "main");
    assert_eq!(files_changed, ["values.yaml", "apps/new.yaml"]);
    let changed: Vec<&str> = diff
        .lines()
        .filter(|line| line.starts_with(['+', '-', '@']) || line.starts_with("diff "))
        .collect();
    assert_eq!(
        changed,
        [
            "diff --git a/apps/new.yaml b/apps/new.yaml",
            "--- /dev/null",
            "+++ b/apps/new.yaml",
            "@@ -0,0 +1 @@",
            "+new: true",
            "diff --git a/values.yaml b/values.yaml",
            "--- a/values.yaml",
            "+++ b/values.yaml",
            "@@ -1,3 +1,3 @@",
            "-  tag: v1",
            "+  tag: v2",
        ]
    );
    assert_eq!(
        (invocations.count("commit"), invocations.count("push")),
        (0, 0)
    );
    assert_eq!(remote.tip("main"), before);
    let copy = writer.working_copies().path_for(&remote.url());
    assert_eq!(status(&copy), "");
    assert!(!copy.join("apps").exists());
}

#[tokio::test]
async fn a_dry_run_without_changes_is_unchanged() {
    let remote = Remote::simple();
    let (writer, _cache) = writer();
    let outcome = writer
        .apply(&batch(&remote, vec![set_tag("values.yaml", "v1")]), true)
        .await
        .unwrap();
    assert!(
        matches!(outcome, BatchOutcome::Unchanged { .. }),
        "{outcome:?}"
    );
}
