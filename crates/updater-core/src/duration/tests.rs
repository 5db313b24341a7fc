//! Tests for the Go duration port, mostly Go's own `time_test.go` tables.

use super::*;
use proptest::prelude::*;

const SECOND: u64 = NANOS_PER_SECOND;
const MINUTE: u64 = 60 * SECOND;
const HOUR: u64 = 60 * MINUTE;
const MILLI: u64 = NANOS_PER_MILLI;
const MICRO: u64 = NANOS_PER_MICRO;

fn nanos(text: &str) -> u64 {
    let parsed = parse_go_duration(text).unwrap_or_else(|e| panic!("{text}: {e}"));
    u64::try_from(parsed.as_nanos()).unwrap_or(u64::MAX)
}

#[test]
fn parses_go_table() {
    let table: &[(&str, u64)] = &[
        ("0", 0),
        ("5s", 5 * SECOND),
        ("30s", 30 * SECOND),
        ("1478s", 1478 * SECOND),
        ("+5s", 5 * SECOND),
        ("-0", 0),
        ("+0", 0),
        ("-0s", 0),
        ("5.0s", 5 * SECOND),
        ("5.6s", 5 * SECOND + 600 * MILLI),
        ("5.s", 5 * SECOND),
        (".5s", 500 * MILLI),
        ("1.0s", SECOND),
        ("1.00s", SECOND),
        ("1.004s", SECOND + 4 * MILLI),
        ("1.0040s", SECOND + 4 * MILLI),
        ("100.00100s", 100 * SECOND + MILLI),
        ("10ns", 10),
        ("11us", 11 * MICRO),
        ("12\u{b5}s", 12 * MICRO),
        ("12\u{3bc}s", 12 * MICRO),
        ("13ms", 13 * MILLI),
        ("14s", 14 * SECOND),
        ("15m", 15 * MINUTE),
        ("16h", 16 * HOUR),
        ("3h30m", 3 * HOUR + 30 * MINUTE),
        ("1h30m", HOUR + 30 * MINUTE),
        ("10.5s4m", 4 * MINUTE + 10 * SECOND + 500 * MILLI),
        (
            "1h2m3s4ms5us6ns",
            HOUR + 2 * MINUTE + 3 * SECOND + 4 * MILLI + 5 * MICRO + 6,
        ),
        (
            "39h9m14.425s",
            39 * HOUR + 9 * MINUTE + 14 * SECOND + 425 * MILLI,
        ),
        ("52763797000ns", 52_763_797_000),
        ("0.3333333333333333333h", 20 * MINUTE),
        ("9007199254740993ns", (1 << 53) + 1),
        ("9223372036854775807ns", MAX_NANOS),
        ("9223372036854775.807us", MAX_NANOS),
        ("9223372036s854ms775us807ns", MAX_NANOS),
        ("0.100000000000000000000h", 6 * MINUTE),
        (
            "0.830103483285477580700h",
            49 * MINUTE + 48 * SECOND + 372_539_827,
        ),
    ];
    for (text, want) in table {
        assert_eq!(nanos(text), *want, "{text}");
    }
}

#[test]
fn rejects_malformed_durations_naming_the_input() {
    for text in [
        "", "3", "-", "s", ".", "-.", ".s", "+.s", "\u{fffd}", "1.5", "h1", "--1s",
    ] {
        let err = parse_go_duration(text).expect_err(text);
        assert!(
            matches!(
                err,
                DurationError::Invalid { .. } | DurationError::MissingUnit { .. }
            ),
            "{text}: {err:?}"
        );
        assert!(err.to_string().contains(&format!("`{text}`")), "{err}");
    }
}

#[test]
fn a_unitless_non_zero_number_is_missing_its_unit() {
    assert_eq!(
        parse_go_duration("30"),
        Err(DurationError::MissingUnit { input: "30".into() })
    );
    assert_eq!(
        parse_go_duration("1h5"),
        Err(DurationError::MissingUnit {
            input: "1h5".into()
        })
    );
}

#[test]
fn rejects_unknown_units() {
    for (text, unit) in [
        ("1d", "d"),
        ("1 h", " h"),
        ("2H", "H"),
        ("3sec", "sec"),
        ("1w2h", "w"),
        ("1h ", "h "),
    ] {
        assert_eq!(
            parse_go_duration(text),
            Err(DurationError::UnknownUnit {
                unit: unit.into(),
                input: text.into()
            }),
            "{text}"
        );
    }
    let err = parse_go_duration("1d").unwrap_err();
    assert_eq!(err.to_string(), "unknown unit `d` in duration `1d`");
}

#[test]
fn rejects_negative_durations() {
    for text in ["-5s", "-2m3.4s", "-1ns", "-9223372036854775808ns"] {
        assert_eq!(
            parse_go_duration(text),
            Err(DurationError::Negative { input: text.into() }),
            "{text}"
        );
    }
}

#[test]
fn rejects_overflow() {
    for text in [
        "9223372036854775810ns",
        "9223372036854775808ns",
        "9223372036854776us",
        "3000000h",
        "9223372036854775.808us",
        "9223372036854ms775us808ns",
        "99999999999999999999999s",
    ] {
        assert_eq!(
            parse_go_duration(text),
            Err(DurationError::OutOfRange { input: text.into() }),
            "{text}"
        );
    }
}

#[test]
fn formats_like_go_string() {
    let table: &[(u64, &str)] = &[
        (0, "0s"),
        (1, "1ns"),
        (1100, "1.1\u{b5}s"),
        (2200 * MICRO, "2.2ms"),
        (500 * MILLI, "500ms"),
        (3300 * MILLI, "3.3s"),
        (4 * MINUTE + 5 * SECOND, "4m5s"),
        (4 * MINUTE + 5001 * MILLI, "4m5.001s"),
        (5 * HOUR + 6 * MINUTE + 7001 * MILLI, "5h6m7.001s"),
        (8 * MINUTE + 1, "8m0.000000001s"),
        (2 * MINUTE, "2m0s"),
        (HOUR, "1h0m0s"),
        (HOUR + 30 * MINUTE, "1h30m0s"),
        (MAX_NANOS, "2562047h47m16.854775807s"),
    ];
    for (value, want) in table {
        assert_eq!(format_go_duration(Duration::from_nanos(*value)), *want);
    }
}

#[test]
fn formats_durations_beyond_go_range() {
    let huge = Duration::from_secs(u64::MAX);
    assert!(format_go_duration(huge).ends_with("m15s"));
}

proptest! {
    #[test]
    fn parse_never_panics(text in ".{0,40}") {
        let _ = parse_go_duration(&text);
    }

    #[test]
    fn parse_never_panics_on_duration_like_text(text in "[-+]?[0-9.]{0,25}(ns|us|µs|ms|s|m|h|x)?[0-9.hms]{0,10}") {
        let _ = parse_go_duration(&text);
    }

    #[test]
    fn format_then_parse_round_trips(value in 0u64..=MAX_NANOS) {
        let duration = Duration::from_nanos(value);
        prop_assert_eq!(parse_go_duration(&format_go_duration(duration)), Ok(duration));
    }
}
