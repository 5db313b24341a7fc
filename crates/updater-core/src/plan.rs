//! Stage 5, "plan": the changes of a cycle grouped by destination. Every Application written
//! through the API is its own destination; Git changes are grouped by repository, base branch
//! and *rendered* write branch, so that all Applications sharing them become one checkout, one
//! commit and one push. A write-branch template that differs per Application (say it uses
//! `.SHA256`) naturally splits the batch, exactly where the original would push separately.

use std::collections::BTreeMap;

use crate::discover::AppKey;
use crate::image::ImageRef;
use crate::render::template::{
    BranchImage, BranchTemplateData, CommitChange, CommitMessageData, TemplateError,
    changes_sha256, render_branch_name, target_key,
};

#[cfg(test)]
mod tests;

/// One image of one Application moving from `old` to `new`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageChange {
    /// The image's alias, if it has one.
    pub alias: Option<String>,
    /// The configured image (registry and name matter here).
    pub image: ImageRef,
    /// The running tag, if any.
    pub old_tag: Option<String>,
    /// The running digest, if any.
    pub old_digest: Option<String>,
    /// The chosen tag.
    pub new_tag: String,
    /// The chosen digest, if known.
    pub new_digest: Option<String>,
    /// OCI labels of the new image (empty when no metadata was fetched).
    pub labels: BTreeMap<String, String>,
}

impl ImageChange {
    /// What templates call `.OldTag`: the digest when set, else the tag.
    pub fn old_display(&self) -> String {
        self.old_digest
            .clone()
            .or_else(|| self.old_tag.clone())
            .unwrap_or_default()
    }

    /// What templates call `.NewTag`: the digest when set, else the tag.
    pub fn new_display(&self) -> String {
        self.new_digest
            .clone()
            .unwrap_or_else(|| self.new_tag.clone())
    }
}

/// Where a Git batch goes.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GitDestination {
    /// Repository URL.
    pub repository: String,
    /// Branch to start from; `None` means the remote's default branch.
    pub base_branch: Option<String>,
    /// Branch to push, already rendered; `None` means the base branch.
    pub write_branch: Option<String>,
}

/// One Application's part of a batch; `payload` is whatever the writer needs (file edits).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedApp<T> {
    /// The Application.
    pub app: AppKey,
    /// Its image changes.
    pub changes: Vec<ImageChange>,
    /// The writer's input for this Application.
    pub payload: T,
}

/// Everything one repository and branch receives in one commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitBatchPlan<T> {
    /// The destination.
    pub destination: GitDestination,
    /// The Applications, in the order they were planned.
    pub apps: Vec<PlannedApp<T>>,
}

impl<T> GitBatchPlan<T> {
    /// The commit template's data, one entry per Application.
    pub fn commit_messages(&self) -> Vec<CommitMessageData> {
        self.apps.iter().map(commit_message_data).collect()
    }
}

/// Groups Git changes by destination, keeping first-appearance order of destinations and the
/// planning order of Applications inside each.
pub fn group_git<T>(planned: Vec<(GitDestination, PlannedApp<T>)>) -> Vec<GitBatchPlan<T>> {
    let mut batches: Vec<GitBatchPlan<T>> = Vec::new();
    let mut index: BTreeMap<GitDestination, usize> = BTreeMap::new();
    for (destination, app) in planned {
        let position = *index.entry(destination.clone()).or_insert_with(|| {
            batches.push(GitBatchPlan {
                destination,
                apps: Vec::new(),
            });
            batches.len() - 1
        });
        batches[position].apps.push(app);
    }
    batches
}

/// The template data of one Application: `.Image` is the name without registry.
pub fn commit_message_data<T>(app: &PlannedApp<T>) -> CommitMessageData {
    CommitMessageData {
        app_name: app.app.name.clone(),
        changes: app
            .changes
            .iter()
            .map(|change| CommitChange {
                image: change.image.name.clone(),
                old_tag: change.old_display(),
                new_tag: change.new_display(),
                labels: change.labels.clone(),
            })
            .collect(),
    }
}

/// Renders the write branch of one Application as the original does (§7.2.2): `.SHA256` over
/// its changes, `.TargetKey` over repository, base branch and target, and the app name and
/// namespace left empty outside pull-request mode.
pub fn render_write_branch(
    template: &str,
    changes: &[ImageChange],
    repository: &str,
    base_branch: &str,
    target: &str,
) -> Result<String, TemplateError> {
    let images: Vec<BranchImage> = changes.iter().map(branch_image).collect();
    let data = BranchTemplateData {
        sha256: changes_sha256(&images),
        target_key: target_key(repository, base_branch, target),
        images,
        ..BranchTemplateData::default()
    };
    render_branch_name(template, &data)
}

fn branch_image(change: &ImageChange) -> BranchImage {
    BranchImage {
        name: change.image.name.clone(),
        alias: change.alias.clone().unwrap_or_default(),
        old_tag: change.old_display(),
        new_tag: change.new_display(),
    }
}
