//! Application annotations as configuration (spec §4): the v1 `useAnnotations` reader and the
//! v0.x (legacy) variant, turning `argocd-image-updater.argoproj.io/*` annotations into images,
//! update settings, manifest targets and write-back settings.

use std::collections::BTreeMap;

use crate::crd::{GitConfig, HelmTarget, KustomizeTarget, ManifestTarget, WriteBackConfig};
use crate::policy::UpdateSettings;
use crate::writeback::{BranchSpec, WriteBackError, WriteBackMethod, WriteBackTarget};

/// The prefix of every annotation the updater reads.
pub const ANNOTATION_PREFIX: &str = "argocd-image-updater.argoproj.io/";

const IMAGE_LIST: &str = "image-list";
const WRITE_BACK_METHOD: &str = "write-back-method";
const WRITE_BACK_TARGET: &str = "write-back-target";
const GIT_BRANCH: &str = "git-branch";
const GIT_REPOSITORY: &str = "git-repository";

/// Why an Application's annotations do not form a configuration; the selection falls through to
/// the next applicationRef.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnnotationError {
    /// There is no `image-list` annotation.
    #[error("annotation `{ANNOTATION_PREFIX}{IMAGE_LIST}` not found")]
    ImageListMissing,
    /// The `image-list` annotation has no non-empty entry.
    #[error("annotation `{ANNOTATION_PREFIX}{IMAGE_LIST}` is empty")]
    ImageListEmpty,
    /// An `image-list` entry is `alias=` with nothing after the `=`.
    #[error(
        "entry `{entry}` in annotation `{ANNOTATION_PREFIX}{IMAGE_LIST}` has an alias but no image"
    )]
    MissingImage {
        /// The offending entry, trimmed.
        entry: String,
    },
    /// A boolean annotation is not one of Go's `strconv.ParseBool` spellings.
    #[error("invalid boolean `{value}` in annotation `{key}`")]
    InvalidBool {
        /// The full annotation key.
        key: String,
        /// The rejected value.
        value: String,
    },
    /// An alias has both `helm.*` and `kustomize.*` annotations.
    #[error("both helm and kustomize manifest targets configured for alias `{alias}`")]
    ConflictingManifestTargets {
        /// The alias.
        alias: String,
    },
    /// A write-back annotation is malformed.
    #[error("invalid value `{value}` in annotation `{key}`")]
    InvalidWriteBack {
        /// The full annotation key.
        key: String,
        /// The rejected value.
        value: String,
        /// What is wrong with it.
        #[source]
        source: WriteBackError,
    },
}

/// Which generation of the annotation model to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AnnotationMode {
    /// v1 `useAnnotations`: aliases verbatim in keys, `force-update` parsed like Go's
    /// `ParseBool`, no `tag-match`.
    #[default]
    V1,
    /// v0.x: `/` in aliases becomes `_` in keys, `<alias>.tag-match` is a deprecated spelling of
    /// `allow-tags`, and `force-update` is true only for `true`.
    Legacy,
}

/// The configuration an Application's annotations describe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnnotationConfig {
    /// The images of `image-list`, in order.
    pub images: Vec<AnnotatedImage>,
    /// The app-wide settings (defaults for every image).
    pub app_settings: UpdateSettings,
    /// Write-back settings, when any write-back annotation has a value.
    pub write_back: Option<WriteBackConfig>,
}

/// One `image-list` entry with its settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnnotatedImage {
    /// The alias before `=`, if non-empty.
    pub alias: Option<String>,
    /// The image reference text after `=` (trimmed, not parsed).
    pub image_name: String,
    /// The effective settings: app-wide values overlaid with this alias's own.
    pub settings: UpdateSettings,
    /// Helm or kustomize names from `<alias>.helm.*` / `<alias>.kustomize.*`.
    pub manifest_target: Option<ManifestTarget>,
    /// Legacy mode only: `allow-tags` came from the deprecated `<alias>.tag-match`.
    pub used_deprecated_tag_match: bool,
}

