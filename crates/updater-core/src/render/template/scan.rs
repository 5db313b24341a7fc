//! A pre-pass over template text that keeps gtmpl away from inputs it mishandles, and applies
//! Go's trim markers and comments itself.
//!
//! gtmpl 0.7.1 steps back one *byte* after reading a character, so a multi-byte character in
//! an action (outside a string), or before a `{{-` marker, panics its lexer thread and can
//! leave the parse spinning forever. It reads escapes in strings by byte offsets (a panic
//! next to a multi-byte character), and it recurses without a usable depth limit (a template
//! that invokes itself overflows the stack and aborts the process). This pass
//! rejects those inputs with a parse error, removes comments, and applies `{{- ` / ` -}}`
//! trimming with Go's own definition of space (` \t\r\n`), so gtmpl never sees either.

#[cfg(test)]
mod tests;

/// Go's `spaceChars`: the only characters trim markers remove.
const GO_SPACE: [char; 4] = [' ', '\t', '\r', '\n'];

/// What the pre-pass rejected, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ScanError {
    /// 1-based line of the action concerned.
    pub line: usize,
    /// What is wrong.
    pub problem: &'static str,
}

/// Template text with comments removed and trim markers applied, ready for gtmpl.
pub(super) fn prepare(text: &str) -> Result<String, ScanError> {
    let mut scanner = Scanner {
        text,
        out: String::with_capacity(text.len()),
        blocks: Vec::new(),
    };
    scanner.run()?;
    Ok(scanner.out)
}

/// The kinds of block an `{{ end }}` closes; only named-template bodies matter here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Block {
    Control,
    NamedTemplate,
}

struct Scanner<'a> {
    text: &'a str,
    out: String,
    blocks: Vec<Block>,
}

/// One action, split around its delimiters.
struct Action<'a> {
    /// The text between the delimiters, line breaks outside literals turned into spaces.
    body: String,
    trims_after: bool,
    rest: &'a str,
}

impl<'a> Scanner<'a> {
    fn run(&mut self) -> Result<(), ScanError> {
        let mut rest = self.text;
        loop {
            let Some(open) = rest.find("{{") else {
                self.out.push_str(rest);
                return Ok(());
            };
            let (literal, after_open) = (&rest[..open], &rest[open + 2..]);
            let line = self.line_at(after_open);
            let (trims_before, inside) = strip_left_trim_marker(after_open);
            self.out.push_str(if trims_before {
                literal.trim_end_matches(GO_SPACE)
            } else {
                literal
            });
            let action = if let Some(comment) = inside.strip_prefix("/*") {
                split_comment(comment).map_err(|problem| ScanError { line, problem })?
            } else {
                let action = split_action(inside, line)?;
                self.emit_action(&action.body, line)?;
                action
            };
            rest = match action.trims_after {
                true => action.rest.trim_start_matches(GO_SPACE),
                false => action.rest,
            };
        }
    }

    fn emit_action(&mut self, body: &str, line: usize) -> Result<(), ScanError> {
        if strip_left_trim_marker(body).0 {
            return Err(ScanError {
                line,
                problem: "bad number syntax: `-`",
            });
        }
        self.track_blocks(body, line)?;
        self.out.push_str("{{");
        self.out.push_str(body);
        self.out.push_str("}}");
        Ok(())
    }

    /// Refuses `template` inside a `define` or `block` body: that is the only way a template
    /// can invoke itself, and gtmpl would recurse until the stack overflows.
    fn track_blocks(&mut self, body: &str, line: usize) -> Result<(), ScanError> {
        let keyword = body
            .trim_start_matches(GO_SPACE)
            .split(|c: char| !c.is_ascii_alphanumeric())
            .next()
            .unwrap_or_default();
        match keyword {
            "if" | "range" | "with" => self.blocks.push(Block::Control),
            "define" | "block" => self.blocks.push(Block::NamedTemplate),
            "end" => {
                self.blocks.pop();
            }
            "template" if self.blocks.contains(&Block::NamedTemplate) => {
                return Err(ScanError {
                    line,
                    problem: "a `define` or `block` body may not invoke `template` (recursion is not supported)",
                });
            }
            _ => {}
        }
        Ok(())
    }

