//! A commit that lands on the shared branch between our fetch and our push: the push is
//! rejected, the edits are rendered again on the new tip, and both commits survive.

use std::sync::atomic::Ordering;

use updater_git::{BatchOutcome, GitError};

use crate::{Remote, batch, set_tag, with_hook, writer};

#[tokio::test]
async fn a_concurrent_commit_is_kept_and_the_edit_reapplied_on_top() {
    let remote = Remote::simple();
    let racer = Remote::at(remote.bare.clone());
    let (writer, _cache) = writer();
    // The other writer changes another line of the same file while we render.
    let (edit, calls) = with_hook(set_tag("values.yaml", "v2"), move |call| {
        if call == 0 {
            let theirs = "image:\n  tag: v1\nreplicas: 3\n";
            racer.push_from_elsewhere("main", "values.yaml", theirs, "scale to 3");
        }
    });

    let outcome = writer
        .apply(&batch(&remote, vec![edit]), false)
        .await
        .unwrap();

    let BatchOutcome::Committed {
        sha,
        attempts,
        invocations,
        ..
    } = outcome
    else {
        panic!("expected a commit, got {outcome:?}");
    };
    assert_eq!(attempts, 2);
    assert_eq!(
        calls.load(Ordering::SeqCst),
        2,
        "rendered again on the new tip"
    );
    assert_eq!(
        (invocations.count("push"), invocations.count("commit")),
        (2, 2)
    );
    assert_eq!(invocations.count("fetch"), 2);
    assert_eq!(remote.tip("main").as_deref(), Some(sha.as_str()));
    assert_eq!(
        remote.subjects("main"),
        ["build: update images", "scale to 3", "initial"]
    );
    assert_eq!(
        remote.show("main", "values.yaml"),
        "image:\n  tag: v2\nreplicas: 3\n"
    );
}

#[tokio::test]
async fn a_race_that_already_made_our_change_ends_unchanged() {
    let remote = Remote::simple();
    let racer = Remote::at(remote.bare.clone());
    let (writer, _cache) = writer();
    let (edit, _) = with_hook(set_tag("values.yaml", "v2"), move |call| {
        if call == 0 {
            let same = "image:\n  tag: v2\nreplicas: 1\n";
            racer.push_from_elsewhere("main", "values.yaml", same, "someone else bumped it");
        }
    });

    let outcome = writer
        .apply(&batch(&remote, vec![edit]), false)
        .await
        .unwrap();

    assert!(
        matches!(outcome, BatchOutcome::Unchanged { attempts: 2, .. }),
        "{outcome:?}"
    );
    assert_eq!(
        remote.subjects("main"),
        ["someone else bumped it", "initial"]
    );
}

#[tokio::test]
async fn retries_are_bounded_and_never_force_the_shared_branch() {
    let remote = Remote::simple();
    let racer = Remote::at(remote.bare.clone());
    let (writer, _cache) = writer();
    let writer = writer.with_push_attempts(3);
    let (edit, calls) = with_hook(set_tag("values.yaml", "v2"), move |call| {
        let content = format!("other: {call}\n");
        racer.push_from_elsewhere("main", "other.yaml", &content, &format!("race {call}"));
    });

    let error = writer
        .apply(&batch(&remote, vec![edit]), false)
        .await
        .unwrap_err();

    assert!(
        matches!(error, GitError::PushRejected { attempts: 3, .. }),
        "{error}"
    );
    assert_eq!(
        error.to_string(),
        format!(
            "push of branch `main` to `{}` was rejected as non-fast-forward 3 times",
            remote.url()
        )
    );
    assert_eq!(calls.load(Ordering::SeqCst), 3);
    assert_eq!(
        remote.subjects("main"),
        ["race 2", "race 1", "race 0", "initial"]
    );
}
