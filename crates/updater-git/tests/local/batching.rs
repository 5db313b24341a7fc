//! One batch → one commit and one push, whatever the number of edits; no commit when nothing
//! changes; nothing at all when one edit fails.

use updater_git::{BatchOutcome, GitError};

use crate::{Remote, batch, git, set_tag, status, write_file, writer};

fn app_file(n: usize) -> String {
    format!("apps/app-{n:03}/values.yaml")
}

#[tokio::test]
async fn two_hundred_edits_make_one_commit_and_one_push() {
    let files: Vec<(String, String)> = (0..200)
        .map(|n| (app_file(n), format!("name: app-{n}\nimage:\n  tag: v1\n")))
        .collect();
    let remote = Remote::with_files("main", &files);
    let before = remote.tip("main").unwrap();
    let (writer, _cache) = writer();
    let edits = (0..200).map(|n| set_tag(&app_file(n), "v2")).collect();

    let outcome = writer.apply(&batch(&remote, edits), false).await.unwrap();

    let BatchOutcome::Committed {
        sha,
        branch,
        files_changed,
        attempts,
        invocations,
    } = outcome
    else {
        panic!("expected a commit, got {outcome:?}");
    };
    assert_eq!(
        (branch.as_str(), attempts, files_changed.len()),
        ("main", 1, 200)
    );
    assert_eq!(files_changed[7], app_file(7));
    for sub in ["fetch", "add", "commit", "push"] {
        assert_eq!(invocations.count(sub), 1, "{sub}: {invocations:?}");
    }
    assert_eq!(remote.tip("main").as_deref(), Some(sha.as_str()));
    assert_eq!(remote.subjects("main"), ["build: update images", "initial"]);
    assert_eq!(git(&remote.bare, &["rev-parse", "main~1"]).trim(), before);
    let changed = git(&remote.bare, &["diff", "--name-only", "main~1", "main"]);
    assert_eq!(changed.lines().count(), 200);
    assert_eq!(
        remote.show("main", &app_file(199)),
        "name: app-199\nimage:\n  tag: v2\n"
    );
}

#[tokio::test]
async fn author_message_and_sign_off_are_recorded() {
    let remote = Remote::simple();
    let (writer, _cache) = writer();
    let mut batch = batch(&remote, vec![set_tag("values.yaml", "v2")]);
    batch.message = "build: bump\n\nMoves the image from v1 to v2.\n".to_owned();
    batch.sign_off = true;

    writer.apply(&batch, false).await.unwrap();

    let log = git(
        &remote.bare,
        &["log", "-1", "--format=%an <%ae>|%cn <%ce>|%B", "main"],
    );
    assert_eq!(
        log.trim_end(),
        "argocd-image-updater <noreply@argoproj.io>|argocd-image-updater <noreply@argoproj.io>|\
         build: bump\n\nMoves the image from v1 to v2.\n\nSigned-off-by: argocd-image-updater <noreply@argoproj.io>"
    );
}

#[tokio::test]
async fn an_empty_message_becomes_the_default() {
    let remote = Remote::simple();
    let (writer, _cache) = writer();
    let mut batch = batch(&remote, vec![set_tag("values.yaml", "v2")]);
    batch.message = String::new();
    writer.apply(&batch, false).await.unwrap();
    assert_eq!(remote.subjects("main")[0], "Update parameters");
}

#[tokio::test]
async fn new_files_are_created_with_their_directories_and_committed() {
    let remote = Remote::simple();
    let (writer, _cache) = writer();
    let edits = vec![write_file(
        "apps/new/.argocd-source-new.yaml",
        "helm:\n  parameters: []\n",
    )];

    let outcome = writer.apply(&batch(&remote, edits), false).await.unwrap();

    assert!(
        matches!(outcome, BatchOutcome::Committed { .. }),
        "{outcome:?}"
    );
    assert_eq!(
        remote.show("main", "apps/new/.argocd-source-new.yaml"),
        "helm:\n  parameters: []\n"
    );
}

#[tokio::test]
async fn an_unchanged_batch_commits_and_pushes_nothing() {
    let remote = Remote::simple();
    let before = remote.tip("main");
    let (writer, _cache) = writer();
    let edits = vec![
        set_tag("values.yaml", "v1"),
        write_file("other.yaml", "other: 1\n"),
    ];

    let outcome = writer.apply(&batch(&remote, edits), false).await.unwrap();

    let BatchOutcome::Unchanged {
        branch,
        attempts,
        invocations,
    } = outcome
    else {
        panic!("expected no change, got {outcome:?}");
    };
    assert_eq!((branch.as_str(), attempts), ("main", 1));
    assert_eq!(
        (invocations.count("commit"), invocations.count("push")),
        (0, 0)
    );
    assert_eq!(remote.tip("main"), before);
}

#[tokio::test]
async fn a_failing_edit_restores_the_copy_and_leaves_the_remote_alone() {
    let remote = Remote::simple();
    let before = remote.tip("main");
    let (writer, _cache) = writer();
    let edits = vec![
        set_tag("values.yaml", "v2"),
        write_file("brand/new.yaml", "x: 1\n"),
        set_tag("other.yaml", "v2"),
    ];

    let error = writer
        .apply(&batch(&remote, edits), false)
        .await
        .unwrap_err();

    assert!(matches!(error, GitError::Edit { .. }), "{error}");
    let chain = format!("{error}: {}", std::error::Error::source(&error).unwrap());
    assert!(
        chain.contains("cannot render `other.yaml`: no tag line"),
        "{chain}"
    );
    assert!(chain.contains("on branch `main`"), "{chain}");
    assert_eq!(remote.tip("main"), before);
    let copy = writer.working_copies().path_for(&remote.url());
    assert_eq!(status(&copy), "");
    assert!(!copy.join("brand").exists());
    assert_eq!(
        std::fs::read_to_string(copy.join("values.yaml")).unwrap(),
        "image:\n  tag: v1\nreplicas: 1\n"
    );
}

#[tokio::test]
async fn paths_outside_the_repository_are_refused() {
    let remote = Remote::simple();
    let (writer, _cache) = writer();
    for path in ["../escape.yaml", "/tmp/escape.yaml", ".git/config"] {
        let error = writer
            .apply(&batch(&remote, vec![write_file(path, "x")]), false)
            .await
            .unwrap_err();
        let cause = std::error::Error::source(&error).unwrap().to_string();
        assert!(
            cause.contains("is not inside the repository"),
            "{path}: {cause}"
        );
    }
    assert_eq!(remote.subjects("main"), ["initial"]);
}

#[tokio::test]
async fn a_plain_path_works_as_the_url() {
    let remote = Remote::simple();
    let (writer, _cache) = writer();
    let mut batch = batch(&remote, vec![set_tag("values.yaml", "v3")]);
    batch.repo_url = remote.bare.display().to_string();
    writer.apply(&batch, false).await.unwrap();
    assert_eq!(
        remote.show("main", "values.yaml"),
        "image:\n  tag: v3\nreplicas: 1\n"
    );
}
