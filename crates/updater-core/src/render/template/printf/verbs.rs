//! Formatting one operand for one verb, following Go's `fmt` (`format.go`, `print.go`):
//! padding, signs, zero padding, precision, `#` prefixes, Go quoting and `%!verb(type=value)`
//! for a verb that does not suit the operand.

use std::fmt::Write as _;

use gtmpl::Value;

use super::Spec;

/// Formats `value` for `verb` (never `%`, which the caller handles).
pub(super) fn format_operand(spec: &Spec, verb: char, value: &Value) -> String {
    match value {
        Value::String(text) => format_string(spec, verb, text),
        Value::Bool(flag) if matches!(verb, 't' | 'v') => pad(spec, &flag.to_string()),
        Value::Number(number) => match (number.as_i64(), number.as_u64(), number.as_f64()) {
            (Some(i), _, _) => format_integer(spec, verb, i128::from(i), value),
            (None, Some(u), _) => format_integer(spec, verb, i128::from(u), value),
            (_, _, Some(f)) => format_float(spec, verb, f),
            _ => bad_verb(spec, verb, value),
        },
        Value::Array(items) => {
            let parts: Vec<String> = items
                .iter()
                .map(|v| format_operand(spec, verb, v))
                .collect();
            format!("[{}]", parts.join(" "))
        }
        Value::Map(entries) | Value::Object(entries) => format_map(spec, verb, entries, value),
        Value::Nil | Value::NoValue if verb == 'v' => pad(spec, "<nil>"),
        _ if verb == 'T' => pad(spec, go_type(value)),
        _ => bad_verb(spec, verb, value),
    }
}

/// Go prints maps with sorted keys (and structs in field order; fields are sorted here).
fn format_map(
    spec: &Spec,
    verb: char,
    entries: &std::collections::HashMap<String, Value>,
    value: &Value,
) -> String {
    if verb == 'T' {
        return pad(spec, go_type(value));
    }
    let mut keys: Vec<&String> = entries.keys().collect();
    keys.sort();
    let parts: Vec<String> = keys
        .into_iter()
        .filter_map(|k| entries.get(k).map(|v| (k, v)))
        .map(|(k, v)| match value {
            Value::Map(_) => format!(
                "{}:{}",
                format_string(spec, verb, k),
                format_operand(spec, verb, v)
            ),
            _ => format_operand(spec, verb, v),
        })
        .collect();
    match value {
        Value::Map(_) => format!("map[{}]", parts.join(" ")),
        _ => format!("{{{}}}", parts.join(" ")),
    }
}

/// Go's name for the operand's type, as far as a template value tells it.
fn go_type(value: &Value) -> &'static str {
    match value {
        Value::String(_) => "string",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.as_f64().is_some() => "float64",
        Value::Number(_) => "int",
        Value::Array(_) => "[]interface {}",
        Value::Map(_) => "map[string]string",
        Value::Object(_) => "struct",
        Value::Function(_) => "func",
        Value::Nil | Value::NoValue => "<nil>",
    }
}

/// Go's `badVerb`: `%!d(string=hello)`, or `%!d(<nil>)`.
fn bad_verb(spec: &Spec, verb: char, value: &Value) -> String {
    match value {
        Value::Nil | Value::NoValue => format!("%!{verb}(<nil>)"),
        _ => format!(
            "%!{verb}({}={})",
            go_type(value),
            format_operand(spec, 'v', value)
        ),
    }
}

/// Go's `pad`: width counts characters; `-` pads right, `0` pads left with zeros.
fn pad(spec: &Spec, text: &str) -> String {
    let missing = spec.width.unwrap_or(0).saturating_sub(text.chars().count());
    if missing == 0 {
        return text.to_owned();
    }
    let fill = if spec.zero && !spec.minus { "0" } else { " " }.repeat(missing);
    match spec.minus {
        true => format!("{text}{fill}"),
        false => format!("{fill}{text}"),
    }
}

fn format_string(spec: &Spec, verb: char, text: &str) -> String {
    let truncated: String = match spec.precision {
        Some(precision) => text.chars().take(precision).collect(),
        None => text.to_owned(),
    };
    match verb {
        's' | 'v' => pad(spec, &truncated),
        'q' if spec.sharp && can_backquote(&truncated) => pad(spec, &format!("`{truncated}`")),
        'q' => pad(spec, &go_quote(&truncated, '"', spec.plus)),
        'x' | 'X' => format_hex_bytes(spec, verb, text),
        'T' => pad(spec, "string"),
        _ => bad_verb(spec, verb, &Value::from(text)),
    }
}

