//! Unit tests for branch validation and default-branch parsing.

use super::{fetch_refspec, is_valid_branch, means_default, parse_symref_head};

#[test]
fn accepts_ordinary_branch_names() {
    for name in [
        "main",
        "image-updater-1a2b3c4d",
        "feature/x.y",
        "release-1.2",
        "a@b",
    ] {
        assert!(is_valid_branch(name), "{name}");
    }
}

#[test]
fn rejects_options_and_invalid_refs() {
    for name in [
        "", "-f", "--force", "/x", "x/", ".x", "x.", "a..b", "a//b", "a@{1}", "@", "a b", "a~1",
        "a^", "a:b", "a?", "a*", "a[b", "a\\b", "x.lock", "a/.b", "a.lock/b", "a\nb",
    ] {
        assert!(!is_valid_branch(name), "{name:?}");
    }
}

#[test]
fn empty_and_head_mean_the_default_branch() {
    assert!(means_default(None));
    assert!(means_default(Some("")));
    assert!(means_default(Some("HEAD")));
    assert!(!means_default(Some("main")));
}

#[test]
fn reads_the_default_branch_from_ls_remote() {
    let output = "ref: refs/heads/trunk\tHEAD\n0123456789abcdef0123456789abcdef01234567\tHEAD\n";
    assert_eq!(parse_symref_head(output).as_deref(), Some("trunk"));
    assert_eq!(parse_symref_head("0123\tHEAD\n"), None);
    assert_eq!(parse_symref_head(""), None);
    assert_eq!(parse_symref_head("ref: refs/tags/v1\tHEAD\n"), None);
}

#[test]
fn fetch_refspec_forces_into_the_remote_tracking_ref() {
    assert_eq!(
        fetch_refspec("main"),
        "+refs/heads/main:refs/remotes/origin/main"
    );
}
