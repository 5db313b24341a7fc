//! `.argocd-source-<app>.yaml` override files (§7.2.4): merges the app's image-managed Helm
//! parameters, Kustomize images or plugin env entries into the file's current content and
//! writes the result the way the original's go-yaml v3 encoder does (indent 2, compact
//! sequences, lower-case keys such as `forcestring`). Only the block of the given kind is
//! written, as in the original, which decodes the file into a one-field struct.

pub(in crate::render) mod go_yaml;
mod merge;
mod read;
mod write;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;

/// A Helm parameter override (`helm.parameters[]`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HelmParameter {
    /// The parameter path, e.g. `image.tag`.
    pub name: String,
    /// The value, always written as a string.
    pub value: String,
    /// Whether Helm must treat the value as a string (`--set-string`); written `forcestring`.
    pub force_string: bool,
}

/// A plugin environment entry (`plugin.env[]`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EnvEntry {
    /// The variable name.
    pub name: String,
    /// Its value.
    pub value: String,
}

/// The overrides of one app, of the kind its write-back uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceOverride {
    /// The image-managed Helm parameters; merged by name, the list sorted by name.
    Helm {
        /// The parameters to set.
        parameters: Vec<HelmParameter>,
    },
    /// All Kustomize image entries of the app, e.g. `alias=reg/name:tag@digest` or `name:tag`;
    /// merged by image repository (and alias).
    Kustomize {
        /// The image entries.
        images: Vec<String>,
    },
    /// The image-managed plugin env entries; merged by name, order kept.
    Plugin {
        /// The entries to set.
        env: Vec<EnvEntry>,
    },
}

/// Why an override file could not be rendered. No input fails today: an unreadable current
/// file is regenerated, as in the original. The type exists so callers handle a future failure
/// (and match the other renderers' shape) without an API change.
#[derive(Debug, thiserror::Error)]
pub enum SourceFileError {}

/// Renders the new override file given its current text (`""` when it does not exist yet).
///
/// The current file's entries of the same kind are merged with `update` (§7.2.4); a file that
/// does not decode is treated as empty. A document-start prefix (leading blank, comment and
/// directive lines ending with a column-0 `---`) is kept verbatim; everything else is
/// rewritten.
pub fn render_source_file(
    current: &str,
    update: &SourceOverride,
) -> Result<String, SourceFileError> {
    let merged = match update {
        SourceOverride::Helm { parameters } => SourceOverride::Helm {
            parameters: merge::helm(read::helm_parameters(current), parameters),
        },
        SourceOverride::Kustomize { images } => SourceOverride::Kustomize {
            images: merge::kustomize(read::kustomize_images(current), images),
        },
        SourceOverride::Plugin { env } => SourceOverride::Plugin {
            env: merge::plugin(read::plugin_env(current), env),
        },
    };
    let mut out = read::document_start_prefix(current);
    out.push_str(&write::render(&merged));
    Ok(out)
}
