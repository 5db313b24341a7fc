//! go-yaml v3's `resolve` as its encoder uses it: would this text, written plain, be read back
//! as something other than a string (null, bool, int, float, timestamp, YAML 1.1 bool or
//! base-60 float)? Such strings are double-quoted.

use std::sync::LazyLock;

use regex::Regex;

/// The plain spellings go-yaml resolves by table lookup.
const RESOLVE_MAP: [&str; 23] = [
    "true", "True", "TRUE", "false", "False", "FALSE", "", "~", "null", "Null", "NULL", ".nan",
    ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF",
];

/// YAML 1.1 booleans go-yaml still quotes for the benefit of older readers.
const OLD_BOOLS: [&str; 16] = [
    "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "on", "On", "ON", "off", "Off",
    "OFF",
];

static BASE60_FLOAT: LazyLock<Regex> =
    LazyLock::new(|| compile(r"^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$"));

static YAML_STYLE_FLOAT: LazyLock<Regex> =
    LazyLock::new(|| compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$"));

/// Go's `strconv.ParseInt`/`ParseUint` syntax with base 0 (underscores already removed).
static GO_INT: LazyLock<Regex> = LazyLock::new(|| {
    compile(r"^([-+]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$")
});

/// A Go float literal starting with `.` (what `strconv.ParseFloat` accepts there).
static GO_DOT_FLOAT: LazyLock<Regex> =
    LazyLock::new(|| compile(r"^\.[0-9](_?[0-9])*([eE][-+]?[0-9](_?[0-9])*)?$"));

fn compile(pattern: &str) -> Regex {
    // The patterns are constants; a failure here is a bug caught by every test run.
    Regex::new(pattern).expect("constant resolve pattern compiles")
}

/// True when go-yaml may write `text` plain: it resolves to a string and is neither a
/// YAML 1.1 bool nor a base-60 float.
pub(super) fn reads_as_string(text: &str) -> bool {
    !OLD_BOOLS.contains(&text) && !BASE60_FLOAT.is_match(text) && resolves_to_string(text)
}

/// go-yaml's `resolve("", text)` yielding `!!str`.
fn resolves_to_string(text: &str) -> bool {
    let Some(first) = text.bytes().next() else {
        return false;
    };
    let hinted = first.is_ascii_digit() || b"+-yYnNtTfFoO~.".contains(&first);
    if !hinted {
        return true;
    }
    if RESOLVE_MAP.contains(&text) {
        return false;
    }
    match first {
        b'.' => !is_finite_float(text, &GO_DOT_FLOAT),
        b'0'..=b'9' | b'+' | b'-' => !is_number_or_timestamp(text),
        _ => true,
    }
}

fn is_number_or_timestamp(text: &str) -> bool {
    if is_timestamp(text) {
        return true;
    }
    let plain = text.replace('_', "");
    is_go_int(&plain) || is_finite_float(&plain, &YAML_STYLE_FLOAT)
}

/// `ParseInt(plain, 0, 64)` or `ParseUint(plain, 0, 64)` succeeds.
fn is_go_int(plain: &str) -> bool {
    let Some(caps) = GO_INT.captures(plain) else {
        return false;
    };
    let negative = caps.get(1).is_some_and(|s| s.as_str() == "-");
    let signed = caps.get(1).is_some_and(|s| !s.as_str().is_empty());
    let digits = caps.get(2).map_or("", |d| d.as_str());
    let (radix, body) = radix_and_body(digits);
    match u64::from_str_radix(body, radix) {
        Ok(magnitude) if negative => magnitude <= 1 << 63,
        Ok(magnitude) => !signed || magnitude < 1 << 63,
        Err(_) => false,
    }
}

fn radix_and_body(digits: &str) -> (u32, &str) {
    let lower = digits.get(..2).map(str::to_ascii_lowercase);
    match lower.as_deref() {
        Some("0x") => (16, &digits[2..]),
        Some("0o") => (8, &digits[2..]),
        Some("0b") => (2, &digits[2..]),
        _ if digits.len() > 1 && digits.starts_with('0') => (8, &digits[1..]),
        _ => (10, digits),
    }
}

/// Matches `syntax` and does not overflow (Go's `ParseFloat` fails with a range error on
/// overflow, and go-yaml then treats the text as a string).
fn is_finite_float(text: &str, syntax: &Regex) -> bool {
    syntax.is_match(text)
        && text
            .replace('_', "")
            .parse::<f64>()
            .is_ok_and(f64::is_finite)
}

/// go-yaml's `parseTimestamp`: four digits and `-`, then one of its accepted layouts.
fn is_timestamp(text: &str) -> bool {
    let bytes = text.as_bytes();
    let year_digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
    if year_digits != 4 || bytes.get(4) != Some(&b'-') {
        return false;
    }
    let Some((year, month, day, rest)) = date(text) else {
        return false;
    };
    if day > days_in_month(year, month) {
        return false;
    }
    match rest.as_bytes().first() {
        None => true,
        Some(b'T' | b't') => time(&rest[1..], true),
        Some(b' ') => time(&rest[1..], false),
        Some(_) => false,
    }
}

/// `2006-1-2`: the year, month and day and what follows them.
fn date(text: &str) -> Option<(u32, u32, u32, &str)> {
    let year = text.get(..4)?.parse().ok()?;
    let rest = text.get(5..)?;
    let (month, rest) = number(rest, 1, 12)?;
    let rest = rest.strip_prefix('-')?;
    let (day, rest) = number(rest, 1, 31)?;
    Some((year, month, day, rest))
}

/// `15:4:5.999999999` and, when `zone`, `Z07:00`.
fn time(text: &str, zone: bool) -> bool {
    let parsed = (|| {
        let (_, rest) = number(text, 0, 23)?;
        let (_, rest) = number(rest.strip_prefix(':')?, 0, 59)?;
        let (_, rest) = number(rest.strip_prefix(':')?, 0, 59)?;
        Some(fraction(rest))
    })();
    match parsed {
        Some(rest) if zone => rest == "Z" || offset(rest),
        Some(rest) => rest.is_empty(),
        None => false,
    }
}

fn fraction(text: &str) -> &str {
    match text.strip_prefix(['.', ',']) {
        Some(digits) if digits.starts_with(|c: char| c.is_ascii_digit()) => {
            digits.trim_start_matches(|c: char| c.is_ascii_digit())
        }
        _ => text,
    }
}

/// `±hh:mm`.
fn offset(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 6
        && matches!(b[0], b'+' | b'-')
        && b[3] == b':'
        && [1, 2, 4, 5].iter().all(|&i| b[i].is_ascii_digit())
}

/// One or two digits (Go's non-fixed `getnum`) within `min..=max`.
fn number(text: &str, min: u32, max: u32) -> Option<(u32, &str)> {
    let len = text.bytes().take(2).take_while(u8::is_ascii_digit).count();
    let value: u32 = text.get(..len)?.parse().ok()?;
    (min..=max).contains(&value).then(|| (value, &text[len..]))
}

fn days_in_month(year: u32, month: u32) -> u32 {
    let leap = year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400));
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}
