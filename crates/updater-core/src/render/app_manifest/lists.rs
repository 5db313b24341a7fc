//! Planning the splices that make a list of the source hold the desired entries: named entries
//! (Helm parameters, plugin env) matched by `name`, and strings (Kustomize images) compared
//! index by index.

use std::collections::HashMap;

use super::layout;
use super::site::{self, ListSpec, NewItem, Site};
use super::tree::{Kind, Node};
use super::{Ctx, ManifestError};
use crate::render::helm_values::scalar::{self, Style};
use crate::render::source_file::{EnvEntry, HelmParameter};
use crate::render::splice::Splice;
use serde_saphyr::granit_parser::ScalarStyle;

/// A desired named entry.
#[derive(Debug, Clone, Copy)]
pub(super) struct Named<'a> {
    name: &'a str,
    value: &'a str,
    /// Whether `forceString: true` must be set (Helm only).
    force_string: bool,
}

impl<'a> Named<'a> {
    /// A Helm parameter.
    pub(super) fn helm(parameter: &'a HelmParameter) -> Self {
        Self {
            name: &parameter.name,
            value: &parameter.value,
            force_string: parameter.force_string,
        }
    }

    /// A plugin env entry.
    pub(super) fn plugin(entry: &'a EnvEntry) -> Self {
        Self {
            name: &entry.name,
            value: &entry.value,
            force_string: false,
        }
    }
}

