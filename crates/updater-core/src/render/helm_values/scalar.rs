//! Scalar text for Helm values: which strings Helm would misread when written plain, and how a new
//! value is written in the style of the scalar it replaces.

use regex::Regex;
use std::sync::LazyLock;

/// How an existing scalar is written in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in crate::render) enum Style {
    /// `tag: v1`, and also the implicit null of `tag:`.
    Plain,
    /// `tag: 'v1'`
    SingleQuoted,
    /// `tag: "v1"`
    DoubleQuoted,
    /// `tag: |` or `tag: >` followed by indented lines.
    Block,
}

impl Style {
    /// The style of a scalar from its source text.
    pub(super) fn of(raw: &str) -> Self {
        match raw.chars().next() {
            Some('"') => Self::DoubleQuoted,
            Some('\'') => Self::SingleQuoted,
            Some('|' | '>') => Self::Block,
            _ => Self::Plain,
        }
    }

    /// Whether a scalar of this style whose decoded text is `value` is already read by Helm as
    /// the string `value`: quoted and block scalars always are, plain ones only when safe.
    pub(super) fn reads_as_string(self, value: &str, flow: bool) -> bool {
        self != Self::Plain || is_plain_safe(value, flow)
    }
}

/// Renders `value` to replace a scalar written in `style`: quotes stay the kind they were, and
/// plain or block scalars become plain when Helm reads that back as the same string, else
/// double-quoted.
pub(in crate::render) fn render(value: &str, style: Style, flow: bool) -> String {
    match style {
        Style::DoubleQuoted => double_quoted(value),
        Style::SingleQuoted if !value.chars().any(needs_escape) => single_quoted(value),
        Style::SingleQuoted => double_quoted(value),
        Style::Plain | Style::Block if is_plain_safe(value, flow) => value.to_owned(),
        Style::Plain | Style::Block => double_quoted(value),
    }
}

/// Characters that cannot start a plain scalar (YAML indicators, and `-`, `?`, `:` which only
/// sometimes can, kept out to be safe).
const INDICATORS: &[char] = &[
    '-', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`',
];

/// Characters a plain scalar inside `{...}` or `[...]` must not hold. `:` is here because libyaml
/// (Helm's parser) rejects `a:b` in flow context.
const FLOW_UNSAFE: &[char] = &[',', '[', ']', '{', '}', ':'];

/// Whether `value` written plain is read back by Helm (YAML 1.1) and YAML 1.2 parsers as exactly
/// this string.
pub(super) fn is_plain_safe(value: &str, flow: bool) -> bool {
    let (Some(first), Some(last)) = (value.chars().next(), value.chars().last()) else {
        return false;
    };
    !first.is_whitespace()
        && !last.is_whitespace()
        && !INDICATORS.contains(&first)
        && !value.chars().any(needs_escape)
        && !value.contains(": ")
        && !value.contains(" #")
        && !value.ends_with(':')
        && !(flow && value.contains(FLOW_UNSAFE))
        && !resolves_to_non_string(value)
}

/// Plain scalars that YAML 1.1 (Helm) or YAML 1.2 resolve to a bool, null, number, timestamp or
/// merge key instead of a string.
pub(in crate::render) fn resolves_to_non_string(value: &str) -> bool {
    static NUMBER: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(concat!(
            r"^[-+]?(?:0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|[0-9]+",
            r"|(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?",
            r"|\.(?:inf|Inf|INF)|[0-9]+(?::[0-5]?[0-9])+(?:\.[0-9]*)?)$|^\.(?:nan|NaN|NAN)$",
        ))
        .unwrap_or_else(|e| unreachable!("constant regex: {e}"))
    });
    static TIMESTAMP: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}")
            .unwrap_or_else(|e| unreachable!("constant regex: {e}"))
    });
    const WORDS: &[&str] = &[
        "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE", "false",
        "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF", "null", "Null", "NULL", "~", "<<",
        "=",
    ];
    // Go's yaml drops `_` before reading a number, so `1_000` is an int.
    WORDS.contains(&value) || NUMBER.is_match(&value.replace('_', "")) || TIMESTAMP.is_match(value)
}

/// Characters that only a double-quoted scalar can hold: controls, and the characters YAML 1.1
/// treats as line breaks or a byte order mark.
fn needs_escape(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}')
}

/// `value` as a double-quoted scalar.
pub(super) fn double_quoted(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if needs_escape(c) => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `value` as a single-quoted scalar; the caller checks it holds nothing that needs escaping.
fn single_quoted(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

/// A mapping key for a new entry: plain when safe, else double-quoted.
pub(super) fn key(key: &str, flow: bool) -> String {
    render(key, Style::Plain, flow)
}
