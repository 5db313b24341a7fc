//! Argo CD `Application` manifests kept in Git (standalone mode, `argocd` write-back): edits
//! one Application document of a (multi-document) file in place, so that its source holds the
//! desired Helm parameters, Kustomize images or plugin env entries.
//!
//! The edit is a set of byte splices of the original text: only the changed scalars' bytes
//! change, and new entries or blocks are inserted at the indentation the document already uses.
//! Comments, blank lines, key order, quoting, unknown fields and every other document of the
//! file stay exactly as they were. Rules:
//!
//! - Helm parameters and plugin env entries are matched by `name` (the k-th desired entry of a
//!   name pairs with the k-th existing entry of that name). A differing `value` is rewritten in
//!   its own quote style (a plain value YAML or Helm would misread, such as `1.10`, `true`,
//!   `010` or empty, is double-quoted); a missing `value` gets a line; `forceString: true` is
//!   written when desired and not already true (never removed). Existing entries that the
//!   desired list does not name are left alone. Entries with no existing match are appended to
//!   the sequence in its style (its `-` column, its field column, and the quote style of the
//!   last entry's name and value); a missing or null `helm:` / `parameters:` (or `plugin:` /
//!   `env:`) is created under the source.
//! - Kustomize images are compared index by index: a differing string is rewritten in place,
//!   extra desired strings are appended, and when the desired list is shorter the surplus
//!   items' lines are removed (an emptied list becomes `[]`). A reordering is thereby a set of
//!   in-place rewrites; no whole-sequence rewrite is needed.
//! - Text that already holds the desired lists is returned byte for byte.
//! - Flow style (`parameters: [{name: a}]`), anchors or aliases in a list that must change, and
//!   tags on a scalar that must change are refused with [`ManifestError::Unsupported`] rather
//!   than risk a wrong edit.
//! - The edited text is parsed again: the target document must equal the original with the
//!   lists applied (as data), must hold the desired lists, and every other document must be
//!   unchanged; otherwise [`ManifestError::Verify`] is returned, never a broken file.

mod layout;
mod lists;
mod locate;
mod site;
mod tree;
mod verify;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;

use crate::render::source_file::{EnvEntry, HelmParameter};
use layout::Layout;
use serde_saphyr::granit_parser::ScanError;

/// The lists one Application source should hold after the update; `None` leaves that list alone.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SourceLists {
    /// The complete desired `helm.parameters`.
    pub helm_parameters: Option<Vec<HelmParameter>>,
    /// The complete desired `kustomize.images`.
    pub kustomize_images: Option<Vec<String>>,
    /// The complete desired `plugin.env`.
    pub plugin_env: Option<Vec<EnvEntry>>,
}

/// Which Application document of the file, and which of its sources.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ManifestTarget<'a> {
    /// `metadata.name`.
    pub name: &'a str,
    /// `metadata.namespace`: when set, a document with this namespace or without any matches;
    /// when `None`, the namespace is not compared.
    pub namespace: Option<&'a str>,
    /// `None`: `spec.source`; `Some(i)`: `spec.sources[i]`.
    pub source_index: Option<usize>,
}

impl ManifestTarget<'_> {
    /// `namespace/name`, or the name alone, for messages.
    fn display(&self) -> String {
        match self.namespace {
            Some(namespace) => format!("{namespace}/{}", self.name),
            None => self.name.to_owned(),
        }
    }

    /// The source's path in the document, e.g. `spec.sources[1]`.
    fn source_field(&self) -> String {
        match self.source_index {
            Some(index) => format!("spec.sources[{index}]"),
            None => "spec.source".to_owned(),
        }
    }
}

