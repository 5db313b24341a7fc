//! The `ImageUpdater` v1alpha1 custom resource (spec §3) as serde types, its parsing from YAML,
//! the checks the CRD schema and CEL rules perform (collected, with paths), the write-back and
//! verification merges, and the applicationRef specificity order.

mod merge;
mod validate;

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::policy::UpdateSettings;

pub use merge::{
    merged_verification, merged_write_back, normalize_labels, sort_refs_by_specificity,
};
pub use validate::ValidationErrors;

/// The `apiVersion` of the resource.
pub const API_VERSION: &str = "argocd-image-updater.argoproj.io/v1alpha1";
/// The `kind` of the resource.
pub const KIND: &str = "ImageUpdater";

/// Why an `ImageUpdater` could not be read or is invalid; validation variants carry the path of
/// the offending field, e.g. `spec.applicationRefs[0].images[1].alias`.
#[derive(Debug, thiserror::Error)]
pub enum CrdError {
    /// The YAML text does not deserialize into an `ImageUpdater`.
    #[error("invalid ImageUpdater document")]
    Yaml {
        /// The YAML parser's error (it names unknown or missing fields).
        #[source]
        source: Box<serde_saphyr::Error>,
    },
    /// `apiVersion` is not [`API_VERSION`].
    #[error("unsupported apiVersion `{found}` (expected `{API_VERSION}`)")]
    WrongApiVersion {
        /// The document's apiVersion.
        found: String,
    },
    /// `kind` is not [`KIND`].
    #[error("unsupported kind `{found}` (expected `{KIND}`)")]
    WrongKind {
        /// The document's kind.
        found: String,
    },
    /// `spec.applicationRefs` is missing or empty.
    #[error("`{path}` must contain at least one applicationRef")]
    NoApplicationRefs {
        /// The field path.
        path: String,
    },
    /// Two applicationRefs share a `namePattern`.
    #[error("duplicate namePattern `{pattern}` at `{path}`")]
    DuplicateNamePattern {
        /// The field path of the second occurrence.
        path: String,
        /// The repeated pattern.
        pattern: String,
    },
    /// A `namePattern` is not a valid glob.
    #[error("invalid glob `{pattern}` at `{path}`")]
    BadNamePattern {
        /// The field path.
        path: String,
        /// The rejected pattern.
        pattern: String,
    },
    /// An applicationRef without `useAnnotations` lists no images.
    #[error("`{path}` must list at least one image unless useAnnotations is true")]
    NoImages {
        /// The field path.
        path: String,
    },
    /// An alias does not match `^[a-zA-Z0-9][a-zA-Z0-9-._]*$`.
    #[error("invalid alias `{alias}` at `{path}` (must match `^[a-zA-Z0-9][a-zA-Z0-9-._]*$`)")]
    BadAlias {
        /// The field path.
        path: String,
        /// The rejected alias.
        alias: String,
    },
    /// Two images of one applicationRef share an alias.
    #[error("duplicate alias `{alias}` at `{path}`")]
    DuplicateAlias {
        /// The field path of the second occurrence.
        path: String,
        /// The repeated alias.
        alias: String,
    },
    /// `imageName` is empty.
    #[error("`{path}` must not be empty")]
    EmptyImageName {
        /// The field path.
        path: String,
    },
    /// `manifestTargets` sets none or several of helm, kustomize, plugin.
    #[error("`{path}` must set exactly one of helm, kustomize, plugin (found {count})")]
    ManifestTargetCount {
        /// The field path.
        path: String,
        /// How many were set.
        count: usize,
    },
    /// `manifestTargets.kustomize.name` is missing.
    #[error("`{path}` is required")]
    MissingKustomizeName {
        /// The field path.
        path: String,
    },
    /// `manifestTargets.plugin` sets neither `spec` nor `name`.
    #[error("`{path}` must set spec or name")]
    PluginWithoutNameOrSpec {
        /// The field path.
        path: String,
    },
    /// A plugin env var name is not 1..253 characters long.
    #[error("`{value}` at `{path}` must be 1 to 253 characters long (has {len})")]
    PluginFieldLength {
        /// The field path.
        path: String,
        /// The rejected value.
        value: String,
        /// Its length in characters.
        len: usize,
    },
    /// `writeBackConfig.method` does not match the CRD pattern.
    #[error(
        "invalid write-back method `{method}` at `{path}` (must match `^(argocd|git|git:[a-zA-Z0-9][a-zA-Z0-9-._/:]*)$`)"
    )]
    BadWriteBackMethod {
        /// The field path.
        path: String,
        /// The rejected method.
        method: String,
    },
    /// `gitConfig.branch` is malformed.
    #[error("invalid git branch `{branch}` at `{path}`")]
    BadBranch {
        /// The field path.
        path: String,
        /// The rejected branch.
        branch: String,
        /// What is wrong with it.
        #[source]
        source: crate::writeback::WriteBackError,
    },
    /// `gitConfig.writeBackTarget` is malformed.
    #[error("invalid write-back target `{target}` at `{path}`")]
    BadWriteBackTarget {
        /// The field path.
        path: String,
        /// The rejected target.
        target: String,
        /// What is wrong with it.
        #[source]
        source: crate::writeback::WriteBackError,
    },
    /// `pullRequest` sets none or both of github, gitlab.
    #[error("`{path}` must set exactly one of github, gitlab (found {count})")]
    PullRequestProviderCount {
        /// The field path.
        path: String,
        /// How many were set.
        count: usize,
    },
    /// `pullRequest.labels` has more than 100 entries.
    #[error("`{path}` has {count} labels (at most 100)")]
    TooManyLabels {
        /// The field path.
        path: String,
        /// How many there are.
        count: usize,
    },
    /// A pull request label is empty or longer than 255 characters.
    #[error("label `{label}` at `{path}` must be 1 to 255 characters long")]
    BadLabelLength {
        /// The field path.
        path: String,
        /// The rejected label.
        label: String,
    },
    /// `imagesVerification` is enabled without a `cosignKey`.
    #[error("`{path}` is required when verification is enabled")]
    MissingCosignKey {
        /// The field path.
        path: String,
    },
}

