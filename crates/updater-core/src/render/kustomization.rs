//! Kustomization files (§7.3): `images:` edits like `kustomize edit set image`, made as byte
//! splices of the original so that comments, key order, blank lines, quoting and the file's
//! sequence indentation stay exactly as they were; only the touched elements change.

use serde_saphyr::granit_parser::ScanError;

use crate::image::{ImageRef, ImageRefError};

mod edit;
mod element;
mod fields;
mod layout;
mod tree;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;

/// The file names kustomize recognises, in the order it tries them.
pub const KUSTOMIZATION_FILE_NAMES: [&str; 3] =
    ["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// The kustomization file of a directory, given the names of the files in it: the first of
/// [`KUSTOMIZATION_FILE_NAMES`] present.
pub fn find_kustomization(existing: &[&str]) -> Option<&'static str> {
    KUSTOMIZATION_FILE_NAMES
        .into_iter()
        .find(|name| existing.contains(name))
}

/// Why a kustomization could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum KustomizationError {
    /// An image entry of the app is not an image reference.
    #[error("cannot read kustomize image entry `{entry}`")]
    Entry {
        /// The entry as configured.
        entry: String,
        /// Why it does not parse.
        #[source]
        source: ImageRefError,
    },
    /// The file is not YAML.
    #[error("cannot parse the kustomization as YAML")]
    Parse {
        /// The parser's explanation, with line and column.
        #[source]
        source: ScanError,
    },
    /// The planned edits overlap: a bug guard, the planner never makes such edits; the file is
    /// left as it was.
    #[error("internal error: the kustomization edits overlap; the file is left unchanged")]
    Overlap,
    /// The file holds no document, or several.
    #[error("a kustomization must hold exactly one YAML document, this one holds {found}")]
    DocumentCount {
        /// How many documents the file holds.
        found: usize,
    },
    /// The document is not a mapping.
    #[error("the kustomization's root is {found}, expected a mapping")]
    RootNotMapping {
        /// What the root is, e.g. `a sequence`.
        found: &'static str,
    },
    /// `images` exists but is not a sequence.
    #[error("the kustomization's `images` is {found}, expected a sequence")]
    ImagesNotSequence {
        /// What `images` is, e.g. `a mapping`.
        found: &'static str,
    },
}

/// One `images:` element of a kustomization (kustomize's `Image`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KustomizeImage {
    /// The image name in the manifests that this element rewrites.
    pub name: String,
    /// The replacement image name, if any.
    pub new_name: Option<String>,
    /// The replacement tag, if any.
    pub new_tag: Option<String>,
    /// The replacement digest, if any (it takes precedence over the tag in kustomize).
    pub digest: Option<String>,
}

impl KustomizeImage {
    /// Builds the element for an app's Kustomize image entry (§7.3 step 2): with an alias
    /// `a=n:t@d`, name `a`, newName `[registry/]n`, newTag `t`, digest `d`; without one, name
    /// `[registry/]n` and no newName. Docker Hub's `library/` is dropped as image parsing
    /// does (§5.1), so `docker.io/library/nginx` becomes `docker.io/nginx`.
    pub fn from_entry(entry: &str) -> Result<Self, KustomizationError> {
        let image = ImageRef::parse(entry).map_err(|source| KustomizationError::Entry {
            entry: entry.to_owned(),
            source,
        })?;
        let full_name = if image.registry.is_empty() {
            image.name.clone()
        } else {
            format!("{}/{}", image.registry, image.name)
        };
        let (name, new_name) = match image.alias {
            Some(alias) => (alias, Some(full_name)),
            None => (full_name, None),
        };
        Ok(Self {
            name,
            new_name,
            new_tag: image.tag,
            digest: image.digest,
        })
    }
}

/// Applies `images` to a kustomization's text like `kustomize edit set image`: the element
/// with the same `name` is replaced whole (fields not set disappear) where it stands, others
/// are appended, and `images:` is added at the end of the root mapping when missing. An
/// element that already reads exactly as the new one is left untouched, so an up-to-date file
/// comes back byte for byte. With no images the text is returned unchanged.
pub fn render_kustomization(
    current: &str,
    images: &[KustomizeImage],
) -> Result<String, KustomizationError> {
    let roots = tree::parse(current).map_err(|source| KustomizationError::Parse { source })?;
    let [root] = roots.as_slice() else {
        return Err(KustomizationError::DocumentCount { found: roots.len() });
    };
    let splices = edit::plan(current, root, images)?;
    crate::render::splice::apply(current, splices).ok_or(KustomizationError::Overlap)
}
