//! Shared fixture of the git server tests (a repository served over one transport and a client
//! with matching credentials), and the tests of the repository helpers themselves.

use std::path::{Path, PathBuf};

use tempfile::TempDir;
use updater_testkit::git::{
    BareRepo, GitDaemon, GitEnv, GitError, GitOutput, HttpGitServer, SEED_MESSAGE, SshGitServer,
    Transport,
};

/// The Basic credentials of the HTTP fixtures.
pub const USER: &str = "testuser";
/// The password of [`USER`].
pub const PASS: &str = "testpass";
/// The seeded values file, as in `git-servers.sh`.
pub const VALUES: &str =
    "image:\n  repository: 127.0.0.1:5000/myorg/app  # the image\n  tag: v1.0.0\n";

/// One of the three servers.
pub enum Server {
    /// `git://`.
    Daemon(GitDaemon),
    /// `ssh://`.
    Ssh(SshGitServer),
    /// `http://` with Basic auth.
    Http(HttpGitServer),
}

/// A repository `app.git` (main: `values.yaml`) served over one transport, and a client
/// environment that can write to it.
pub struct Fixture {
    // Fields drop in declaration order: the server stops before the root goes.
    pub server: Server,
    pub repo: BareRepo,
    pub env: GitEnv,
    pub work: TempDir,
    /// Holds the repository root until the server has stopped.
    _root: TempDir,
}

impl Fixture {
    /// Starts the server of `transport` over a fresh root.
    pub fn start(transport: Transport) -> Self {
        let root = tempfile::tempdir().unwrap();
        let repo =
            BareRepo::create(root.path(), "app.git", &[("values.yaml", VALUES)], "main").unwrap();
        let env = GitEnv::new().unwrap();
        let (server, env) = match transport {
            Transport::Git => (Server::Daemon(GitDaemon::start(root.path()).unwrap()), env),
            Transport::Ssh => {
                let ssh = SshGitServer::start(root.path()).unwrap();
                let env = env.with_ssh_command(&ssh.git_ssh_command());
                (Server::Ssh(ssh), env)
            }
            Transport::Http => {
                let http = HttpGitServer::start(root.path(), Some((USER, PASS))).unwrap();
                (Server::Http(http), env.with_http_credentials(USER, PASS))
            }
        };
        Self {
            server,
            repo,
            env,
            work: tempfile::tempdir().unwrap(),
            _root: root,
        }
    }

    /// The URL of `app.git`.
    pub fn url(&self) -> String {
        match &self.server {
            Server::Daemon(daemon) => daemon.url("app.git"),
            Server::Ssh(ssh) => ssh.url("app.git"),
            Server::Http(http) => http.url("app.git"),
        }
    }

    /// The server's log or counters, for assertion messages.
    pub fn diagnostics(&self) -> String {
        match &self.server {
            Server::Daemon(daemon) => daemon.log_tail(),
            Server::Ssh(ssh) => ssh.log_tail(),
            Server::Http(http) => format!("{http:?}"),
        }
    }

    /// The HTTP server, when this is an HTTP fixture.
    pub fn http(&self) -> &HttpGitServer {
        match &self.server {
            Server::Http(http) => http,
            _ => panic!("not an HTTP fixture"),
        }
    }

    /// The SSH server, when this is an SSH fixture.
    pub fn ssh(&self) -> &SshGitServer {
        match &self.server {
            Server::Ssh(ssh) => ssh,
            _ => panic!("not an SSH fixture"),
        }
    }

    /// Clones `app.git` into `work/<name>` with the fixture's environment.
    pub fn clone_as(&self, name: &str) -> PathBuf {
        clone_with(&self.env, &self.url(), self.work.path(), name)
            .unwrap_or_else(|e| panic!("{e}\n{}", self.diagnostics()))
    }
}

/// Clones `url` into `dir/name`, running git in `dir`.
pub fn clone_with(env: &GitEnv, url: &str, dir: &Path, name: &str) -> Result<PathBuf, GitError> {
    env.run_ok(dir, &["clone", "-q", url, name])?;
    Ok(dir.join(name))
}

/// Writes `content` to `path` in `checkout` and commits it with `message`; returns the commit.
pub fn commit_file(
    env: &GitEnv,
    checkout: &Path,
    path: &str,
    content: &str,
    message: &str,
) -> String {
    std::fs::write(checkout.join(path), content).unwrap();
    env.run_ok(checkout, &["commit", "-q", "-am", message])
        .unwrap();
    env.run_ok(checkout, &["rev-parse", "HEAD"]).unwrap()
}

/// `git push origin main` in `checkout`, failed or not.
pub fn push(env: &GitEnv, checkout: &Path) -> GitOutput {
    env.run(checkout, &["push", "origin", "main"]).unwrap()
}