/// Go's `fmtSbx`: two hex digits per byte, `#` adds `0x`, ` ` separates bytes.
fn format_hex_bytes(spec: &Spec, verb: char, text: &str) -> String {
    let bytes = text.as_bytes();
    let length = spec.precision.map_or(bytes.len(), |p| p.min(bytes.len()));
    let prefix = if verb == 'x' { "0x" } else { "0X" };
    let mut out = String::new();
    if spec.sharp {
        out.push_str(prefix);
    }
    for (index, byte) in bytes.iter().take(length).enumerate() {
        if spec.space && index > 0 {
            out.push(' ');
            if spec.sharp {
                out.push_str(prefix);
            }
        }
        let _ = match verb {
            'x' => write!(out, "{byte:02x}"),
            _ => write!(out, "{byte:02X}"),
        };
    }
    pad(spec, &out)
}

fn format_integer(spec: &Spec, verb: char, value: i128, original: &Value) -> String {
    let magnitude = value.unsigned_abs();
    let digits = match verb {
        'd' | 'v' => magnitude.to_string(),
        'b' => format!("{magnitude:b}"),
        'o' | 'O' => format!("{magnitude:o}"),
        'x' => format!("{magnitude:x}"),
        'X' => format!("{magnitude:X}"),
        _ => return format_integer_other(spec, verb, value, original),
    };
    let negative = value < 0;
    let unpadded = Spec {
        zero: false,
        ..*spec
    };
    let Some(digits) = zero_extend(spec, digits, magnitude == 0, negative) else {
        return pad(&unpadded, "");
    };
    let prefix = integer_prefix(spec, verb, &digits);
    pad(
        &unpadded,
        &format!("{}{prefix}{digits}", sign(spec, negative)),
    )
}

/// The integer verbs that do not print digits in a base.
fn format_integer_other(spec: &Spec, verb: char, value: i128, original: &Value) -> String {
    match verb {
        'c' => pad(spec, &rune_of(value).to_string()),
        'q' => pad(
            spec,
            &go_quote(&rune_of(value).to_string(), '\'', spec.plus),
        ),
        'U' => format_unicode(spec, value),
        'T' => pad(spec, "int"),
        // gtmpl stores integral floats (`3.0`) and every negative float as integers, so an
        // integer cannot be told from a float here: float verbs format it as a float.
        'e' | 'E' | 'f' | 'F' | 'g' | 'G' => format_float(spec, verb, value as f64),
        _ => bad_verb(spec, verb, original),
    }
}

/// Precision (or, without one, the `0` flag with a width) asks for leading zeros. `None` is
/// Go's "precision 0 and value 0 print nothing".
fn zero_extend(spec: &Spec, digits: String, is_zero: bool, negative: bool) -> Option<String> {
    let wanted = match spec.precision {
        Some(0) if is_zero => return None,
        Some(precision) => precision,
        None if spec.zero && !spec.minus => {
            let width = spec.width.unwrap_or(0);
            width.saturating_sub(usize::from(negative || spec.plus || spec.space))
        }
        None => 0,
    };
    let missing = wanted.saturating_sub(digits.len());
    Some(format!("{}{digits}", "0".repeat(missing)))
}

fn integer_prefix(spec: &Spec, verb: char, digits: &str) -> &'static str {
    match (verb, spec.sharp) {
        ('O', _) => "0o",
        ('b', true) => "0b",
        ('o', true) if !digits.starts_with('0') => "0",
        ('x', true) => "0x",
        ('X', true) => "0X",
        _ => "",
    }
}

fn sign(spec: &Spec, negative: bool) -> &'static str {
    match (negative, spec.plus, spec.space) {
        (true, _, _) => "-",
        (false, true, _) => "+",
        (false, false, true) => " ",
        _ => "",
    }
}

/// Go's `fmtUnicode`: `U+0041`, with `#` also `'A'` when printable.
fn format_unicode(spec: &Spec, value: i128) -> String {
    let width = spec.precision.unwrap_or(4).max(4);
    let hex = format!("{:X}", value.unsigned_abs());
    let zeros = "0".repeat(width.saturating_sub(hex.len()));
    let mut out = format!("U+{zeros}{hex}");
    let c = rune_of(value);
    if spec.sharp && value >= 0 && c != '\u{fffd}' && is_printable(c) {
        out.push_str(&format!(" '{c}'"));
    }
    pad(
        &Spec {
            zero: false,
            ..*spec
        },
        &out,
    )
}

/// Go converts invalid code points to U+FFFD.
fn rune_of(value: i128) -> char {
    u32::try_from(value)
        .ok()
        .and_then(char::from_u32)
        .unwrap_or('\u{fffd}')
}

fn format_float(spec: &Spec, verb: char, value: f64) -> String {
    let body = match verb {
        'f' | 'F' => fixed(value.abs(), spec.precision.unwrap_or(6)),
        'e' | 'E' => go_exponent(&scientific(value.abs(), spec.precision.unwrap_or(6))),
        'g' | 'G' | 'v' => format_general(value.abs(), spec.precision),
        'T' => return pad(spec, "float64"),
        _ => return bad_verb(spec, verb, &Value::from(value)),
    };
    let body = if verb.is_ascii_uppercase() {
        body.to_uppercase()
    } else {
        body
    };
    if !value.is_finite() {
        return pad(
            &Spec {
                zero: false,
                ..*spec
            },
            &non_finite(spec, value),
        );
    }
    let sign = sign(spec, value.is_sign_negative());
    let missing = spec
        .width
        .unwrap_or(0)
        .saturating_sub(sign.len() + body.chars().count());
    if spec.zero && !spec.minus && missing > 0 {
        return format!("{sign}{}{body}", "0".repeat(missing));
    }
    pad(spec, &format!("{sign}{body}"))
}

