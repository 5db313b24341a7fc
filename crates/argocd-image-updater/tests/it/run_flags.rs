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

/// Runs `run --once` with `args` and `env` against a kubeconfig that does not exist, so that it
/// stops with exit code 1 right after the flags and the environment are handled; returns stderr.
fn past_the_flags(args: &[&str], env: &[(&str, &str)]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let mut command = updater();
    command.args(["run", "--once", "--kubeconfig"]);
    command.arg(dir.path().join("nope.yaml")).args(args);
    for (name, value) in env {
        command.env(name, value);
    }
    let output = command.assert().code(1);
    let stderr = String::from_utf8_lossy(&output.get_output().stderr).into_owned();
    assert!(
        stderr.contains("cannot connect to the kubernetes api"),
        "{args:?} {env:?}: {stderr}"
    );
    stderr
}

fn refused_with_env(env: &[(&str, &str)], expected: &str) {
    let mut command = updater();
    command.args(["run", "--once"]);
    for (name, value) in env {
        command.env(name, value);
    }
    let output = command.assert().code(2);
    let stderr = String::from_utf8_lossy(&output.get_output().stderr).into_owned();
    assert!(stderr.contains(expected), "{env:?}: {stderr}");
}

#[test]
fn bad_concurrency_env_values_warn_instead_of_refusing() {
    let stderr = past_the_flags(
        &[],
        &[
            ("MAX_CONCURRENT_APPS", "abc"),
            ("MAX_CONCURRENT_RECONCILES", "50"),
        ],
    );
    assert!(
        stderr.contains("`MAX_CONCURRENT_APPS` = `abc`: not a whole number"),
        "{stderr}"
    );
    assert!(
        stderr.contains("`MAX_CONCURRENT_RECONCILES` = `50`: outside 1..=10"),
        "{stderr}"
    );
}

#[test]
fn an_env_of_zero_apps_keeps_the_default_where_the_flag_is_refused() {
    let stderr = past_the_flags(&[], &[("MAX_CONCURRENT_APPS", "0")]);
    assert!(stderr.contains("`MAX_CONCURRENT_APPS` = `0`"), "{stderr}");
}

#[test]
fn an_interval_env_without_unit_warns_and_uses_the_default() {
    // Were `5` used, `run` would refuse it with exit code 2, as it does the flag.
    let stderr = past_the_flags(&[], &[("IMAGE_UPDATER_INTERVAL", "5")]);
    assert!(
        stderr.contains("`IMAGE_UPDATER_INTERVAL` = `5`: missing unit"),
        "{stderr}"
    );
}

#[test]
fn a_bad_value_of_a_validated_string_env_is_refused_as_the_flag_would_be() {
    refused_with_env(&[("IMAGE_UPDATER_LOGFORMAT", "xml")], "xml");
    refused_with_env(&[("IMAGE_UPDATER_LOGLEVEL", "loud")], "loud");
    refused_with_env(&[("GIT_COMMIT_METHOD", "svn")], "svn");
}

#[test]
fn the_env_seeds_a_flag_and_an_explicit_flag_beats_it() {
    // The ignored env value makes a warning, logged in the format chosen.
    let json_env = [
        ("IMAGE_UPDATER_LOGFORMAT", "json"),
        ("MAX_CONCURRENT_APPS", "abc"),
    ];
    let json = past_the_flags(&[], &json_env);
    let warning = json
        .lines()
        .find(|line| line.contains("MAX_CONCURRENT_APPS"));
    assert!(
        warning.is_some_and(|line| line.starts_with("{\"")),
        "{json}"
    );
    let text = past_the_flags(&["--logformat", "text"], &json_env);
    let warning = text
        .lines()
        .find(|line| line.contains("MAX_CONCURRENT_APPS"));
    assert!(warning.is_some_and(|line| !line.starts_with('{')), "{text}");
    past_the_flags(&["--logformat=text"], &[("IMAGE_UPDATER_LOGFORMAT", "xml")]);
}

#[test]
fn bool_flags_accept_go_forms() {
    past_the_flags(
        &[
            "--dry-run=false",
            "--disable-kube-events=true",
            "--git-commit-sign-off=false",
            "--legacy-annotations=false",
            "--warmup-cache=false",
        ],
        &[],
    );
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.yaml");
    let output = updater()
        .args(["run", "--once=true", "--dry-run", "--kubeconfig"])
        .arg(&missing)
        .assert()
        .code(1);
    assert!(String::from_utf8_lossy(&output.get_output().stderr).contains("kubernetes api"));
    refused(&["--once", "--dry-run=maybe"], "maybe");
}

#[test]
fn a_bad_bool_env_warns_and_is_ignored() {
    let stderr = past_the_flags(
        &[],
        &[
            ("IMAGE_UPDATER_KUBE_EVENTS", "off"),
            ("GIT_COMMIT_SIGN_OFF", "yes"),
        ],
    );
    assert!(
        stderr.contains("`IMAGE_UPDATER_KUBE_EVENTS` = `off`"),
        "{stderr}"
    );
    assert!(stderr.contains("`GIT_COMMIT_SIGN_OFF` = `yes`"), "{stderr}");
}