/// An `ImageUpdater` resource.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ImageUpdater {
    /// Must be [`API_VERSION`].
    pub api_version: String,
    /// Must be [`KIND`].
    pub kind: String,
    /// Object metadata (the fields we use).
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// The desired configuration.
    pub spec: ImageUpdaterSpec,
    /// What the controller last observed and did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<ImageUpdaterStatus>,
}

/// The subset of Kubernetes object metadata the updater reads; other fields are ignored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ObjectMeta {
    /// `metadata.name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `metadata.namespace`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// `metadata.generation`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generation: Option<i64>,
    /// `metadata.labels`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// `metadata.annotations`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
}

/// `spec` (§3.1).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(transform = require_application_refs)]
pub struct ImageUpdaterSpec {
    /// The applications to manage; at least one, `namePattern`s unique.
    #[serde(default)]
    #[schemars(length(min = 1))]
    #[schemars(extend("x-kubernetes-list-type" = "map", "x-kubernetes-list-map-keys" = ["namePattern"]))]
    pub application_refs: Vec<ApplicationRef>,
    /// Global update settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub common_update_settings: Option<UpdateSettings>,
    /// Global write-back configuration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub write_back_config: Option<WriteBackConfig>,
    /// Global signature verification policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub images_verification: Option<ImagesVerification>,
}

/// One selection of applications and their images.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ApplicationRef {
    /// Glob over Application names.
    pub name_pattern: String,
    /// Optional label selector on Applications.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_selectors: Option<LabelSelector>,
    /// Read images, update settings and write-back from the Application's annotations instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = false))]
    pub use_annotations: Option<bool>,
    /// Update settings overriding the global ones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub common_update_settings: Option<UpdateSettings>,
    /// Write-back configuration merged over the global one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub write_back_config: Option<WriteBackConfig>,
    /// The images to manage; required unless useAnnotations is true, aliases unique.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(extend("x-kubernetes-list-type" = "map", "x-kubernetes-list-map-keys" = ["alias"]))]
    pub images: Vec<ImageConfig>,
    /// Verification policy overriding the global one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub images_verification: Option<ImagesVerification>,
}

