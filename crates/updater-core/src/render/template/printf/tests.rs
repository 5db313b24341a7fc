//! Tests for the Go-style `printf` directive handling.

use super::*;
use proptest::prelude::*;

fn sprintf(format: &str, operands: &[Value]) -> String {
    let mut args = vec![Value::from(format)];
    args.extend_from_slice(operands);
    match printf(&args) {
        Ok(Value::String(text)) => text,
        other => panic!("{format:?}: {other:?}"),
    }
}

#[test]
fn formats_common_verbs() {
    assert_eq!(
        sprintf("%s-%d", &[Value::from("v"), Value::from(42)]),
        "v-42"
    );
    assert_eq!(
        sprintf("%05d|%-4d|", &[Value::from(42), Value::from(7)]),
        "00042|7   |"
    );
    assert_eq!(
        sprintf("%x %X", &[Value::from(255), Value::from(255)]),
        "ff FF"
    );
    assert_eq!(sprintf("%q", &[Value::from("hi")]), "\"hi\"");
    assert_eq!(
        sprintf("%v %t", &[Value::from(true), Value::from(false)]),
        "true false"
    );
    assert_eq!(sprintf("%.2f", &[Value::from(1.23456)]), "1.23");
    assert_eq!(sprintf("%.3s", &[Value::from("abcdef")]), "abc");
    assert_eq!(
        sprintf("caf\u{e9} %s \u{1f680}", &[Value::from("ok")]),
        "caf\u{e9} ok \u{1f680}"
    );
}

#[test]
fn percent_percent_is_a_literal_percent() {
    assert_eq!(sprintf("100%%", &[]), "100%");
    assert_eq!(
        sprintf("%d%% of %s", &[Value::from(5), Value::from("x")]),
        "5% of x"
    );
    assert_eq!(sprintf("%5%", &[]), "%");
}

#[test]
fn explicit_argument_indexes() {
    let operands = [Value::from("a"), Value::from("b")];
    assert_eq!(sprintf("%[2]s %[1]s", &operands), "b a");
    assert_eq!(
        sprintf(
            "%[2]s %s",
            &[Value::from("a"), Value::from("b"), Value::from("c")]
        ),
        "b c"
    );
    assert_eq!(sprintf("%[0]s", &operands), "%!s(BADINDEX)");
    assert_eq!(sprintf("%[3]s", &operands), "%!s(BADINDEX)");
    assert_eq!(sprintf("%[x]s", &operands), "%!s(BADINDEX)");
    assert_eq!(sprintf("%[1s", &operands), "%!s(BADINDEX)");
}

#[test]
fn star_width_and_precision_take_operands() {
    assert_eq!(
        sprintf("%*d|", &[Value::from(5), Value::from(42)]),
        "   42|"
    );
    assert_eq!(
        sprintf("%*d|", &[Value::from(-5), Value::from(42)]),
        "42   |"
    );
    assert_eq!(sprintf("%.*s", &[Value::from(2), Value::from("abc")]), "ab");
    assert_eq!(
        sprintf("%*d", &[Value::from("x"), Value::from(1)]),
        "%!(BADWIDTH)1"
    );
    assert_eq!(
        sprintf("%.*s", &[Value::from(-1), Value::from("abc")]),
        "%!(BADPREC)abc"
    );
    assert_eq!(
        sprintf("%*d", &[Value::from(2_000_000), Value::from(1)]),
        "%!(BADWIDTH)1"
    );
}

#[test]
fn malformed_directives_give_go_markers() {
    assert_eq!(sprintf("%d %d", &[Value::from(1)]), "1 %!d(MISSING)");
    assert_eq!(sprintf("end %", &[]), "end %!(NOVERB)");
    assert_eq!(sprintf("%-", &[]), "%!(NOVERB)");
    assert_eq!(sprintf("%9999999d", &[Value::from(1)]), "%!(NOVERB)");
    assert_eq!(sprintf("%.9999999d", &[Value::from(1)]), "%!(NOVERB)");
    assert_eq!(
        sprintf("%s", &[Value::from("a"), Value::from("extra")]),
        "a"
    );
}

#[test]
fn unsuitable_verbs_give_bad_verb_markers() {
    assert_eq!(sprintf("%z", &[Value::from(1)]), "%!z(int=1)");
    assert_eq!(sprintf("%d", &[Value::from("text")]), "%!d(string=text)");
    assert_eq!(sprintf("%x", &[Value::from(3.5)]), "%!x(float64=3.5)");
    assert_eq!(sprintf("%s", &[Value::Nil]), "%!s(<nil>)");
    assert_eq!(sprintf("%v", &[Value::Nil]), "<nil>");
    assert!(printf(&[]).is_err());
    assert!(printf(&[Value::from(1)]).is_err());
}

#[test]
fn pads_like_go() {
    let ab = Value::from("ab");
    assert_eq!(
        sprintf("%5s|%-5s|%05s", &[ab.clone(), ab.clone(), ab]),
        "   ab|ab   |000ab"
    );
    assert_eq!(sprintf("%-05d|", &[Value::from(42)]), "42   |");
    assert_eq!(
        sprintf("%6d|%-6d|", &[Value::from(-42), Value::from(-42)]),
        "   -42|-42   |"
    );
    assert_eq!(sprintf("%06d", &[Value::from(-42)]), "-00042");
    assert_eq!(
        sprintf("%3s", &[Value::from("\u{e9}t\u{e9}")]),
        "\u{e9}t\u{e9}"
    );
}

