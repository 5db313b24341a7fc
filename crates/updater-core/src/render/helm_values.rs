//! Helm values files (§7.2.5): in-place edits of image name/tag/spec values.
//!
//! Every write edits the text where the value sits, so only the changed scalars' bytes change:
//! comments, anchors, blank lines, key order, indentation and quoting all stay. A replaced value
//! keeps its quote style; a plain value Helm would misread (`1.10`, `true`, `010`) is
//! double-quoted. Missing keys are inserted at the end of the mapping they belong to, at its
//! indentation. After each write the text is parsed again and must read back the new value, so a
//! file is never returned broken.

mod edit;
mod path;
pub(in crate::render) mod scalar;
mod tree;

#[cfg(test)]
mod tests;

use edit::{Layout, OutsideText};
use std::fmt;
use tree::{Root, Target};

/// One image to write into a values file, with the Helm parameters that name where.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HelmValuesImage {
    /// The image alias, or the image name when it has no alias (used in errors).
    pub alias: String,
    /// The path of the image name value (`image.repository`).
    pub name_param: Option<String>,
    /// The path of the image tag value (`image.tag`).
    pub tag_param: Option<String>,
    /// The path of the full `name:tag` value; when set, name and tag are not written.
    pub spec_param: Option<String>,
    /// The full image name without tag, e.g. `ghcr.io/org/app`.
    pub name_value: String,
    /// The tag with digest, e.g. `1.2.3` or `1.2.3@sha256:…`; empty or missing is never written.
    pub tag_value: Option<String>,
    /// The full image name with tag (and digest).
    pub spec_value: String,
}

/// A YAML node kind, named as the original names it in errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeKind {
    /// A scalar (`ScalarNode`).
    Scalar,
    /// A mapping (`MappingNode`).
    Mapping,
    /// A sequence (`SequenceNode`).
    Sequence,
    /// An alias whose anchor could not be found (`AliasNode`).
    Alias,
}

impl fmt::Display for NodeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Scalar => "ScalarNode",
            Self::Mapping => "MappingNode",
            Self::Sequence => "SequenceNode",
            Self::Alias => "AliasNode",
        })
    }
}

/// Why a values file could not be read or written. The path errors keep the original's texts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HelmValuesError {
    /// The file is not valid YAML.
    #[error("the helm values are not valid yaml: {message}")]
    Parse {
        /// The parser's message, with its line and column.
        message: String,
    },
    /// The first document is not a mapping.
    #[error("unexpected type {kind} for root")]
    UnexpectedRoot {
        /// What the root is.
        kind: NodeKind,
    },
    /// The path goes through, or ends at, a node of the wrong kind.
    #[error("unexpected type {kind} for key {key}")]
    UnexpectedType {
        /// What the node is.
        kind: NodeKind,
        /// The path segment that reached it.
        key: String,
        /// The whole path.
        path: String,
    },
    /// A segment without `[n]` reaches a sequence (or has empty brackets).
    #[error("no id provided for yaml array {key:?}")]
    NoId {
        /// The segment's key.
        key: String,
        /// The whole path.
        path: String,
    },
    /// A `key[n]` segment whose key is not a sequence (or does not exist).
    #[error("id {id} provided when {key:?} is not an yaml array")]
    NotArray {
        /// The id as written.
        id: String,
        /// The segment's key.
        key: String,
        /// The whole path.
        path: String,
    },
    /// A `key[n]` segment past the end of the sequence.
    #[error("id {id} is out of range [0, {len})")]
    OutOfRange {
        /// The id.
        id: i64,
        /// The sequence length.
        len: usize,
        /// The whole path.
        path: String,
    },
    /// A segment with brackets that are not `key[n]` with a number `n`.
    #[error(r#"id {segment:?} in yaml array must match pattern ^(.*)\[(.*)\]$"#)]
    BadId {
        /// The segment as written.
        segment: String,
        /// The whole path.
        path: String,
    },
    /// The image has neither a tag parameter nor a spec parameter.
    #[error("could not find an image-tag for image {alias}")]
    MissingTagParam {
        /// The image alias.
        alias: String,
    },
    /// The image has neither a name parameter nor a spec parameter.
    #[error("could not find an image-name for image {alias}")]
    MissingNameParam {
        /// The image alias.
        alias: String,
    },
    /// The edited text did not read back the value (a bug guard: the file is left as it was).
    #[error("writing `{path}` did not give a values file that reads back `{value}`")]
    Verify {
        /// The path written.
        path: String,
        /// The value written.
        value: String,
    },
}

