//! Argo CD Applications as JSON (every field kept): sources, source types, live images, edits.
//!
//! The Kubernetes crate only fetches and patches JSON; every rule about what an Application
//! means lives here. [`Application`] wraps the resource's `serde_json::Value` as received, so a
//! round trip never drops a field this crate does not know about. Accessors are total: odd
//! shapes (a string where an object belongs, a number in a list of strings) read as absent, and
//! edits refuse them with an [`ApplicationError`] naming the field, never with a panic.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::image::ImageRef;

mod edit;
mod live;
mod patch;
mod source_type;

pub use edit::{
    DEFAULT_HELM_IMAGE_NAME, DEFAULT_HELM_IMAGE_TAG, HelmParams, SpecTarget, already_set,
    helm_parameters, kustomize_images, plugin_env, set_helm_image, set_image, set_kustomize_image,
    set_plugin_env, spec_image,
};
pub use live::{find_live, live_or_forced, reselect_digest, running, unchanged_image};
pub use patch::{merge_diff, spec_changed, spec_merge_patch};
pub use source_type::{SourceType, source_type, write_source_index};

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;

/// The `kind` every Application has.
pub const KIND: &str = "Application";

/// Why an Application could not be read or edited.
#[derive(Debug, thiserror::Error)]
pub enum ApplicationError {
    /// The YAML text does not parse.
    #[error("invalid Application document")]
    Yaml {
        /// The YAML parser's error.
        #[source]
        source: Box<serde_saphyr::Error>,
    },
    /// The document is not a JSON object.
    #[error("an Application must be an object, found {found}")]
    NotAnObject {
        /// The JSON type found (`array`, `string`, …).
        found: &'static str,
    },
    /// `kind` is not `Application`.
    #[error("unsupported kind `{found}` (expected `{KIND}`)")]
    WrongKind {
        /// The document's kind (empty when missing or not a string).
        found: String,
    },
    /// `metadata.name` is missing, empty or not a string.
    #[error("Application has no `metadata.name`")]
    MissingName,
    /// The Application has neither `spec.source`, `spec.sources[]` nor
    /// `spec.sourceHydrator.drySource`.
    #[error("application `{app}` has no source")]
    NoSource {
        /// The Application's name.
        app: String,
    },
    /// A source index beyond the Application's sources.
    #[error("application `{app}` has {count} sources, no source at index {index}")]
    SourceIndex {
        /// The Application's name.
        app: String,
        /// The requested index.
        index: usize,
        /// How many sources there are.
        count: usize,
    },
    /// A field the edit must descend into or extend has the wrong JSON type.
    #[error("field `{field}` of application `{app}` is {found}, expected {expected}")]
    FieldType {
        /// The Application's name.
        app: String,
        /// The field's path, e.g. `spec.sources[1].helm.parameters`.
        field: String,
        /// The JSON type found.
        found: &'static str,
        /// The JSON type required (`an object`, `an array`).
        expected: &'static str,
    },
}

/// An Argo CD `Application` resource, kept as the JSON the API server returned.
#[derive(Debug, Clone, PartialEq)]
pub struct Application {
    /// Always an object with `kind: Application` and a non-empty string `metadata.name`.
    json: Value,
}

/// Where a source lives in the Application spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceLocation {
    /// `spec.source` of a single-source Application.
    Single,
    /// `spec.sources[index]` of a multi-source Application.
    Multi {
        /// The index in `spec.sources`.
        index: usize,
    },
    /// `spec.sourceHydrator.drySource` of a source-hydrator Application.
    DrySource,
}

impl SourceLocation {
    /// The field path, as used in error messages (`spec.sources[1]`).
    pub fn field(self) -> String {
        match self {
            Self::Single => "spec.source".to_owned(),
            Self::Multi { index } => format!("spec.sources[{index}]"),
            Self::DrySource => "spec.sourceHydrator.drySource".to_owned(),
        }
    }
}

