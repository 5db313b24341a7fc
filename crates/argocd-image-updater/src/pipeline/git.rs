//! Git write-back (spec §7.2–§7.3): each Application's file edit rendered from its in-memory
//! copy, grouped by repository, base branch and write branch, and written as one commit and
//! one push per group. A failed group fails each of its Applications; the others go on.

use std::collections::BTreeSet;

use anyhow::{Context, anyhow};
use updater_core::application::{
    SourceType, SpecTarget, helm_parameters, kustomize_images, plugin_env,
};
use updater_core::plan::{
    GitBatchPlan, GitDestination, PlannedApp, commit_message_data, group_git, render_write_branch,
};
use updater_core::render::app_manifest::{ManifestTarget, edit_application};
use updater_core::render::helm_values::{HelmValuesImage, render_helm_values};
use updater_core::render::kustomization::{
    KUSTOMIZATION_FILE_NAMES, KustomizeImage, render_kustomization,
};
use updater_core::render::source_file::{SourceOverride, render_source_file};
use updater_core::writeback::ResolvedTarget;
use updater_git::{Batch, BatchOutcome, FileEdit, GitCredentialSource, GitError};

use super::Services;
use super::source::AppSource;
use super::target::{AppPlan, GitPlan, GitTarget, ManifestFile};
use super::update::{AppResult, ImageDone, ImageOutcome};
use super::writeback::announce;
use crate::adapters::AppGitCredentials;

/// Plans, groups and writes every Git change of the pass.
pub async fn write_batches<S: AppSource>(
    services: &Services,
    source: &S,
    results: &mut [AppResult],
) {
    let mut planned = Vec::new();
    for (index, result) in results.iter_mut().enumerate() {
        let changes = result.changes();
        let Some(git) = result.plan.as_ref().and_then(|plan| plan.git.clone()) else {
            continue;
        };
        if changes.is_empty() {
            continue;
        }
        match destination(&git, &changes) {
            Ok(destination) => planned.push((
                destination,
                PlannedApp {
                    app: result.key.clone(),
                    changes,
                    payload: index,
                },
            )),
            Err(error) => result.fail_write(&error),
        }
    }
    for batch in group_git(planned) {
        write_batch(services, source, results, batch).await;
    }
}

/// Where an Application's commit goes; the write branch is rendered per Application (§7.2.2).
fn destination(
    git: &GitPlan,
    changes: &[updater_core::plan::ImageChange],
) -> anyhow::Result<GitDestination> {
    if git.pull_request {
        anyhow::bail!(
            "pull requests (`gitConfig.pullRequest`) are not supported yet; remove it to push \
             to the branch directly"
        );
    }
    let base = git.base_branch.clone().unwrap_or_default();
    let write_branch = match &git.write_template {
        Some(template) => {
            let rendered =
                render_write_branch(template, changes, &git.repository, &base, git.target.path())
                    .with_context(|| format!("cannot render the write branch `{template}`"))?;
            Some(rendered)
        }
        None => None,
    };
    Ok(GitDestination {
        repository: git.repository.clone(),
        base_branch: git.base_branch.clone(),
        write_branch,
    })
}

async fn write_batch<S: AppSource>(
    services: &Services,
    source: &S,
    results: &mut [AppResult],
    plan: GitBatchPlan<usize>,
) {
    let mut members = Vec::new();
    for app in &plan.apps {
        match file_edit(&results[app.payload]) {
            Ok(edit) => members.push((app, edit)),
            Err(error) => results[app.payload].fail_write(&error),
        }
    }
    // A batch is atomic, so an Application whose file cannot be rendered in the checkout
    // (a missing values file, say) would fail the others: it is dropped and the rest retried.
    while !members.is_empty() {
        let outcome = commit(services, results, &plan.destination, &members).await;
        match failed_edit_path(&outcome) {
            Some(path) if members.iter().any(|(_, edit)| edits_path(edit, &path)) => {
                let error = outcome.err().unwrap_or_else(|| anyhow!("edit failed"));
                let (failed, rest): (Vec<Member<'_>>, Vec<Member<'_>>) = members
                    .into_iter()
                    .partition(|(_, edit)| edits_path(edit, &path));
                fail_members(results, &failed, &error);
                members = rest;
            }
            _ => {
                return report(
                    services,
                    source,
                    results,
                    &plan.destination,
                    &members,
                    outcome,
                )
                .await;
            }
        }
    }
}

/// The path named by a failed edit, when the write failed in an edit.
fn failed_edit_path(outcome: &anyhow::Result<BatchOutcome>) -> Option<String> {
    let error = outcome.as_ref().err()?;
    match error.downcast_ref::<GitError>()? {
        GitError::Edit { source, .. } => Some(source.path().to_owned()),
        _ => None,
    }
}

fn edits_path(edit: &FileEdit, path: &str) -> bool {
    edit.path == path || edit.alternatives.iter().any(|p| p == path)
}

