//! Building one app's [`Target`] from the ref that matched it (CRD images or the app's
//! annotations), with the runtime checks whose failure makes selection try the next ref.

use crate::annotations::{AnnotatedImage, AnnotationConfig, AnnotationError, AnnotationMode};
use crate::crd::{
    ApplicationRef, ImageConfig, ImageUpdaterSpec, ImagesVerification, WriteBackConfig,
    merged_verification, merged_write_back,
};
use crate::credentials::{CredentialError, CredentialRef};
use crate::policy::UpdateSettings;
use crate::writeback::{BranchSpec, WriteBackError, WriteBackMethod, WriteBackTarget};

use super::{AppMeta, Target, TargetImage};

/// Why the configuration of a ref (or of a v0.x app) does not build for an app.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// The app's annotations do not form a configuration.
    #[error("invalid image updater annotations")]
    Annotations {
        /// The annotation problem.
        #[source]
        source: AnnotationError,
    },
    /// The (merged) write-back method is invalid or its secret is in another namespace.
    #[error("invalid write-back method `{method}`")]
    WriteBackMethod {
        /// The method as configured.
        method: String,
        /// The parse or namespace failure.
        #[source]
        source: WriteBackError,
    },
    /// The (merged) git branch setting is invalid.
    #[error("invalid git branch `{branch}`")]
    GitBranch {
        /// The branch as configured.
        branch: String,
        /// The parse failure.
        #[source]
        source: WriteBackError,
    },
    /// The (merged) write-back target is invalid.
    #[error("invalid write-back target `{target}`")]
    WriteBackTarget {
        /// The target as configured.
        target: String,
        /// The parse failure.
        #[source]
        source: WriteBackError,
    },
}

/// The target `app_ref` describes for `app` (v1 rules: secrets must be in the app namespace).
pub(super) fn from_ref(
    spec: &ImageUpdaterSpec,
    app_ref: &ApplicationRef,
    app: &AppMeta,
) -> Result<Target, ConfigError> {
    if app_ref.uses_annotations() {
        let verification = merged_verification(None, app_ref.images_verification.as_ref(), None);
        let mut target = from_annotations(app, AnnotationMode::V1, verification.as_ref(), true)?.0;
        target.from_ref = Some(app_ref.name_pattern.clone());
        return Ok(target);
    }
    let write_back = merged_write_back(
        spec.write_back_config.as_ref(),
        app_ref.write_back_config.as_ref(),
    );
    check_write_back(write_back.as_ref(), Some(&app.namespace))?;
    Ok(Target {
        app: app.key(),
        images: app_ref
            .images
            .iter()
            .map(|image| crd_image(spec, app_ref, image, &app.namespace))
            .collect(),
        write_back,
        from_ref: Some(app_ref.name_pattern.clone()),
        annotation_mode: false,
    })
}

fn crd_image(
    spec: &ImageUpdaterSpec,
    app_ref: &ApplicationRef,
    image: &ImageConfig,
    app_namespace: &str,
) -> TargetImage {
    let settings = UpdateSettings::merge_chain(
        spec.common_update_settings.as_ref(),
        app_ref.common_update_settings.as_ref(),
        image.common_update_settings.as_ref(),
    );
    TargetImage {
        alias: Some(image.alias.clone()).filter(|alias| !alias.is_empty()),
        image_name: image.image_name.clone(),
        error: pull_secret_error(&settings, app_namespace),
        settings,
        manifest_target: image.manifest_targets.clone(),
        verification: merged_verification(
            spec.images_verification.as_ref(),
            app_ref.images_verification.as_ref(),
            image.images_verification.as_ref(),
        ),
    }
}

/// The target an app's annotations describe, and the aliases that used the deprecated
/// `tag-match`. `v1_rules` applies the namespace rules for git and pull secrets (v0.x had none).
pub(super) fn from_annotations(
    app: &AppMeta,
    mode: AnnotationMode,
    verification: Option<&ImagesVerification>,
    v1_rules: bool,
) -> Result<(Target, Vec<String>), ConfigError> {
    let config = AnnotationConfig::parse(&app.annotations, mode)
        .map_err(|source| ConfigError::Annotations { source })?;
    let namespace = v1_rules.then_some(app.namespace.as_str());
    check_write_back(config.write_back.as_ref(), namespace)?;
    let deprecated = config
        .images
        .iter()
        .filter(|image| image.used_deprecated_tag_match)
        .filter_map(|image| image.alias.clone())
        .collect();
    let images = config
        .images
        .into_iter()
        .map(|image| annotated_image(image, verification, namespace))
        .collect();
    let target = Target {
        app: app.key(),
        images,
        write_back: config.write_back,
        from_ref: None,
        annotation_mode: true,
    };
    Ok((target, deprecated))
}

fn annotated_image(
    image: AnnotatedImage,
    verification: Option<&ImagesVerification>,
    app_namespace: Option<&str>,
) -> TargetImage {
    TargetImage {
        error: app_namespace.and_then(|ns| pull_secret_error(&image.settings, ns)),
        alias: image.alias,
        image_name: image.image_name,
        settings: image.settings,
        manifest_target: image.manifest_target,
        verification: verification.cloned(),
    }
}

/// The image-level namespace rule for `pullsecret:`/`secret:`. A reference that does not parse
/// is left for policy resolution to report, so each problem is reported once.
fn pull_secret_error(settings: &UpdateSettings, app_namespace: &str) -> Option<CredentialError> {
    let text = settings.pull_secret.as_deref().map(str::trim)?;
    let reference = CredentialRef::parse(text).ok()?;
    reference.check_namespace(app_namespace).err()
}

/// The checks the original makes when it builds the write-back configuration: the method
/// always; branch and target only for the git method (with `argocd` they are never read). With
/// `app_namespace`, a `git:secret:<ns>/<name>` must name it.
fn check_write_back(
    write_back: Option<&WriteBackConfig>,
    app_namespace: Option<&str>,
) -> Result<(), ConfigError> {
    let Some(write_back) = write_back else {
        return Ok(());
    };
    let Some(method_text) = write_back.method.as_deref() else {
        return Ok(());
    };
    let method_error = |source| ConfigError::WriteBackMethod {
        method: method_text.to_owned(),
        source,
    };
    let WriteBackMethod::Git(credentials) =
        WriteBackMethod::parse(method_text).map_err(method_error)?
    else {
        return Ok(());
    };
    if let Some(namespace) = app_namespace {
        credentials
            .check_namespace(namespace)
            .map_err(method_error)?;
    }
    check_git_config(write_back)
}

fn check_git_config(write_back: &WriteBackConfig) -> Result<(), ConfigError> {
    let Some(git) = &write_back.git_config else {
        return Ok(());
    };
    if let Some(branch) = &git.branch {
        BranchSpec::parse(branch, git.pull_request.is_some()).map_err(|source| {
            ConfigError::GitBranch {
                branch: branch.clone(),
                source,
            }
        })?;
    }
    if let Some(target) = &git.write_back_target {
        WriteBackTarget::parse(target).map_err(|source| ConfigError::WriteBackTarget {
            target: target.clone(),
            source,
        })?;
    }
    Ok(())
}
