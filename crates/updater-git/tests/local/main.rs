//! `updater-git` against real git: bare repositories in temporary directories reached through
//! `file://` URLs and plain paths, a writer with its own cache directory per test.

mod batching;
mod branches;
mod conflicts;
mod copies;
mod dry_run;
mod process;
mod signing;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tempfile::TempDir;
use updater_git::{Author, Batch, FileEdit, GitAuth, GitOptions, GitWriter};

/// Runs git for the test itself (seeding, inspecting, racing), isolated from user config.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let output = git_command(dir, args).output().expect("git runs");
    assert!(
        output.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("utf-8 output")
}

/// The same, for callers that look at the exit status themselves.
pub fn git_command(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new("git");
    command
        .args(["-c", "init.defaultBranch=main"])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "someone")
        .env("GIT_AUTHOR_EMAIL", "someone@example.com")
        .env("GIT_COMMITTER_NAME", "someone")
        .env("GIT_COMMITTER_EMAIL", "someone@example.com");
    command
}

/// A bare repository seeded with one commit, plus scratch space for other clones.
pub struct Remote {
    dir: TempDir,
    /// The bare repository.
    pub bare: PathBuf,
}

impl Remote {
    /// A bare repository whose `branch` (also its `HEAD`) holds `files` in one commit.
    pub fn with_files(branch: &str, files: &[(String, String)]) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let bare = dir.path().join("remote.git");
        git(
            dir.path(),
            &["init", "--quiet", "--bare", "-b", branch, "remote.git"],
        );
        let seed = dir.path().join("seed");
        git(dir.path(), &["init", "--quiet", "-b", branch, "seed"]);
        for (path, content) in files {
            let file = seed.join(path);
            std::fs::create_dir_all(file.parent().expect("parent")).expect("mkdir");
            std::fs::write(file, content).expect("write seed file");
        }
        git(&seed, &["add", "-A"]);
        git(&seed, &["commit", "--quiet", "-m", "initial"]);
        git(
            &seed,
            &["push", "--quiet", bare.to_str().expect("utf-8"), branch],
        );
        Self { dir, bare }
    }

    /// A handle on an existing bare repository (its scratch space is a new temp dir).
    pub fn at(bare: PathBuf) -> Self {
        Self {
            dir: tempfile::tempdir().expect("temp dir"),
            bare,
        }
    }

    /// The usual test remote: `main` with `values.yaml` and `other.yaml`.
    pub fn simple() -> Self {
        Self::with_files(
            "main",
            &[
                (
                    "values.yaml".to_owned(),
                    "image:\n  tag: v1\nreplicas: 1\n".to_owned(),
                ),
                ("other.yaml".to_owned(), "other: 1\n".to_owned()),
            ],
        )
    }

    /// `file://` URL of the bare repository.
    pub fn url(&self) -> String {
        format!("file://{}", self.bare.display())
    }

    /// The commit `branch` points to, or `None` when it does not exist.
    pub fn tip(&self, branch: &str) -> Option<String> {
        let output = git_command(&self.bare, &["rev-parse", "--verify", "--quiet", branch])
            .output()
            .expect("git runs");
        output
            .status
            .success()
            .then(|| String::from_utf8_lossy(&output.stdout).trim().to_owned())
    }

    /// A file's content on `branch`.
    pub fn show(&self, branch: &str, path: &str) -> String {
        git(&self.bare, &["show", &format!("{branch}:{path}")])
    }

    /// Commit subjects on `branch`, newest first.
    pub fn subjects(&self, branch: &str) -> Vec<String> {
        git(&self.bare, &["log", "--format=%s", branch])
            .lines()
            .map(str::to_owned)
            .collect()
    }

    /// Commits `content` to `path` on `branch` from a fresh clone and pushes it, as another
    /// writer would.
    pub fn push_from_elsewhere(&self, branch: &str, path: &str, content: &str, subject: &str) {
        let clone = tempfile::tempdir_in(self.dir.path()).expect("temp dir");
        let url = self.url();
        git(
            clone.path(),
            &["clone", "--quiet", "--branch", branch, &url, "c"],
        );
        let work = clone.path().join("c");
        std::fs::write(work.join(path), content).expect("write");
        git(&work, &["commit", "--quiet", "-am", subject]);
        git(&work, &["push", "--quiet", "origin", branch]);
    }
}

/// A writer with a fresh cache directory (kept alive by the returned guard).
pub fn writer() -> (GitWriter, TempDir) {
    writer_with(GitOptions::default())
}

/// A writer with options, and a fresh cache directory.
pub fn writer_with(options: GitOptions) -> (GitWriter, TempDir) {
    let cache = tempfile::tempdir().expect("temp dir");
    let writer = GitWriter::new(cache.path().join("copies"), options).expect("writer");
    (writer, cache)
}

/// A batch for `remote` on `main` with `edits`.
pub fn batch(remote: &Remote, edits: Vec<FileEdit>) -> Batch {
    Batch {
        repo_url: remote.url(),
        auth: GitAuth::None,
        base_branch: Some("main".to_owned()),
        write_branch: None,
        edits,
        message: "build: update images".to_owned(),
        author: Author {
            name: "argocd-image-updater".to_owned(),
            email: "noreply@argoproj.io".to_owned(),
        },
        signing: None,
        sign_off: false,
    }
}

/// Replaces the value of the `tag:` line; an error when the file or the line is missing.
pub fn set_tag(path: &str, tag: &str) -> FileEdit {
    let tag = tag.to_owned();
    FileEdit::new(path, move |current| {
        let current = current.ok_or("file is missing")?;
        if !current.contains("tag: ") {
            return Err("no tag line".to_owned());
        }
        Ok(current
            .lines()
            .map(|line| match line.split_once("tag: ") {
                Some((indent, _)) => format!("{indent}tag: {tag}\n"),
                None => format!("{line}\n"),
            })
            .collect())
    })
}

/// An edit that writes fixed content.
pub fn write_file(path: &str, content: &str) -> FileEdit {
    let content = content.to_owned();
    FileEdit::new(path, move |_| Ok(content.clone()))
}

/// Runs `hook` with the call number (0, 1, …) before each render of `edit`.
pub fn with_hook(
    edit: FileEdit,
    hook: impl Fn(usize) + Send + Sync + 'static,
) -> (FileEdit, Arc<AtomicUsize>) {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let render = edit.render;
    let hooked = FileEdit::new(edit.path, move |current| {
        hook(counter.fetch_add(1, Ordering::SeqCst));
        render(current)
    });
    (hooked, calls)
}

/// `git status --porcelain` of a working copy (empty when clean).
pub fn status(copy: &Path) -> String {
    git(copy, &["status", "--porcelain", "--untracked-files=all"])
}
