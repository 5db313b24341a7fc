//! How one Application is written (spec §7.0, §7.2.3): the method, for Git the repository,
//! branches and file, the source type the edits follow and which source they go to.

use anyhow::{Context, bail};
use updater_core::application::{
    Application, HelmParams, SourceType, SpecTarget, source_type, write_source_index,
};
use updater_core::crd::{GitConfig, WriteBackConfig};
use updater_core::discover::TargetImage;
use updater_core::writeback::{
    BranchSpec, GitCredentials, ResolvedTarget, WriteBackMethod, WriteBackTarget, source_file_name,
};

/// What a Git write-back edits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GitTarget {
    /// The `writeBackTarget`: the override file, a kustomization or a Helm values file.
    File(ResolvedTarget),
    /// Standalone mode's `argocd` method: the Application's own manifest, edited in place.
    Manifest(ManifestFile),
}

impl GitTarget {
    /// The path written (the kustomization's directory), relative to the repository root.
    pub fn path(&self) -> &str {
        match self {
            Self::File(target) => target.path(),
            Self::Manifest(manifest) => &manifest.path,
        }
    }
}

/// Where an Application manifest is defined: a file of the manifests repository and the
/// document's identity in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestFile {
    /// The file, relative to the repository root.
    pub path: String,
    /// `metadata.name`.
    pub name: String,
    /// `metadata.namespace`, when the manifest sets one.
    pub namespace: Option<String>,
}

/// Where and how an Application's changes are written.
#[derive(Debug, Clone)]
pub struct AppPlan {
    /// The type the edits follow.
    pub source_type: SourceType,
    /// The source (index into [`Application::sources`]) the edits go to.
    pub source_index: usize,
    /// `None` for the `argocd` method.
    pub git: Option<GitPlan>,
}

/// The Git side of an [`AppPlan`].
#[derive(Debug, Clone)]
pub struct GitPlan {
    /// Where credentials come from.
    pub credentials: GitCredentials,
    /// The repository URL.
    pub repository: String,
    /// The branch to check out; `None` means the remote's default branch.
    pub base_branch: Option<String>,
    /// The write-branch template, if any.
    pub write_template: Option<String>,
    /// The file or directory written.
    pub target: GitTarget,
    /// `gitConfig.pullRequest` is set (not supported yet).
    pub pull_request: bool,
}

/// Why an Application is not updated at all.
#[derive(Debug)]
pub enum PlanOutcome {
    /// The plan.
    Ready(AppPlan),
    /// The source type is not one the updater writes (logged as a warning, not an error).
    Unsupported(String),
}

/// Plans the write of `app` with `write_back` (`None`: the `argocd` method).
/// `controller_namespace` decides the default override file name.
pub fn plan(
    app: &Application,
    write_back: Option<&WriteBackConfig>,
    controller_namespace: &str,
) -> anyhow::Result<PlanOutcome> {
    let method_text = write_back.and_then(|w| w.method.as_deref()).unwrap_or("");
    let method = if method_text.trim().is_empty() {
        WriteBackMethod::ArgoCd
    } else {
        WriteBackMethod::parse(method_text)
            .with_context(|| format!("invalid write-back method `{method_text}`"))?
    };
    match method {
        WriteBackMethod::ArgoCd => plan_argocd(app),
        WriteBackMethod::Git(credentials) => {
            let config = write_back
                .and_then(|w| w.git_config.clone())
                .unwrap_or_default();
            plan_git(app, credentials, &config, controller_namespace)
        }
    }
}

fn plan_argocd(app: &Application) -> anyhow::Result<PlanOutcome> {
    let Some(source_type) = supported(source_type(app, None)) else {
        return Ok(unsupported(app, source_type(app, None)));
    };
    Ok(PlanOutcome::Ready(AppPlan {
        source_type,
        source_index: write_source_index(app, source_type, None),
        git: None,
    }))
}

