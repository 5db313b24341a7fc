//! Unit tests for URL normalisation, prefix matching, classification and display.

use super::{RepoUrlKind, display, normalise, prefix_covers, same_repository};

#[test]
fn normalisation_ignores_git_suffix_trailing_slash_and_case() {
    let forms = [
        "https://github.com/org/repo",
        "https://github.com/org/repo.git",
        "https://github.com/org/repo/",
        "https://github.com/org/repo.git/",
        "HTTPS://GitHub.COM/org/repo",
        "  https://github.com/Org/Repo  ",
    ];
    for form in forms {
        assert_eq!(normalise(form), "https://github.com/org/repo", "{form}");
    }
}

#[test]
fn scp_like_and_ssh_scheme_urls_are_the_same_repository() {
    assert!(same_repository(
        "git@github.com:org/repo.git",
        "ssh://git@github.com/org/repo"
    ));
    assert!(!same_repository(
        "git@github.com:org/repo",
        "https://github.com/org/repo"
    ));
    assert!(!same_repository("", ""));
}

#[test]
fn prefixes_cover_only_at_a_path_boundary() {
    let repo = normalise("https://github.com/org/repo");
    assert!(prefix_covers(&normalise("https://github.com/org/"), &repo));
    assert!(prefix_covers(&normalise("https://github.com"), &repo));
    assert!(prefix_covers(&repo, &repo));
    assert!(!prefix_covers(&normalise("https://github.com/or"), &repo));
    assert!(!prefix_covers("", &repo));
    let spoof = normalise("https://github.com.attacker.net/org/repo");
    assert!(!prefix_covers(&normalise("https://github.com"), &spoof));
    let port = normalise("https://git.example.com:8443/org/repo");
    assert!(prefix_covers(&normalise("https://git.example.com"), &port));
}

#[test]
fn classification_follows_the_scheme() {
    assert_eq!(RepoUrlKind::of("ssh://git@host/x"), RepoUrlKind::Ssh);
    assert_eq!(RepoUrlKind::of("SSH://host/x"), RepoUrlKind::Ssh);
    assert_eq!(RepoUrlKind::of("git@github.com:org/repo"), RepoUrlKind::Ssh);
    assert_eq!(RepoUrlKind::of("https://host/x"), RepoUrlKind::Https);
    assert_eq!(RepoUrlKind::of("http://host/x"), RepoUrlKind::Other);
    assert_eq!(RepoUrlKind::of("git://host/x"), RepoUrlKind::Other);
    assert_eq!(RepoUrlKind::of("/srv/git/repo"), RepoUrlKind::Other);
    assert_eq!(RepoUrlKind::of("https://user@host/x"), RepoUrlKind::Https);
}

#[test]
fn display_drops_userinfo() {
    assert_eq!(
        display("https://bot:hunter2@github.com/org/repo"),
        "https://github.com/org/repo"
    );
    assert_eq!(display("https://github.com/a@b"), "https://github.com/a@b");
    assert_eq!(
        display("git@github.com:org/repo"),
        "git@github.com:org/repo"
    );
    assert_eq!(display("bot:hunter2@host:org/repo"), "host:org/repo");
}
