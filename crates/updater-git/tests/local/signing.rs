//! Signed commits with an SSH key (`gpg.format=ssh`), verified by git against an allowed-signers
//! file.

use std::process::Command;

use updater_git::{BatchOutcome, Signing, SigningMethod};

use updater_git::GitOptions;

use crate::{Remote, batch, git_command, set_tag, writer, writer_with};

#[tokio::test]
async fn commits_are_signed_with_an_ssh_key() {
    let keys = tempfile::tempdir().unwrap();
    let key = keys.path().join("signing");
    let generated = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", "bot", "-f"])
        .arg(&key)
        .status()
        .unwrap();
    assert!(generated.success());
    let public = std::fs::read_to_string(key.with_extension("pub")).unwrap();
    let allowed = keys.path().join("allowed_signers");
    std::fs::write(&allowed, format!("noreply@argoproj.io {public}")).unwrap();
    let remote = Remote::simple();
    let (writer, _cache) = writer();
    let mut batch = batch(&remote, vec![set_tag("values.yaml", "v2")]);
    batch.signing = Some(Signing {
        key: key.display().to_string(),
        method: SigningMethod::Ssh,
    });

    let outcome = writer.apply(&batch, false).await.unwrap();

    let BatchOutcome::Committed { sha, .. } = outcome else {
        panic!("expected a commit, got {outcome:?}");
    };
    let allowed_config = format!("gpg.ssh.allowedSignersFile={}", allowed.display());
    let verify = git_command(
        &remote.bare,
        &["-c", &allowed_config, "verify-commit", &sha],
    )
    .output()
    .unwrap();
    let report = String::from_utf8_lossy(&verify.stderr);
    assert!(verify.status.success(), "{report}");
    assert!(
        report.contains("Good \"git\" signature for noreply@argoproj.io"),
        "{report}"
    );
    let status = git_command(
        &remote.bare,
        &["-c", &allowed_config, "log", "-1", "--format=%G?", &sha],
    )
    .output()
    .unwrap();
    assert_eq!(String::from_utf8_lossy(&status.stdout).trim(), "G");
}

#[tokio::test]
async fn an_unusable_signing_key_fails_the_commit_and_pushes_nothing() {
    let remote = Remote::simple();
    let before = remote.tip("main");
    let (writer, _cache) = writer();
    let mut batch = batch(&remote, vec![set_tag("values.yaml", "v2")]);
    batch.signing = Some(Signing {
        key: "/nonexistent/key".to_owned(),
        method: SigningMethod::Ssh,
    });

    let error = writer.apply(&batch, false).await.unwrap_err();

    assert!(
        error
            .to_string()
            .starts_with("cannot commit to branch `main`"),
        "{error}"
    );
    assert_eq!(remote.tip("main"), before);
}

/// A throwaway GnuPG home with one ed25519 signing key; its agent is stopped on drop.
struct GnuPg {
    home: tempfile::TempDir,
    fingerprint: String,
}

impl GnuPg {
    fn new() -> Self {
        let home = tempfile::tempdir().unwrap();
        let generated = Command::new("gpg")
            .env("GNUPGHOME", home.path())
            .args(["--batch", "--quiet", "--passphrase", "", "--quick-gen-key"])
            .args(["bot <noreply@argoproj.io>", "ed25519", "sign", "never"])
            .output()
            .unwrap();
        assert!(
            generated.status.success(),
            "{}",
            String::from_utf8_lossy(&generated.stderr)
        );
        let listed = Command::new("gpg")
            .env("GNUPGHOME", home.path())
            .args(["--batch", "--with-colons", "--list-secret-keys"])
            .output()
            .unwrap();
        let listing = String::from_utf8(listed.stdout).unwrap();
        let fingerprint = listing
            .lines()
            .find_map(|line| line.strip_prefix("fpr:"))
            .and_then(|rest| rest.trim_matches(':').split(':').next_back())
            .unwrap()
            .to_owned();
        Self { home, fingerprint }
    }
}

impl Drop for GnuPg {
    fn drop(&mut self) {
        let _ = Command::new("gpgconf")
            .env("GNUPGHOME", self.home.path())
            .args(["--kill", "all"])
            .status();
    }
}

#[tokio::test]
async fn commits_are_signed_with_an_openpgp_key() {
    let gnupg = GnuPg::new();
    let remote = Remote::simple();
    let (writer, _cache) =
        writer_with(GitOptions::default().with_env("GNUPGHOME", gnupg.home.path()));
    let mut batch = batch(&remote, vec![set_tag("values.yaml", "v2")]);
    batch.signing = Some(Signing {
        key: gnupg.fingerprint.clone(),
        method: SigningMethod::OpenPgp,
    });

    let outcome = writer.apply(&batch, false).await.unwrap();

    let BatchOutcome::Committed { sha, .. } = outcome else {
        panic!("expected a commit, got {outcome:?}");
    };
    let status = git_command(&remote.bare, &["log", "-1", "--format=%G?|%GF", &sha])
        .env("GNUPGHOME", gnupg.home.path())
        .output()
        .unwrap();
    let expected = format!("G|{}", gnupg.fingerprint);
    assert_eq!(String::from_utf8_lossy(&status.stdout).trim(), expected);
}
