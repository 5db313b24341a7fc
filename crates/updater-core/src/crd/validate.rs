//! The checks the `ImageUpdater` CRD schema and its CEL rules perform, collected rather than
//! stopping at the first so a user sees every problem at once.

use std::collections::BTreeSet;
use std::fmt;

use super::{
    ApplicationRef, CrdError, GitConfig, ImageConfig, ImageUpdater, ImageUpdaterSpec,
    ImagesVerification, ManifestTarget, PluginTarget, PullRequest, WriteBackConfig,
};
use crate::writeback::{BranchSpec, WriteBackTarget};

const MAX_LABELS: usize = 100;
const MAX_LABEL_LEN: usize = 255;
const MAX_PLUGIN_FIELD_LEN: usize = 253;

/// Every validation error of one `ImageUpdater`.
#[derive(Debug, thiserror::Error)]
pub struct ValidationErrors {
    /// The errors, in document order.
    pub errors: Vec<CrdError>,
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid ImageUpdater ({} error(s))", self.errors.len())?;
        for error in &self.errors {
            write!(f, "; {error}")?;
            if let Some(source) = std::error::Error::source(error) {
                write!(f, ": {source}")?;
            }
        }
        Ok(())
    }
}

impl ImageUpdater {
    /// Checks the resource as the CRD schema and CEL rules would, collecting every error.
    pub fn validate(&self) -> Result<(), ValidationErrors> {
        self.spec.validate()
    }
}

impl ImageUpdaterSpec {
    /// Checks the spec as the CRD schema and CEL rules would, collecting every error.
    pub fn validate(&self) -> Result<(), ValidationErrors> {
        let mut errors = Vec::new();
        if self.application_refs.is_empty() {
            errors.push(CrdError::NoApplicationRefs {
                path: "spec.applicationRefs".to_owned(),
            });
        }
        check_name_patterns(&self.application_refs, &mut errors);
        for (i, app_ref) in self.application_refs.iter().enumerate() {
            check_ref(app_ref, &format!("spec.applicationRefs[{i}]"), &mut errors);
        }
        if let Some(wbc) = &self.write_back_config {
            check_write_back(wbc, "spec.writeBackConfig", &mut errors);
        }
        if let Some(verification) = &self.images_verification {
            check_verification(verification, "spec.imagesVerification", &mut errors);
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(ValidationErrors { errors })
        }
    }
}

fn check_name_patterns(refs: &[ApplicationRef], errors: &mut Vec<CrdError>) {
    let mut seen = BTreeSet::new();
    for (i, app_ref) in refs.iter().enumerate() {
        let path = format!("spec.applicationRefs[{i}].namePattern");
        let pattern = &app_ref.name_pattern;
        if !seen.insert(pattern.as_str()) {
            errors.push(CrdError::DuplicateNamePattern {
                path: path.clone(),
                pattern: pattern.clone(),
            });
        }
        if crate::filter::glob_match(pattern, "").is_err() {
            errors.push(CrdError::BadNamePattern {
                path,
                pattern: pattern.clone(),
            });
        }
    }
}

fn check_ref(app_ref: &ApplicationRef, path: &str, errors: &mut Vec<CrdError>) {
    if app_ref.images.is_empty() && !app_ref.uses_annotations() {
        errors.push(CrdError::NoImages {
            path: format!("{path}.images"),
        });
    }
    check_images(&app_ref.images, path, errors);
    if let Some(wbc) = &app_ref.write_back_config {
        check_write_back(wbc, &format!("{path}.writeBackConfig"), errors);
    }
    if let Some(verification) = &app_ref.images_verification {
        check_verification(verification, &format!("{path}.imagesVerification"), errors);
    }
}

fn check_images(images: &[ImageConfig], ref_path: &str, errors: &mut Vec<CrdError>) {
    let mut seen = BTreeSet::new();
    for (j, image) in images.iter().enumerate() {
        let path = format!("{ref_path}.images[{j}]");
        if !seen.insert(image.alias.as_str()) {
            errors.push(CrdError::DuplicateAlias {
                path: format!("{path}.alias"),
                alias: image.alias.clone(),
            });
        }
        check_image(image, &path, errors);
    }
}

fn check_image(image: &ImageConfig, path: &str, errors: &mut Vec<CrdError>) {
    if !is_valid_alias(&image.alias) {
        errors.push(CrdError::BadAlias {
            path: format!("{path}.alias"),
            alias: image.alias.clone(),
        });
    }
    if image.image_name.trim().is_empty() {
        errors.push(CrdError::EmptyImageName {
            path: format!("{path}.imageName"),
        });
    }
    if let Some(targets) = &image.manifest_targets {
        check_manifest_target(targets, &format!("{path}.manifestTargets"), errors);
    }
    if let Some(verification) = &image.images_verification {
        check_verification(verification, &format!("{path}.imagesVerification"), errors);
    }
}