#[test]
fn formats_integers_like_go() {
    let n = |v: i64| Value::from(v);
    assert_eq!(sprintf("%+d % d %.3d", &[n(5), n(5), n(7)]), "+5  5 007");
    assert_eq!(
        sprintf("%#x %#X %x", &[n(255), n(255), n(-255)]),
        "0xff 0XFF -ff"
    );
    assert_eq!(sprintf("%o %#o %O", &[n(8), n(8), n(8)]), "10 010 0o10");
    assert_eq!(sprintf("%b %#b", &[n(5), n(5)]), "101 0b101");
    assert_eq!(sprintf("%.0d|%5.0d|", &[n(0), n(0)]), "|     |");
    assert_eq!(
        sprintf("%c%c %q %U %#U", &[n(72), n(105), n(65), n(0x1F680), n(65)]),
        "Hi 'A' U+1F680 U+0041 'A'"
    );
    assert_eq!(
        sprintf("%d", &[Value::from(u64::MAX)]),
        "18446744073709551615"
    );
    assert_eq!(sprintf("%T %T", &[n(1), Value::from(1.5)]), "int float64");
}

#[test]
fn formats_floats_like_go() {
    let f = Value::from;
    assert_eq!(
        sprintf("%8.3f|%08.3f", &[f(1.23456), f(1.23456)]),
        "   1.235|0001.235"
    );
    assert_eq!(sprintf("%+08.2f|%.1f", &[f(2.5), f(3.0)]), "+0002.50|3.0");
    assert_eq!(sprintf("%06.1f", &[Value::from(-3)]), "-003.0");
    assert_eq!(
        sprintf("%e %E", &[f(1234.5678), f(1234.5678)]),
        "1.234568e+03 1.234568E+03"
    );
    assert_eq!(sprintf("%+.2e", &[f(0.000123)]), "+1.23e-04");
    assert_eq!(
        sprintf("%g %v %g", &[f(1234567.0), f(100000.0), f(0.00001)]),
        "1.234567e+06 100000 1e-05"
    );
    assert_eq!(
        sprintf("%.3g %g %G", &[f(1.23456), f(0.5), f(1e-7)]),
        "1.23 0.5 1E-07"
    );
    assert_eq!(sprintf("%v %v", &[f(3.0), f(2.5)]), "3 2.5");
    assert_eq!(sprintf("%6.2f%%", &[f(12.3456)]), " 12.35%");
    assert_eq!(
        sprintf("%f %5.1f|", &[f(f64::INFINITY), f(f64::NAN)]),
        "+Inf   NaN|"
    );
}

#[test]
fn formats_strings_like_go() {
    assert_eq!(
        sprintf("%q", &[Value::from("a\"b\n\u{e9}")]),
        "\"a\\\"b\\n\u{e9}\""
    );
    assert_eq!(sprintf("%+q", &[Value::from("\u{e9}")]), "\"\\u00e9\"");
    assert_eq!(sprintf("%#q", &[Value::from("a\"b")]), "`a\"b`");
    assert_eq!(
        sprintf(
            "%x % x %#x %X",
            &[
                Value::from("hi"),
                Value::from("hi"),
                Value::from("hi"),
                Value::from("hi")
            ]
        ),
        "6869 68 69 0x6869 6869"
    );
    assert_eq!(
        sprintf(
            "%v|%s",
            &[
                Value::Array(vec![Value::from(1), Value::from("a")]),
                Value::from(true)
            ]
        ),
        "[1 a]|%!s(bool=true)"
    );
    let labels = [
        ("b".to_owned(), Value::from("2")),
        ("a".to_owned(), Value::from("1")),
    ];
    assert_eq!(
        sprintf("%v", &[Value::Map(labels.into_iter().collect())]),
        "map[a:1 b:2]"
    );
}

fn operand() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        any::<bool>().prop_map(Value::from),
        ".{0,8}".prop_map(Value::from),
        Just(Value::Nil),
        Just(Value::NoValue),
    ]
}

proptest! {
    #[test]
    fn never_panics(
        format in "([a-z\u{e9} ]{0,2}%[-+# 0]{0,2}(\\[[0-9x]{0,2}\\]?)?(\\*|[0-9]{0,8})?(\\.(\\*|\\[[0-9]\\])?[0-9]{0,8})?[a-zA-Z%\u{e9}]?){0,4}",
        operands in proptest::collection::vec(operand(), 0..4),
    ) {
        let mut args = vec![Value::from(format)];
        args.extend(operands);
        let _ = printf(&args);
    }
}

#[test]
fn huge_precisions_stay_exact() {
    let long = sprintf("%.70000f", &[Value::from(0.5)]);
    assert_eq!(long.len(), 70_002);
    assert!(long.starts_with("0.5000") && long.ends_with('0'));
    let scientific = sprintf("%.70000e", &[Value::from(0.5)]);
    assert!(scientific.starts_with("5.000") && scientific.ends_with("0e-01"));
    assert_eq!(sprintf("%.70000g", &[Value::from(0.5)]), "0.5");
    assert_eq!(sprintf("%.8U", &[Value::from(65)]), "U+00000041");
}
