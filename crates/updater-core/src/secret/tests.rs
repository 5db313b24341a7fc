//! Unit tests for the redacting secret type.

use super::Secret;

#[test]
fn formatting_never_shows_the_value() {
    let secret = Secret::new("hunter2");
    assert_eq!(format!("{secret}"), "<redacted>");
    assert_eq!(format!("{secret:?}"), "Secret(<redacted>)");
    assert_eq!(
        format!("{:?}", Some(secret.clone())),
        "Some(Secret(<redacted>))"
    );
    assert_eq!(secret.expose(), "hunter2");
}

#[test]
fn conversions_keep_the_value() {
    assert_eq!(Secret::from("a").expose(), "a");
    assert_eq!(Secret::from(String::from("b")).into_exposed(), "b");
}
