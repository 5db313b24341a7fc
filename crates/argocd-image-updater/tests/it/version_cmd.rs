use super::updater;

#[test]
fn short_version_has_the_original_format() {
    let output = updater().args(["version", "--short"]).assert().success();
    let stdout = String::from_utf8(output.get_output().stdout.clone()).unwrap();
    let version = stdout.trim();
    let (number, commit) = version.trim_start_matches('v').split_once('+').unwrap();
    assert!(version.starts_with('v'), "{version}");
    assert_eq!(number, env!("CARGO_PKG_VERSION"));
    assert!(!commit.is_empty() && commit.len() <= 7, "{version}");
}

#[test]
fn full_version_has_six_lines() {
    let output = updater().arg("version").assert().success();
    let stdout = String::from_utf8(output.get_output().stdout.clone()).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 6, "{stdout}");
    assert!(lines[0].starts_with("argocd-image-updater: v"));
    assert!(lines[1].starts_with("  BuildDate: "));
    assert!(lines[5].starts_with("  Platform: "));
}

#[test]
fn unknown_subcommands_are_refused_and_webhook_is_offered() {
    updater().arg("completion").assert().code(2);
    let help = updater().arg("--help").assert().success();
    let stdout = String::from_utf8_lossy(&help.get_output().stdout).into_owned();
    assert!(stdout.contains("webhook"), "{stdout}");
}
