//! Base and write branches: a write branch is created from the base, later runs build on it,
//! it is force-pushed; the base can be the remote's default branch.

use updater_git::{BatchOutcome, GitError};

use crate::{Remote, batch, git, set_tag, with_hook, writer};

const WRITE: &str = "image-updater-1a2b3c4d";

#[tokio::test]
async fn a_write_branch_is_created_from_the_base_and_then_updated() {
    let remote = Remote::simple();
    let base = remote.tip("main").unwrap();
    let (writer, _cache) = writer();
    let mut first = batch(&remote, vec![set_tag("values.yaml", "v2")]);
    first.write_branch = Some(WRITE.to_owned());

    let outcome = writer.apply(&first, false).await.unwrap();

    assert_eq!(outcome.branch(), WRITE);
    // The missing write branch was looked for, then the base fetched.
    assert_eq!(outcome.invocations().count("fetch"), 2);
    assert_eq!(
        remote.tip("main").unwrap(),
        base,
        "the base branch is untouched"
    );
    assert_eq!(
        git(&remote.bare, &["rev-parse", &format!("{WRITE}~1")]).trim(),
        base
    );

    let mut second = first.clone();
    second.edits = vec![set_tag("values.yaml", "v3")];
    let outcome = writer.apply(&second, false).await.unwrap();

    assert_eq!(
        outcome.invocations().count("fetch"),
        1,
        "the write branch now exists"
    );
    assert_eq!(
        remote.subjects(WRITE).len(),
        3,
        "the second commit builds on the first"
    );
    assert_eq!(
        remote.show(WRITE, "values.yaml"),
        "image:\n  tag: v3\nreplicas: 1\n"
    );
    assert_eq!(remote.tip("main").unwrap(), base);
}

#[tokio::test]
async fn the_write_branch_is_force_pushed_over_foreign_commits() {
    let remote = Remote::simple();
    let (writer, _cache) = writer();
    let mut first = batch(&remote, vec![set_tag("values.yaml", "v2")]);
    first.write_branch = Some(WRITE.to_owned());
    writer.apply(&first, false).await.unwrap();

    let racer = clone_handle(&remote);
    let (edit, _) = with_hook(set_tag("values.yaml", "v3"), move |call| {
        if call == 0 {
            racer.push_from_elsewhere(WRITE, "other.yaml", "other: foreign\n", "foreign");
        }
    });
    let mut second = first.clone();
    second.edits = vec![edit];
    let outcome = writer.apply(&second, false).await.unwrap();

    let BatchOutcome::Committed { attempts, .. } = outcome else {
        panic!("expected a commit, got {outcome:?}");
    };
    assert_eq!(attempts, 1, "a forced push does not race");
    assert!(!remote.subjects(WRITE).contains(&"foreign".to_owned()));
    assert_eq!(remote.show(WRITE, "other.yaml"), "other: 1\n");
}

/// A second handle on the same bare repository, for a hook that outlives the test's borrow.
fn clone_handle(remote: &Remote) -> Remote {
    Remote::at(remote.bare.clone())
}

#[tokio::test]
async fn the_default_branch_is_discovered_when_the_base_is_empty_or_head() {
    let remote = Remote::with_files(
        "trunk",
        &[("values.yaml".to_owned(), "tag: v1\n".to_owned())],
    );
    let (writer, _cache) = writer();
    for (n, base) in [None, Some(""), Some("HEAD")].into_iter().enumerate() {
        let mut batch = batch(
            &remote,
            vec![set_tag("values.yaml", &format!("v{}", n + 2))],
        );
        batch.base_branch = base.map(str::to_owned);
        let outcome = writer.apply(&batch, false).await.unwrap();
        assert_eq!(outcome.branch(), "trunk", "{base:?}");
        assert_eq!(outcome.invocations().count("ls-remote"), 1);
    }
    assert_eq!(remote.show("trunk", "values.yaml"), "tag: v4\n");
}

#[tokio::test]
async fn a_missing_base_branch_is_a_fetch_error_naming_it() {
    let remote = Remote::simple();
    let (writer, _cache) = writer();
    let mut batch = batch(&remote, vec![set_tag("values.yaml", "v2")]);
    batch.base_branch = Some("release".to_owned());

    let error = writer.apply(&batch, false).await.unwrap_err();

    assert!(matches!(error, GitError::Fetch { .. }), "{error}");
    assert_eq!(
        error.to_string(),
        format!("cannot fetch branch `release` of `{}`", remote.url())
    );
    let cause = std::error::Error::source(&error).unwrap().to_string();
    assert!(
        cause.contains("couldn't find remote ref refs/heads/release"),
        "{cause}"
    );
}
