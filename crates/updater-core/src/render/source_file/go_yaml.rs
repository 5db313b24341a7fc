//! go-yaml v3's choice and writing of a string scalar's style (plain, single-quoted,
//! double-quoted or literal), ported from its `stringv`, `yaml_emitter_analyze_scalar`,
//! `yaml_emitter_select_scalar_style` and scalar writers, so that written values quote exactly
//! as the original's (`value: "1.10"`, `newTag: "123"`, `'*x'`). Shared by the override file and
//! kustomization renderers.

mod resolve;

#[cfg(test)]
mod tests;

/// The indentation go-yaml uses (the original sets 2).
const BEST_INDENT: usize = 2;

/// Where a scalar is written: in block context (with the column its block-scalar content would
/// be indented to) or inside a flow collection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in crate::render) enum Context {
    /// A block mapping value whose mapping's keys sit at `indent`.
    Block {
        /// Column of the keys of the mapping holding the value.
        indent: usize,
    },
    /// Inside `[...]` or `{...}`.
    Flow,
}

/// The style go-yaml writes a string in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in crate::render) enum Style {
    /// As is.
    Plain,
    /// `'...'`, quotes doubled.
    SingleQuoted,
    /// `"..."` with escapes.
    DoubleQuoted,
    /// `|` block with chomping and indentation hints.
    Literal,
}

/// What the emitter's analysis allows for a value (`yaml_emitter_analyze_scalar`).
#[derive(Debug, Clone, Copy)]
struct Allowed {
    flow_plain: bool,
    block_plain: bool,
    single_quoted: bool,
    block: bool,
}

/// The text go-yaml writes for `value` as a mapping value or sequence item. A literal block
/// ends with the line break(s) it owns; every other style has no line break.
pub(in crate::render) fn scalar(value: &str, context: Context) -> String {
    match style(value, context) {
        Style::Plain => value.to_owned(),
        Style::SingleQuoted => single_quoted(value),
        Style::DoubleQuoted => double_quoted(value),
        Style::Literal => match context {
            Context::Block { indent } => literal(value, indent + BEST_INDENT),
            Context::Flow => double_quoted(value),
        },
    }
}

/// Like [`scalar`], but a value go-yaml would write as a literal block is double-quoted, so
/// the text fits on one line (for splicing into an existing file).
pub(in crate::render) fn inline_scalar(value: &str, context: Context) -> String {
    match style(value, context) {
        Style::Literal => double_quoted(value),
        _ => scalar(value, context),
    }
}

/// True when `value` written plain reads back as this string.
pub(in crate::render) fn plain_reads_as_string(value: &str) -> bool {
    resolve::reads_as_string(value)
}

/// The style go-yaml picks for `value` in `context`.
pub(in crate::render) fn style(value: &str, context: Context) -> Style {
    let flow = context == Context::Flow;
    let requested = if value.contains('\n') {
        if flow {
            Style::DoubleQuoted
        } else {
            Style::Literal
        }
    } else if resolve::reads_as_string(value) {
        Style::Plain
    } else {
        Style::DoubleQuoted
    };
    select(requested, analyze(value), flow, value)
}

/// `yaml_emitter_select_scalar_style` for a non-key scalar without a tag.
fn select(requested: Style, allowed: Allowed, flow: bool, value: &str) -> Style {
    let mut style = requested;
    if style == Style::Plain {
        let plain = if flow {
            allowed.flow_plain
        } else {
            allowed.block_plain
        };
        if !plain || (value.is_empty() && flow) {
            style = Style::SingleQuoted;
        }
    }
    if style == Style::SingleQuoted && !allowed.single_quoted {
        style = Style::DoubleQuoted;
    }
    // go-yaml writes U+2028/U+2029 raw in a literal block and then indents the text after
    // them as if a line had ended, which changes the value: escape them instead.
    let odd_breaks = value.contains(['\u{2028}', '\u{2029}']);
    if style == Style::Literal && (!allowed.block || flow || odd_breaks) {
        style = Style::DoubleQuoted;
    }
    style
}

fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// libyaml's `is_printable` on the UTF-8 sequence of `c`.
fn is_printable(c: char) -> bool {
    matches!(c, '\n' | ' '..='~' | '\u{A0}'..='\u{D7FF}')
        || (('\u{E000}'..='\u{FFFD}').contains(&c) && c != '\u{FEFF}')
}

/// Indicator characters of a scalar: (flow indicators, block indicators).
fn indicators(chars: &[char]) -> (bool, bool) {
    let (mut flow, mut block) = (false, false);
    let starts = |p: &str| chars.iter().take(3).collect::<String>() == p;
    if chars.len() >= 3 && (starts("---") || starts("...")) {
        (flow, block) = (true, true);
    }
    let mut preceded_by_whitespace = true;
    for (i, &c) in chars.iter().enumerate() {
        let followed_by_whitespace = chars.get(i + 1).is_none_or(|&n| is_blank(n));
        if i == 0 {
            match c {
                '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"'
                | '%' | '@' | '`' => (flow, block) = (true, true),
                '?' | ':' => {
                    flow = true;
                    block |= followed_by_whitespace;
                }
                '-' if followed_by_whitespace => (flow, block) = (true, true),
                _ => {}
            }
        } else {
            match c {
                ',' | '?' | '[' | ']' | '{' | '}' => flow = true,
                ':' => {
                    flow = true;
                    block |= followed_by_whitespace;
                }
                '#' if preceded_by_whitespace => (flow, block) = (true, true),
                _ => {}
            }
        }
        preceded_by_whitespace = is_blank(c) || is_break(c) || c == '\0';
    }
    (flow, block)
}

