//! Refused credentials: a wrong or missing HTTP password, an SSH key the server does not know,
//! and a host key that does not match known_hosts all fail and leave the remote untouched.

use std::fs;

use updater_testkit::git::{GitEnv, Transport, generate_key_pair};

use crate::git::{Fixture, USER, clone_with, commit_file, push};

#[test]
fn wrong_or_missing_http_password_fails_and_leaves_the_remote_untouched() {
    let fx = Fixture::start(Transport::Http);
    let a = fx.clone_as("a");
    let before = fx.repo.head("main").unwrap();
    commit_file(&fx.env, &a, "values.yaml", "tag: v2\n", "build: v2");

    let wrong = GitEnv::new().unwrap().with_http_credentials(USER, "nope");
    let refused = push(&wrong, &a);
    assert!(!refused.success);
    assert!(
        refused.stderr.contains("Authentication failed"),
        "{}",
        refused.stderr
    );
    assert!(
        !refused.stderr.contains("nope"),
        "password echoed: {}",
        refused.stderr
    );
    assert!(fx.http().rejected_credentials() >= 1, "{:?}", fx.http());

    let anonymous = GitEnv::new().unwrap();
    let refused = push(&anonymous, &a);
    assert!(!refused.success);
    assert!(
        refused.stderr.contains("could not read Username"),
        "{}",
        refused.stderr
    );
    assert!(clone_with(&anonymous, &fx.url(), fx.work.path(), "b").is_err());

    assert_eq!(fx.repo.head("main").unwrap(), before);
    assert_eq!(fx.repo.commit_count("main").unwrap(), 1);
    let pushed = push(&fx.env, &a);
    assert!(pushed.success, "{}", pushed.stderr);
    assert_eq!(fx.repo.commit_count("main").unwrap(), 2);
}

#[test]
fn http_without_auth_accepts_anonymous_push() {
    let root = tempfile::tempdir().unwrap();
    let repo =
        updater_testkit::git::BareRepo::create(root.path(), "r.git", &[("f", "1\n")], "main")
            .unwrap();
    let server = updater_testkit::git::HttpGitServer::start(root.path(), None).unwrap();
    let env = GitEnv::new().unwrap();
    let work = tempfile::tempdir().unwrap();
    let a = clone_with(&env, &server.url("r.git"), work.path(), "a").unwrap();
    let head = commit_file(&env, &a, "f", "2\n", "two");
    let pushed = push(&env, &a);
    assert!(pushed.success, "{}", pushed.stderr);
    assert_eq!(repo.head("main").unwrap(), Some(head));
    assert_eq!(server.username(), None);
    assert_eq!(
        server.unauthenticated_requests() + server.rejected_credentials(),
        0
    );
}

#[test]
fn unknown_ssh_key_is_refused() {
    let fx = Fixture::start(Transport::Ssh);
    let a = fx.clone_as("a");
    let before = fx.repo.head("main").unwrap();
    commit_file(&fx.env, &a, "values.yaml", "tag: v2\n", "build: v2");

    let stranger = generate_key_pair(fx.work.path(), "stranger").unwrap();
    let command = fx.ssh().git_ssh_command_with_key(&stranger);
    let wrong = GitEnv::new().unwrap().with_ssh_command(&command);
    let refused = push(&wrong, &a);
    assert!(!refused.success);
    assert!(
        refused.stderr.contains("Permission denied (publickey)"),
        "{}",
        refused.stderr
    );
    assert!(clone_with(&wrong, &fx.url(), fx.work.path(), "b").is_err());
    assert_eq!(fx.repo.head("main").unwrap(), before);

    // Once authorized, the same key works.
    let public = fs::read_to_string(stranger.with_extension("pub")).unwrap();
    fx.ssh().authorize_key(&public).unwrap();
    let pushed = push(&wrong, &a);
    assert!(pushed.success, "{}", pushed.stderr);
}

#[test]
fn mismatched_host_key_is_refused() {
    let fx = Fixture::start(Transport::Ssh);
    let ssh = fx.ssh();
    assert!(
        ssh.client_key_pem()
            .starts_with("-----BEGIN OPENSSH PRIVATE KEY-----")
    );
    let known = fs::read_to_string(ssh.known_hosts_path()).unwrap();
    assert_eq!(
        known.trim(),
        format!("[127.0.0.1]:{} {}", ssh.port(), ssh.host_public_key())
    );
    assert!(ssh.host_public_key().starts_with("ssh-ed25519 "));

    // Same file, another key: StrictHostKeyChecking must refuse to connect.
    let impostor = generate_key_pair(fx.work.path(), "impostor").unwrap();
    let impostor_pub = fs::read_to_string(impostor.with_extension("pub")).unwrap();
    let key: Vec<&str> = impostor_pub.split_whitespace().take(2).collect();
    fs::write(
        ssh.known_hosts_path(),
        format!("[127.0.0.1]:{} {}\n", ssh.port(), key.join(" ")),
    )
    .unwrap();
    let refused = clone_with(&fx.env, &fx.url(), fx.work.path(), "b").unwrap_err();
    assert!(
        refused.to_string().contains("Host key verification failed"),
        "{refused}"
    );
}
