//! Where a list of a source is (`helm.parameters`, `kustomize.images`, `plugin.env`), or where it
//! would be created, and the splices that append items to it, create it, or shorten it.

use super::layout::{self, Layout};
use super::tree::{Kind, Node};
use super::{Ctx, ManifestError};
use crate::render::splice::Splice;

/// The path of a list under a source: its block key and its list key.
#[derive(Debug, Clone, Copy)]
pub(super) struct ListSpec {
    block: &'static str,
    list: &'static str,
}

/// `helm.parameters`.
pub(super) const HELM: ListSpec = ListSpec {
    block: "helm",
    list: "parameters",
};
/// `kustomize.images`.
pub(super) const KUSTOMIZE: ListSpec = ListSpec {
    block: "kustomize",
    list: "images",
};
/// `plugin.env`.
pub(super) const PLUGIN: ListSpec = ListSpec {
    block: "plugin",
    list: "env",
};

/// A list of the source, as found.
pub(super) struct Site<'t> {
    /// The list's path, e.g. `spec.source.helm.parameters`, for errors.
    pub(super) field: String,
    place: Place<'t>,
    /// Why the list must not be written, with the field to name: found on the way, reported
    /// only when an edit is needed.
    guard: Guard,
}

/// Where the list is.
enum Place<'t> {
    /// The list exists and holds items (block or flow).
    List { key: &'t Node, seq: &'t Node },
    /// An empty value (`key:`, `key: ~`, `key: {}`, `key: []`) that new content replaces;
    /// `keys` are created below `key`, the last one holding the list.
    Fill {
        key: &'t Node,
        value: &'t Node,
        keys: Vec<&'static str>,
    },
    /// `keys` are missing from `mapping` and are added at its end.
    Append {
        mapping: &'t Node,
        keys: Vec<&'static str>,
    },
}

/// A new sequence item: a scalar, or a mapping's `key: value` lines, values already rendered.
pub(super) enum NewItem {
    /// `- value`
    Scalar(String),
    /// `- k1: v1` then `  k2: v2`
    Fields(Vec<(&'static str, String)>),
}

/// Why a list must not be written, with the field to name in the error.
type Guard = Option<(String, &'static str)>;

/// Finds the list `spec` of `source`, or where it would go.
pub(super) fn find<'t>(
    ctx: &Ctx<'_>,
    source: &'t Node,
    spec: ListSpec,
) -> Result<Site<'t>, ManifestError> {
    let block_field = format!("{}.{}", ctx.source_field, spec.block);
    let field = format!("{block_field}.{}", spec.list);
    let guard = anchored(source, &ctx.source_field);
    let Some((key, block)) = source.entry(spec.block) else {
        let guard = guard.or_else(|| flow(source, &ctx.source_field));
        let keys = vec![spec.block, spec.list];
        let place = Place::Append {
            mapping: source,
            keys,
        };
        return Ok(Site::new(field, place, guard));
    };
    let guard = guard.or_else(|| anchored(block, &block_field));
    if block.is_empty_value() {
        let (value, keys) = (block, vec![spec.list]);
        return Ok(Site::new(field, Place::Fill { key, value, keys }, guard));
    }
    expect(ctx, block, &block_field, true)?;
    in_block(ctx, block, (block_field, field), spec.list, guard)
}

/// Finds the list `list` in the mapping `block` (whose path and the list's are `fields`).
fn in_block<'t>(
    ctx: &Ctx<'_>,
    block: &'t Node,
    (block_field, field): (String, String),
    list_key: &'static str,
    guard: Guard,
) -> Result<Site<'t>, ManifestError> {
    let Some((key, list)) = block.entry(list_key) else {
        let guard = guard.or_else(|| flow(block, &block_field));
        let place = Place::Append {
            mapping: block,
            keys: vec![list_key],
        };
        return Ok(Site::new(field, place, guard));
    };
    if list.is_empty_value() {
        let guard = guard.or_else(|| anchored(list, &field));
        let place = Place::Fill {
            key,
            value: list,
            keys: Vec::new(),
        };
        return Ok(Site::new(field, place, guard));
    }
    expect(ctx, list, &field, false)?;
    let shared = || {
        list.shared
            .then(|| (field.clone(), "with an anchor or alias"))
    };
    let guard = guard.or_else(shared).or_else(|| flow(list, &field));
    Ok(Site::new(field, Place::List { key, seq: list }, guard))
}

/// `Some` when `node` carries an anchor or a tag.
fn anchored(node: &Node, field: &str) -> Guard {
    (node.anchored || node.tagged).then(|| (field.to_owned(), "with an anchor or tag"))
}

/// `Some` when `node` is written in flow style.
fn flow(node: &Node, field: &str) -> Guard {
    node.is_flow().then(|| (field.to_owned(), "in flow style"))
}

/// Checks that `node` is a mapping (or a sequence).
fn expect(ctx: &Ctx<'_>, node: &Node, field: &str, mapping: bool) -> Result<(), ManifestError> {
    match (&node.kind, mapping) {
        (Kind::Mapping { .. }, true) | (Kind::Sequence { .. }, false) => Ok(()),
        (Kind::Alias, _) => Err(ctx.unsupported(field.to_owned(), "as an alias")),
        (_, true) => Err(ctx.field_type(field.to_owned(), node.describe(), "a mapping")),
        (_, false) => Err(ctx.field_type(field.to_owned(), node.describe(), "a sequence")),
    }
}

impl<'t> Site<'t> {
    fn new(field: String, place: Place<'t>, guard: Guard) -> Self {
        Self {
            field,
            place,
            guard,
        }
    }

