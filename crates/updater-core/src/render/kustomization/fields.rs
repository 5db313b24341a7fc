//! Replacing a block-mapping element field by field: values that differ are rewritten in
//! place, fields the new element lacks lose their lines, missing fields get a line in
//! kustomize's field order. The result reads exactly as the whole new element, while the
//! untouched fields keep their bytes and comments. Elements of an unusual shape return `None`
//! and are replaced whole.

use super::tree::{Kind, Node};
use super::{KustomizeImage, element, layout};
use crate::render::splice::Splice;

/// kustomize's field order.
const ORDER: [&str; 4] = ["name", "newName", "newTag", "digest"];

fn rank(key: &str) -> usize {
    ORDER.iter().position(|k| *k == key).unwrap_or(ORDER.len())
}

/// The splices turning `item` into `image`, or `None` when the element needs whole replacement.
pub(super) fn edit(
    text: &str,
    item: &Node,
    image: &KustomizeImage,
    newline: &str,
) -> Option<Vec<Splice>> {
    let Kind::Mapping {
        flow: false,
        entries,
        ..
    } = &item.kind
    else {
        return None;
    };
    let keys = simple_keys(entries)?;
    let wanted = element::fields(image);
    let mut splices = Vec::new();
    for ((key, value), name) in entries.iter().zip(&keys) {
        match wanted.iter().find(|(k, _)| k == name) {
            Some((_, new)) if !element::reads_as(value, new) => {
                splices.push(set_value(text, key, value, new, item.col));
            }
            Some(_) => {}
            None => splices.push(remove_entry(text, key, value)?),
        }
    }
    for (name, new) in wanted.iter().filter(|(k, _)| !keys.contains(k)) {
        let line = format!(
            "{}{name}: {}{newline}",
            " ".repeat(item.col),
            element::value_text(new, item.col)
        );
        splices.push(insert_field(text, entries, &keys, name, line)?);
    }
    Some(splices)
}

/// The keys when every key is a distinct scalar and every value a one-token scalar that can be
/// rewritten in place (no block scalar, tag, anchor or alias).
fn simple_keys(entries: &[(Node, Node)]) -> Option<Vec<&str>> {
    let mut keys = Vec::new();
    for (key, value) in entries {
        let name = key.as_str()?;
        let Kind::Scalar(scalar) = &value.kind else {
            return None;
        };
        if scalar.block() || value.decorated() || keys.contains(&name) {
            return None;
        }
        keys.push(name);
    }
    Some(keys)
}

fn set_value(text: &str, key: &Node, value: &Node, new: &str, indent: usize) -> Splice {
    let written = element::value_text(new, indent);
    if value.start == value.end {
        // An empty value: write after the key's `:`.
        let at = layout::content_end(text, key.start, key.end);
        return Splice::insert(at, format!(" {written}"));
    }
    Splice::replace(value.start, value.end, written)
}

/// The entry's lines, when it starts its line (an entry on the `- ` line cannot go alone).
fn remove_entry(text: &str, key: &Node, value: &Node) -> Option<Splice> {
    let line_start = line_start(text, key.start)?;
    let end = layout::line_end_after(text, value.end.max(key.end));
    Some(Splice::replace(line_start, end, String::new()))
}

/// Offset of the start of `pos`'s line when only blanks precede `pos` on it.
fn line_start(text: &str, pos: usize) -> Option<usize> {
    let before = text.get(..pos)?;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    before[start..].chars().all(|c| c == ' ').then_some(start)
}

/// `line` before the first entry that kustomize orders after `name` (possibly one being
/// removed: the insertion lands at its line start, before the removal), else after the last
/// entry.
fn insert_field(
    text: &str,
    entries: &[(Node, Node)],
    keys: &[&str],
    name: &str,
    line: String,
) -> Option<Splice> {
    let later = keys
        .iter()
        .position(|k| rank(k) > rank(name) && rank(k) < ORDER.len());
    match later {
        Some(i) => Some(Splice::insert(line_start(text, entries[i].0.start)?, line)),
        None => {
            let (key, value) = entries.last()?;
            let at = layout::line_end_after(text, value.end.max(key.end));
            let lead = if at == text.len() && !text.ends_with('\n') {
                layout::newline(text)
            } else {
                ""
            };
            Some(Splice::insert(at, format!("{lead}{line}")))
        }
    }
}
