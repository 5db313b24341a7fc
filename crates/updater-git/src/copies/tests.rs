//! Unit tests for URL checks, copy naming and damage classification.

use std::sync::Arc;

use super::copy::looks_damaged;
use super::{WorkingCopies, check_url};
use crate::command::{CommandError, GitOptions, GitRunner};
use crate::error::GitError;

fn fetch_error(output: &str) -> GitError {
    GitError::Fetch {
        repo: "r".to_owned(),
        branch: "main".to_owned(),
        source: CommandError::Failed {
            subcommand: "fetch".to_owned(),
            status: "exit status 128".to_owned(),
            output: output.to_owned(),
        },
    }
}

#[test]
fn urls_with_passwords_or_leading_dashes_are_refused() {
    assert!(check_url("https://git.example/org/repo.git", "x").is_ok());
    assert!(check_url("ssh://git@git.example/org/repo.git", "x").is_ok());
    assert!(check_url("git@git.example:org/repo.git", "x").is_ok());
    assert!(check_url("/srv/git/repo.git", "x").is_ok());
    let error = check_url(
        "https://bot:tok@git.example/r.git",
        "https://git.example/r.git",
    )
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "repository URL `https://git.example/r.git` is not accepted: it contains a password; use credentials instead"
    );
    assert!(check_url("--upload-pack=touch /tmp/x", "x").is_err());
    assert!(check_url("", "x").is_err());
}

#[test]
fn each_url_gets_its_own_stable_directory() {
    let cache = tempfile::tempdir().unwrap();
    let runner = Arc::new(GitRunner::new(GitOptions::default()).unwrap());
    let copies = WorkingCopies::new(cache.path(), runner).unwrap();
    let a = copies.path_for("https://git.example/a.git");
    assert_eq!(a, copies.path_for("https://git.example/a.git"));
    assert_ne!(a, copies.path_for("https://git.example/b.git"));
    assert_eq!(a.parent().unwrap(), cache.path().canonicalize().unwrap());
    assert_eq!(a.file_name().unwrap().len(), 16);
}

#[test]
fn only_local_breakage_counts_as_damage() {
    assert!(looks_damaged(&fetch_error(
        "fatal: not a git repository: '.git'"
    )));
    assert!(looks_damaged(&fetch_error(
        "error: object file .git/objects/ab/cd is empty\nfatal: loose object abcd is corrupt"
    )));
    assert!(looks_damaged(&fetch_error(
        "fatal: Unable to create '/c/.git/index.lock': File exists."
    )));
    assert!(!looks_damaged(&fetch_error(
        "fatal: unable to access 'https://x/': Could not resolve host: x"
    )));
    assert!(!looks_damaged(&fetch_error(
        "fatal: couldn't find remote ref refs/heads/nope"
    )));
    assert!(!looks_damaged(&GitError::NoDefaultBranch {
        repo: "r".to_owned()
    }));
}
