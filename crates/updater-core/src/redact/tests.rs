//! Unit tests for URL redaction.

use super::{redact_urls, strip_userinfo};

#[test]
fn strips_user_and_password_from_urls() {
    assert_eq!(
        strip_userinfo("https://bot:s3cret@git.example.com/org/repo.git"),
        "https://git.example.com/org/repo.git"
    );
    assert_eq!(
        strip_userinfo("ssh://git@example.com:2222/repo"),
        "ssh://example.com:2222/repo"
    );
    assert_eq!(strip_userinfo("https://host"), "https://host");
    assert_eq!(strip_userinfo("https://u:p@host"), "https://host");
}

#[test]
fn leaves_scp_like_and_plain_paths_alone() {
    assert_eq!(
        strip_userinfo("git@github.com:org/repo.git"),
        "git@github.com:org/repo.git"
    );
    assert_eq!(strip_userinfo("/srv/git/repo.git"), "/srv/git/repo.git");
}

#[test]
fn an_at_sign_in_the_path_is_not_userinfo() {
    assert_eq!(
        strip_userinfo("https://host/org/repo@v1"),
        "https://host/org/repo@v1"
    );
}

#[test]
fn redacts_every_url_in_a_message() {
    let stderr = "fatal: unable to access 'https://a:b@one.example/x/': error\n\
                  remote: see http://c:d@two.example for details";
    assert_eq!(
        redact_urls(stderr),
        "fatal: unable to access 'https://one.example/x/': error\n\
         remote: see http://two.example for details"
    );
}