/// The parts of one source the updater reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceView {
    /// Where the source is.
    pub location: SourceLocation,
    /// `repoURL`.
    pub repo_url: Option<String>,
    /// `path` within the repository.
    pub path: Option<String>,
    /// `targetRevision` (branch, tag, commit or chart version).
    pub target_revision: Option<String>,
    /// `chart`, for Helm repositories.
    pub chart: Option<String>,
    /// The source has an explicit `helm` object.
    pub has_helm: bool,
    /// The source has an explicit `kustomize` object.
    pub has_kustomize: bool,
    /// The source has an explicit `plugin` object.
    pub has_plugin: bool,
    /// The source has an explicit `directory` object.
    pub has_directory: bool,
}

impl SourceView {
    /// True when the source has an explicit block of the given type.
    pub fn has_block(&self, source_type: SourceType) -> bool {
        match source_type {
            SourceType::Helm => self.has_helm,
            SourceType::Kustomize => self.has_kustomize,
            SourceType::Plugin => self.has_plugin,
            SourceType::Directory => self.has_directory,
        }
    }

    /// True when the source has a `helm`, `kustomize` or `plugin` block.
    pub fn has_tool_block(&self) -> bool {
        self.has_helm || self.has_kustomize || self.has_plugin
    }
}

/// The images of `status.summary.images`, parsed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LiveImages {
    /// The entries that parse, in order.
    pub images: Vec<ImageRef>,
    /// The entries that do not (empty strings, non-strings as their JSON text), to report.
    pub unparsable: Vec<String>,
}

impl Application {
    /// Wraps an Application's JSON; it must be an object of kind `Application` with a
    /// `metadata.name`.
    pub fn from_json(json: Value) -> Result<Self, ApplicationError> {
        let Value::Object(object) = &json else {
            return Err(ApplicationError::NotAnObject {
                found: json_type(&json),
            });
        };
        let kind = object.get("kind").and_then(Value::as_str).unwrap_or("");
        if kind != KIND {
            return Err(ApplicationError::WrongKind {
                found: kind.to_owned(),
            });
        }
        let name = json.pointer("/metadata/name").and_then(Value::as_str);
        if name.is_none_or(str::is_empty) {
            return Err(ApplicationError::MissingName);
        }
        Ok(Self { json })
    }

    /// Parses one YAML document (e.g. a manifest or `kubectl get -o yaml` output).
    pub fn from_yaml(text: &str) -> Result<Self, ApplicationError> {
        let json: Value =
            serde_saphyr::from_str(text).map_err(|source| ApplicationError::Yaml {
                source: Box::new(source),
            })?;
        Self::from_json(json)
    }

    /// The JSON, with every field as received plus the edits made.
    pub fn as_json(&self) -> &Value {
        &self.json
    }

    /// Unwraps the JSON.
    pub fn into_json(self) -> Value {
        self.json
    }

    /// `metadata.name`.
    pub fn name(&self) -> &str {
        self.str_at("/metadata/name").unwrap_or_default()
    }

    /// `metadata.namespace`, if set.
    pub fn namespace(&self) -> Option<&str> {
        self.str_at("/metadata/namespace")
    }

    /// `metadata.resourceVersion`, if set.
    pub fn resource_version(&self) -> Option<&str> {
        self.str_at("/metadata/resourceVersion")
    }

    /// `metadata.labels` (entries whose value is not a string are left out).
    pub fn labels(&self) -> BTreeMap<String, String> {
        self.string_map("/metadata/labels")
    }

    /// `metadata.annotations` (entries whose value is not a string are left out).
    pub fn annotations(&self) -> BTreeMap<String, String> {
        self.string_map("/metadata/annotations")
    }

    /// The sources, in the original's order of precedence: a non-empty `spec.sources[]`, else
    /// `spec.sourceHydrator.drySource`, else `spec.source`. Entries of `spec.sources` that are
    /// not objects still take their index, read as empty sources.
    pub fn sources(&self) -> Vec<SourceView> {
        self.source_locations()
            .into_iter()
            .map(|location| source_view(location, self.source_json(location)))
            .collect()
    }

    /// True when the Application uses `spec.sources[]` (Argo CD's `HasMultipleSources`).
    pub fn is_multi_source(&self) -> bool {
        self.json
            .pointer("/spec/sources")
            .and_then(Value::as_array)
            .is_some_and(|sources| !sources.is_empty())
    }

