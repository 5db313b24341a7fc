//! Stage 1, the pure part: which Applications an ImageUpdater selects, with what configuration.
//!
//! Two entry points. [`select_targets`] is the v1 algorithm of spec §3.11: one `ImageUpdater`,
//! the Applications of its namespace, the most specific matching applicationRef whose
//! configuration builds. [`select_annotated`] is the v0.x model without any `ImageUpdater`: every
//! Application carrying the `image-list` annotation, read with the legacy annotation rules.
//!
//! Problems are reported at three levels:
//! - a malformed `namePattern` fails the whole run ([`DiscoverError`]);
//! - a ref whose configuration does not build for an app, an invalid label selector, or an app
//!   whose v0.x annotations are malformed is a [`DiscoverWarning`] (the next ref is tried, the
//!   selector matches nothing, the app is skipped);
//! - an image whose `pullSecret` violates the namespace rule (spec §3.4, §9.2) stays in its
//!   target with [`TargetImage::error`] set: the original counts it as an image error of the run
//!   while the app's other images are still processed, so the update stage must skip it and
//!   count it, not silently lose it.

mod build;
mod legacy;
mod selector;
mod selector_text;

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::crd::{
    ApplicationRef, ImageUpdater, ImagesVerification, LabelSelector, ManifestTarget,
    WriteBackConfig, sort_refs_by_specificity,
};
use crate::credentials::CredentialError;
use crate::filter::{BadPattern, glob_match};
use crate::policy::UpdateSettings;

pub use build::ConfigError;
pub use legacy::{LegacyFilter, select_annotated};
pub use selector::{SelectorError, selector_matches, validate_selector};
pub use selector_text::{SelectorTextError, parse_selector};

/// Why a whole selection run failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DiscoverError {
    /// The `ImageUpdater` has no `metadata.namespace`, so no Application can be in it.
    #[error("ImageUpdater `{updater}` has no namespace")]
    MissingNamespace {
        /// The resource's name.
        updater: String,
    },
    /// A `namePattern` is not a valid glob (spec §3.11 step 1).
    #[error("invalid namePattern `{pattern}` in ImageUpdater `{updater}`")]
    BadNamePattern {
        /// The resource's name.
        updater: String,
        /// The rejected pattern.
        pattern: String,
        /// The glob syntax error.
        #[source]
        source: BadPattern,
    },
}

/// Something that made discovery skip a ref, a selector or an app, or that the user should fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DiscoverWarning {
    /// The ref matched the app but its configuration did not build; the next ref was tried.
    #[error("skipping applicationRef `{name_pattern}` for application `{app}`")]
    RefSkipped {
        /// The application.
        app: AppKey,
        /// The ref's `namePattern`.
        name_pattern: String,
        /// Why the configuration did not build.
        #[source]
        source: ConfigError,
    },
    /// The ref's label selector is invalid, so it matches no application (reported once per run).
    #[error("applicationRef `{name_pattern}` has an invalid label selector and matches nothing")]
    InvalidSelector {
        /// The ref's `namePattern`.
        name_pattern: String,
        /// What is wrong with the selector.
        #[source]
        source: SelectorError,
    },
    /// v0.x mode: the app's annotations do not form a configuration; the app was skipped.
    #[error("skipping application `{app}`")]
    AppSkipped {
        /// The application.
        app: AppKey,
        /// Why the configuration did not build.
        #[source]
        source: ConfigError,
    },
    /// v0.x mode: an alias uses the deprecated `tag-match` annotation (still honoured there).
    #[error(
        "application `{app}` uses the deprecated annotation `{alias}.tag-match`, use `{alias}.allow-tags` instead"
    )]
    DeprecatedTagMatch {
        /// The application.
        app: AppKey,
        /// The alias as it appears in the annotation key.
        alias: String,
    },
}

/// What discovery needs of an Argo CD Application; the pipeline builds it from the real object.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppMeta {
    /// `metadata.name`.
    pub name: String,
    /// `metadata.namespace`.
    pub namespace: String,
    /// `metadata.labels`.
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    /// `metadata.annotations`.
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
}

/// Identifies an Application: displayed as `<namespace>/<name>`.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AppKey {
    /// The namespace.
    pub namespace: String,
    /// The name.
    pub name: String,
}

impl AppMeta {
    /// The application's key.
    pub fn key(&self) -> AppKey {
        AppKey {
            namespace: self.namespace.clone(),
            name: self.name.clone(),
        }
    }
}

impl fmt::Display for AppKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.namespace, self.name)
    }
}

