//! Reading the current override file the way the original's `yaml.Unmarshal` into its
//! one-field structs does: only the block of the wanted kind, null read as empty, unknown keys
//! ignored, and any decoding failure read as "no entries" (the file is then regenerated).

use serde::{Deserialize, Deserializer};

use super::{EnvEntry, HelmParameter};

/// `helm.parameters`.
#[derive(Deserialize)]
struct HelmFile {
    #[serde(default)]
    helm: Option<HelmBlock>,
}

#[derive(Deserialize)]
struct HelmBlock {
    #[serde(default)]
    parameters: Option<Vec<Option<RawParameter>>>,
}

#[derive(Deserialize)]
struct RawParameter {
    #[serde(default, deserialize_with = "null_as_empty")]
    name: String,
    #[serde(default, deserialize_with = "null_as_empty")]
    value: String,
    // The original's go-yaml key is the lower-cased Go field name; `forceString` is ignored.
    #[serde(default)]
    forcestring: Option<bool>,
}

/// `kustomize.images`.
#[derive(Deserialize)]
struct KustomizeFile {
    #[serde(default)]
    kustomize: Option<KustomizeBlock>,
}

#[derive(Deserialize)]
struct KustomizeBlock {
    #[serde(default)]
    images: Option<Vec<Option<String>>>,
}

/// `plugin.env`.
#[derive(Deserialize)]
struct PluginFile {
    #[serde(default)]
    plugin: Option<PluginBlock>,
}

#[derive(Deserialize)]
struct PluginBlock {
    #[serde(default)]
    env: Option<Vec<Option<RawEnv>>>,
}

#[derive(Deserialize)]
struct RawEnv {
    #[serde(default, deserialize_with = "null_as_empty")]
    name: String,
    #[serde(default, deserialize_with = "null_as_empty")]
    value: String,
}

/// go-yaml decodes a null into a string field as `""`.
fn null_as_empty<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    Ok(Option::<String>::deserialize(deserializer)?.unwrap_or_default())
}

/// Decodes `text`, or `None` when it is empty, not YAML or not of the expected shape.
fn decode<T: for<'de> Deserialize<'de>>(text: &str) -> Option<T> {
    serde_saphyr::from_str(text).ok()
}

/// The Helm parameters currently in the file.
pub(super) fn helm_parameters(text: &str) -> Vec<HelmParameter> {
    let items = decode::<HelmFile>(text)
        .and_then(|f| f.helm)
        .and_then(|h| h.parameters);
    items
        .unwrap_or_default()
        .into_iter()
        .map(|p| {
            p.map_or_else(HelmParameter::default, |p| HelmParameter {
                name: p.name,
                value: p.value,
                force_string: p.forcestring.unwrap_or(false),
            })
        })
        .collect()
}

/// The Kustomize image entries currently in the file.
pub(super) fn kustomize_images(text: &str) -> Vec<String> {
    let items = decode::<KustomizeFile>(text)
        .and_then(|f| f.kustomize)
        .and_then(|k| k.images);
    items
        .unwrap_or_default()
        .into_iter()
        .map(Option::unwrap_or_default)
        .collect()
}

/// The plugin env entries currently in the file.
pub(super) fn plugin_env(text: &str) -> Vec<EnvEntry> {
    let items = decode::<PluginFile>(text)
        .and_then(|f| f.plugin)
        .and_then(|p| p.env);
    items
        .unwrap_or_default()
        .into_iter()
        .map(|e| {
            e.map_or_else(EnvEntry::default, |e| EnvEntry {
                name: e.name,
                value: e.value,
            })
        })
        .collect()
}

/// The leading blank, comment (`#`) and directive (`%`) lines up to and including a column-0
/// `---` line (optionally followed by a comment), or `""` when the file does not start so.
/// Always ends with a line break when not empty.
pub(super) fn document_start_prefix(text: &str) -> String {
    let mut end = 0;
    for line in text.split_inclusive('\n') {
        let content = line.trim_end_matches(['\n', '\r']);
        end += line.len();
        if is_document_start(content) {
            let mut prefix = text[..end].to_owned();
            if !prefix.ends_with('\n') {
                prefix.push('\n');
            }
            return prefix;
        }
        let trimmed = content.trim_start_matches([' ', '\t']);
        if !(trimmed.is_empty() || trimmed.starts_with('#') || content.starts_with('%')) {
            break;
        }
    }
    String::new()
}

/// `---` at column 0 with nothing after it but blanks and a comment.
fn is_document_start(line: &str) -> bool {
    line.strip_prefix("---").is_some_and(|rest| {
        let rest = rest.trim_start_matches([' ', '\t']);
        rest.is_empty() || (rest.starts_with('#') && rest.len() < line.len() - 3)
    })
}