impl ApplicationRef {
    /// Whether `useAnnotations` is set to true (the CRD default is false).
    pub fn uses_annotations(&self) -> bool {
        self.use_annotations.unwrap_or(false)
    }
}

/// A Kubernetes label selector.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LabelSelector {
    /// Labels that must be present with these values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub match_labels: Option<BTreeMap<String, String>>,
    /// Set-based requirements.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub match_expressions: Option<Vec<LabelSelectorRequirement>>,
}

/// One set-based label requirement.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LabelSelectorRequirement {
    /// The label key.
    pub key: String,
    /// `In`, `NotIn`, `Exists` or `DoesNotExist`.
    pub operator: String,
    /// The values for `In` / `NotIn`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<String>>,
}

/// One managed image.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ImageConfig {
    /// Unique name of the image within its applicationRef.
    #[schemars(pattern(r"^[a-zA-Z0-9][a-zA-Z0-9-._]*$"))]
    pub alias: String,
    /// `[registry/]repo[:constraint-or-tag][@digest]`.
    pub image_name: String,
    /// Update settings overriding the applicationRef's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub common_update_settings: Option<UpdateSettings>,
    /// Where the image is written in the application's manifests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manifest_targets: Option<ManifestTarget>,
    /// Verification policy overriding the applicationRef's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub images_verification: Option<ImagesVerification>,
}

/// Exactly one of the three target kinds (§3.8).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ManifestTarget {
    /// Helm parameter names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub helm: Option<HelmTarget>,
    /// Kustomize image name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kustomize: Option<KustomizeTarget>,
    /// Config-management-plugin environment variable names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plugin: Option<PluginTarget>,
}

/// Helm parameters (dot paths) receiving the image.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HelmTarget {
    /// Parameter for the image name (default `image.name`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Parameter for the tag (default `image.tag`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    /// Parameter for `name:tag`; when set, `name` and `tag` are ignored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec: Option<String>,
}

/// The kustomize image entry to edit.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(transform = require_name)]
pub struct KustomizeTarget {
    /// The image name as written in the kustomization (required by the schema).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// Plugin environment variables receiving the image.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PluginTarget {
    /// Variable for the image name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 253))]
    pub name: Option<String>,
    /// Variable for the tag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 253))]
    pub tag: Option<String>,
    /// Variable for `name:tag`; when set, `name` and `tag` are ignored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 253))]
    pub spec: Option<String>,
}

/// How changes are written back (§3.5).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WriteBackConfig {
    /// `argocd` (default), `git`, or `git:<credentials>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(pattern(r"^(argocd|git|git:[a-zA-Z0-9][a-zA-Z0-9-._/:]*)$"))]
    pub method: Option<String>,
    /// Git settings, for the git method.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub git_config: Option<GitConfig>,
}

/// Git write-back settings (§3.6).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GitConfig {
    /// Repository URL (default: the application source's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repository: Option<String>,
    /// `base`, `base:write` or `:write`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub branch: Option<String>,
    /// `kustomization[:dir]`, `helmvalues[:file]` or a file path.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub write_back_target: Option<String>,
    /// Open a pull/merge request instead of pushing to the base branch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pull_request: Option<PullRequest>,
}

/// Pull/merge request mode (§3.7).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PullRequest {
    /// Use GitHub.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub github: Option<GitHubPullRequest>,
    /// Use GitLab.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gitlab: Option<GitLabPullRequest>,
    /// Labels to set on the request (at most 100, each 1 to 255 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 100), inner(length(min = 1, max = 255)))]
    pub labels: Option<Vec<String>>,
}

/// The (field-less) GitHub provider block.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GitHubPullRequest {}

/// The (field-less) GitLab provider block.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GitLabPullRequest {}

