//! Reading the manifest's own layout from its text: its line break, its indentation step, where
//! its block sequences put their `- ` relative to their key, and where a node's content ends.

use super::tree::{Kind, Node};

/// How new lines are laid out, taken from the document being edited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Layout {
    /// `\r\n` when the file uses it anywhere, else `\n` (as the Helm values editor does).
    pub(super) eol: &'static str,
    /// How far a nested block mapping's keys sit past their parent key.
    pub(super) step: usize,
    /// How far a block sequence's `-` sits past its key: 0 (`key:\n- a`) or more.
    pub(super) dash_offset: usize,
}

impl Layout {
    /// The layout of `doc`, falling back to the other documents of the file, then to an
    /// indentation of two with `-` under the key (what `kubectl` writes).
    pub(super) fn of(text: &str, doc: &Node, roots: &[Node]) -> Self {
        let all = || roots.iter();
        let step = nested_step(doc)
            .or_else(|| all().find_map(nested_step))
            .unwrap_or(2);
        let dash_offset = sequence_offset(text, doc)
            .or_else(|| all().find_map(|root| sequence_offset(text, root)))
            .unwrap_or(0);
        Self {
            eol: if text.contains("\r\n") { "\r\n" } else { "\n" },
            step,
            dash_offset,
        }
    }
}

/// The first block mapping value's indentation past its key, depth first.
fn nested_step(node: &Node) -> Option<usize> {
    block_entries(node).find_map(|(key, value)| match &value.kind {
        Kind::Mapping { flow: false, .. } if value.col > key.col => Some(value.col - key.col),
        _ => nested_step(value),
    })
}

/// The first block sequence value's `-` column past its key, depth first.
fn sequence_offset(text: &str, node: &Node) -> Option<usize> {
    block_entries(node).find_map(|(key, value)| match &value.kind {
        Kind::Sequence { flow: false, .. } => dash_column(text, value)
            .filter(|dash| *dash >= key.col)
            .map(|dash| dash - key.col),
        _ => sequence_offset(text, value),
    })
}

/// The column of a block sequence's `-`. The parser places a sequence whose `-` sits at its
/// key's column at its first item's content, so the `-` is looked for before that item.
pub(super) fn dash_column(text: &str, seq: &Node) -> Option<usize> {
    let first = seq.items().first()?;
    dash_before(text, first.start).map(|dash| column(text, dash))
}

/// The character column of `pos`.
pub(super) fn column(text: &str, pos: usize) -> usize {
    let start = line_start(text, pos);
    text.get(start..pos).map_or(0, |line| line.chars().count())
}

/// The entries of a block mapping, and those of the block mappings in a block sequence.
fn block_entries(node: &Node) -> Box<dyn Iterator<Item = (&Node, &Node)> + '_> {
    match &node.kind {
        Kind::Mapping {
            flow: false,
            entries,
            ..
        } => Box::new(entries.iter().map(|(k, v)| (k, v))),
        Kind::Sequence {
            flow: false, items, ..
        } => Box::new(items.iter().flat_map(block_entries)),
        _ => Box::new(std::iter::empty()),
    }
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

/// The offset where the line holding `pos` starts.
pub(super) fn line_start(text: &str, pos: usize) -> usize {
    text.get(..pos)
        .and_then(|before| before.rfind('\n'))
        .map_or(0, |newline| newline + 1)
}

/// Where a block node's content ends: trailing blanks and line breaks (a block scalar's, or a
/// block collection's) are dropped, and the `:` of a last key without a value is included.
pub(super) fn content_end(text: &str, node: &Node) -> usize {
    let end = node.end.min(text.len());
    let trimmed = text
        .get(node.start..end)
        .map_or(0, |s| s.trim_end_matches([' ', '\t', '\r', '\n']).len());
    let end = node.start + trimmed;
    colon_after(text, end).map_or(end, |colon| colon + 1)
}

/// The `:` following `pos` past blanks, if any.
pub(super) fn colon_after(text: &str, pos: usize) -> Option<usize> {
    let rest = text.get(pos..)?;
    let blanks = rest.len() - rest.trim_start_matches([' ', '\t']).len();
    rest[blanks..].starts_with(':').then_some(pos + blanks)
}

/// The `-` of the block sequence item whose content starts at `pos`: the first non-blank
/// before it when that is an indicator, else the `-` opening the line before the content (past
/// a block scalar header, tag or anchor such as `- |-` or `- !!str`).
pub(super) fn dash_before(text: &str, pos: usize) -> Option<usize> {
    let before = text.get(..pos)?.trim_end_matches([' ', '\t', '\r', '\n']);
    let dash = before.len().checked_sub(1)?;
    let indicator = |at: usize| {
        text.get(at..).is_some_and(|rest| rest.starts_with('-'))
            && (at == 0 || text[..at].ends_with([' ', '\t', '\n', '-']))
    };
    if indicator(dash) {
        return Some(dash);
    }
    let start = line_start(text, before.len());
    let line = text.get(start..before.len())?;
    let indent = line.len() - line.trim_start_matches(' ').len();
    let at = start + indent;
    (indicator(at) && line[indent..].starts_with("- ")).then_some(at)
}

/// `pos` moved back over the blanks before it on its line.
pub(super) fn back_over_blanks(text: &str, pos: usize) -> usize {
    text.get(..pos)
        .map_or(pos, |before| before.trim_end_matches([' ', '\t']).len())
}

/// The text to put before an insertion at `at` so that it starts on a new line.
pub(super) fn line_lead(text: &str, at: usize, eol: &'static str) -> &'static str {
    if at == 0 || text.get(..at).is_some_and(|before| before.ends_with('\n')) {
        ""
    } else {
        eol
    }
}
