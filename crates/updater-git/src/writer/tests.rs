//! Unit tests for push-result parsing and batch validation.

use super::commit::lost_race;
use super::validate;
use crate::auth::GitAuth;
use crate::batch::{Author, Batch};
use crate::error::GitError;

#[test]
fn a_rejected_fast_forward_is_a_lost_race() {
    assert!(lost_race(
        "To /srv/r.git\n!\trefs/heads/main:refs/heads/main\t[rejected] (fetch first)\nDone\n"
    ));
    assert!(lost_race(
        "!\trefs/heads/main:refs/heads/main\t[rejected] (non-fast-forward)\n"
    ));
}

#[test]
fn hooks_and_successes_are_not_races() {
    assert!(!lost_race(
        "!\trefs/heads/main:refs/heads/main\t[remote rejected] (pre-receive hook declined)\n"
    ));
    assert!(!lost_race(
        "=\trefs/heads/main:refs/heads/main\t[up to date]\nDone\n"
    ));
    assert!(!lost_race(
        "error: failed to push some refs (non-fast-forward)\n"
    ));
    assert!(!lost_race(""));
}

fn batch() -> Batch {
    Batch {
        repo_url: "https://git.example/org/repo.git".to_owned(),
        auth: GitAuth::None,
        base_branch: Some("main".to_owned()),
        write_branch: None,
        edits: Vec::new(),
        message: String::new(),
        author: Author {
            name: "bot".to_owned(),
            email: "bot@example.com".to_owned(),
        },
        signing: None,
        sign_off: false,
    }
}

#[test]
fn a_valid_batch_passes() {
    assert!(validate(&batch()).is_ok());
    let default_base = Batch {
        base_branch: Some("HEAD".to_owned()),
        ..batch()
    };
    assert!(validate(&default_base).is_ok());
}

#[test]
fn the_author_needs_name_and_email() {
    let mut nameless = batch();
    nameless.author.name = " ".to_owned();
    assert!(matches!(
        validate(&nameless),
        Err(GitError::MissingAuthor { .. })
    ));
    let mut mailless = batch();
    mailless.author.email = String::new();
    assert!(matches!(
        validate(&mailless),
        Err(GitError::MissingAuthor { .. })
    ));
}

#[test]
fn bad_or_empty_branch_names_are_refused() {
    for (base, write) in [
        (Some("main"), Some("")),
        (Some("--force"), None),
        (Some("main"), Some("a..b")),
    ] {
        let batch = Batch {
            base_branch: base.map(str::to_owned),
            write_branch: write.map(str::to_owned),
            ..batch()
        };
        let error = validate(&batch).unwrap_err();
        assert!(matches!(error, GitError::InvalidBranch { .. }), "{error}");
    }
}
