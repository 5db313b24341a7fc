//! Quoting: every kind of value Helm would misread written plain is quoted, and ordinary tags,
//! names and digests stay plain.

use super::{semantics, set};
use crate::render::helm_values::scalar::{Style, is_plain_safe, render};

/// Values that YAML reads as something other than this string when written plain.
const MISREAD: &[&str] = &[
    "1.10",
    "010",
    "16",
    "0755",
    "1e3",
    "0x1F",
    "0o17",
    "0b101",
    "+1",
    "-1",
    ".5",
    "1.",
    ".inf",
    "-.Inf",
    ".NaN",
    "1_000",
    "1:20",
    "2024-01-02",
    "2024-01-02T10:00:00Z",
    "true",
    "True",
    "FALSE",
    "yes",
    "Yes",
    "no",
    "NO",
    "on",
    "off",
    "y",
    "n",
    "Y",
    "N",
    "null",
    "Null",
    "NULL",
    "~",
    "",
    "<<",
    "=",
];

/// Values whose first character or content is YAML syntax.
const SYNTAX: &[&str] = &[
    "-rc1",
    "?x",
    ":x",
    ",x",
    "[x",
    "]x",
    "{x",
    "}x",
    "#x",
    "&x",
    "*x",
    "!x",
    "|x",
    ">x",
    "'x",
    "\"x",
    "%x",
    "@x",
    "`x",
    "a: b",
    "a #b",
    " lead",
    "trail ",
    "a\tb",
    "line\nbreak",
    "end:",
    "nul\u{0}",
    "bom\u{feff}",
    "ls\u{2028}",
];

/// Values that are safe plain.
const PLAIN: &[&str] = &[
    "v1.2.3",
    "1.2.3",
    "1.2.3@sha256:0123abcd",
    "latest",
    "latest@sha256:0123",
    "sha256:0123abcd",
    "ghcr.io/org/app",
    "1.0-rc1",
    "a#b",
    "a:b",
    "v1.0",
    "nginx",
    "1.2.3-alpine",
    "2024.01.02",
    "1.2.3_4",
    "é-ü",
    "x-",
    "back\\slash\"quote",
];

#[test]
fn misread_values_are_double_quoted_and_read_back_as_strings() {
    for value in MISREAD.iter().chain(SYNTAX) {
        let out = set("image:\n  tag: x\n", "image.tag", value);
        let line = out.lines().nth(1).unwrap_or_default();
        assert!(line.starts_with("  tag: \""), "{value:?} gave {line:?}");
        assert_eq!(
            semantics(&out)["image"]["tag"],
            *value,
            "{value:?} read back from {out:?}"
        );
    }
}

#[test]
fn the_exact_quoted_forms() {
    let cases = [
        ("1.10", r#""1.10""#),
        ("yes", r#""yes""#),
        ("", r#""""#),
        ("a: b", r#""a: b""#),
        ("back\\slash\"quote", r#""back\\slash\"quote""#),
        ("line\nbreak\ttab\r", r#""line\nbreak\ttab\r""#),
        ("nul\u{0}", r#""nul\u0000""#),
        ("ls\u{2028}", r#""ls\u2028""#),
        ("é", r#""é""#),
    ];
    for (value, expected) in cases {
        assert_eq!(
            render(value, Style::DoubleQuoted, false),
            expected,
            "{value:?}"
        );
    }
}

#[test]
fn ordinary_values_stay_plain() {
    for value in PLAIN {
        assert!(is_plain_safe(value, false), "{value:?}");
        let out = set("image:\n  tag: x\n", "image.tag", value);
        assert_eq!(out, format!("image:\n  tag: {value}\n"));
        assert_eq!(semantics(&out)["image"]["tag"], *value);
    }
}

#[test]
fn inside_flow_collections_flow_indicators_and_colons_are_quoted() {
    for value in ["sha256:abc", "a,b", "a[b", "a]b", "a{b", "a}b"] {
        assert!(!is_plain_safe(value, true), "{value:?}");
        assert!(is_plain_safe(value, false), "{value:?}");
        let out = set("image: {tag: x}\n", "image.tag", value);
        assert_eq!(out, format!("image: {{tag: \"{value}\"}}\n"));
        assert_eq!(semantics(&out)["image"]["tag"], value);
    }
}

#[test]
fn quoted_originals_keep_their_quotes() {
    assert_eq!(set("tag: \"v1\"\n", "tag", "v2"), "tag: \"v2\"\n");
    assert_eq!(set("tag: 'v1'\n", "tag", "v2"), "tag: 'v2'\n");
    assert_eq!(set("tag: 'v1'\n", "tag", "it's"), "tag: 'it''s'\n");
    assert_eq!(set("tag: 'v1'\n", "tag", "1.10"), "tag: '1.10'\n");
    assert_eq!(set("tag: \"v1\"\n", "tag", "a\"b"), "tag: \"a\\\"b\"\n");
    // Single quotes cannot hold a line break or a control character.
    assert_eq!(set("tag: 'v1'\n", "tag", "a\nb"), "tag: \"a\\nb\"\n");
}

#[test]
fn new_keys_are_quoted_when_needed() {
    let out = set("a: 1\n", "1.10", "x");
    assert_eq!(out, "a: 1\n\"1\":\n  \"10\": x\n");
    assert_eq!(semantics(&out)["1"]["10"], "x");
    let out = set("a: 1\n", "yes.tag", "x");
    assert_eq!(out, "a: 1\n\"yes\":\n  tag: x\n");
    assert_eq!(semantics(&out)["yes"]["tag"], "x");
}