    /// The list's current items (none when it does not exist yet).
    pub(super) fn items(&self) -> &'t [Node] {
        match self.place {
            Place::List { seq, .. } => seq.items(),
            _ => &[],
        }
    }

    /// Fails when the list must not be edited (flow style, anchors, aliases or tags).
    pub(super) fn check(&self, ctx: &Ctx<'_>) -> Result<(), ManifestError> {
        match &self.guard {
            Some((field, why)) => Err(ctx.unsupported(field.clone(), why)),
            None => Ok(()),
        }
    }

    /// The splices adding `items` at the end of the list, creating it (and its block) first
    /// when needed.
    pub(super) fn add(
        &self,
        ctx: &Ctx<'_>,
        items: &[NewItem],
    ) -> Result<Vec<Splice>, ManifestError> {
        self.check(ctx)?;
        let (text, layout) = (ctx.text, ctx.layout);
        let splices = match &self.place {
            Place::List { seq, .. } => {
                let at = layout::line_end_after(text, layout::content_end(text, seq));
                let (dash, field) = item_columns(text, seq);
                vec![insert_lines(
                    text,
                    at,
                    layout,
                    item_lines(items, dash, field, layout.eol),
                )]
            }
            Place::Append { mapping, keys } => {
                let at = layout::line_end_after(text, layout::content_end(text, mapping));
                let lines = nested(keys, mapping.col, items, layout);
                vec![insert_lines(text, at, layout, lines)]
            }
            Place::Fill { key, value, keys } => fill(text, key, value, keys, items, layout),
        };
        Ok(splices)
    }

    /// The splices removing the items from index `keep` on; an emptied list becomes `[]`.
    pub(super) fn truncate(
        &self,
        ctx: &Ctx<'_>,
        keep: usize,
    ) -> Result<Vec<Splice>, ManifestError> {
        self.check(ctx)?;
        let Place::List { key, seq } = &self.place else {
            return Ok(Vec::new());
        };
        let text = ctx.text;
        let Some(first) = seq.items().get(keep) else {
            return Ok(Vec::new());
        };
        let dash = layout::dash_before(text, first.start).unwrap_or(first.start);
        let start = layout::line_start(text, dash);
        let end = layout::line_end_after(text, layout::content_end(text, seq));
        let mut splices = vec![Splice::replace(start, end, String::new())];
        if keep == 0 {
            let colon = layout::colon_after(text, key.end).unwrap_or(key.end);
            splices.push(Splice::insert(colon + 1, " []".to_owned()));
        }
        Ok(splices)
    }
}

/// Replaces an empty value with the new keys and items on the lines below its key.
fn fill(
    text: &str,
    key: &Node,
    value: &Node,
    keys: &[&'static str],
    items: &[NewItem],
    layout: Layout,
) -> Vec<Splice> {
    let mut splices = Vec::new();
    let after = if value.start < value.end {
        let start = layout::back_over_blanks(text, value.start);
        splices.push(Splice::replace(start, value.end, String::new()));
        value.end
    } else {
        layout::colon_after(text, key.end).map_or(key.end, |colon| colon + 1)
    };
    let col = if keys.is_empty() {
        key.col
    } else {
        key.col + layout.step
    };
    let at = layout::line_end_after(text, after);
    splices.push(insert_lines(
        text,
        at,
        layout,
        nested(keys, col, items, layout),
    ));
    splices
}

/// An insertion of whole lines at `at`, on a new line.
fn insert_lines(text: &str, at: usize, layout: Layout, lines: String) -> Splice {
    let lead = layout::line_lead(text, at, layout.eol);
    Splice::insert(at, format!("{lead}{lines}"))
}

/// `keys` nested from column `col`, the last holding `items`; with no keys, the items of a
/// list whose key is at `col`.
fn nested(keys: &[&str], col: usize, items: &[NewItem], layout: Layout) -> String {
    let mut out = String::new();
    for (depth, key) in keys.iter().enumerate() {
        out.push_str(&" ".repeat(col + depth * layout.step));
        out.push_str(key);
        out.push(':');
        out.push_str(layout.eol);
    }
    let list_col = col + keys.len().saturating_sub(1) * layout.step;
    let dash = list_col + layout.dash_offset;
    out.push_str(&item_lines(items, dash, dash + 2, layout.eol));
    out
}

/// The `-` column of a block sequence and the column its last block mapping item's fields
/// start at (a `-` alone on its line is followed by fields on the next line; new items keep
/// them on the `-` line, at that column).
fn item_columns(text: &str, seq: &Node) -> (usize, usize) {
    let dash = layout::dash_column(text, seq).unwrap_or(seq.col);
    let field = seq
        .items()
        .iter()
        .rev()
        .find(|item| matches!(item.kind, Kind::Mapping { flow: false, .. }))
        .map(|item| item.col)
        .filter(|col| *col > dash)
        .unwrap_or(dash + 2);
    (dash, field)
}

/// The lines of new items, `-` at column `dash`, mapping fields at column `field`.
fn item_lines(items: &[NewItem], dash: usize, field: usize, eol: &str) -> String {
    let gap = " ".repeat(field.saturating_sub(dash + 1).max(1));
    let mut out = String::new();
    for item in items {
        out.push_str(&" ".repeat(dash));
        out.push('-');
        match item {
            NewItem::Scalar(value) => {
                out.push(' ');
                out.push_str(value);
                out.push_str(eol);
            }
            NewItem::Fields(fields) => {
                for (i, (key, value)) in fields.iter().enumerate() {
                    if i == 0 {
                        out.push_str(&gap);
                    } else {
                        out.push_str(&" ".repeat(field));
                    }
                    out.push_str(&format!("{key}: {value}{eol}"));
                }
            }
        }
    }
    out
}