type Member<'a> = (&'a PlannedApp<usize>, FileEdit);

fn fail_members(results: &mut [AppResult], members: &[Member<'_>], error: &anyhow::Error) {
    for (app, _) in members {
        results[app.payload].fail_write(error);
    }
}

/// Logs the outcome, announces the updates, or fails every member.
async fn report<S: AppSource>(
    services: &Services,
    source: &S,
    results: &mut [AppResult],
    destination: &GitDestination,
    members: &[Member<'_>],
    outcome: anyhow::Result<BatchOutcome>,
) {
    let repository = &destination.repository;
    match outcome {
        Ok(BatchOutcome::Committed {
            sha,
            branch,
            files_changed,
            attempts,
            ..
        }) => {
            tracing::info!(repository = %repository, branch = %branch, commit = %sha, attempts, "committed {} file(s) for {} application(s)", files_changed.len(), members.len());
            for (app, _) in members {
                let result = &results[app.payload];
                announce(services, source, &result.original, &app.changes).await;
            }
        }
        Ok(BatchOutcome::Unchanged { branch, .. }) => {
            tracing::info!(repository = %repository, branch = %branch, "the files already hold the new versions; nothing to commit");
        }
        Ok(BatchOutcome::DryRun {
            branch,
            files_changed,
            diff,
            ..
        }) => {
            tracing::info!(repository = %repository, branch = %branch, "dry run: would commit {}", files_changed.join(", "));
            tracing::debug!("dry-run diff:\n{diff}");
        }
        Err(error) => {
            let error = error.context(format!("cannot write to `{repository}`"));
            fail_members(results, members, &error);
        }
    }
}

/// Credentials (from the first member), the message over the members, and the write itself.
async fn commit(
    services: &Services,
    results: &[AppResult],
    destination: &GitDestination,
    members: &[Member<'_>],
) -> anyhow::Result<BatchOutcome> {
    let first = &results[members[0].0.payload];
    let git = first
        .plan
        .as_ref()
        .and_then(|p| p.git.as_ref())
        .ok_or_else(|| anyhow!("no git plan"))?;
    let credentials = AppGitCredentials {
        store: services.secrets.clone(),
        argocd_namespace: services.settings.argocd_namespace.clone(),
        app_namespace: first.key.namespace.clone(),
        project: project(first),
        known_hosts: services.settings.ssh_known_hosts.clone(),
    };
    let repository = &destination.repository;
    let auth = credentials
        .credentials(repository, &git.credentials)
        .await?;
    let commit = &services.settings.commit;
    let messages: Vec<_> = members
        .iter()
        .map(|(app, _)| commit_message_data(app))
        .collect();
    let batch = Batch {
        repo_url: repository.clone(),
        auth,
        base_branch: destination.base_branch.clone(),
        write_branch: destination.write_branch.clone(),
        edits: members.iter().map(|(_, edit)| edit.clone()).collect(),
        message: commit.template.render_batch_commit_message(&messages),
        author: commit.author.clone(),
        signing: commit.signing.clone(),
        sign_off: commit.sign_off,
    };
    if !services.settings.dry_run {
        // As late as possible: the lease may have been lost while the batch was prepared.
        services.leadership.check()?;
    }
    Ok(services
        .git
        .apply(&batch, services.settings.dry_run)
        .await?)
}

fn project(result: &AppResult) -> String {
    let json = result.original.as_json();
    let project = json.pointer("/spec/project").and_then(|p| p.as_str());
    project.unwrap_or("default").to_owned()
}

/// The edit of the Application's write-back file, rendered from its in-memory copy.
fn file_edit(result: &AppResult) -> anyhow::Result<FileEdit> {
    let plan = result
        .plan
        .as_ref()
        .ok_or_else(|| anyhow!("no write plan"))?;
    let git = plan.git.as_ref().ok_or_else(|| anyhow!("no git plan"))?;
    let target = match &git.target {
        GitTarget::File(target) => target,
        GitTarget::Manifest(manifest) => return Ok(manifest_edit(result, plan, manifest)),
    };
    match target {
        ResolvedTarget::OverrideFile { path } => {
            let update = source_override(result, plan.source_type, plan.source_index);
            Ok(FileEdit::new(path.clone(), move |current| {
                render_source_file(current.unwrap_or(""), &update).map_err(|e| e.to_string())
            }))
        }
        ResolvedTarget::Kustomization { dir } => kustomization_edit(result, plan.source_index, dir),
        ResolvedTarget::HelmValues { file } => {
            let images = helm_values_images(result, plan.source_index);
            let file_name = file.clone();
            Ok(FileEdit::new(file.clone(), move |current| {
                let current =
                    current.ok_or_else(|| format!("values file `{file_name}` not found"))?;
                render_helm_values(current, &images).map_err(|e| e.to_string())
            }))
        }
    }
}

/// Standalone mode's `argocd` method: the Application manifest made to hold the edited
/// source's lists, in place.
fn manifest_edit(result: &AppResult, plan: &AppPlan, manifest: &ManifestFile) -> FileEdit {
    let index = plan.source_index;
    let edited = &result.edited;
    let lists = crate::standalone::source_lists(&result.original, edited, index);
    let source_index = edited.is_multi_source().then_some(index);
    let (name, namespace) = (manifest.name.clone(), manifest.namespace.clone());
    FileEdit::new(manifest.path.clone(), move |current| {
        let current = current.ok_or("the manifest file is gone")?;
        let target = ManifestTarget {
            name: &name,
            namespace: namespace.as_deref(),
            source_index,
        };
        edit_application(current, &target, &lists).map_err(|e| e.to_string())
    })
}

fn kustomization_edit(result: &AppResult, index: usize, dir: &str) -> anyhow::Result<FileEdit> {
    let images = kustomize_images(&result.edited, index)
        .iter()
        .map(|entry| KustomizeImage::from_entry(entry))
        .collect::<Result<Vec<_>, _>>()
        .context("invalid kustomize image entry")?;
    let paths: Vec<String> = KUSTOMIZATION_FILE_NAMES
        .iter()
        .map(|name| {
            if dir == "." {
                (*name).to_owned()
            } else {
                format!("{dir}/{name}")
            }
        })
        .collect();
    let directory = dir.to_owned();
    let edit = FileEdit::new(paths[0].clone(), move |current| {
        let current = current.ok_or_else(|| format!("no kustomization file in `{directory}`"))?;
        render_kustomization(current, &images).map_err(|e| e.to_string())
    });
    Ok(edit.or_existing(paths[1..].to_vec()))
}

/// The override file's content (§7.2.4): all Kustomize images, or the image-managed Helm
/// parameters, or the image-managed plugin env entries when every image targets the plugin.
fn source_override(result: &AppResult, source_type: SourceType, index: usize) -> SourceOverride {
    let targets: Vec<&SpecTarget> = result
        .images
        .iter()
        .filter_map(|d| d.spec_target.as_ref())
        .collect();
    let all_plugin =
        !targets.is_empty() && targets.iter().all(|t| matches!(t, SpecTarget::Plugin(_)));
    if all_plugin {
        let managed = managed_names(&targets);
        let env = plugin_env(&result.edited, index);
        return SourceOverride::Plugin {
            env: env
                .into_iter()
                .filter(|e| managed.contains(&e.name))
                .collect(),
        };
    }
    match source_type {
        SourceType::Kustomize => SourceOverride::Kustomize {
            images: kustomize_images(&result.edited, index),
        },
        _ => {
            let managed = managed_names(&targets);
            let parameters = helm_parameters(&result.edited, index);
            SourceOverride::Helm {
                parameters: parameters
                    .into_iter()
                    .filter(|p| managed.contains(&p.name))
                    .collect(),
            }
        }
    }
}

/// The parameter or env names the images write.
fn managed_names(targets: &[&SpecTarget]) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for target in targets {
        let (name, tag, spec) = match target {
            SpecTarget::Helm(p) => (p.name.clone(), p.tag.clone(), p.spec.clone()),
            SpecTarget::Plugin(p) => (p.name.clone(), p.tag.clone(), p.spec.clone()),
            SpecTarget::Kustomize { .. } => continue,
        };
        names.extend(
            [name, tag, spec]
                .into_iter()
                .flatten()
                .filter(|n| !n.is_empty()),
        );
    }
    names
}

/// The live (or forced) images with their Helm parameter paths and values (§7.2.5): each value
/// is the in-memory parameter when set, else the image written for it.
fn helm_values_images(result: &AppResult, index: usize) -> Vec<HelmValuesImage> {
    let parameters = helm_parameters(&result.edited, index);
    let value = |name: &Option<String>| {
        let name = name.as_deref()?;
        parameters
            .iter()
            .find(|p| p.name == name)
            .map(|p| p.value.clone())
    };
    result
        .images
        .iter()
        .filter(|done| is_live(done))
        .filter_map(|done| {
            let SpecTarget::Helm(params) = done.spec_target.as_ref()? else {
                return None;
            };
            let written = done.written.as_ref()?;
            Some(HelmValuesImage {
                alias: done
                    .image
                    .alias
                    .clone()
                    .unwrap_or_else(|| done.image.image_name.clone()),
                name_param: params.name.clone(),
                tag_param: params.tag.clone(),
                spec_param: params.spec.clone(),
                name_value: value(&params.name).unwrap_or_else(|| written.full_name_without_tag()),
                tag_value: value(&params.tag).or_else(|| written.tag_with_digest()),
                spec_value: value(&params.spec).unwrap_or_else(|| written.full_name_with_tag()),
            })
        })
        .collect()
}

fn is_live(done: &ImageDone) -> bool {
    matches!(
        done.outcome,
        ImageOutcome::UpToDate | ImageOutcome::AlreadySet | ImageOutcome::Updated(_)
    )
}
