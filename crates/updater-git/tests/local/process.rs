//! Process hygiene through a wrapper that records what git receives: credentials never in
//! argv, SSH keys in private files that disappear afterwards, and hung calls killed.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use updater_git::command::CommandError;
use updater_git::{GitAuth, GitError, GitOptions, Secret};

use crate::{Remote, batch, set_tag, writer_with};

const PASSWORD: &str = "hunter2-do-not-leak";
const KEY: &str =
    "-----BEGIN OPENSSH PRIVATE KEY-----\nSECRET-KEY-MATERIAL\n-----END OPENSSH PRIVATE KEY-----\n";

/// A `git` wrapper logging argv, the ssh command and its key file's mode, then running git.
fn recording_wrapper(dir: &Path) -> (PathBuf, PathBuf) {
    let log = dir.join("calls.log");
    let script = dir.join("git-wrapper");
    let body = format!(
        r#"#!/bin/sh
printf 'argv:' >> '{log}'
for a in "$@"; do printf ' [%s]' "$a" >> '{log}'; done
printf '\n' >> '{log}'
if [ -n "$GIT_SSH_COMMAND" ]; then
  printf 'ssh: %s\n' "$GIT_SSH_COMMAND" >> '{log}'
  key=$(printf '%s' "$GIT_SSH_COMMAND" | sed "s/.* -i '\([^']*\)'.*/\1/")
  printf 'key: %s %s\n' "$key" "$(stat -c %a "$key")" >> '{log}'
fi
exec git "$@"
"#,
        log = log.display()
    );
    write_executable(&script, &body);
    (script, log)
}

fn write_executable(path: &Path, body: &str) {
    std::fs::write(path, body).unwrap();
    let status = std::process::Command::new("chmod")
        .arg("755")
        .arg(path)
        .status()
        .unwrap();
    assert!(status.success());
}

#[tokio::test]
async fn https_credentials_never_appear_in_git_arguments() {
    let scripts = tempfile::tempdir().unwrap();
    let (wrapper, log) = recording_wrapper(scripts.path());
    let remote = Remote::simple();
    let (writer, _cache) = writer_with(GitOptions::default().with_program(&wrapper));
    let mut batch = batch(&remote, vec![set_tag("values.yaml", "v2")]);
    batch.auth = GitAuth::Https {
        username: "bot".to_owned(),
        password: Secret::new(PASSWORD),
    };

    writer.apply(&batch, false).await.unwrap();

    let calls = std::fs::read_to_string(&log).unwrap();
    assert!(
        calls.contains("[fetch]") && calls.contains("[push]"),
        "{calls}"
    );
    assert!(calls.contains("[credential.helper=!f() {"), "{calls}");
    assert!(!calls.contains(PASSWORD), "{calls}");
    assert!(!format!("{batch:?}").contains(PASSWORD));
}

#[tokio::test]
async fn ssh_keys_are_private_files_removed_after_the_batch() {
    let scripts = tempfile::tempdir().unwrap();
    let (wrapper, log) = recording_wrapper(scripts.path());
    let remote = Remote::simple();
    let (writer, _cache) = writer_with(GitOptions::default().with_program(&wrapper));
    let mut batch = batch(&remote, vec![set_tag("values.yaml", "v2")]);
    batch.auth = GitAuth::Ssh {
        private_key: Secret::new(KEY),
        known_hosts: Some("[127.0.0.1]:2222 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI".to_owned()),
        insecure_ignore_host_key: false,
    };

    writer.apply(&batch, false).await.unwrap();

    let calls = std::fs::read_to_string(&log).unwrap();
    assert!(!calls.contains("SECRET-KEY-MATERIAL"), "{calls}");
    assert!(calls.contains("StrictHostKeyChecking=yes"), "{calls}");
    let key_lines: Vec<&str> = calls.lines().filter(|l| l.starts_with("key: ")).collect();
    assert!(!key_lines.is_empty(), "{calls}");
    for line in key_lines {
        let (path, mode) = line["key: ".len()..].rsplit_once(' ').unwrap();
        assert_eq!(mode, "600", "{line}");
        assert!(!Path::new(path).exists(), "{path} is left behind");
    }
}

#[tokio::test]
async fn a_hung_fetch_is_killed_at_the_timeout() {
    let scripts = tempfile::tempdir().unwrap();
    let pid_file = scripts.path().join("pid");
    let wrapper = scripts.path().join("git-wrapper");
    let body = format!(
        "#!/bin/sh\ncase \" $* \" in *\" fetch \"*) echo $$ > '{}'; exec sleep 30;; esac\nexec git \"$@\"\n",
        pid_file.display()
    );
    write_executable(&wrapper, &body);
    let remote = Remote::simple();
    let options = GitOptions::default()
        .with_program(&wrapper)
        .with_timeout(Duration::from_secs(1));
    let (writer, _cache) = writer_with(options);
    let started = Instant::now();

    let error = writer
        .apply(&batch(&remote, vec![set_tag("values.yaml", "v2")]), false)
        .await
        .unwrap_err();

    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    let GitError::Fetch { source, .. } = &error else {
        panic!("expected a fetch error, got {error}");
    };
    assert!(matches!(source, CommandError::TimedOut { .. }), "{source}");
    let pid = std::fs::read_to_string(&pid_file).unwrap();
    assert!(
        gone(pid.trim()).await,
        "the hung process {pid} is still running"
    );
}

/// Gone, or a zombie waiting to be reaped.
async fn gone(pid: &str) -> bool {
    for _ in 0..50 {
        match std::fs::read_to_string(Path::new("/proc").join(pid).join("stat")) {
            Err(_) => return true,
            Ok(stat)
                if stat
                    .rsplit(')')
                    .next()
                    .is_some_and(|s| s.trim_start().starts_with('Z')) =>
            {
                return true;
            }
            Ok(_) => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    }
    false
}

#[tokio::test]
async fn urls_with_passwords_are_refused_before_git_runs() {
    let remote = Remote::simple();
    let (writer, _cache) = writer_with(GitOptions::default());
    let mut batch = batch(&remote, vec![set_tag("values.yaml", "v2")]);
    batch.repo_url = "https://bot:hunter2@git.example/org/repo.git".to_owned();

    let error = writer.apply(&batch, false).await.unwrap_err();

    assert!(matches!(error, GitError::InvalidUrl { .. }), "{error}");
    assert!(!error.to_string().contains("hunter2"), "{error}");
}