/// More digits than any `f64` has after the point (or in its exact mantissa); past this every
/// digit is `0`. It also keeps precisions within what Rust's formatter accepts (`u16`).
const EXACT_DIGITS: usize = 1100;

/// `{:.precision$}`, for any precision up to Go's limit.
fn fixed(value: f64, precision: usize) -> String {
    let mut text = format!("{:.*}", precision.min(EXACT_DIGITS), value);
    text.push_str(&"0".repeat(precision.saturating_sub(EXACT_DIGITS)));
    text
}

/// `{:.precision$e}`, for any precision up to Go's limit.
fn scientific(value: f64, precision: usize) -> String {
    let text = format!("{:.*e}", precision.min(EXACT_DIGITS), value);
    let zeros = "0".repeat(precision.saturating_sub(EXACT_DIGITS));
    match text.split_once('e') {
        Some((mantissa, exponent)) => format!("{mantissa}{zeros}e{exponent}"),
        None => text,
    }
}

/// Go prints `+Inf` and `-Inf` with their sign always, and `NaN` unsigned unless asked.
fn non_finite(spec: &Spec, value: f64) -> String {
    if value.is_nan() {
        return format!("{}NaN", sign(spec, false));
    }
    match (value.is_sign_negative(), spec.space && !spec.plus) {
        (true, _) => "-Inf".to_owned(),
        (false, true) => " Inf".to_owned(),
        (false, false) => "+Inf".to_owned(),
    }
}

/// Rust writes `1.5e3` and `1.5e-7`; Go writes `1.5e+03` and `1.5e-07`.
fn go_exponent(rust: &str) -> String {
    match rust.split_once('e') {
        Some((mantissa, exponent)) => {
            let value: i32 = exponent.parse().unwrap_or(0);
            let sign = if value < 0 { '-' } else { '+' };
            format!("{mantissa}e{sign}{:02}", value.unsigned_abs())
        }
        None => rust.to_owned(),
    }
}

/// Go's `%g`: shortest digits (or `precision` significant ones), exponent form when the
/// exponent is below -4 or at least the precision (6 for shortest, as in `strconv`).
fn format_general(value: f64, precision: Option<usize>) -> String {
    if !value.is_finite() {
        return value.to_string();
    }
    let scientific = match precision {
        Some(p) => scientific(value, p.clamp(1, EXACT_DIGITS) - 1),
        None => format!("{value:e}"),
    };
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((&scientific, "0"));
    let exponent: i64 = exponent.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let digits = digits.trim_end_matches('0');
    let digits = if digits.is_empty() { "0" } else { digits };
    let count = i64::try_from(digits.len()).unwrap_or(i64::MAX);
    let limit = general_limit(precision, count, exponent);
    if exponent < -4 || exponent >= limit {
        let (first, rest) = digits.split_at(1);
        let dot = if rest.is_empty() { "" } else { "." };
        return go_exponent(&format!("{first}{dot}{rest}e{exponent}"));
    }
    let decimals = usize::try_from((count - 1 - exponent).max(0)).unwrap_or(0);
    format!("{value:.decimals$}")
}

/// The exponent from which `%g` switches to exponent form (`eprec` in Go's `strconv`).
fn general_limit(precision: Option<usize>, digit_count: i64, exponent: i64) -> i64 {
    let Some(precision) = precision else {
        return 6;
    };
    let precision = i64::try_from(precision.max(1)).unwrap_or(i64::MAX);
    if precision > digit_count && digit_count > exponent {
        digit_count
    } else {
        precision
    }
}

/// Go's `strconv.Quote`/`QuoteRune` (`ascii_only`: `QuoteToASCII`).
fn go_quote(text: &str, quote: char, ascii_only: bool) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push(quote);
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if c < ' ' || c == '\u{7f}' => out.push_str(&format!("\\x{:02x}", u32::from(c))),
            c if c.is_ascii() || (!ascii_only && is_printable(c)) => out.push(c),
            c if u32::from(c) < 0x10000 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push_str(&format!("\\U{:08x}", u32::from(c))),
        }
    }
    out.push(quote);
    out
}

/// Go's `strconv.CanBackquote`: no back quote, no control character other than tab.
fn can_backquote(text: &str) -> bool {
    text.chars()
        .all(|c| c == '\t' || !(c.is_control() || c == '`' || c == '\u{feff}'))
}

fn is_printable(c: char) -> bool {
    super::super::funcs::is_printable(c)
}