/// One selected Application with the configuration it is updated with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The application.
    pub app: AppKey,
    /// Its images, in configuration order; never empty.
    pub images: Vec<TargetImage>,
    /// The write-back configuration (`None` means the `argocd` method with no git settings).
    pub write_back: Option<WriteBackConfig>,
    /// The `namePattern` of the ref that selected the app; `None` in v0.x mode (no ref).
    pub from_ref: Option<String>,
    /// Whether the configuration was read from the app's annotations.
    pub annotation_mode: bool,
}

/// One image of a [`Target`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetImage {
    /// The alias, if any (always set for CRD images; optional in annotations).
    pub alias: Option<String>,
    /// The image as configured, including its constraint or tracked tag.
    pub image_name: String,
    /// Merged settings: global → ref → image for CRD refs, app-wide → alias for annotations.
    pub settings: UpdateSettings,
    /// Where the image is written in the manifests.
    pub manifest_target: Option<ManifestTarget>,
    /// The merged signature verification policy; `None` means no verification.
    pub verification: Option<ImagesVerification>,
    /// Set when the image's `pullSecret` names a secret outside the app's namespace: the image
    /// must not be processed and counts as one error of the run.
    pub error: Option<CredentialError>,
}

impl Target {
    /// The images that can be processed (those without [`TargetImage::error`]).
    pub fn usable_images(&self) -> impl Iterator<Item = &TargetImage> {
        self.images.iter().filter(|image| image.error.is_none())
    }
}

/// The result of a selection run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    /// The selected applications, in input order.
    pub targets: Vec<Target>,
    /// Everything skipped along the way, in the order it was met.
    pub warnings: Vec<DiscoverWarning>,
}

/// Selects the Applications one `ImageUpdater` manages (spec §3.11): only apps in the
/// resource's own namespace; refs tried most specific first; the first ref whose name glob and
/// label selector match and whose configuration builds wins. Apps without images are dropped.
pub fn select_targets(
    updater: &ImageUpdater,
    apps: &[AppMeta],
) -> Result<Selection, DiscoverError> {
    let updater_name = updater.metadata.name.clone().unwrap_or_default();
    let namespace = updater
        .metadata
        .namespace
        .as_deref()
        .filter(|ns| !ns.is_empty())
        .ok_or_else(|| DiscoverError::MissingNamespace {
            updater: updater_name.clone(),
        })?;
    validate_patterns(&updater_name, &updater.spec.application_refs)?;
    let refs = sort_refs_by_specificity(&updater.spec.application_refs);
    let mut selection = Selection {
        targets: Vec::new(),
        warnings: selector_warnings(&refs),
    };
    for app in apps.iter().filter(|app| app.namespace == namespace) {
        let target = select_app(updater, &refs, app, &mut selection.warnings);
        selection
            .targets
            .extend(target.filter(|target| !target.images.is_empty()));
    }
    Ok(selection)
}

/// The first error of `filepath.Match` syntax among the patterns, in document order.
fn validate_patterns(updater: &str, refs: &[ApplicationRef]) -> Result<(), DiscoverError> {
    for app_ref in refs {
        if let Err(source) = glob_match(&app_ref.name_pattern, "") {
            return Err(DiscoverError::BadNamePattern {
                updater: updater.to_owned(),
                pattern: app_ref.name_pattern.clone(),
                source,
            });
        }
    }
    Ok(())
}

fn selector_warnings(refs: &[&ApplicationRef]) -> Vec<DiscoverWarning> {
    refs.iter()
        .filter_map(|app_ref| {
            let selector = app_ref.label_selectors.as_ref()?;
            let source = validate_selector(selector).err()?;
            Some(DiscoverWarning::InvalidSelector {
                name_pattern: app_ref.name_pattern.clone(),
                source,
            })
        })
        .collect()
}

/// Walks the sorted refs for one app; build failures become warnings and the walk goes on.
fn select_app(
    updater: &ImageUpdater,
    refs: &[&ApplicationRef],
    app: &AppMeta,
    warnings: &mut Vec<DiscoverWarning>,
) -> Option<Target> {
    for app_ref in refs.iter().filter(|app_ref| ref_matches(app_ref, app)) {
        match build::from_ref(&updater.spec, app_ref, app) {
            Ok(target) => return Some(target),
            Err(source) => warnings.push(DiscoverWarning::RefSkipped {
                app: app.key(),
                name_pattern: app_ref.name_pattern.clone(),
                source,
            }),
        }
    }
    None
}

/// Name glob and label selector; an absent selector matches every app.
fn ref_matches(app_ref: &ApplicationRef, app: &AppMeta) -> bool {
    glob_match(&app_ref.name_pattern, &app.name).unwrap_or(false)
        && labels_match(app_ref.label_selectors.as_ref(), &app.labels)
}

fn labels_match(selector: Option<&LabelSelector>, labels: &BTreeMap<String, String>) -> bool {
    selector.is_none_or(|selector| selector_matches(selector, labels))
}

#[cfg(test)]
mod tests;
