//! An `images:` element as kustomize writes it (through go-yaml): fields name, newName,
//! newTag, digest, empty ones left out, values quoted when YAML would misread them.

use super::KustomizeImage;
use super::tree::{Kind, Node};
use crate::render::source_file::go_yaml::{Context, inline_scalar, plain_reads_as_string};

/// The fields written, in kustomize's order.
pub(super) fn fields(image: &KustomizeImage) -> Vec<(&'static str, &str)> {
    let optional = [
        ("newName", &image.new_name),
        ("newTag", &image.new_tag),
        ("digest", &image.digest),
    ];
    let mut fields = vec![("name", image.name.as_str())];
    for (key, value) in optional {
        if let Some(value) = value.as_deref().filter(|v| !v.is_empty()) {
            fields.push((key, value));
        }
    }
    fields
}

/// A block mapping whose first line continues where it is placed and whose other lines are
/// indented to `indent`; no line break at the end.
pub(super) fn block(image: &KustomizeImage, indent: usize, newline: &str) -> String {
    let separator = format!("{newline}{}", " ".repeat(indent));
    fields(image)
        .into_iter()
        .map(|(key, value)| format!("{key}: {}", value_text(value, indent)))
        .collect::<Vec<_>>()
        .join(&separator)
}

/// A flow mapping, `{name: x, newTag: "1"}`.
pub(super) fn flow(image: &KustomizeImage) -> String {
    let body: Vec<String> = fields(image)
        .into_iter()
        .map(|(key, value)| format!("{key}: {}", inline_scalar(value, Context::Flow)))
        .collect();
    format!("{{{}}}", body.join(", "))
}

/// True when `node` already is exactly this element: the same fields with the same string
/// values, each written so that YAML reads it as that string. Such an element is left
/// byte for byte.
pub(super) fn unchanged(node: &Node, image: &KustomizeImage) -> bool {
    let Kind::Mapping { entries, .. } = &node.kind else {
        return false;
    };
    let fields = fields(image);
    entries.len() == fields.len()
        && fields.iter().all(|(key, value)| {
            entries
                .iter()
                .any(|(k, v)| k.as_str() == Some(key) && reads_as(v, value))
        })
}

/// True when `node` is a scalar YAML reads as the string `wanted`.
pub(super) fn reads_as(node: &Node, wanted: &str) -> bool {
    match &node.kind {
        Kind::Scalar(s) => {
            !s.null
                && !node.decorated()
                && s.value == wanted
                && (!s.plain() || plain_reads_as_string(wanted))
        }
        _ => false,
    }
}

/// A field's value as written on one line.
pub(super) fn value_text(value: &str, indent: usize) -> String {
    inline_scalar(value, Context::Block { indent })
}

/// The value of the element's `name` field, when it is a mapping with a scalar name.
pub(super) fn name(node: &Node) -> Option<&str> {
    let Kind::Mapping { entries, .. } = &node.kind else {
        return None;
    };
    entries
        .iter()
        .find(|(key, _)| key.as_str() == Some("name"))
        .and_then(|(_, value)| value.as_str())
}
