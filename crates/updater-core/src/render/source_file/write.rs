//! Writing the override file as go-yaml v3 does with indent 2 and compact sequences: the
//! block's sequence sits at its parent's children column, items are mappings (or strings)
//! with keys in Go field order, and an empty list is written `[]`.

use super::go_yaml::{Context, scalar};
use super::{EnvEntry, HelmParameter, SourceOverride};

/// Column of the keys of a mapping inside the top-level block's sequence.
const ITEM_INDENT: usize = 4;
/// Column of the `- ` of the top-level block's sequence.
const SEQUENCE_INDENT: usize = 2;

/// The whole document for `update`.
pub(super) fn render(update: &SourceOverride) -> String {
    match update {
        SourceOverride::Helm { parameters } => {
            block("helm", "parameters", parameters.iter().map(helm_item))
        }
        SourceOverride::Kustomize { images } => {
            block("kustomize", "images", images.iter().map(|i| image_item(i)))
        }
        SourceOverride::Plugin { env } => block("plugin", "env", env.iter().map(env_item)),
    }
}

/// `outer:\n  inner:` followed by the items, or ` []` when there are none.
fn block(outer: &str, inner: &str, items: impl Iterator<Item = String>) -> String {
    let mut out = format!("{outer}:\n  {inner}:");
    let body: String = items.collect();
    if body.is_empty() {
        out.push_str(" []\n");
    } else {
        out.push('\n');
        out.push_str(&body);
    }
    out
}

fn helm_item(parameter: &HelmParameter) -> String {
    let force = if parameter.force_string {
        "true"
    } else {
        "false"
    };
    mapping_item(&[
        ("name", value(&parameter.name)),
        ("value", value(&parameter.value)),
        ("forcestring", format!("{force}\n")),
    ])
}

fn env_item(entry: &EnvEntry) -> String {
    mapping_item(&[("name", value(&entry.name)), ("value", value(&entry.value))])
}

fn image_item(image: &str) -> String {
    let pad = " ".repeat(SEQUENCE_INDENT);
    line(format!(
        "{pad}- {}",
        scalar(
            image,
            Context::Block {
                indent: SEQUENCE_INDENT
            }
        )
    ))
}

/// A sequence item holding a mapping; each field's text already ends with a line break.
fn mapping_item(fields: &[(&str, String)]) -> String {
    let mut out = String::new();
    for (i, (key, text)) in fields.iter().enumerate() {
        let lead = if i == 0 { "- " } else { "  " };
        let pad = " ".repeat(SEQUENCE_INDENT);
        out.push_str(&format!("{pad}{lead}{key}: {text}"));
    }
    out
}

/// A mapping value of an item, ending with a line break.
fn value(text: &str) -> String {
    line(scalar(
        text,
        Context::Block {
            indent: ITEM_INDENT,
        },
    ))
}

/// Adds the line break a non-literal scalar lacks (a literal block already ends with one).
fn line(mut text: String) -> String {
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text
}