/// Cosign verification policy (§3.9).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ImagesVerification {
    /// Whether to verify; `true` when the block is present but the field is not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("default" = true))]
    pub enabled: Option<bool>,
    /// The secret holding the public key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cosign_key: Option<SecretRef>,
}

impl ImagesVerification {
    /// The effective `enabled` (the CRD defaults it to true).
    pub fn is_enabled(&self) -> bool {
        self.enabled.unwrap_or(true)
    }
}

/// A key in a secret of the CR's namespace.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SecretRef {
    /// The secret's name.
    pub secret_name: String,
    /// The key within the secret.
    pub key: String,
}

/// `status` (§3.10).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ImageUpdaterStatus {
    /// Generation at the last status write.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_generation: Option<i64>,
    /// End of the last run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_checked_at: Option<jiff::Timestamp>,
    /// End of the last run that updated at least one image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_updated_at: Option<jiff::Timestamp>,
    /// Applications selected that produced at least one image.
    #[serde(default)]
    pub applications_matched: i32,
    /// Images considered in the last run.
    #[serde(default)]
    pub images_managed: i32,
    /// The updates of the last run that updated something.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(extend("x-kubernetes-list-type" = "atomic"))]
    pub recent_updates: Vec<RecentUpdate>,
    /// `Ready`, `Reconciling` and `Error` conditions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(extend("x-kubernetes-list-type" = "map", "x-kubernetes-list-map-keys" = ["type"]))]
    pub conditions: Vec<Condition>,
}

/// One entry of `status.recentUpdates`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RecentUpdate {
    /// The alias (or the image name when there is none).
    pub alias: String,
    /// The full image name without tag.
    pub image: String,
    /// The digest if any, else the tag.
    pub new_version: String,
    /// How many applications received it.
    pub applications_updated: i32,
    /// When.
    pub updated_at: jiff::Timestamp,
    /// `Updated from <old> to <new>.`
    #[serde(default)]
    pub message: String,
}

/// A `metav1.Condition`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Condition {
    /// `Ready`, `Reconciling` or `Error`.
    #[serde(rename = "type")]
    pub type_: String,
    /// `True`, `False` or `Unknown`.
    pub status: ConditionStatus,
    /// CamelCase reason.
    pub reason: String,
    /// Human-readable message.
    #[serde(default)]
    pub message: String,
    /// When the status last changed.
    pub last_transition_time: jiff::Timestamp,
    /// The generation the condition was computed for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_generation: Option<i64>,
}

/// The status of a [`Condition`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum ConditionStatus {
    /// The condition holds.
    True,
    /// The condition does not hold.
    False,
    /// Not known.
    Unknown,
}

/// Adds `field` to the `required` list of an object schema. serde defaults some fields the CRD
/// requires, so that a missing one is reported among the collected validation errors (with its
/// path) instead of failing the whole parse; the API server must still reject it.
fn require_field(schema: &mut schemars::Schema, field: &str) {
    let required = schema
        .ensure_object()
        .entry("required")
        .or_insert_with(|| serde_json::Value::Array(Vec::new()));
    if let serde_json::Value::Array(names) = required {
        names.push(field.into());
    }
}

fn require_application_refs(schema: &mut schemars::Schema) {
    require_field(schema, "applicationRefs");
}

fn require_name(schema: &mut schemars::Schema) {
    require_field(schema, "name");
}

impl ImageUpdater {
    /// Parses one YAML document and checks `apiVersion` and `kind`; unknown fields under `spec`
    /// are rejected as the API server's strict validation does (e.g. the removed
    /// `spec.namespace`).
    pub fn from_yaml(text: &str) -> Result<Self, CrdError> {
        let parsed: Self = serde_saphyr::from_str(text).map_err(|source| CrdError::Yaml {
            source: Box::new(source),
        })?;
        if parsed.api_version != API_VERSION {
            return Err(CrdError::WrongApiVersion {
                found: parsed.api_version,
            });
        }
        if parsed.kind != KIND {
            return Err(CrdError::WrongKind { found: parsed.kind });
        }
        Ok(parsed)
    }
}

#[cfg(test)]
mod tests;