/// `^[a-zA-Z0-9][a-zA-Z0-9-._]*$`
fn is_valid_alias(alias: &str) -> bool {
    let mut chars = alias.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'))
}

fn check_manifest_target(targets: &ManifestTarget, path: &str, errors: &mut Vec<CrdError>) {
    let count = [
        targets.helm.is_some(),
        targets.kustomize.is_some(),
        targets.plugin.is_some(),
    ]
    .into_iter()
    .filter(|set| *set)
    .count();
    if count != 1 {
        errors.push(CrdError::ManifestTargetCount {
            path: path.to_owned(),
            count,
        });
    }
    if let Some(kustomize) = &targets.kustomize
        && kustomize.name.as_deref().is_none_or(str::is_empty)
    {
        errors.push(CrdError::MissingKustomizeName {
            path: format!("{path}.kustomize.name"),
        });
    }
    if let Some(plugin) = &targets.plugin {
        check_plugin(plugin, &format!("{path}.plugin"), errors);
    }
}

fn check_plugin(plugin: &PluginTarget, path: &str, errors: &mut Vec<CrdError>) {
    if plugin.name.is_none() && plugin.spec.is_none() {
        errors.push(CrdError::PluginWithoutNameOrSpec {
            path: path.to_owned(),
        });
    }
    let fields = [
        ("name", &plugin.name),
        ("tag", &plugin.tag),
        ("spec", &plugin.spec),
    ];
    for (field, value) in fields {
        let Some(value) = value else { continue };
        let len = value.chars().count();
        if !(1..=MAX_PLUGIN_FIELD_LEN).contains(&len) {
            errors.push(CrdError::PluginFieldLength {
                path: format!("{path}.{field}"),
                value: value.clone(),
                len,
            });
        }
    }
}

fn check_write_back(wbc: &WriteBackConfig, path: &str, errors: &mut Vec<CrdError>) {
    if let Some(method) = &wbc.method
        && !method_matches_schema(method)
    {
        errors.push(CrdError::BadWriteBackMethod {
            path: format!("{path}.method"),
            method: method.clone(),
        });
    }
    if let Some(git) = &wbc.git_config {
        check_git_config(git, &format!("{path}.gitConfig"), errors);
    }
}

/// `^(argocd|git|git:[a-zA-Z0-9][a-zA-Z0-9-._/:]*)$`
fn method_matches_schema(method: &str) -> bool {
    if method == "argocd" || method == "git" {
        return true;
    }
    let Some(rest) = method.strip_prefix("git:") else {
        return false;
    };
    let mut chars = rest.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '/' | ':'))
}

fn check_git_config(git: &GitConfig, path: &str, errors: &mut Vec<CrdError>) {
    if let Some(branch) = &git.branch
        && let Err(source) = BranchSpec::parse(branch, git.pull_request.is_some())
    {
        errors.push(CrdError::BadBranch {
            path: format!("{path}.branch"),
            branch: branch.clone(),
            source,
        });
    }
    if let Some(target) = &git.write_back_target
        && let Err(source) = WriteBackTarget::parse(target)
    {
        errors.push(CrdError::BadWriteBackTarget {
            path: format!("{path}.writeBackTarget"),
            target: target.clone(),
            source,
        });
    }
    if let Some(pr) = &git.pull_request {
        check_pull_request(pr, &format!("{path}.pullRequest"), errors);
    }
}

fn check_pull_request(pr: &PullRequest, path: &str, errors: &mut Vec<CrdError>) {
    let count = usize::from(pr.github.is_some()) + usize::from(pr.gitlab.is_some());
    if count != 1 {
        errors.push(CrdError::PullRequestProviderCount {
            path: path.to_owned(),
            count,
        });
    }
    let labels = pr.labels.as_deref().unwrap_or_default();
    if labels.len() > MAX_LABELS {
        errors.push(CrdError::TooManyLabels {
            path: format!("{path}.labels"),
            count: labels.len(),
        });
    }
    for (k, label) in labels.iter().enumerate() {
        if !(1..=MAX_LABEL_LEN).contains(&label.chars().count()) {
            errors.push(CrdError::BadLabelLength {
                path: format!("{path}.labels[{k}]"),
                label: label.clone(),
            });
        }
    }
}

fn check_verification(verification: &ImagesVerification, path: &str, errors: &mut Vec<CrdError>) {
    if verification.is_enabled() && verification.cosign_key.is_none() {
        errors.push(CrdError::MissingCosignKey {
            path: format!("{path}.cosignKey"),
        });
    }
}
