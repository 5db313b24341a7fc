//! The git side of a batch after its edits: stage, diff (dry run), commit (author, signing,
//! sign-off, message file) and push (forced or not, reporting a lost race).

use std::io::Write;

use crate::batch::{Batch, DEFAULT_MESSAGE};
use crate::command::{CommandError, GitCommand, GitRunner};
use crate::copies::WorkingCopy;
use crate::error::GitError;

/// How a push ended, when it did not fail outright.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum PushResult {
    /// The remote accepted it.
    Pushed,
    /// The remote moved on since our fetch (`[rejected]`, non-fast-forward or fetch first).
    Rejected,
}

/// Stages `files` (paths fed on stdin, so any number and any characters fit).
async fn stage(copy: &mut WorkingCopy, branch: &str, files: &[String]) -> Result<(), GitError> {
    let mut paths = Vec::new();
    for file in files {
        paths.extend_from_slice(file.as_bytes());
        paths.push(0);
    }
    let command = GitCommand::new("add")
        .args(["--pathspec-from-file=-", "--pathspec-file-nul"])
        .stdin(paths);
    copy.git(command)
        .await
        .map(drop)
        .map_err(|source| GitError::Stage {
            repo: copy.repo().to_owned(),
            branch: branch.to_owned(),
            source,
        })
}

/// Stages `files` and returns the unified diff of the index against `HEAD`.
pub(super) async fn staged_diff(
    copy: &mut WorkingCopy,
    branch: &str,
    files: &[String],
) -> Result<String, GitError> {
    stage(copy, branch, files).await?;
    let command = GitCommand::new("diff").args(["--cached", "--no-color", "--no-ext-diff"]);
    let output = copy.git(command).await.map_err(|source| GitError::Diff {
        repo: copy.repo().to_owned(),
        branch: branch.to_owned(),
        source,
    })?;
    Ok(output.stdout)
}

/// Stages `files` and commits them; `None` when there is nothing to commit.
pub(super) async fn commit(
    copy: &mut WorkingCopy,
    batch: &Batch,
    branch: &str,
    files: &[String],
    runner: &GitRunner,
) -> Result<Option<String>, GitError> {
    if files.is_empty() {
        return Ok(None);
    }
    stage(copy, branch, files).await?;
    let message = message_file(copy, batch, runner)?;
    let commit_error = |copy: &WorkingCopy, source| GitError::Commit {
        repo: copy.repo().to_owned(),
        branch: branch.to_owned(),
        source,
    };
    match copy.git(commit_command(batch, message.path())).await {
        Ok(_) => {}
        Err(error) if nothing_to_commit(&error) => return Ok(None),
        Err(source) => return Err(commit_error(copy, source)),
    }
    let head = GitCommand::new("rev-parse").arg("HEAD");
    match copy.git(head).await {
        Ok(output) => Ok(Some(output.stdout.trim().to_owned())),
        Err(source) => Err(commit_error(copy, source)),
    }
}

/// `git -c user.name -c user.email [-c gpg.format] commit [-S<key>] [-s] -F <file>`.
fn commit_command(batch: &Batch, message: &std::path::Path) -> GitCommand {
    let mut command = GitCommand::new("commit")
        .config("user.name", &batch.author.name)
        .config("user.email", &batch.author.email);
    if let Some(signing) = &batch.signing {
        command = command
            .config("gpg.format", signing.method.as_str())
            .arg(format!("-S{}", signing.key));
    }
    if batch.sign_off {
        command = command.arg("-s");
    }
    command.args(["--quiet", "-F"]).arg(message)
}

/// The message in a temporary file outside the working tree (removed when dropped).
fn message_file(
    copy: &WorkingCopy,
    batch: &Batch,
    runner: &GitRunner,
) -> Result<tempfile::NamedTempFile, GitError> {
    let text = match batch.message.trim().is_empty() {
        true => DEFAULT_MESSAGE,
        false => batch.message.as_str(),
    };
    let written = tempfile::Builder::new()
        .prefix("commit-message-")
        .tempfile_in(runner.scratch_dir())
        .and_then(|mut file| file.write_all(text.as_bytes()).map(|()| file));
    written.map_err(|source| GitError::MessageFile {
        repo: copy.repo().to_owned(),
        source,
    })
}

fn nothing_to_commit(error: &CommandError) -> bool {
    let output = error.output();
    output.contains("nothing to commit") || output.contains("no changes added to commit")
}

/// Pushes local `branch` to the same name; `force` only for the updater's own write branch.
pub(super) async fn push(
    copy: &mut WorkingCopy,
    branch: &str,
    force: bool,
) -> Result<PushResult, GitError> {
    let mut command = GitCommand::new("push").arg("--porcelain");
    if force {
        command = command.arg("--force");
    }
    let command = command
        .arg("origin")
        .arg(format!("refs/heads/{branch}:refs/heads/{branch}"));
    let push_error = |copy: &WorkingCopy, source| GitError::Push {
        repo: copy.repo().to_owned(),
        branch: branch.to_owned(),
        source,
    };
    let output = match copy.remote(command).await {
        Ok(output) => output,
        Err(source) => return Err(push_error(copy, source)),
    };
    if output.success() {
        return Ok(PushResult::Pushed);
    }
    if !force && lost_race(&output.stdout) {
        return Ok(PushResult::Rejected);
    }
    Err(push_error(copy, output.into_error("push")))
}

/// A porcelain status line `!<TAB>src:dst<TAB>[rejected] (fetch first|non-fast-forward)`;
/// `[remote rejected]` (a hook or protection rule) is not a race and is not retried.
pub(super) fn lost_race(porcelain: &str) -> bool {
    porcelain.lines().any(|line| {
        let mut fields = line.split('\t');
        let (Some("!"), Some(_), Some(summary)) = (fields.next(), fields.next(), fields.next())
        else {
            return false;
        };
        summary.starts_with("[rejected]")
            && (summary.contains("fetch first") || summary.contains("non-fast-forward"))
    })
}