    fn line_at(&self, remaining: &str) -> usize {
        let offset = self.text.len() - remaining.len();
        self.text
            .get(..offset)
            .map_or(1, |before| before.matches('\n').count() + 1)
    }
}

/// Go's `hasLeftTrimMarker`: `-` followed by a space character.
fn strip_left_trim_marker(text: &str) -> (bool, &str) {
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some('-'), Some(c)) if GO_SPACE.contains(&c) => (true, &text[2..]),
        _ => (false, text),
    }
}

/// The closing delimiter at the start of `text`: `}}`, or ` -}}` (trims what follows).
fn right_delimiter(text: &str) -> Option<(bool, &str)> {
    if let Some(rest) = text.strip_prefix("}}") {
        return Some((false, rest));
    }
    let mut chars = text.chars();
    match chars.next() {
        Some(c) if GO_SPACE.contains(&c) => chars.as_str().strip_prefix("-}}").map(|r| (true, r)),
        _ => None,
    }
}

/// A comment must end with `*/` right before the closing delimiter, as in Go.
fn split_comment(text: &str) -> Result<Action<'_>, &'static str> {
    let end = text.find("*/").ok_or("unclosed comment")?;
    let (trims_after, rest) =
        right_delimiter(&text[end + 2..]).ok_or("comment ends before closing delimiter")?;
    Ok(Action {
        body: String::new(),
        trims_after,
        rest,
    })
}

/// Finds the end of an action, skipping string literals and checking what gtmpl can lex.
/// Line breaks outside literals become spaces: Go allows actions to span lines, gtmpl does not.
fn split_action(text: &str, line: usize) -> Result<Action<'_>, ScanError> {
    let mut body = String::new();
    let mut position = 0;
    while let Some(current) = text.get(position..) {
        if let Some((trims_after, rest)) = right_delimiter(current) {
            return Ok(Action {
                body,
                trims_after,
                rest,
            });
        }
        let Some(c) = current.chars().next() else {
            break;
        };
        let length = match c {
            '"' | '\'' | '`' => {
                literal_length(current, c).map_err(|problem| ScanError { line, problem })?
            }
            c if c.is_ascii() => 1,
            _ => {
                return Err(ScanError {
                    line,
                    problem: "non-ASCII character outside a string literal in an action",
                });
            }
        };
        match c {
            '\n' | '\r' => body.push(' '),
            _ => body.push_str(&current[..length]),
        }
        position += length;
    }
    Err(ScanError {
        line,
        problem: "unclosed action",
    })
}

/// The byte length of the literal opening `text` (quotes included). A literal with a
/// backslash must be ASCII (gtmpl decodes escapes by byte offsets), and a raw string may not
/// contain one at all (gtmpl wrongly decodes escapes in raw strings too).
fn literal_length(text: &str, quote: char) -> Result<usize, &'static str> {
    let body = &text[1..];
    let end = match quote {
        '`' => body.find('`').ok_or("unterminated raw quoted string")?,
        _ => escaped_literal_end(body, quote).ok_or("unterminated quoted string")?,
    };
    let contents = &body[..end];
    if contents.contains('\\') && (quote == '`' || !contents.is_ascii()) {
        return Err(match quote {
            '`' => "backslash in a raw string is not supported",
            _ => "non-ASCII character in a string literal with escapes is not supported",
        });
    }
    Ok(end + 2)
}

/// Byte offset of the closing `quote`, honouring backslash escapes; `None` at a line end.
fn escaped_literal_end(body: &str, quote: char) -> Option<usize> {
    let mut escaped = false;
    for (index, c) in body.char_indices() {
        match c {
            '\n' => return None,
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            c if c == quote => return Some(index),
            _ => {}
        }
    }
    None
}
