//! [`BareRepo`]: a bare repository under a server root, seeded with one commit, with the
//! queries tests assert on and a way to simulate someone else pushing.

use std::{
    fs,
    path::{Path, PathBuf},
};

use super::{
    command::{capture, run},
    env::GitEnv,
    error::{GitError, file_error},
};

/// Author of the seed commit.
const SEED_IDENTITY: [&str; 4] = ["-c", "user.name=seed", "-c", "user.email=seed@example.com"];
/// Author of [`BareRepo::push_concurrent_commit`]'s commits.
const OTHER_IDENTITY: [&str; 4] = [
    "-c",
    "user.name=someone-else",
    "-c",
    "user.email=someone-else@example.com",
];
/// Message of the seed commit.
pub const SEED_MESSAGE: &str = "initial commit";

/// A bare repository on disk; it stays when dropped (it lives in the caller's root).
#[derive(Debug)]
pub struct BareRepo {
    path: PathBuf,
    name: String,
    env: GitEnv,
}

impl BareRepo {
    /// Creates `root/name` as a bare repository whose `branch` holds one commit
    /// ([`SEED_MESSAGE`]) of `files` (path, content); paths may contain directories.
    pub fn create(
        root: &Path,
        name: &str,
        files: &[(&str, &str)],
        branch: &str,
    ) -> Result<Self, GitError> {
        if !is_inside(name) {
            return Err(GitError::InvalidRepoName {
                name: name.to_owned(),
            });
        }
        if let Some((bad, _)) = files.iter().find(|(path, _)| !is_inside(path)) {
            return Err(GitError::InvalidFilePath {
                path: (*bad).to_owned(),
            });
        }
        let repo = Self {
            path: root.join(name),
            name: name.to_owned(),
            env: GitEnv::new()?,
        };
        if repo.path.exists() {
            return Err(GitError::RepoExists { path: repo.path });
        }
        repo.seed(files, branch)?;
        Ok(repo)
    }

    /// The repository directory.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The name relative to the root, as in server URLs.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The commit `branch` points to, `None` when there is no such branch.
    pub fn head(&self, branch: &str) -> Result<Option<String>, GitError> {
        self.resolve(&format!("refs/heads/{branch}^{{commit}}"))
    }

    /// How many commits `branch` holds (0 when it does not exist).
    pub fn commit_count(&self, branch: &str) -> Result<usize, GitError> {
        let Some(head) = self.head(branch)? else {
            return Ok(0);
        };
        let count = self.git(&["rev-list", "--count", &head])?;
        Ok(count.parse().unwrap_or_default())
    }

    /// The content of `path` on `branch`, `None` when either is missing.
    pub fn file_at(&self, branch: &str, path: &str) -> Result<Option<String>, GitError> {
        let Some(blob) = self.resolve(&format!("refs/heads/{branch}:{path}"))? else {
            return Ok(None);
        };
        let bytes = self.git_raw(&["cat-file", "blob", &blob])?;
        Ok(Some(String::from_utf8_lossy(&bytes).into_owned()))
    }

    /// The contents of `paths` on `branch` (`None` for a missing one, or all of them when the
    /// branch is missing), read by one `git cat-file --batch` rather than two processes a file.
    pub fn files_at(&self, branch: &str, paths: &[&str]) -> Result<Vec<Option<String>>, GitError> {
        if let Some(bad) = paths.iter().find(|path| path.contains('\n')) {
            return Err(GitError::InvalidFilePath {
                path: (*bad).to_owned(),
            });
        }
        let input: String = paths
            .iter()
            .map(|path| format!("refs/heads/{branch}:{path}\n"))
            .collect();
        let mut command = self.env.git(&self.path);
        command.args(["cat-file", "--batch"]);
        let captured = capture(&mut command, input.as_bytes(), false)?;
        if !captured.status.success() {
            return Err(captured.failure(&command));
        }
        parse_batch(&captured.stdout, paths.len()).ok_or_else(|| GitError::Command {
            command: "git cat-file --batch".to_owned(),
            status: captured.status,
            stderr: "unexpected output".to_owned(),
        })
    }

    /// The full messages of `branch`'s commits, newest first, trailing newlines trimmed.
    pub fn log_messages(&self, branch: &str) -> Result<Vec<String>, GitError> {
        let Some(head) = self.head(branch)? else {
            return Ok(Vec::new());
        };
        let raw = self.git_raw(&["log", "--format=%B%x00", &head])?;
        let text = String::from_utf8_lossy(&raw);
        Ok(text
            .split('\0')
            .map(str::trim)
            .filter(|message| !message.is_empty())
            .map(str::to_owned)
            .collect())
    }

    /// The branch names, sorted.
    pub fn branches(&self) -> Result<Vec<String>, GitError> {
        let out = self.git(&["for-each-ref", "--format=%(refname:short)", "refs/heads/"])?;
        Ok(out.lines().map(str::to_owned).collect())
    }

