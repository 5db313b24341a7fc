//! Planning the `images:` edit as byte splices of the original text: a matching element takes
//! the new element's content where it stands (field by field when its shape allows, else
//! whole), new elements go after the last one, and a missing (or null) `images:` gets a new
//! sequence. Everything outside the spliced ranges stays byte for byte.

use super::tree::{Kind, Node};
use super::{KustomizationError, KustomizeImage, element, fields, layout};
use crate::render::splice::Splice;

/// The splices that apply `images` to the document whose root is `root`.
pub(super) fn plan(
    text: &str,
    root: &Node,
    images: &[KustomizeImage],
) -> Result<Vec<Splice>, KustomizationError> {
    let Kind::Mapping {
        flow,
        entries,
        close,
    } = &root.kind
    else {
        return Err(KustomizationError::RootNotMapping {
            found: root.describe(),
        });
    };
    let images = last_per_name(images);
    if images.is_empty() {
        return Ok(Vec::new());
    }
    let existing = entries
        .iter()
        .find(|(key, _)| key.as_str() == Some("images"));
    match existing {
        None if *flow => Ok(vec![add_to_flow_root(text, entries, *close, &images)]),
        None => Ok(vec![add_to_block_root(text, root, &images)]),
        Some((key, value)) => edit_value(text, key, value, *flow, &images),
    }
}

/// kustomize applies the images one after another, so for a repeated name the last one wins,
/// in the place of the first.
fn last_per_name(images: &[KustomizeImage]) -> Vec<&KustomizeImage> {
    let mut out: Vec<&KustomizeImage> = Vec::new();
    for image in images {
        match out.iter_mut().find(|i| i.name == image.name) {
            Some(slot) => *slot = image,
            None => out.push(image),
        }
    }
    out
}

fn edit_value(
    text: &str,
    key: &Node,
    value: &Node,
    flow_root: bool,
    images: &[&KustomizeImage],
) -> Result<Vec<Splice>, KustomizationError> {
    match &value.kind {
        Kind::Scalar(s) if s.null && flow_root => {
            Ok(vec![fill_flow_null(text, key, value, images)])
        }
        Kind::Scalar(s) if s.null => Ok(fill_block_null(text, key, value, images)),
        Kind::Sequence {
            flow: true,
            items,
            close,
        } => Ok(edit_flow(items, *close, images)),
        Kind::Sequence {
            flow: false, items, ..
        } => Ok(edit_block(text, key, value, items, images)),
        _ => Err(KustomizationError::ImagesNotSequence {
            found: value.describe(),
        }),
    }
}

/// The block sequence of `images`, its `- ` at `dash`, each element ending with a line break.
fn block_items(images: &[&KustomizeImage], dash: usize, newline: &str) -> String {
    let pad = " ".repeat(dash);
    images
        .iter()
        .map(|image| {
            format!(
                "{pad}- {}{newline}",
                element::block(image, dash + 2, newline)
            )
        })
        .collect()
}

fn flow_items(images: &[&KustomizeImage]) -> String {
    let items: Vec<String> = images.iter().map(|i| element::flow(i)).collect();
    items.join(", ")
}

/// A line break when `at` is the end of a text lacking a final one.
fn break_before(text: &str, at: usize) -> &'static str {
    if at == text.len() && !text.is_empty() && !text.ends_with('\n') {
        layout::newline(text)
    } else {
        ""
    }
}

/// `images:` appended after the root mapping's last line, in the file's sequence style.
fn add_to_block_root(text: &str, root: &Node, images: &[&KustomizeImage]) -> Splice {
    let newline = layout::newline(text);
    let at = layout::line_end_after(text, root.end);
    let dash = root.col + if layout::wide_sequences(text) { 2 } else { 0 };
    let block = format!(
        "{}{}images:{newline}{}",
        break_before(text, at),
        " ".repeat(root.col),
        block_items(images, dash, newline)
    );
    Splice::insert(at, block)
}

/// `, images: [...]` after the last entry of a flow root mapping (or inside an empty one).
fn add_to_flow_root(
    text: &str,
    entries: &[(Node, Node)],
    close: usize,
    images: &[&KustomizeImage],
) -> Splice {
    let list = format!("images: [{}]", flow_items(images));
    match entries.last() {
        Some((key, value)) => {
            let at = layout::content_end(text, key.start, value.end.max(key.end));
            Splice::insert(at, format!(", {list}"))
        }
        None => Splice::insert(close, list),
    }
}