/// Whitespace and special-character facts about a scalar.
#[derive(Default)]
struct Spacing {
    line_breaks: bool,
    special: bool,
    tabs: bool,
    leading_space: bool,
    leading_break: bool,
    trailing_space: bool,
    trailing_break: bool,
    break_space: bool,
    space_break: bool,
}

fn spacing(chars: &[char]) -> Spacing {
    let mut s = Spacing::default();
    let (mut previous_space, mut previous_break) = (false, false);
    let last = chars.len().saturating_sub(1);
    for (i, &c) in chars.iter().enumerate() {
        if c == '\t' {
            s.tabs = true;
        } else if !is_printable(c) {
            s.special = true;
        }
        if c == ' ' {
            s.leading_space |= i == 0;
            s.trailing_space |= i == last;
            s.break_space |= previous_break;
            (previous_space, previous_break) = (true, false);
        } else if is_break(c) {
            s.line_breaks = true;
            s.leading_break |= i == 0;
            s.trailing_break |= i == last;
            s.space_break |= previous_space;
            (previous_space, previous_break) = (false, true);
        } else {
            (previous_space, previous_break) = (false, false);
        }
    }
    s
}

/// `yaml_emitter_analyze_scalar` (with go-yaml's separate tab handling).
fn analyze(value: &str) -> Allowed {
    if value.is_empty() {
        return Allowed {
            flow_plain: false,
            block_plain: true,
            single_quoted: true,
            block: false,
        };
    }
    let chars: Vec<char> = value.chars().collect();
    let (flow_indicators, block_indicators) = indicators(&chars);
    let s = spacing(&chars);
    let edge_space = s.leading_space || s.leading_break || s.trailing_space || s.trailing_break;
    let unquotable = s.space_break || s.tabs || s.special;
    let no_plain = edge_space || s.break_space || unquotable || s.line_breaks;
    Allowed {
        flow_plain: !(no_plain || flow_indicators),
        block_plain: !(no_plain || block_indicators),
        single_quoted: !(s.break_space || unquotable),
        block: !(s.trailing_space || s.space_break || s.special),
    }
}

fn single_quoted(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

fn double_quoted(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        if is_printable(c) && c != '\u{FEFF}' && !is_break(c) && c != '"' && c != '\\' {
            out.push(c);
        } else {
            push_escape(&mut out, c);
        }
    }
    out.push('"');
    out
}

fn push_escape(out: &mut String, c: char) {
    out.push('\\');
    let short = match c {
        '\0' => '0',
        '\u{7}' => 'a',
        '\u{8}' => 'b',
        '\t' => 't',
        '\n' => 'n',
        '\u{b}' => 'v',
        '\u{c}' => 'f',
        '\r' => 'r',
        '\u{1b}' => 'e',
        '"' => '"',
        '\\' => '\\',
        '\u{85}' => 'N',
        '\u{A0}' => '_',
        '\u{2028}' => 'L',
        '\u{2029}' => 'P',
        _ => {
            let code = u32::from(c);
            let text = match code {
                0..=0xFF => format!("x{code:02X}"),
                0x100..=0xFFFF => format!("u{code:04X}"),
                _ => format!("U{code:08X}"),
            };
            out.push_str(&text);
            return;
        }
    };
    out.push(short);
}

/// A literal block: header with hints, a line break, then each line indented by `indent`
/// (empty lines stay empty). Ends with the value's own trailing line break(s), or with one
/// line break for the strip (`-`) case, so the caller can always continue on a fresh line.
fn literal(value: &str, indent: usize) -> String {
    let mut out = String::from("|");
    if value.starts_with([' ', '\n']) {
        out.push_str(&BEST_INDENT.to_string());
    }
    out.push_str(chomping(value));
    out.push('\n');
    let pad = " ".repeat(indent);
    let mut at_line_start = true;
    for c in value.chars() {
        if c == '\n' {
            out.push('\n');
            at_line_start = true;
        } else {
            if at_line_start {
                out.push_str(&pad);
            }
            out.push(c);
            at_line_start = false;
        }
    }
    if !at_line_start {
        out.push('\n');
    }
    out
}

/// `yaml_emitter_write_block_scalar_hints`' chomping indicator.
fn chomping(value: &str) -> &'static str {
    let mut rev = value.chars().rev();
    match (rev.next(), rev.next()) {
        (Some(last), _) if !is_break(last) => "-",
        (Some(_), None) => "+",
        (Some(_), Some(before)) if is_break(before) => "+",
        (None, _) => "-",
        _ => "",
    }
}