#[test]
fn bare_repo_is_seeded_and_queried() {
    let root = tempfile::tempdir().unwrap();
    let files = [
        ("values.yaml", VALUES),
        ("apps/app/kustomization.yaml", "images: []\n"),
        ("empty", ""),
        ("unterminated", "no newline\n\nat the end"),
    ];
    let repo = BareRepo::create(root.path(), "org/app.git", &files, "release").unwrap();
    assert_eq!(repo.path(), root.path().join("org/app.git"));
    assert_eq!(repo.name(), "org/app.git");
    assert_eq!(repo.branches().unwrap(), ["release"]);
    let head = repo.head("release").unwrap().unwrap();
    assert_eq!(head.len(), 40, "{head}");
    assert_eq!(repo.head("main").unwrap(), None);
    assert_eq!(repo.commit_count("release").unwrap(), 1);
    assert_eq!(repo.commit_count("main").unwrap(), 0);
    assert_eq!(
        repo.file_at("release", "values.yaml").unwrap().as_deref(),
        Some(VALUES)
    );
    assert_eq!(
        repo.file_at("release", "apps/app/kustomization.yaml")
            .unwrap()
            .as_deref(),
        Some("images: []\n")
    );
    assert_eq!(repo.file_at("release", "missing.yaml").unwrap(), None);
    assert_eq!(repo.file_at("main", "values.yaml").unwrap(), None);
    let batch = [
        "values.yaml",
        "missing.yaml",
        "empty",
        "apps",
        "unterminated",
        "apps/app/kustomization.yaml",
    ];
    let texts = ["", "no newline\n\nat the end", "images: []\n"].map(str::to_owned);
    assert_eq!(
        repo.files_at("release", &batch).unwrap(),
        [
            Some(VALUES.to_owned()),
            None,
            Some(texts[0].clone()),
            None,
            Some(texts[1].clone()),
            Some(texts[2].clone()),
        ]
    );
    assert_eq!(repo.files_at("main", &batch[..2]).unwrap(), [None, None]);
    assert!(repo.files_at("release", &[]).unwrap().is_empty());
    assert_eq!(repo.log_messages("release").unwrap(), [SEED_MESSAGE]);
    assert!(repo.log_messages("main").unwrap().is_empty());
}

#[test]
fn concurrent_commit_lands_on_top() {
    let root = tempfile::tempdir().unwrap();
    let repo =
        BareRepo::create(root.path(), "app.git", &[("values.yaml", VALUES)], "main").unwrap();
    let before = repo.head("main").unwrap().unwrap();
    let pushed = repo
        .push_concurrent_commit("main", "values.yaml", "tag: other\n")
        .unwrap();
    assert_ne!(pushed, before);
    assert_eq!(repo.head("main").unwrap().as_deref(), Some(pushed.as_str()));
    assert_eq!(repo.commit_count("main").unwrap(), 2);
    assert_eq!(
        repo.file_at("main", "values.yaml").unwrap().as_deref(),
        Some("tag: other\n")
    );
    assert_eq!(
        repo.log_messages("main").unwrap(),
        ["concurrent change to values.yaml", SEED_MESSAGE]
    );
    let author = GitEnv::new()
        .unwrap()
        .run_ok(repo.path(), &["log", "-1", "--format=%an <%ae>", "main"])
        .unwrap();
    assert_eq!(author, "someone-else <someone-else@example.com>");
}

#[test]
fn bad_names_and_existing_repos_are_refused() {
    let root = tempfile::tempdir().unwrap();
    for name in ["", "/abs.git", "../out.git", "a/../../b.git", "./x.git"] {
        let error = BareRepo::create(root.path(), name, &[], "main").unwrap_err();
        assert!(
            matches!(error, GitError::InvalidRepoName { .. }),
            "{name}: {error}"
        );
    }
    let error = BareRepo::create(root.path(), "a.git", &[("../escape", "x")], "main").unwrap_err();
    assert!(matches!(error, GitError::InvalidFilePath { .. }), "{error}");
    assert!(!root.path().parent().unwrap().join("escape").exists());
    BareRepo::create(root.path(), "b.git", &[], "main").unwrap();
    let error = BareRepo::create(root.path(), "b.git", &[], "main").unwrap_err();
    assert!(matches!(error, GitError::RepoExists { .. }), "{error}");
}

#[test]
fn git_env_isolates_config_and_identity() {
    let env = GitEnv::new().unwrap().with_config("core.abbrev", "12");
    let dir = env.home();
    let name = env.run_ok(dir, &["config", "user.name"]).unwrap();
    assert_eq!(name, updater_testkit::git::TEST_USER_NAME);
    assert_eq!(env.run_ok(dir, &["config", "core.abbrev"]).unwrap(), "12");
    // Only the isolated global file and the environment's entries are visible.
    let origins = env
        .run_ok(dir, &["config", "--list", "--show-scope"])
        .unwrap();
    for line in origins.lines() {
        assert!(
            line.starts_with("global\t") || line.starts_with("command\t"),
            "{line}"
        );
    }
    let debug = format!(
        "{:?}",
        GitEnv::new().unwrap().with_http_credentials("u", "s3cret")
    );
    assert!(!debug.contains("s3cret"), "{debug}");
}

/// The daemon's log tells fetches (clone, ls-remote) and pushes apart, per repository.
#[test]
fn daemon_requests_count_fetches_and_pushes() {
    let fixture = Fixture::start(Transport::Git);
    let Server::Daemon(daemon) = &fixture.server else {
        unreachable!("a git:// fixture has a daemon");
    };
    let work = fixture.work.path();
    let url = fixture.url();
    fixture
        .env
        .run_ok(work, &["clone", "-q", &url, "copy"])
        .unwrap();
    fixture.env.run_ok(work, &["ls-remote", &url]).unwrap();
    let copy = work.join("copy");
    std::fs::write(copy.join("values.yaml"), "tag: v2\n").unwrap();
    fixture
        .env
        .run_ok(&copy, &["commit", "-qam", "bump"])
        .unwrap();
    fixture
        .env
        .run_ok(&copy, &["push", "-q", "origin", "main"])
        .unwrap();
    let requests = daemon.requests().unwrap();
    let count = |service: &str| {
        requests
            .iter()
            .filter(|r| r.service == service && r.repo == "app.git")
            .count()
    };
    assert_eq!(
        (count("upload-pack"), count("receive-pack")),
        (2, 1),
        "{requests:?}"
    );
}