/// `images:` with no value (or `~`/`null`) in a block mapping: the null goes, the sequence
/// starts on the next line.
fn fill_block_null(
    text: &str,
    key: &Node,
    value: &Node,
    images: &[&KustomizeImage],
) -> Vec<Splice> {
    let newline = layout::newline(text);
    let mut splices = Vec::new();
    if value.start < value.end {
        splices.push(remove_token(text, key, value));
    }
    let at = layout::line_end_after(text, value.end.max(key.end));
    let dash = key.col + if layout::wide_sequences(text) { 2 } else { 0 };
    let block = format!(
        "{}{}",
        break_before(text, at),
        block_items(images, dash, newline)
    );
    splices.push(Splice::insert(at, block));
    splices
}

/// Removes a null token with the blanks that would be left dangling.
fn remove_token(text: &str, key: &Node, value: &Node) -> Splice {
    let rest = text.get(value.end..).unwrap_or("");
    let line_rest = rest.split('\n').next().unwrap_or("");
    let after = line_rest.len() - line_rest.trim_start_matches([' ', '\t']).len();
    if line_rest.trim().is_empty() {
        let after_key = layout::content_end(text, key.start, key.end);
        Splice::replace(after_key, value.end, String::new())
    } else {
        Splice::replace(value.start, value.end + after, String::new())
    }
}

/// `images:` with no value (or `~`/`null`) in a flow mapping: a flow sequence takes its place.
fn fill_flow_null(text: &str, key: &Node, value: &Node, images: &[&KustomizeImage]) -> Splice {
    let list = format!("[{}]", flow_items(images));
    if value.start < value.end {
        return Splice::replace(value.start, value.end, list);
    }
    let after_key = layout::content_end(text, key.start, key.end);
    if !text.get(..after_key).is_some_and(|t| t.ends_with(':')) {
        return Splice::insert(after_key, format!(": {list}"));
    }
    let rest = text.get(after_key..).unwrap_or("");
    match rest.len() - rest.trim_start_matches([' ', '\t']).len() {
        0 => Splice::insert(after_key, format!(" {list}")),
        blanks => Splice::insert(after_key + blanks, list),
    }
}

/// The splices `replace` makes for every element named like an image (unless it already reads
/// as that image), and the images no element is named like.
fn replace_matching<'a>(
    items: &[Node],
    images: &[&'a KustomizeImage],
    replace: impl Fn(&Node, &KustomizeImage) -> Vec<Splice>,
) -> (Vec<Splice>, Vec<&'a KustomizeImage>) {
    let mut splices = Vec::new();
    let mut unmatched = Vec::new();
    for image in images {
        let named = |item: &&Node| element::name(item) == Some(image.name.as_str());
        let matches: Vec<&Node> = items.iter().filter(named).collect();
        if matches.is_empty() {
            unmatched.push(*image);
        }
        for item in matches
            .into_iter()
            .filter(|i| !element::unchanged(i, image))
        {
            splices.extend(replace(item, image));
        }
    }
    (splices, unmatched)
}

fn edit_flow(items: &[Node], close: usize, images: &[&KustomizeImage]) -> Vec<Splice> {
    let replace = |item: &Node, image: &KustomizeImage| {
        vec![Splice::replace(item.start, item.end, element::flow(image))]
    };
    let (mut splices, appended) = replace_matching(items, images, replace);
    if !appended.is_empty() {
        splices.push(match items.last() {
            Some(last) => Splice::insert(last.end, format!(", {}", flow_items(&appended))),
            None => Splice::insert(close, flow_items(&appended)),
        });
    }
    splices
}

fn edit_block(
    text: &str,
    key: &Node,
    sequence: &Node,
    items: &[Node],
    images: &[&KustomizeImage],
) -> Vec<Splice> {
    let newline = layout::newline(text);
    let replace =
        |item: &Node, image: &KustomizeImage| replace_block_item(text, item, image, newline);
    let (mut splices, appended) = replace_matching(items, images, replace);
    if !appended.is_empty() {
        let fallback = items.first().map_or(key.col, |i| i.col.saturating_sub(2));
        let dash = layout::dash_column(text, key.end).unwrap_or(fallback);
        let at = layout::line_end_after(text, sequence.end);
        let block = format!(
            "{}{}",
            break_before(text, at),
            block_items(&appended, dash, newline)
        );
        splices.push(Splice::insert(at, block));
    }
    splices
}

/// Field by field when the element allows it, else the whole element.
fn replace_block_item(
    text: &str,
    item: &Node,
    image: &KustomizeImage,
    newline: &str,
) -> Vec<Splice> {
    fields::edit(text, item, image, newline).unwrap_or_else(|| {
        let end = layout::content_end(text, item.start, item.end);
        vec![Splice::replace(
            item.start,
            end,
            element::block(image, item.col, newline),
        )]
    })
}