    /// Commits `content` to `path` on `branch` as `someone-else` from a fresh clone and pushes
    /// it, as another writer would between our fetch and our push. Returns the new commit.
    pub fn push_concurrent_commit(
        &self,
        branch: &str,
        path: &str,
        content: &str,
    ) -> Result<String, GitError> {
        let work = tempfile::tempdir().map_err(GitError::TempDir)?;
        let checkout = work.path().join("clone");
        let source = self.path.to_string_lossy();
        let target = checkout.to_string_lossy();
        let clone = ["clone", "-q", "--branch", branch, &source, &target];
        self.env.run_ok(work.path(), &clone)?;
        write_files(&checkout, &[(path, content)])?;
        self.env.run_ok(&checkout, &["add", "-A"])?;
        let message = format!("concurrent change to {path}");
        let commit = [&OTHER_IDENTITY[..], &["commit", "-q", "-m", &message]].concat();
        self.env.run_ok(&checkout, &commit)?;
        self.env
            .run_ok(&checkout, &["push", "-q", "origin", branch])?;
        self.env.run_ok(&checkout, &["rev-parse", "HEAD"])
    }

    /// Initialises the bare repository and pushes the seed commit from a scratch clone.
    fn seed(&self, files: &[(&str, &str)], branch: &str) -> Result<(), GitError> {
        let bare = self.path.to_string_lossy();
        let dir = self.env.home();
        self.env
            .run_ok(dir, &["init", "-q", "--bare", "-b", branch, &bare])?;
        let work = tempfile::tempdir().map_err(GitError::TempDir)?;
        let work_path = work.path().to_string_lossy();
        self.env
            .run_ok(dir, &["init", "-q", "-b", branch, &work_path])?;
        write_files(work.path(), files)?;
        self.env.run_ok(work.path(), &["add", "-A"])?;
        let commit = ["commit", "-q", "--allow-empty", "-m", SEED_MESSAGE];
        self.env
            .run_ok(work.path(), &[&SEED_IDENTITY[..], &commit].concat())?;
        self.env
            .run_ok(work.path(), &["push", "-q", &bare, branch])?;
        Ok(())
    }

    /// The object `spec` names, `None` when it names nothing.
    fn resolve(&self, spec: &str) -> Result<Option<String>, GitError> {
        let mut command = self.env.git(&self.path);
        command.args(["rev-parse", "--verify", "--quiet", spec]);
        let captured = capture(&mut command, b"", false)?;
        // `--verify --quiet` exits 1 for a missing object; anything else but 0 is a failure.
        match captured.status.code() {
            Some(0) => Ok(Some(
                String::from_utf8_lossy(&captured.stdout).trim().to_owned(),
            )),
            Some(1) => Ok(None),
            _ => Err(captured.failure(&command)),
        }
    }

    /// Runs git in the repository; returns trimmed stdout.
    fn git(&self, args: &[&str]) -> Result<String, GitError> {
        self.env.run_ok(&self.path, args)
    }

    /// Runs git in the repository; returns raw stdout.
    fn git_raw(&self, args: &[&str]) -> Result<Vec<u8>, GitError> {
        run(self.env.git(&self.path).args(args))
    }
}

/// Splits `git cat-file --batch` output into `count` blobs: each is `<oid> blob <size>\n`,
/// the bytes and a newline, or `<name> missing\n`. `None` when the output is not that.
fn parse_batch(mut out: &[u8], count: usize) -> Option<Vec<Option<String>>> {
    let mut files = Vec::with_capacity(count);
    for _ in 0..count {
        let end = out.iter().position(|b| *b == b'\n')?;
        let header = std::str::from_utf8(&out[..end]).ok()?;
        out = &out[end + 1..];
        if header.ends_with(" missing") {
            files.push(None);
            continue;
        }
        let mut fields = header.split(' ');
        let (_, kind, size) = (fields.next()?, fields.next()?, fields.next()?);
        let size: usize = size.parse().ok()?;
        let body = out.get(..size)?;
        out = out.get(size + 1..)?;
        files.push((kind == "blob").then(|| String::from_utf8_lossy(body).into_owned()));
    }
    out.is_empty().then_some(files)
}

/// Checks that `relative` is a non-empty relative path that stays inside its base.
fn is_inside(relative: &str) -> bool {
    let path = PathBuf::from(relative);
    !relative.is_empty()
        && path
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)))
}

/// Writes `(path, content)` pairs below `dir`, creating directories; paths must stay inside.
fn write_files(dir: &Path, files: &[(&str, &str)]) -> Result<(), GitError> {
    for (relative, content) in files {
        if !is_inside(relative) {
            return Err(GitError::InvalidFilePath {
                path: (*relative).to_owned(),
            });
        }
        let path = dir.join(relative);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(file_error(parent))?;
        }
        fs::write(&path, content).map_err(file_error(&path))?;
    }
    Ok(())
}
