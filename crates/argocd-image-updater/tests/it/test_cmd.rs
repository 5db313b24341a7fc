use super::{example_tags, updater};

fn run_ok(args: &[&str]) -> String {
    let output = updater()
        .arg("test")
        .args(args)
        .arg("--loglevel=error")
        .assert()
        .success();
    String::from_utf8(output.get_output().stdout.clone()).unwrap()
}

fn run_failing(args: &[&str], code: i32) -> String {
    let output = updater()
        .arg("test")
        .args(args)
        .arg("--loglevel=error")
        .assert()
        .code(code);
    String::from_utf8(output.get_output().stderr.clone()).unwrap()
}

fn json(args: &[&str]) -> serde_json::Value {
    let tags = example_tags();
    let mut full = vec!["--tags-from", tags.as_str(), "--output", "json"];
    full.extend_from_slice(args);
    serde_json::from_str(&run_ok(&full)).unwrap()
}

#[test]
fn semver_json_report_snapshot() {
    let tags = example_tags();
    let args = [
        "nginx",
        "--semver-constraint",
        "~1.25",
        "--current",
        "1.25.1",
    ];
    let stdout = run_ok(&[&args[..], &["--tags-from", &tags, "--output", "json"]].concat());
    insta::assert_snapshot!(stdout);
}

#[test]
fn human_report_snapshot() {
    let tags = example_tags();
    let stdout = run_ok(&[
        "nginx",
        "--semver-constraint",
        "^1.25",
        "--tags-from",
        &tags,
    ]);
    insta::assert_snapshot!(stdout);
}

#[test]
fn the_tag_in_image_is_not_the_constraint() {
    let report = json(&["nginx:1.25.0"]);
    assert_eq!(report["chosen"], "1.26.1");
    assert_eq!(report["constraint"], "");
}

#[test]
fn newest_build_uses_creation_times() {
    let report = json(&[
        "nginx",
        "--update-strategy",
        "newest-build",
        "--ignore-tags",
        "latest",
        "--ignore-tags",
        "stable",
    ]);
    assert_eq!(report["strategy"], "newest-build");
    assert_eq!(report["constraint"], serde_json::Value::Null);
    // `1.26.1` and `mainline-perl` share the newest time; the greater name wins.
    assert_eq!(report["chosen"], "mainline-perl");
}

#[test]
fn allow_tags_and_deprecated_strategy_name() {
    let report = json(&[
        "nginx",
        "--update-strategy",
        "name",
        "--allow-tags",
        "regexp:^1\\.25",
    ]);
    assert_eq!(report["strategy"], "alphabetical");
    assert_eq!(report["chosen"], "1.25.4-alpine");
}

#[test]
fn downgrade_is_refused_unless_allowed() {
    let refused = json(&[
        "nginx",
        "--semver-constraint",
        "~1.25",
        "--current",
        "1.26.0",
    ]);
    assert_eq!(refused["chosen"], serde_json::Value::Null);
    assert_eq!(refused["update_needed"], false);
    let allowed = json(&[
        "nginx",
        "--semver-constraint",
        "~1.25",
        "--current",
        "1.26.0",
        "--allow-downgrade",
    ]);
    assert_eq!(allowed["chosen"], "1.25.3");
    assert_eq!(allowed["update_needed"], true);
}

#[test]
fn nothing_qualifying_is_success_with_null_chosen() {
    let report = json(&["nginx", "--semver-constraint", ">=9"]);
    assert_eq!(report["chosen"], serde_json::Value::Null);
    let text = run_ok(&[
        "nginx",
        "--semver-constraint",
        ">=9",
        "--tags-from",
        &example_tags(),
    ]);
    assert!(
        text.ends_with("no newer version of image found\n"),
        "{text}"
    );
}

#[test]
fn digest_strategy_reports_the_digest() {
    let digest = format!("sha256:{}", "c".repeat(64));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tags");
    std::fs::write(&path, format!("stable\t\t{digest}\nedge\n")).unwrap();
    let stdout = run_ok(&[
        "ghcr.io/org/app",
        "--update-strategy=digest",
        "--semver-constraint=stable",
        "--output=json",
        "--tags-from",
        path.to_str().unwrap(),
    ]);
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["chosen"], "stable");
    assert_eq!(report["chosen_digest"], digest.as_str());
}

#[test]
fn tags_can_come_from_stdin() {
    let output = updater()
        .args([
            "test",
            "nginx",
            "--tags-from",
            "-",
            "--output",
            "json",
            "--loglevel",
            "error",
        ])
        .write_stdin("1.0.0\n1.1.0\n")
        .assert()
        .success();
    let report: serde_json::Value = serde_json::from_slice(&output.get_output().stdout).unwrap();
    assert_eq!(report["chosen"], "1.1.0");
}

#[test]
fn bad_inputs_are_errors_naming_the_input() {
    let tags = example_tags();
    let cases: [(&[&str], &str); 6] = [
        (&["nginx", "--semver-constraint", "latest"], "`latest`"),
        (&["nginx", "--allow-tags", "regexp:(["], "`([`"),
        (&["nginx", "--update-strategy", "newest"], "`newest`"),
        (&["nginx", "--platforms", "linux"], "`linux`"),
        (
            &["nginx", "--update-strategy", "digest"],
            "without a version constraint",
        ),
        (&["nginx", "--credentials", "vault:x"], "--credentials"),
    ];
    for (args, expected) in cases {
        let stderr = run_failing(&[args, &["--tags-from", &tags]].concat(), 2);
        assert!(stderr.starts_with("error: "), "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        assert_eq!(
            stderr.matches("error:").count(),
            1,
            "printed once: {stderr}"
        );
    }
}

#[test]
fn malformed_registries_conf_is_an_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("registries.conf");
    std::fs::write(
        &path,
        "registries:\n- name: x\n  api_url: https://x.io\n  bogus: 1\n",
    )
    .unwrap();
    let conf = path.to_str().unwrap();
    let stderr = run_failing(
        &[
            "nginx",
            "--registries-conf-path",
            conf,
            "--tags-from",
            &example_tags(),
        ],
        2,
    );
    assert!(stderr.contains(conf), "{stderr}");
    assert!(stderr.contains("bogus"), "{stderr}");
}

#[test]
fn bad_tag_file_names_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tags");
    std::fs::write(&path, "1.0\n1.1\tnot-a-time\n").unwrap();
    let stderr = run_failing(&["nginx", "--tags-from", path.to_str().unwrap()], 2);
    assert!(stderr.contains("line 2"), "{stderr}");
}
