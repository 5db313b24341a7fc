//! Reading the file's own layout from its text: line ends, columns, the column of a block
//! sequence's `- `, the sequence indentation style kustomize derives, and where a node's
//! content really ends.

/// The file's line break: `\r\n` when it uses any, else `\n`.
pub(super) fn newline(text: &str) -> &'static str {
    if text.contains("\r\n") { "\r\n" } else { "\n" }
}

/// The offset just after the line break ending the line that holds `pos` (or the text's end).
pub(super) fn line_end_after(text: &str, pos: usize) -> usize {
    if pos > 0 && text.as_bytes().get(pos - 1) == Some(&b'\n') {
        return pos;
    }
    text.get(pos..)
        .and_then(|rest| rest.find('\n'))
        .map_or(text.len(), |i| pos + i + 1)
}

/// The character column of `pos`.
pub(super) fn column(text: &str, pos: usize) -> usize {
    let before = text.get(..pos).unwrap_or(text);
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    before[line_start..].chars().count()
}

/// Where a block node's content ends: trailing line breaks of a block scalar are dropped, and
/// the `:` of a last key without a value is included.
pub(super) fn content_end(text: &str, start: usize, end: usize) -> usize {
    let end = end.min(text.len());
    let trimmed = text
        .get(start..end)
        .map_or(0, |s| s.trim_end_matches([' ', '\t', '\r', '\n']).len());
    let end = start + trimmed;
    let rest = text.get(end..).unwrap_or("");
    let blanks = rest.len() - rest.trim_start_matches([' ', '\t']).len();
    if rest[blanks..].starts_with(':') {
        end + blanks + 1
    } else {
        end
    }
}

/// The column of the first `- ` of the block sequence that is the value of the key ending at
/// `key_end`: past the `:`, blanks, line breaks, comments, a tag and an anchor.
pub(super) fn dash_column(text: &str, key_end: usize) -> Option<usize> {
    let mut rest = text.get(key_end..)?;
    loop {
        rest = rest.trim_start_matches([' ', '\t', '\r', '\n', ':']);
        match rest.chars().next()? {
            '#' => rest = rest.find('\n').map_or("", |i| &rest[i..]),
            '!' | '&' => rest = rest.find(char::is_whitespace).map_or("", |i| &rest[i..]),
            '-' => return Some(column(text, text.len() - rest.len())),
            _ => return None,
        }
    }
}

/// kyaml's `DeriveSeqIndentStyle`: true ("wide", `- ` indented under its key) when the first
/// sequence whose key is on the line before is indented by 2, false ("compact") otherwise.
pub(super) fn wide_sequences(text: &str) -> bool {
    let lines: Vec<&str> = text.split('\n').map(|l| l.trim_end_matches('\r')).collect();
    for (i, line) in lines.iter().enumerate().skip(1) {
        let Some((spaces, _)) = line.split_once("- ") else {
            continue;
        };
        if !spaces.chars().all(|c| c == ' ') {
            continue;
        }
        let key_line = lines[i - 1];
        let key_indent = key_line.len() - key_line.trim_start_matches(' ').len();
        let key = key_line.trim_matches(' ');
        if key.matches(':').count() != 1 || !key.ends_with(':') {
            continue;
        }
        if spaces.len() == key_indent {
            return false;
        }
        if spaces.len() == key_indent + 2 {
            return true;
        }
    }
    false
}
