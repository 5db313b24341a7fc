//! Finding the Application document a target names, and the source mapping in it.

use super::tree::{Kind, Node};
use super::{Ctx, ManifestError, ManifestTarget};

/// The only document that is an `argoproj.io` Application with the target's name and a
/// matching namespace (equal, or absent from the manifest).
pub(super) fn document<'t>(
    roots: &'t [Node],
    target: &ManifestTarget<'_>,
    app: &str,
) -> Result<&'t Node, ManifestError> {
    let matching: Vec<&Node> = roots
        .iter()
        .filter(|root| is_target(root, target))
        .collect();
    match matching.as_slice() {
        [one] => Ok(one),
        [] => Err(ManifestError::NotFound {
            app: app.to_owned(),
        }),
        many => Err(ManifestError::Ambiguous {
            app: app.to_owned(),
            count: many.len(),
        }),
    }
}

/// Whether `root` is the Application `target` names.
fn is_target(root: &Node, target: &ManifestTarget<'_>) -> bool {
    let is_application = root.str_at("kind") == Some("Application")
        && root
            .str_at("apiVersion")
            .is_some_and(|version| version.starts_with("argoproj.io/"));
    let Some((_, metadata)) = root.entry("metadata") else {
        return false;
    };
    let namespace = metadata.str_at("namespace").filter(|ns| !ns.is_empty());
    let namespace_matches = match (target.namespace, namespace) {
        (Some(wanted), Some(found)) => wanted == found,
        _ => true,
    };
    is_application && metadata.str_at("name") == Some(target.name) && namespace_matches
}

/// The source mapping: `spec.source`, or `spec.sources[index]`.
pub(super) fn source<'t>(
    ctx: &Ctx<'_>,
    doc: &'t Node,
    index: Option<usize>,
) -> Result<&'t Node, ManifestError> {
    let spec = child(ctx, doc, "spec", "spec", Shape::Mapping)?;
    let source = match index {
        None => child(ctx, spec, "source", "spec.source", Shape::Mapping)?,
        Some(index) => {
            let sources = child(ctx, spec, "sources", "spec.sources", Shape::Sequence)?;
            sources
                .items()
                .get(index)
                .ok_or_else(|| no_source(ctx, ctx.source_field.clone()))?
        }
    };
    expect(ctx, source, &ctx.source_field, Shape::Mapping)?;
    Ok(source)
}

/// The collection shape a field must have.
#[derive(Clone, Copy)]
enum Shape {
    Mapping,
    Sequence,
}

/// The value at `key` of `parent`, which must exist and have `shape`.
fn child<'t>(
    ctx: &Ctx<'_>,
    parent: &'t Node,
    key: &str,
    field: &str,
    shape: Shape,
) -> Result<&'t Node, ManifestError> {
    let (_, value) = parent
        .entry(key)
        .filter(|(_, value)| !value.scalar().is_some_and(|scalar| scalar.null))
        .ok_or_else(|| no_source(ctx, field.to_owned()))?;
    expect(ctx, value, field, shape)?;
    Ok(value)
}

fn expect(ctx: &Ctx<'_>, node: &Node, field: &str, shape: Shape) -> Result<(), ManifestError> {
    match (&node.kind, shape) {
        (Kind::Mapping { .. }, Shape::Mapping) | (Kind::Sequence { .. }, Shape::Sequence) => Ok(()),
        (Kind::Alias, _) => Err(ctx.unsupported(field.to_owned(), "as an alias")),
        (_, Shape::Mapping) => Err(ctx.field_type(field.to_owned(), node.describe(), "a mapping")),
        (_, Shape::Sequence) => {
            Err(ctx.field_type(field.to_owned(), node.describe(), "a sequence"))
        }
    }
}

fn no_source(ctx: &Ctx<'_>, field: String) -> ManifestError {
    ManifestError::NoSource {
        app: ctx.app.clone(),
        field,
    }
}