fn plan_git(
    app: &Application,
    credentials: GitCredentials,
    config: &GitConfig,
    controller_namespace: &str,
) -> anyhow::Result<PlanOutcome> {
    let pull_request = config.pull_request.is_some();
    let branch_text = config.branch.as_deref().unwrap_or("");
    let branch = BranchSpec::parse(branch_text, pull_request)
        .with_context(|| format!("invalid git branch `{branch_text}`"))?;
    let target_text = config.write_back_target.as_deref().unwrap_or("");
    let target = WriteBackTarget::parse(target_text)
        .with_context(|| format!("invalid write-back target `{target_text}`"))?;
    let configured_repo = config
        .repository
        .as_deref()
        .filter(|r| !r.trim().is_empty());
    let file_name = source_file_name(
        app.name(),
        app.namespace().unwrap_or_default(),
        controller_namespace,
    );
    // The target's kind can force the type, and the type picks the source whose path the
    // target is relative to: resolve once with the detected type, then again if it moved.
    let detected = source_type(app, None).unwrap_or(SourceType::Helm);
    let first_index = write_source_index(app, detected, configured_repo);
    let resolved = resolve_target(app, &target, first_index, &file_name)?;
    let typed = source_type(app, Some(&resolved));
    let Some(source_type) = supported(typed) else {
        return Ok(unsupported(app, typed));
    };
    let source_index = write_source_index(app, source_type, configured_repo);
    let resolved = if source_index == first_index {
        resolved
    } else {
        resolve_target(app, &target, source_index, &file_name)?
    };
    let source = app.sources().into_iter().nth(source_index);
    let repository = configured_repo
        .map(str::to_owned)
        .or_else(|| source.as_ref().and_then(|s| s.repo_url.clone()))
        .filter(|url| !url.trim().is_empty());
    let Some(repository) = repository else {
        bail!("no git repository: the source has no repoURL and gitConfig.repository is not set");
    };
    let base_branch = branch.base.clone().or_else(|| {
        let revision = source.as_ref().and_then(|s| s.target_revision.clone());
        revision.filter(|r| !r.is_empty() && r != "HEAD")
    });
    Ok(PlanOutcome::Ready(AppPlan {
        source_type,
        source_index,
        git: Some(GitPlan {
            credentials,
            repository,
            base_branch,
            write_template: branch.write_template,
            target: GitTarget::File(resolved),
            pull_request,
        }),
    }))
}

fn resolve_target(
    app: &Application,
    target: &WriteBackTarget,
    index: usize,
    file_name: &str,
) -> anyhow::Result<ResolvedTarget> {
    let source = app.sources().into_iter().nth(index);
    let path = source.and_then(|s| s.path).unwrap_or_default();
    target
        .resolve(&path, file_name)
        .with_context(|| format!("invalid write-back target `{target}`"))
}

fn supported(found: Option<SourceType>) -> Option<SourceType> {
    found.filter(|t| t.is_supported())
}

fn unsupported(app: &Application, found: Option<SourceType>) -> PlanOutcome {
    let what = found.map_or("unknown".to_owned(), |t| t.to_string());
    PlanOutcome::Unsupported(format!(
        "application `{}` has source type `{what}`, which the updater cannot write (Helm, \
         Kustomize and Plugin are supported)",
        app.name()
    ))
}

/// Where in the source one image is written: the plugin env when the image names plugin
/// targets, else by source type.
pub fn spec_target(image: &TargetImage, source_type: SourceType) -> anyhow::Result<SpecTarget> {
    let targets = image.manifest_target.as_ref();
    if let Some(plugin) = targets.and_then(|t| t.plugin.clone()) {
        return Ok(SpecTarget::Plugin(plugin));
    }
    match source_type {
        SourceType::Helm => Ok(SpecTarget::Helm(HelmParams::resolve(
            targets.and_then(|t| t.helm.as_ref()),
            image.alias.as_deref(),
        ))),
        SourceType::Kustomize => Ok(SpecTarget::Kustomize {
            name: targets
                .and_then(|t| t.kustomize.as_ref())
                .and_then(|k| k.name.clone()),
        }),
        other => bail!(
            "image `{}` needs `manifestTargets.plugin` to be written to a {other} source",
            image.image_name
        ),
    }
}

#[cfg(test)]
mod tests;
