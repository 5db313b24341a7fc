//! The env rules one by one, through a table lookup instead of the process environment.

use super::*;

/// A lookup over `pairs`, as the process environment would answer.
fn table(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + use<> {
    let pairs: Vec<(String, String)> = pairs
        .iter()
        .map(|(name, value)| (name.to_string(), value.to_string()))
        .collect();
    move |name| {
        pairs
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
    }
}

/// Reads `name` = `value` with `read`, returning the result and the warnings.
fn read<T>(
    value: &str,
    read: impl FnOnce(&mut EnvReader<'_>, &str) -> Option<T>,
) -> (Option<T>, Vec<String>) {
    let lookup = table(&[("VAR", value)]);
    let mut reader = EnvReader::new(&lookup);
    let result = read(&mut reader, "VAR");
    (result, reader.into_warnings())
}

fn warns_about(warnings: &[String], value: &str) {
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("`VAR`"), "{warnings:?}");
    assert!(warnings[0].contains(&format!("`{value}`")), "{warnings:?}");
}

#[test]
fn unset_and_empty_values_mean_the_default_without_a_warning() {
    let lookup = table(&[("EMPTY", "")]);
    let mut reader = EnvReader::new(&lookup);
    for name in ["UNSET", "EMPTY"] {
        assert_eq!(reader.string(name), None);
        assert_eq!(reader.bool(name), None);
        assert_eq!(reader.int(name, 1..=10), None);
        assert_eq!(reader.duration(name), None);
    }
    assert!(reader.into_warnings().is_empty());
}

#[test]
fn a_string_is_used_as_written_when_not_empty() {
    for value in ["json", " ", "  spaced  ", "a,b"] {
        let (result, warnings) = read(value, |r, n| r.string(n));
        assert_eq!(result.as_deref(), Some(value));
        assert!(warnings.is_empty());
    }
}

#[test]
fn a_bool_is_true_or_false_in_any_case() {
    for (value, expected) in [
        ("true", true),
        ("TRUE", true),
        ("tRuE", true),
        ("false", false),
        ("False", false),
        ("FALSE", false),
    ] {
        let (result, warnings) = read(value, |r, n| r.bool(n));
        assert_eq!(result, Some(expected), "{value}");
        assert!(warnings.is_empty(), "{value}: {warnings:?}");
    }
}

#[test]
fn any_other_bool_is_ignored_with_a_warning() {
    // Go's flag parser would take `1` and `t`; its env helper does not.
    for value in ["1", "0", "t", "yes", "on", " true", "true "] {
        let (result, warnings) = read(value, |r, n| r.bool(n));
        assert_eq!(result, None, "{value}");
        warns_about(&warnings, value);
        assert!(warnings[0].contains("true or false"), "{warnings:?}");
    }
}

#[test]
fn an_int_inside_the_bounds_is_used_bounds_included() {
    for (value, expected) in [("1", 1), ("100", 100), ("42", 42), ("+7", 7)] {
        let (result, warnings) = read(value, |r, n| r.int(n, 1..=100));
        assert_eq!(result, Some(expected), "{value}");
        assert!(warnings.is_empty(), "{value}: {warnings:?}");
    }
}

#[test]
fn an_int_outside_the_bounds_is_ignored_with_a_warning() {
    for value in ["0", "101", "-1", "9223372036854775807"] {
        let (result, warnings) = read(value, |r, n| r.int(n, 1..=100));
        assert_eq!(result, None, "{value}");
        warns_about(&warnings, value);
        assert!(warnings[0].contains("outside 1..=100"), "{warnings:?}");
    }
}

#[test]
fn a_non_number_is_ignored_with_a_warning() {
    for value in [
        "abc",
        "5x",
        " 5",
        "5 ",
        "1.5",
        "1_000",
        "99999999999999999999",
    ] {
        let (result, warnings) = read(value, |r, n| r.int(n, 1..=100));
        assert_eq!(result, None, "{value}");
        warns_about(&warnings, value);
        assert!(warnings[0].contains("not a whole number"), "{warnings:?}");
    }
}

#[test]
fn the_original_bounds_of_the_concurrency_variables() {
    assert_eq!(MAX_CONCURRENT_APPS_RANGE, 1..=100);
    assert_eq!(MAX_CONCURRENT_RECONCILES_RANGE, 1..=10);
    let (ten, _) = read("10", |r, n| r.int(n, MAX_CONCURRENT_RECONCILES_RANGE));
    let (eleven, warnings) = read("11", |r, n| r.int(n, MAX_CONCURRENT_RECONCILES_RANGE));
    assert_eq!((ten, eleven), (Some(10), None));
    warns_about(&warnings, "11");
}

#[test]
fn the_original_bounds_of_the_webhook_variables() {
    assert_eq!(WEBHOOK_PORT_RANGE, 0..=65535);
    assert_eq!(WEBHOOK_RATELIMIT_RANGE, 0..=i64::MAX);
    let (zero, _) = read("0", |r, n| r.int(n, WEBHOOK_PORT_RANGE));
    let (too_high, warnings) = read("65536", |r, n| r.int(n, WEBHOOK_PORT_RANGE));
    assert_eq!((zero, too_high), (Some(0), None));
    warns_about(&warnings, "65536");
    let (negative, warnings) = read("-1", |r, n| r.int(n, WEBHOOK_RATELIMIT_RANGE));
    assert_eq!(negative, None);
    warns_about(&warnings, "-1");
}

#[test]
fn a_go_duration_is_kept_as_written() {
    for value in ["30s", "2m0s", "1h30m", "0", "1.5h", "500ms"] {
        let (result, warnings) = read(value, |r, n| r.duration(n));
        assert_eq!(result.as_deref(), Some(value));
        assert!(warnings.is_empty(), "{value}: {warnings:?}");
    }
}

#[test]
fn an_invalid_duration_is_ignored_with_the_reason() {
    for (value, reason) in [
        ("5", "missing unit"),
        ("5d", "unknown unit"),
        ("soon", "invalid duration"),
        ("-1m", "negative"),
    ] {
        let (result, warnings) = read(value, |r, n| r.duration(n));
        assert_eq!(result, None, "{value}");
        warns_about(&warnings, value);
        assert!(warnings[0].contains(reason), "{value}: {warnings:?}");
    }
}

#[test]
fn warnings_accumulate_in_reading_order() {
    let lookup = table(&[("A", "x"), ("B", "ok"), ("C", "1")]);
    let mut reader = EnvReader::new(&lookup);
    assert_eq!(reader.int("A", 1..=2), None);
    assert_eq!(reader.string("B").as_deref(), Some("ok"));
    assert_eq!(reader.duration("C"), None);
    let warnings = reader.into_warnings();
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(warnings[0].contains("`A`"));
    assert!(warnings[1].contains("`C`"));
}
