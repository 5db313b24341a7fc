//! Unit tests for URL kinds and for handing HTTPS and SSH credentials to git.

use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;

use updater_core::writeback::GitCredentials;

use super::{AuthError, AuthSetup, GitAuth, RepoUrlKind, describe_reference};
use crate::command::{GitCommand, GitOptions, GitRunner};
use updater_core::secret::Secret;

#[test]
fn classifies_repository_urls() {
    assert_eq!(RepoUrlKind::of("ssh://git@host/repo.git"), RepoUrlKind::Ssh);
    assert_eq!(
        RepoUrlKind::of("git@github.com:org/repo.git"),
        RepoUrlKind::Ssh
    );
    assert_eq!(
        RepoUrlKind::of("https://github.com/org/repo.git"),
        RepoUrlKind::Https
    );
    assert_eq!(
        RepoUrlKind::of("http://127.0.0.1:8080/r.git"),
        RepoUrlKind::Http
    );
    assert_eq!(RepoUrlKind::of("file:///srv/r.git"), RepoUrlKind::Other);
    assert_eq!(RepoUrlKind::of("/srv/r.git"), RepoUrlKind::Other);
    assert_eq!(RepoUrlKind::of("./a@b:c"), RepoUrlKind::Other);
}

#[test]
fn references_read_as_users_write_them() {
    assert_eq!(describe_reference(&GitCredentials::RepoCreds), "repocreds");
    let secret = GitCredentials::Secret {
        namespace: Some("argocd".to_owned()),
        name: "git-creds".to_owned(),
    };
    assert_eq!(describe_reference(&secret), "secret:argocd/git-creds");
}

fn https(password: &str) -> GitAuth {
    GitAuth::Https {
        username: "bot".to_owned(),
        password: Secret::new(password),
    }
}

#[tokio::test]
async fn https_credentials_reach_git_through_the_environment_only() {
    let runner = GitRunner::new(GitOptions::default()).unwrap();
    let setup = AuthSetup::prepare(&https("hunter2"), runner.scratch_dir()).unwrap();
    let command = setup
        .apply(GitCommand::new("credential").arg("fill"))
        .stdin("protocol=https\nhost=git.example\n\n");
    let argv = format!("{:?}", command.argv());
    assert!(!argv.contains("hunter2"), "{argv}");
    assert_eq!(
        command.env_names(),
        ["UPDATER_GIT_USERNAME", "UPDATER_GIT_PASSWORD"]
    );
    let output = runner.run_ok(&command).await.unwrap();
    assert!(
        output.stdout.contains("username=bot\n"),
        "{}",
        output.stdout
    );
    assert!(
        output.stdout.contains("password=hunter2\n"),
        "{}",
        output.stdout
    );
}

#[test]
fn line_breaks_in_https_credentials_are_refused() {
    let scratch = tempfile::tempdir().unwrap();
    let error = AuthSetup::prepare(&https("a\nusername=evil"), scratch.path()).unwrap_err();
    assert!(matches!(
        error,
        AuthError::BadCharacter { field: "password" }
    ));
}

fn ssh(known_hosts: Option<&str>, insecure: bool) -> GitAuth {
    GitAuth::Ssh {
        private_key: Secret::new(
            "-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----",
        ),
        known_hosts: known_hosts.map(str::to_owned),
        insecure_ignore_host_key: insecure,
    }
}

fn ssh_command(setup: &AuthSetup) -> String {
    let (name, value) = &setup.env[0];
    assert_eq!(*name, "GIT_SSH_COMMAND");
    value.expose().to_owned()
}

/// The single-quoted path after `flag` in an ssh command line.
fn quoted_after(command: &str, flag: &str) -> PathBuf {
    let rest = command.split(flag).nth(1).unwrap();
    PathBuf::from(rest.split('\'').nth(1).unwrap())
}

#[test]
fn ssh_keys_live_in_private_files_until_the_batch_ends() {
    let scratch = tempfile::tempdir().unwrap();
    let setup =
        AuthSetup::prepare(&ssh(Some("host ssh-ed25519 AAAA"), false), scratch.path()).unwrap();
    let command = ssh_command(&setup);
    assert!(
        command.contains("-o StrictHostKeyChecking=yes"),
        "{command}"
    );
    assert!(
        command.contains("-o BatchMode=yes -o") || command.ends_with("-o BatchMode=yes"),
        "{command}"
    );
    let key = quoted_after(&command, "-i ");
    let hosts = quoted_after(&command, "UserKnownHostsFile=");
    assert!(
        std::fs::read_to_string(&key)
            .unwrap()
            .ends_with("KEY-----\n")
    );
    assert_eq!(
        std::fs::metadata(&key).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert_eq!(
        std::fs::read_to_string(&hosts).unwrap(),
        "host ssh-ed25519 AAAA"
    );
    drop(setup);
    assert!(!key.exists() && !hosts.exists());
}

#[test]
fn host_key_checking_is_off_only_when_asked() {
    let scratch = tempfile::tempdir().unwrap();
    let insecure = ssh_command(&AuthSetup::prepare(&ssh(None, true), scratch.path()).unwrap());
    assert!(insecure.contains("StrictHostKeyChecking=no"), "{insecure}");
    let strict = ssh_command(&AuthSetup::prepare(&ssh(None, false), scratch.path()).unwrap());
    assert!(strict.contains("StrictHostKeyChecking=yes"), "{strict}");
    assert!(strict.contains("UserKnownHostsFile=/dev/null"), "{strict}");
}

#[test]
fn every_remote_call_resets_credential_helpers() {
    let scratch = tempfile::tempdir().unwrap();
    let setup = AuthSetup::prepare(&GitAuth::None, scratch.path()).unwrap();
    let argv = setup.apply(GitCommand::new("fetch")).argv();
    assert_eq!(
        argv[..3],
        ["-c", "credential.helper=", "fetch"].map(std::ffi::OsString::from)
    );
}