impl AnnotationConfig {
    /// Reads the configuration from an Application's annotations.
    pub fn parse(
        annotations: &BTreeMap<String, String>,
        mode: AnnotationMode,
    ) -> Result<Self, AnnotationError> {
        let reader = Reader { annotations, mode };
        let app_settings = reader.settings(None)?;
        let images = parse_image_list(annotations)?
            .into_iter()
            .map(|(alias, image_name)| reader.image(alias, image_name, &app_settings))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self {
            images,
            app_settings,
            write_back: reader.write_back()?,
        })
    }
}

/// `(alias, image)` pairs of the `image-list` annotation.
fn parse_image_list(
    annotations: &BTreeMap<String, String>,
) -> Result<Vec<(Option<String>, String)>, AnnotationError> {
    let list = annotations
        .get(&format!("{ANNOTATION_PREFIX}{IMAGE_LIST}"))
        .ok_or(AnnotationError::ImageListMissing)?;
    let mut entries = Vec::new();
    for entry in list.split(',').map(str::trim).filter(|e| !e.is_empty()) {
        let (alias, image) = match entry.split_once('=') {
            Some((alias, image)) => (alias.trim(), image.trim()),
            None => ("", entry),
        };
        if image.is_empty() {
            return Err(AnnotationError::MissingImage {
                entry: entry.to_owned(),
            });
        }
        let alias = Some(alias.to_owned()).filter(|a| !a.is_empty());
        entries.push((alias, image.to_owned()));
    }
    if entries.is_empty() {
        return Err(AnnotationError::ImageListEmpty);
    }
    Ok(entries)
}

/// Go's `strconv.ParseBool`.
fn parse_go_bool(value: &str) -> Option<bool> {
    match value {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// Comma list, elements trimmed; `keep_empty` keeps empty elements (ignore-tags does).
fn split_list(value: &str, keep_empty: bool) -> Vec<String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|item| keep_empty || !item.is_empty())
        .map(str::to_owned)
        .collect()
}

struct Reader<'a> {
    annotations: &'a BTreeMap<String, String>,
    mode: AnnotationMode,
}