/// The splices making the named list `spec` hold `wanted`: the k-th desired entry of a name
/// updates the k-th existing entry of that name in place, or is appended.
pub(super) fn named(
    ctx: &Ctx<'_>,
    source: &Node,
    spec: ListSpec,
    wanted: &[Named<'_>],
) -> Result<Vec<Splice>, ManifestError> {
    let site = site::find(ctx, source, spec)?;
    let items = site.items();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let mut splices = Vec::new();
    let mut new = Vec::new();
    for entry in wanted {
        let occurrence = seen.entry(entry.name).or_default();
        let existing = items
            .iter()
            .enumerate()
            .filter(|(_, item)| entry_name(item) == Some(entry.name))
            .nth(*occurrence);
        *occurrence += 1;
        match existing {
            Some((index, item)) => splices.extend(update(ctx, &site, index, item, entry)?),
            None => new.push(entry),
        }
    }
    if !new.is_empty() {
        let styles = sibling_styles(items);
        let items: Vec<NewItem> = new.iter().map(|entry| new_entry(entry, styles)).collect();
        splices.extend(site.add(ctx, &items)?);
    }
    Ok(splices)
}

/// The splices making the string list `spec` hold `wanted`, index by index.
pub(super) fn strings(
    ctx: &Ctx<'_>,
    source: &Node,
    spec: ListSpec,
    wanted: &[String],
) -> Result<Vec<Splice>, ManifestError> {
    let site = site::find(ctx, source, spec)?;
    let items = site.items();
    let mut splices = Vec::new();
    for (index, (item, value)) in items.iter().zip(wanted).enumerate() {
        if !reads_as(item, value) {
            site.check(ctx)?;
            let field = format!("{}[{index}]", site.field);
            let written = scalar::render(value, style_of(item), false);
            splices.push(replace_scalar(ctx, None, item, written, &field)?);
        }
    }
    if let Some(extra) = wanted.get(items.len()..).filter(|extra| !extra.is_empty()) {
        let style = items.last().map_or(Style::Plain, style_of);
        let new: Vec<NewItem> = extra
            .iter()
            .map(|value| NewItem::Scalar(scalar::render(value, style, false)))
            .collect();
        splices.extend(site.add(ctx, &new)?);
    }
    if wanted.len() < items.len() {
        splices.extend(site.truncate(ctx, wanted.len())?);
    }
    Ok(splices)
}

/// The splices updating one existing entry: its value, and `forceString` when desired.
fn update(
    ctx: &Ctx<'_>,
    site: &Site<'_>,
    index: usize,
    item: &Node,
    entry: &Named<'_>,
) -> Result<Vec<Splice>, ManifestError> {
    let value = item.entry("value");
    let force = item.entry("forceString");
    let value_ok = value.is_some_and(|(_, node)| reads_as(node, entry.value));
    let force_ok = !entry.force_string || force.is_some_and(|(_, node)| is_true(node));
    if value_ok && force_ok {
        return Ok(Vec::new());
    }
    site.check(ctx)?;
    let field = format!("{}[{index}]", site.field);
    if item.is_flow() {
        return Err(ctx.unsupported(field, "in flow style"));
    }
    let mut splices = Vec::new();
    if !value_ok {
        let written = |style| scalar::render(entry.value, style, false);
        splices.push(set_field(ctx, item, value, "value", written, &field)?);
    }
    if !force_ok {
        let written = |_| "true".to_owned();
        splices.push(set_field(ctx, item, force, "forceString", written, &field)?);
    }
    Ok(splices)
}

/// Rewrites the field's scalar in its style, or adds a `key: value` line at the entry's end.
fn set_field(
    ctx: &Ctx<'_>,
    item: &Node,
    existing: Option<(&Node, &Node)>,
    key: &'static str,
    written: impl Fn(Style) -> String,
    field: &str,
) -> Result<Splice, ManifestError> {
    let field = format!("{field}.{key}");
    match existing {
        Some((key_node, node)) => {
            let text = written(style_of(node));
            replace_scalar(ctx, Some(key_node), node, text, &field)
        }
        None => {
            let (text, eol) = (ctx.text, ctx.layout.eol);
            let at = layout::line_end_after(text, layout::content_end(text, item));
            let lead = layout::line_lead(text, at, eol);
            let indent = " ".repeat(item.col);
            let line = format!("{lead}{indent}{key}: {}{eol}", written(Style::Plain));
            Ok(Splice::insert(at, line))
        }
    }
}

/// The splice replacing a scalar's text with `written`. `key` is the mapping key of the value,
/// `None` for a sequence item.
fn replace_scalar(
    ctx: &Ctx<'_>,
    key: Option<&Node>,
    node: &Node,
    written: String,
    field: &str,
) -> Result<Splice, ManifestError> {
    let scalar = match &node.kind {
        Kind::Scalar(scalar) => scalar,
        Kind::Alias => return Err(ctx.unsupported(field.to_owned(), "as an alias")),
        _ => return Err(ctx.field_type(field.to_owned(), node.describe(), "a scalar")),
    };
    if node.anchored || node.tagged {
        return Err(ctx.unsupported(field.to_owned(), "with an anchor or tag"));
    }
    let text = ctx.text;
    // Where the value's indicator ends: after the key's `:`, or after the item's `-`.
    let indicator = match key {
        Some(key) => layout::colon_after(text, key.end).map(|colon| colon + 1),
        None => layout::dash_before(text, node.start).map(|dash| dash + 1),
    };
    if node.start == node.end {
        let at = indicator.ok_or_else(|| ctx.unsupported(field.to_owned(), "without a value"))?;
        return Ok(Splice::insert(at, format!(" {written}")));
    }
    if matches!(scalar.style, ScalarStyle::Literal | ScalarStyle::Folded) {
        let from = match key {
            Some(_) => indicator.unwrap_or(node.start),
            None => header_line(text, node),
        };
        return Ok(replace_block(text, node, from, written));
    }
    Ok(Splice::replace(node.start, node.end, written))
}

/// Replaces a block scalar. Its span starts at the first content line; the `|` or `>` header
/// (the first after `from`) goes too, the line breaks and blank lines after the content stay.
fn replace_block(text: &str, node: &Node, from: usize, written: String) -> Splice {
    let header = text
        .get(from..node.start)
        .and_then(|between| between.find(['|', '>']))
        .map_or(node.start, |at| from + at);
    Splice::replace(header, layout::content_end(text, node), written)
}

/// Where the line holding a block scalar item's header starts: the line before its content.
fn header_line(text: &str, node: &Node) -> usize {
    let header_end = text.get(..node.start).map_or(0, |t| t.trim_end().len());
    layout::line_start(text, header_end)
}

/// The value style of the last existing entry's name and value, for new entries.
fn sibling_styles(items: &[Node]) -> (Style, Style) {
    let style_at = |key: &str| {
        items
            .iter()
            .rev()
            .find_map(|item| item.entry(key))
            .map_or(Style::Plain, |(_, value)| style_of(value))
    };
    (style_at("name"), style_at("value"))
}

/// A new entry: `name`, `value`, and `forceString: true` when desired.
fn new_entry(entry: &Named<'_>, (name_style, value_style): (Style, Style)) -> NewItem {
    let mut fields = vec![
        ("name", scalar::render(entry.name, name_style, false)),
        ("value", scalar::render(entry.value, value_style, false)),
    ];
    if entry.force_string {
        fields.push(("forceString", "true".to_owned()));
    }
    NewItem::Fields(fields)
}

/// The helm-values style of an existing scalar (a block scalar is replaced by a one-line one).
fn style_of(node: &Node) -> Style {
    match node.scalar().map(|scalar| scalar.style) {
        Some(ScalarStyle::SingleQuoted) => Style::SingleQuoted,
        Some(ScalarStyle::DoubleQuoted) => Style::DoubleQuoted,
        Some(ScalarStyle::Literal | ScalarStyle::Folded) => Style::Block,
        _ => Style::Plain,
    }
}

/// The entry's `name`, when it is a scalar read as a string.
fn entry_name(item: &Node) -> Option<&str> {
    let (_, name) = item.entry("name")?;
    string_of(name)
}

/// The string an untagged, non-null scalar is read as (a plain one only when YAML and Helm
/// resolve it to a string).
fn string_of(node: &Node) -> Option<&str> {
    let scalar = node.scalar().filter(|s| !s.null && !node.tagged)?;
    let plain = scalar.style == ScalarStyle::Plain;
    (!plain || !scalar::resolves_to_non_string(&scalar.value)).then_some(scalar.value.as_str())
}

/// Whether `node` already reads as the string `wanted`.
fn reads_as(node: &Node, wanted: &str) -> bool {
    !node.anchored && string_of(node) == Some(wanted)
}

/// Whether `node` is the boolean `true`.
fn is_true(node: &Node) -> bool {
    node.scalar().is_some_and(|scalar| {
        scalar.style == ScalarStyle::Plain
            && !node.tagged
            && ["true", "True", "TRUE"].contains(&scalar.value.as_str())
    })
}
