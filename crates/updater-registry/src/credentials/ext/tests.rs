use std::os::unix::fs::PermissionsExt;
use std::time::{Duration, Instant};

use super::*;

fn script(dir: &tempfile::TempDir, body: &str) -> String {
    let path = dir.path().join("creds.sh");
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path.to_str().unwrap().to_owned()
}

#[tokio::test]
async fn script_output_is_user_and_password() {
    let dir = tempfile::tempdir().unwrap();
    let provider = ExtProvider::new(&script(&dir, "echo 'AWS:tok:en'"));
    let credentials = provider.credentials(false).await.unwrap();
    assert_eq!(credentials.username, "AWS");
    assert_eq!(credentials.password.expose(), "tok:en");
}

#[tokio::test]
async fn a_hanging_script_is_killed_at_the_timeout() {
    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("still-running");
    let body = format!("sleep 2; touch {}", marker.display());
    let provider = ExtProvider::new(&script(&dir, &body)).with_timeout(Duration::from_millis(300));
    let started = Instant::now();
    let error = provider.credentials(false).await.unwrap_err().to_string();
    assert!(started.elapsed() < Duration::from_secs(2), "{error}");
    assert!(error.contains("did not finish"), "{error}");
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert!(!marker.exists(), "the script was not killed");
}

#[tokio::test]
async fn failures_are_reported_without_output() {
    let dir = tempfile::tempdir().unwrap();
    let failing = ExtProvider::new(&script(&dir, "echo 'u:secretvalue'; exit 3"));
    let error = failing.credentials(false).await.unwrap_err().to_string();
    assert!(error.contains("exited"), "{error}");
    assert!(!error.contains("secretvalue"), "{error}");
    let malformed = ExtProvider::new(&script(&dir, "echo nocolon-secretvalue"));
    let error = malformed.credentials(false).await.unwrap_err().to_string();
    assert!(!error.contains("secretvalue"), "{error}");
    let missing = ExtProvider::new("/nonexistent/script");
    assert!(missing.credentials(false).await.is_err());
}
