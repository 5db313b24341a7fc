//! Tests of go-yaml v3's scalar styles: each case is what go-yaml writes for the string.

use super::{Context, scalar};

const BLOCK: Context = Context::Block { indent: 4 };

fn assert_block(cases: &[(&str, &str)]) {
    for (value, expected) in cases {
        assert_eq!(scalar(value, BLOCK), *expected, "value {value:?}");
    }
}

#[test]
fn strings_go_yaml_reads_as_another_type_are_double_quoted() {
    assert_block(&[
        ("1.10", r#""1.10""#),
        ("123", r#""123""#),
        ("010", r#""010""#),
        ("09", r#""09""#),
        ("0x1F", r#""0x1F""#),
        ("0o17", r#""0o17""#),
        ("0b101", r#""0b101""#),
        ("1_000", r#""1_000""#),
        ("+1", r#""+1""#),
        ("-1.5", r#""-1.5""#),
        ("1e3", r#""1e3""#),
        (".5", r#"".5""#),
        (".inf", r#"".inf""#),
        ("-.Inf", r#""-.Inf""#),
        (".NaN", r#"".NaN""#),
        ("18446744073709551615", r#""18446744073709551615""#),
        ("99999999999999999999", r#""99999999999999999999""#),
        ("true", r#""true""#),
        ("False", r#""False""#),
        ("null", r#""null""#),
        ("~", r#""~""#),
        ("", r#""""#),
    ]);
}

#[test]
fn yaml_1_1_bools_base60_and_timestamps_are_double_quoted() {
    assert_block(&[
        ("y", r#""y""#),
        ("yes", r#""yes""#),
        ("No", r#""No""#),
        ("on", r#""on""#),
        ("OFF", r#""OFF""#),
        ("1:20", r#""1:20""#),
        ("190:20:30.15", r#""190:20:30.15""#),
        ("2024-01-15", r#""2024-01-15""#),
        ("2024-1-5", r#""2024-1-5""#),
        ("2024-02-29", r#""2024-02-29""#),
        ("2024-01-15T10:20:30Z", r#""2024-01-15T10:20:30Z""#),
        (
            "2024-01-15t10:20:30.5+02:00",
            r#""2024-01-15t10:20:30.5+02:00""#,
        ),
        ("2024-01-15 10:20:30", r#""2024-01-15 10:20:30""#),
    ]);
}

#[test]
fn strings_that_only_look_typed_stay_plain() {
    assert_block(&[
        ("1.2.3", "1.2.3"),
        ("v1.10", "v1.10"),
        ("1.25-alpine", "1.25-alpine"),
        ("2023-02-29", "2023-02-29"),
        ("2024-01-15-abc", "2024-01-15-abc"),
        ("20240115", r#""20240115""#),
        ("1e400", "1e400"),
        ("0x", "0x"),
        ("08.5.1", "08.5.1"),
        ("yes-please", "yes-please"),
        ("<<", "<<"),
        ("sha256:abc", "sha256:abc"),
        (
            "registry:5000/app:1.0@sha256:abc",
            "registry:5000/app:1.0@sha256:abc",
        ),
        ("alias=nginx:1.25", "alias=nginx:1.25"),
        ("-x", "-x"),
        ("?x", "?x"),
        (":x", ":x"),
        ("x]", "x]"),
        ("it's", "it's"),
        ("a#b", "a#b"),
        ("é", "é"),
    ]);
}

#[test]
fn indicators_and_edge_spaces_are_single_quoted() {
    assert_block(&[
        ("*x", "'*x'"),
        ("&x", "'&x'"),
        ("!x", "'!x'"),
        ("@x", "'@x'"),
        ("%x", "'%x'"),
        ("`x", "'`x'"),
        ("|x", "'|x'"),
        (">x", "'>x'"),
        ("[x", "'[x'"),
        ("{x", "'{x'"),
        ("#x", "'#x'"),
        ("- x", "'- x'"),
        ("-", "'-'"),
        ("?", "'?'"),
        ("x:", "'x:'"),
        ("a: b", "'a: b'"),
        ("a #b", "'a #b'"),
        (" lead", "' lead'"),
        ("trail ", "'trail '"),
        ("---", "'---'"),
        ("...", "'...'"),
        ("'q", "'''q'"),
        ("\"q", "'\"q'"),
    ]);
}

#[test]
fn control_and_astral_characters_are_escaped_in_double_quotes() {
    assert_block(&[
        ("a\tb", r#""a\tb""#),
        ("a\rb", r#""a\rb""#),
        ("a\u{1}b", r#""a\x01b""#),
        ("a\u{7f}", r#""a\x7F""#),
        ("a\u{85}", r#""a\N""#),
        ("\u{feff}x", r#""\uFEFFx""#),
        ("😀", r#""\U0001F600""#),
        ("a\\b\t", r#""a\\b\t""#),
        ("q\"\t", r#""q\"\t""#),
    ]);
}

#[test]
fn multi_line_strings_are_literal_blocks_with_chomping_hints() {
    assert_block(&[
        ("a\nb", "|-\n      a\n      b\n"),
        ("a\n", "|\n      a\n"),
        ("a\n\n", "|+\n      a\n\n"),
        ("\n", "|2+\n\n"),
        (" a\nb", "|2-\n       a\n      b\n"),
        ("a\n\nb", "|-\n      a\n\n      b\n"),
        ("a\n b", "|-\n      a\n       b\n"),
        ("a\tb\nc", "|-\n      a\tb\n      c\n"),
    ]);
}

#[test]
fn multi_line_strings_a_block_cannot_hold_are_double_quoted() {
    assert_block(&[
        ("a \nb", r#""a \nb""#),
        ("a\nb ", r#""a\nb ""#),
        ("a\r\nb", r#""a\r\nb""#),
        ("a\u{2028}\nb", r#""a\L\nb""#),
    ]);
}

#[test]
fn flow_context_quotes_flow_indicators() {
    let cases = [
        ("x", "x"),
        ("sha256:abc", "'sha256:abc'"),
        ("a,b", "'a,b'"),
        ("x]", "'x]'"),
        ("1.1", r#""1.1""#),
        ("", r#""""#),
        ("a\nb", r#""a\nb""#),
    ];
    for (value, expected) in cases {
        assert_eq!(scalar(value, Context::Flow), expected, "value {value:?}");
    }
}