    /// True when the sources come from `spec.sourceHydrator.drySource`.
    pub fn is_hydrated(&self) -> bool {
        self.source_locations() == [SourceLocation::DrySource]
    }

    /// `status.sourceType`, when it names a known type.
    pub fn status_source_type(&self) -> Option<SourceType> {
        self.str_at("/status/sourceType")
            .and_then(SourceType::parse)
    }

    /// `status.sourceTypes[]`, index-aligned with `spec.sources[]`; unknown entries are `None`.
    pub fn status_source_types(&self) -> Vec<Option<SourceType>> {
        let Some(types) = self.json.pointer("/status/sourceTypes") else {
            return Vec::new();
        };
        let entries = types.as_array().map(Vec::as_slice).unwrap_or_default();
        entries
            .iter()
            .map(|entry| entry.as_str().and_then(SourceType::parse))
            .collect()
    }

    /// The images Argo CD reports as deployed (`status.summary.images`).
    pub fn live_images(&self) -> LiveImages {
        let mut live = LiveImages::default();
        let entries = self.json.pointer("/status/summary/images");
        for entry in entries.and_then(Value::as_array).into_iter().flatten() {
            match entry.as_str().map(ImageRef::parse) {
                Some(Ok(image)) => live.images.push(image),
                Some(Err(_)) | None => live.unparsable.push(entry.to_string()),
            }
        }
        live
    }

    fn source_locations(&self) -> Vec<SourceLocation> {
        if self.is_multi_source() {
            let count = self.json["spec"]["sources"].as_array().map_or(0, Vec::len);
            return (0..count)
                .map(|index| SourceLocation::Multi { index })
                .collect();
        }
        let dry = self.json.pointer("/spec/sourceHydrator/drySource");
        if dry.is_some_and(Value::is_object) {
            return vec![SourceLocation::DrySource];
        }
        let single = self.json.pointer("/spec/source");
        if single.is_some_and(Value::is_object) {
            return vec![SourceLocation::Single];
        }
        Vec::new()
    }

    /// The location of the `index`-th source, or why there is none.
    fn source_location(&self, index: usize) -> Result<SourceLocation, ApplicationError> {
        let locations = self.source_locations();
        if locations.is_empty() {
            return Err(ApplicationError::NoSource {
                app: self.name().to_owned(),
            });
        }
        locations
            .get(index)
            .copied()
            .ok_or_else(|| ApplicationError::SourceIndex {
                app: self.name().to_owned(),
                index,
                count: locations.len(),
            })
    }

    fn source_json(&self, location: SourceLocation) -> Option<&Value> {
        self.json.pointer(&source_pointer(location))
    }

    fn str_at(&self, pointer: &str) -> Option<&str> {
        self.json.pointer(pointer).and_then(Value::as_str)
    }

    fn string_map(&self, pointer: &str) -> BTreeMap<String, String> {
        let Some(Value::Object(map)) = self.json.pointer(pointer) else {
            return BTreeMap::new();
        };
        map.iter()
            .filter_map(|(key, value)| Some((key.clone(), value.as_str()?.to_owned())))
            .collect()
    }
}

/// The JSON pointer of a source.
fn source_pointer(location: SourceLocation) -> String {
    match location {
        SourceLocation::Single => "/spec/source".to_owned(),
        SourceLocation::Multi { index } => format!("/spec/sources/{index}"),
        SourceLocation::DrySource => "/spec/sourceHydrator/drySource".to_owned(),
    }
}

fn source_view(location: SourceLocation, source: Option<&Value>) -> SourceView {
    let text = |key: &str| {
        source
            .and_then(|s| s.get(key))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let block = |key: &str| {
        source
            .and_then(|s| s.get(key))
            .is_some_and(Value::is_object)
    };
    SourceView {
        location,
        repo_url: text("repoURL"),
        path: text("path"),
        target_revision: text("targetRevision"),
        chart: text("chart"),
        has_helm: block("helm"),
        has_kustomize: block("kustomize"),
        has_plugin: block("plugin"),
        has_directory: block("directory"),
    }
}

/// The JSON type of a value, for error messages.
fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