/// Why an Application manifest could not be edited. The caller adds the file's path.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    /// The file is not YAML.
    #[error("cannot parse the manifest file as YAML")]
    Parse {
        /// The parser's explanation, with line and column.
        #[source]
        source: ScanError,
    },
    /// The file's documents cannot be read as data (needed to check the edit).
    #[error("cannot read the documents of the manifest file as data")]
    Data {
        /// The deserializer's explanation.
        #[source]
        source: Box<serde_saphyr::Error>,
    },
    /// No `argoproj.io` Application document has this name (and namespace).
    #[error("the file holds no Application `{app}`")]
    NotFound {
        /// `namespace/name` or `name`.
        app: String,
    },
    /// Several documents match.
    #[error("the file holds {count} Applications matching `{app}`")]
    Ambiguous {
        /// `namespace/name` or `name`.
        app: String,
        /// How many documents match.
        count: usize,
    },
    /// The source (or `spec`) does not exist.
    #[error("Application `{app}` has no `{field}`")]
    NoSource {
        /// `namespace/name` or `name`.
        app: String,
        /// The missing field, e.g. `spec.sources[2]`.
        field: String,
    },
    /// A field on the way to a list, or the list, has the wrong type.
    #[error("`{field}` of Application `{app}` is {found}, expected {expected}")]
    FieldType {
        /// `namespace/name` or `name`.
        app: String,
        /// The field, e.g. `spec.source.helm`.
        field: String,
        /// What it is, e.g. `a scalar`.
        found: &'static str,
        /// What it should be, e.g. `a mapping`.
        expected: &'static str,
    },
    /// The field would need an edit this editor does not make, to avoid a wrong one.
    #[error("cannot edit `{field}` of Application `{app}` in place: it is written {why}")]
    Unsupported {
        /// `namespace/name` or `name`.
        app: String,
        /// The field, e.g. `spec.source.helm.parameters`.
        field: String,
        /// What is in the way, e.g. `in flow style`.
        why: &'static str,
    },
    /// The edited text did not read back as intended (a bug guard: nothing is returned).
    #[error("editing Application `{app}` did not give a file that reads back the desired lists")]
    Verify {
        /// `namespace/name` or `name`.
        app: String,
    },
}

/// What the planners share: the original text, the app for errors, the document's layout and
/// the source's path.
struct Ctx<'t> {
    text: &'t str,
    app: String,
    layout: Layout,
    source_field: String,
}

impl Ctx<'_> {
    fn unsupported(&self, field: String, why: &'static str) -> ManifestError {
        ManifestError::Unsupported {
            app: self.app.clone(),
            field,
            why,
        }
    }

    fn field_type(
        &self,
        field: String,
        found: &'static str,
        expected: &'static str,
    ) -> ManifestError {
        ManifestError::FieldType {
            app: self.app.clone(),
            field,
            found,
            expected,
        }
    }
}

/// Edits the Application `target` names in `text` so that its source holds `lists`, changing as
/// few bytes as possible (see the module docs for the rules). Returns `text` unchanged when it
/// already holds them.
pub fn edit_application(
    text: &str,
    target: &ManifestTarget<'_>,
    lists: &SourceLists,
) -> Result<String, ManifestError> {
    let roots = tree::parse(text).map_err(|source| ManifestError::Parse { source })?;
    let app = target.display();
    let doc = locate::document(&roots, target, &app)?;
    let ctx = Ctx {
        text,
        layout: Layout::of(text, doc, &roots),
        source_field: target.source_field(),
        app,
    };
    let source = locate::source(&ctx, doc, target.source_index)?;
    let splices = plan(&ctx, source, lists)?;
    if splices.is_empty() {
        return Ok(text.to_owned());
    }
    let verify_error = || ManifestError::Verify {
        app: ctx.app.clone(),
    };
    let edited = crate::render::splice::apply(text, splices).ok_or_else(verify_error)?;
    verify::check(text, &edited, target, lists, &ctx.app)?;
    Ok(edited)
}

/// The splices of every list that is set.
fn plan(
    ctx: &Ctx<'_>,
    source: &tree::Node,
    lists: &SourceLists,
) -> Result<Vec<crate::render::splice::Splice>, ManifestError> {
    let mut splices = Vec::new();
    if let Some(parameters) = &lists.helm_parameters {
        let wanted: Vec<lists::Named<'_>> = parameters.iter().map(lists::Named::helm).collect();
        splices.extend(lists::named(ctx, source, site::HELM, &wanted)?);
    }
    if let Some(images) = &lists.kustomize_images {
        splices.extend(lists::strings(ctx, source, site::KUSTOMIZE, images)?);
    }
    if let Some(env) = &lists.plugin_env {
        let wanted: Vec<lists::Named<'_>> = env.iter().map(lists::Named::plugin).collect();
        splices.extend(lists::named(ctx, source, site::PLUGIN, &wanted)?);
    }
    Ok(splices)
}
