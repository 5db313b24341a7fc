//! `run` flag validation: bad flags are refused with exit code 2 and a message naming the flag,
//! before anything connects to a cluster.

use super::updater;

fn refused(args: &[&str], expected: &str) {
    let output = updater().arg("run").args(args).assert().code(2);
    let stderr = String::from_utf8_lossy(&output.get_output().stderr).into_owned();
    assert!(stderr.contains(expected), "{args:?}: {stderr}");
}

#[test]
fn bad_interval_and_probe_address_are_refused() {
    refused(&["--interval", "5"], "missing unit");
    refused(&["--interval=-1m"], "negative");
    refused(
        &["--health-probe-bind-address", ":http"],
        "--health-probe-bind-address",
    );
}

#[test]
fn legacy_filters_need_legacy_mode() {
    refused(
        &["--once", "--match-application-name", "web-*"],
        "--legacy-annotations",
    );
}

#[test]
fn unknown_commit_method_log_format_and_level_are_refused() {
    refused(&["--once", "--git-commit-method", "svn"], "svn");
    refused(&["--once", "--git-commit-method", "api"], "not built yet");
    refused(&["--once", "--logformat", "xml"], "xml");
    refused(&["--once", "--loglevel", "loud"], "loud");
    refused(
        &["--once", "--max-concurrent-apps", "0"],
        "--max-concurrent-apps",
    );
}

#[test]
fn an_unreadable_kubeconfig_fails_the_pass() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.yaml");
    let output = updater()
        .args(["run", "--once", "--kubeconfig"])
        .arg(&missing)
        .assert()
        .code(1);
    let stderr = String::from_utf8_lossy(&output.get_output().stderr).into_owned();
    assert!(
        stderr.contains("cannot connect to the kubernetes api"),
        "{stderr}"
    );
}