/// Writes every image's values into `current`, in order: for each image the tag first (unless
/// empty), then the name, or only the spec when a spec parameter is set. Returns `current`
/// unchanged when every value is already there.
pub fn render_helm_values(
    current: &str,
    images: &[HelmValuesImage],
) -> Result<String, HelmValuesError> {
    images.iter().try_fold(current.to_owned(), render_image)
}

/// Reads the value at `path` (`a.b.c`, `list[2].x`): the nested walk, following an alias one
/// level, then a literal dotted key at the root. `None` when there is no scalar there. A plain
/// scalar reads as written (`~` is `"~"`, `tag:` is `""`), as the original's node value.
pub fn resolve_value(current: &str, path: &str) -> Result<Option<String>, HelmValuesError> {
    let values = tree::parse(current)?;
    match values.root()? {
        Root::Empty { .. } => Ok(None),
        Root::Mapping(root) => Ok(values.read(&root, path)),
    }
}

/// One planned write of an image.
struct Write<'a> {
    path: &'a str,
    value: &'a str,
    short_form: bool,
}

fn render_image(mut text: String, image: &HelmValuesImage) -> Result<String, HelmValuesError> {
    for write in writes(image)? {
        let value = if write.short_form {
            short_form(write.value, resolve_value(&text, write.path)?.as_deref())
        } else {
            write.value
        };
        text = set_value(&text, write.path, value)?;
    }
    Ok(text)
}

/// The writes of one image, in the original's order (tag before name; spec alone wins).
fn writes(image: &HelmValuesImage) -> Result<Vec<Write<'_>>, HelmValuesError> {
    if let Some(spec) = param(&image.spec_param) {
        return Ok(vec![Write {
            path: spec,
            value: &image.spec_value,
            short_form: true,
        }]);
    }
    let alias = || image.alias.clone();
    let name = param(&image.name_param)
        .ok_or_else(|| HelmValuesError::MissingNameParam { alias: alias() })?;
    let tag = param(&image.tag_param)
        .ok_or_else(|| HelmValuesError::MissingTagParam { alias: alias() })?;
    let tag_write = image
        .tag_value
        .as_deref()
        .filter(|value| !value.is_empty())
        .map(|value| Write {
            path: tag,
            value,
            short_form: false,
        });
    let name_write = Write {
        path: name,
        value: &image.name_value,
        short_form: true,
    };
    Ok(tag_write.into_iter().chain([name_write]).collect())
}

/// An unset or empty parameter name counts as missing.
fn param(name: &Option<String>) -> Option<&str> {
    name.as_deref().filter(|name| !name.is_empty())
}

/// Keeps the file's short form: when the new value names a registry but the current one does
/// not, the registry is left out.
fn short_form<'a>(value: &'a str, current: Option<&str>) -> &'a str {
    match (without_registry(value), current) {
        (Some(rest), Some(current))
            if !current.is_empty() && without_registry(current).is_none() =>
        {
            rest
        }
        _ => value,
    }
}

/// The value after its registry, when its first path segment holds a `.` (`ghcr.io/org/app`).
fn without_registry(value: &str) -> Option<&str> {
    let (first, rest) = value.split_once('/')?;
    first.contains('.').then_some(rest)
}

/// Writes `value` at `path`, or returns the text unchanged when it is already there.
fn set_value(current: &str, path: &str, value: &str) -> Result<String, HelmValuesError> {
    let values = tree::parse(current)?;
    let (target, layout) = match values.root()? {
        Root::Empty { end } => (values.new_root(path, end)?, Layout::of(current, None)),
        Root::Mapping(root) => (
            values.locate(&root, path)?,
            Layout::of(current, Some(&root)),
        ),
    };
    match edit::apply(current, &target, value, layout) {
        Ok(None) => Ok(current.to_owned()),
        Ok(Some(text)) if reads_back(&text, path, value) => Ok(text),
        Ok(Some(_)) | Err(OutsideText) => Err(HelmValuesError::Verify {
            path: path.to_owned(),
            value: value.to_owned(),
        }),
    }
}

/// Whether `text` parses and a second write of `value` at `path` would change nothing.
fn reads_back(text: &str, path: &str, value: &str) -> bool {
    let Ok(values) = tree::parse(text) else {
        return false;
    };
    let Ok(Root::Mapping(root)) = values.root() else {
        return false;
    };
    matches!(values.locate(&root, path), Ok(Target::Slot(slot)) if edit::is_written(&slot, value))
}
