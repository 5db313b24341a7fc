//! Unit tests for building commands and for the private environment, output capture and
//! timeout of real processes.

use std::path::Path;
use std::time::{Duration, Instant};

use super::{CommandError, GitCommand, GitOptions, GitRunner, Invocations};

fn shell() -> GitRunner {
    GitRunner::new(GitOptions::default().with_program("/bin/sh")).unwrap()
}

/// `sh -c <script>`: the "subcommand" slot carries `-c`.
fn script(script: &str) -> GitCommand {
    GitCommand::new("-c").arg(script)
}

#[test]
fn argv_puts_config_before_the_subcommand() {
    let command = GitCommand::new("commit")
        .config("user.name", "bot")
        .arg("-F")
        .arg("msg");
    let argv: Vec<String> = command
        .argv()
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    assert_eq!(argv, ["-c", "user.name=bot", "commit", "-F", "msg"]);
}

#[test]
fn debug_shows_variable_names_but_not_values() {
    let command = GitCommand::new("fetch").env("UPDATER_GIT_PASSWORD", "hunter2");
    let debug = format!("{command:?}");
    assert!(debug.contains("UPDATER_GIT_PASSWORD"), "{debug}");
    assert!(!debug.contains("hunter2"), "{debug}");
}

#[test]
fn options_debug_hides_inherited_values() {
    let options = GitOptions::default().with_env("HTTPS_PROXY", "http://u:proxy-pass@proxy:3128");
    let debug = format!("{options:?}");
    assert!(debug.contains("HTTPS_PROXY"), "{debug}");
    assert!(!debug.contains("proxy-pass"), "{debug}");
}

#[test]
fn invocations_count_by_subcommand() {
    let mut invocations = Invocations::default();
    for sub in ["fetch", "commit", "fetch"] {
        invocations.record(sub);
    }
    assert_eq!(invocations.count("fetch"), 2);
    assert_eq!(invocations.count("push"), 0);
    assert_eq!(invocations.total(), 3);
    assert_eq!(
        invocations.iter().collect::<Vec<_>>(),
        [("commit", 1), ("fetch", 2)]
    );
}

#[tokio::test]
async fn git_runs_with_an_empty_global_config() {
    let runner = GitRunner::new(GitOptions::default()).unwrap();
    let version = runner.run_ok(&GitCommand::new("--version")).await.unwrap();
    assert!(
        version.stdout.starts_with("git version "),
        "{}",
        version.stdout
    );
    let config = GitCommand::new("config").args(["--global", "--list"]);
    let output = runner.run(&config).await.unwrap();
    assert_eq!(output.stdout, "");
}

#[tokio::test]
async fn the_environment_is_private_and_cleared() {
    assert!(
        std::env::var_os("CARGO_MANIFEST_DIR").is_some(),
        "cargo sets it for tests"
    );
    let runner = GitRunner::new(GitOptions::default().with_program("/usr/bin/env")).unwrap();
    let output = runner.run_ok(&GitCommand::new("printenv")).await.unwrap();
    let env: Vec<&str> = output.stdout.lines().collect();
    let home = format!("HOME={}", runner.scratch_dir().display());
    let global = format!(
        "GIT_CONFIG_GLOBAL={}",
        runner.scratch_dir().join("gitconfig").display()
    );
    for expected in [
        home.as_str(),
        global.as_str(),
        "GIT_CONFIG_NOSYSTEM=1",
        "GIT_TERMINAL_PROMPT=0",
        "LC_ALL=C",
    ] {
        assert!(env.contains(&expected), "{expected} missing from {env:?}");
    }
    assert!(env.iter().any(|line| line.starts_with("PATH=")));
    assert!(!env.iter().any(|line| line.starts_with("CARGO")), "{env:?}");
}

#[tokio::test]
async fn standard_input_is_fed_to_the_process() {
    let runner = GitRunner::new(GitOptions::default()).unwrap();
    let command = GitCommand::new("hash-object")
        .arg("--stdin")
        .stdin("hello\n");
    let output = runner.run_ok(&command).await.unwrap();
    assert_eq!(
        output.stdout.trim(),
        "ce013625030ba8dba906f756967f9e9ca394464a"
    );
}

#[tokio::test]
async fn a_failure_carries_redacted_bounded_output() {
    let command =
        script("echo \"fatal: cannot reach 'https://bot:hunter2@git.example/r.git'\" >&2; exit 3");
    let error = shell().run_ok(&command).await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "`git -c` failed with exit status 3: fatal: cannot reach 'https://git.example/r.git'"
    );
}

#[tokio::test]
async fn a_timeout_kills_the_whole_process_group() {
    let dir = tempfile::tempdir().unwrap();
    let pids = dir.path().join("pids");
    let body = format!(
        "sleep 30 & echo $! > '{0}'; echo $$ >> '{0}'; wait",
        pids.display()
    );
    let runner = GitRunner::new(
        GitOptions::default()
            .with_program("/bin/sh")
            .with_timeout(Duration::from_millis(500)),
    )
    .unwrap();
    let started = Instant::now();
    let error = runner.run(&script(&body)).await.unwrap_err();
    assert!(matches!(error, CommandError::TimedOut { .. }), "{error}");
    assert!(started.elapsed() < Duration::from_secs(5));
    let pids = std::fs::read_to_string(&pids).unwrap();
    for pid in pids.lines() {
        assert!(
            eventually_gone(pid).await,
            "process {pid} survived the timeout"
        );
    }
}

/// Gone, or a zombie waiting for its parent to reap it.
async fn eventually_gone(pid: &str) -> bool {
    for _ in 0..50 {
        let stat = std::fs::read_to_string(Path::new("/proc").join(pid).join("stat"));
        match stat {
            Err(_) => return true,
            Ok(stat)
                if stat
                    .rsplit(')')
                    .next()
                    .is_some_and(|rest| rest.trim_start().starts_with('Z')) =>
            {
                return true;
            }
            Ok(_) => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    }
    false
}

#[tokio::test]
async fn a_missing_program_is_a_spawn_error() {
    let runner = GitRunner::new(GitOptions::default().with_program("/nonexistent/git")).unwrap();
    let error = runner.run(&GitCommand::new("status")).await.unwrap_err();
    assert!(matches!(error, CommandError::Spawn { .. }), "{error}");
}