impl Reader<'_> {
    /// The full key of an app-wide (`alias == None`) or per-alias setting.
    fn key(&self, alias: Option<&str>, name: &str) -> String {
        match (alias, self.mode) {
            (None, _) => format!("{ANNOTATION_PREFIX}{name}"),
            (Some(alias), AnnotationMode::V1) => format!("{ANNOTATION_PREFIX}{alias}.{name}"),
            (Some(alias), AnnotationMode::Legacy) => {
                format!("{ANNOTATION_PREFIX}{}.{name}", alias.replace('/', "_"))
            }
        }
    }

    /// The trimmed value of `key`; empty values count as absent.
    fn value(&self, key: &str) -> Option<&str> {
        let value = self.annotations.get(key)?.trim();
        (!value.is_empty()).then_some(value)
    }

    fn string(&self, alias: Option<&str>, name: &str) -> Option<String> {
        self.value(&self.key(alias, name)).map(str::to_owned)
    }

    fn bool(&self, alias: Option<&str>, name: &str) -> Result<Option<bool>, AnnotationError> {
        let key = self.key(alias, name);
        let Some(value) = self.value(&key) else {
            return Ok(None);
        };
        match parse_go_bool(value) {
            Some(parsed) => Ok(Some(parsed)),
            None => Err(AnnotationError::InvalidBool {
                value: value.to_owned(),
                key,
            }),
        }
    }

    fn force_update(&self, alias: Option<&str>) -> Result<Option<bool>, AnnotationError> {
        match self.mode {
            AnnotationMode::V1 => self.bool(alias, "force-update"),
            AnnotationMode::Legacy => Ok(self
                .value(&self.key(alias, "force-update"))
                .map(|value| value == "true")),
        }
    }

    /// The settings set by app-wide keys (`None`) or by one alias's keys.
    fn settings(&self, alias: Option<&str>) -> Result<UpdateSettings, AnnotationError> {
        Ok(UpdateSettings {
            update_strategy: self.string(alias, "update-strategy"),
            force_update: self.force_update(alias)?,
            allow_tags: self.string(alias, "allow-tags"),
            ignore_tags: self
                .value(&self.key(alias, "ignore-tags"))
                .map(|value| split_list(value, true)),
            pull_secret: self.string(alias, "pull-secret"),
            platforms: alias
                .and_then(|alias| self.value(&self.key(Some(alias), "platforms")))
                .map(|value| split_list(value, false))
                .filter(|list| !list.is_empty()),
            allow_downgrade: self.bool(alias, "allow-downgrade")?,
        })
    }

    fn image(
        &self,
        alias: Option<String>,
        image_name: String,
        app_settings: &UpdateSettings,
    ) -> Result<AnnotatedImage, AnnotationError> {
        let Some(name) = alias.as_deref() else {
            return Ok(AnnotatedImage {
                alias,
                image_name,
                settings: app_settings.clone(),
                manifest_target: None,
                used_deprecated_tag_match: false,
            });
        };
        let mut own = self.settings(Some(name))?;
        let used_deprecated_tag_match = self.apply_tag_match(name, &mut own);
        Ok(AnnotatedImage {
            manifest_target: self.manifest_target(name)?,
            settings: app_settings.overlay(&own),
            alias,
            image_name,
            used_deprecated_tag_match,
        })
    }

    /// Legacy `<alias>.tag-match` stands in for a missing `<alias>.allow-tags`.
    fn apply_tag_match(&self, alias: &str, own: &mut UpdateSettings) -> bool {
        if self.mode != AnnotationMode::Legacy || own.allow_tags.is_some() {
            return false;
        }
        own.allow_tags = self.string(Some(alias), "tag-match");
        own.allow_tags.is_some()
    }

    fn manifest_target(&self, alias: &str) -> Result<Option<ManifestTarget>, AnnotationError> {
        let helm = HelmTarget {
            name: self.string(Some(alias), "helm.image-name"),
            tag: self.string(Some(alias), "helm.image-tag"),
            spec: self.string(Some(alias), "helm.image-spec"),
        };
        let helm = (helm != HelmTarget::default()).then_some(helm);
        let kustomize = self
            .string(Some(alias), "kustomize.image-name")
            .map(|name| KustomizeTarget { name: Some(name) });
        match (helm, kustomize) {
            (Some(_), Some(_)) => Err(AnnotationError::ConflictingManifestTargets {
                alias: alias.to_owned(),
            }),
            (None, None) => Ok(None),
            (helm, kustomize) => Ok(Some(ManifestTarget {
                helm,
                kustomize,
                plugin: None,
            })),
        }
    }

    fn write_back(&self) -> Result<Option<WriteBackConfig>, AnnotationError> {
        let method = self.checked(WRITE_BACK_METHOD, |v| WriteBackMethod::parse(v).map(drop))?;
        let git = GitConfig {
            repository: self.string(None, GIT_REPOSITORY),
            branch: self.checked(GIT_BRANCH, |v| BranchSpec::parse(v, false).map(drop))?,
            write_back_target: self
                .checked(WRITE_BACK_TARGET, |v| WriteBackTarget::parse(v).map(drop))?,
            pull_request: None,
        };
        let git_config = (git != GitConfig::default()).then_some(git);
        if method.is_none() && git_config.is_none() {
            return Ok(None);
        }
        Ok(Some(WriteBackConfig { method, git_config }))
    }

    /// The app-wide value of `name`, after `check` accepted it.
    fn checked(
        &self,
        name: &str,
        check: impl Fn(&str) -> Result<(), WriteBackError>,
    ) -> Result<Option<String>, AnnotationError> {
        let key = self.key(None, name);
        let Some(value) = self.value(&key) else {
            return Ok(None);
        };
        match check(value) {
            Ok(()) => Ok(Some(value.to_owned())),
            Err(source) => Err(AnnotationError::InvalidWriteBack {
                value: value.to_owned(),
                key,
                source,
            }),
        }
    }
}

#[cfg(test)]
mod tests;
