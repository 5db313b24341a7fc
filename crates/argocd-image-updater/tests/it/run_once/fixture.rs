//! The world one `run --once` test runs in: the fake kube API server, a real registry, git
//! servers on demand, and the binary run against them with its summary line parsed.

use std::{
    fmt,
    path::{Path, PathBuf},
    time::Duration,
};

use serde_json::Value;
use tempfile::TempDir;
use updater_testkit::{
    AuthMode, RegistryOptions, RegistryServer,
    git::{BareRepo, GitDaemon, GitEnv},
    kube::{FakeApiServer, LoggedRequest},
};

use super::objects::{APPS, UPDATERS};

/// `--argocd-namespace` of every run.
pub const ARGOCD_NS: &str = "argocd";
/// `--git-commit-user` of every run.
pub const COMMIT_USER: &str = "image-updater-e2e";
/// `--git-commit-email` of every run.
pub const COMMIT_EMAIL: &str = "image-updater-e2e@example.com";
/// The tags most tests seed: `~1` picks 1.2.0, `^2` picks 2.0.0.
pub const TAGS: [&str; 4] = ["1.0.0", "1.1.0", "1.2.0", "2.0.0"];
/// A run that takes longer than this is killed (the whole file should take about a minute).
const RUN_TIMEOUT: Duration = Duration::from_secs(120);

/// A fake cluster and a registry, plus the files `run --once` is pointed at.
#[derive(Debug)]
pub struct Cluster {
    /// The fake kube-apiserver.
    pub api: FakeApiServer,
    /// The registry (anonymous, plain HTTP).
    pub registry: RegistryServer,
    kubeconfig: PathBuf,
    registries_conf: PathBuf,
    dir: TempDir,
}

impl Cluster {
    /// Starts the fake API server and the registry, and writes the kubeconfig and a
    /// registries.conf naming the registry (plain HTTP, which inference would not guess).
    pub fn start() -> Self {
        updater_testkit::install_crypto();
        let api = FakeApiServer::start().expect("fake API server starts");
        let registry = RegistryServer::start(RegistryOptions::new(AuthMode::Anonymous))
            .expect("registry starts");
        let dir = tempfile::tempdir().unwrap();
        let kubeconfig = api.write_kubeconfig(dir.path()).unwrap();
        let registries_conf = dir.path().join("registries.conf");
        let conf = format!(
            "registries:\n- name: test\n  prefix: {}\n  api_url: {}\n",
            registry.host(),
            registry.url()
        );
        std::fs::write(&registries_conf, conf).unwrap();
        Self {
            api,
            registry,
            kubeconfig,
            registries_conf,
            dir,
        }
    }

    /// `127.0.0.1:<port>`, the registry part of image references.
    pub fn host(&self) -> String {
        self.registry.host()
    }

    /// `<host>/<repo>`, the full image name without tag.
    pub fn image(&self, repo: &str) -> String {
        format!("{}/{repo}", self.host())
    }

    /// Pushes `tags` of `repo` (one tiny image shared by every tag).
    pub async fn seed_tags(&self, repo: &str, tags: &[&str]) {
        let seeder = self.registry.seeder().unwrap();
        seeder.push_tags(repo, tags).await.unwrap();
    }

    /// How many times the tags of `repo` were listed (`GET /v2/<repo>/tags/list`, any query).
    pub fn tag_listings(&self, repo: &str) -> usize {
        // The registry logs a request just after answering it: let the last line land.
        std::thread::sleep(Duration::from_millis(100));
        let path = format!("/v2/{repo}/tags/list");
        self.registry.count_requests("GET", &path).unwrap()
    }

    /// Seeds an Application; returns it as stored.
    pub fn add_app(&self, app: Value) -> Value {
        self.api.insert(APPS, "applications", app).unwrap()
    }

    /// Seeds an ImageUpdater; returns it as stored.
    pub fn add_updater(&self, updater: Value) -> Value {
        self.api.insert(UPDATERS, "imageupdaters", updater).unwrap()
    }

    /// Seeds a Secret.
    pub fn add_secret(&self, secret: Value) {
        self.api.insert("v1", "secrets", secret).unwrap();
    }

    /// The stored Application.
    pub fn app(&self, namespace: &str, name: &str) -> Value {
        let app = self.api.get(APPS, "applications", Some(namespace), name);
        app.unwrap_or_else(|| panic!("application {namespace}/{name} exists"))
    }

    /// The stored ImageUpdater.
    pub fn updater(&self, namespace: &str, name: &str) -> Value {
        let updater = self
            .api
            .get(UPDATERS, "imageupdaters", Some(namespace), name);
        updater.unwrap_or_else(|| panic!("image updater {namespace}/{name} exists"))
    }

    /// The Events with reason `reason`, of both Event APIs.
    pub fn events(&self, reason: &str) -> Vec<Value> {
        let events = self.api.objects("events").into_iter();
        events.filter(|event| event["reason"] == reason).collect()
    }

    /// The requests that would change something: everything but GET (lists, reads, watches).
    pub fn writes(&self) -> Vec<LoggedRequest> {
        let log = self.api.request_log().into_iter();
        log.filter(|request| request.method != "GET").collect()
    }

    /// The PATCH and PUT requests to the Application `namespace/name` (status excluded).
    pub fn app_writes(&self, namespace: &str, name: &str) -> Vec<LoggedRequest> {
        let path = app_path(namespace, name);
        let writes = self.writes().into_iter();
        writes
            .filter(|r| r.path == path && (r.method == "PATCH" || r.method == "PUT"))
            .collect()
    }

    /// `run --once` with the fixture's flags, `--loglevel info`, and `args`.
    pub fn run(&self, args: &[&str]) -> Run {
        let cache = self.dir.path().join("cache");
        let mut command = crate::updater();
        command
            .args(["run", "--once", "--loglevel", "info"])
            .arg("--kubeconfig")
            .arg(&self.kubeconfig)
            .arg("--registries-conf-path")
            .arg(&self.registries_conf)
            .args(["--argocd-namespace", ARGOCD_NS])
            .arg("--cache-dir")
            .arg(&cache)
            .args(["--git-commit-user", COMMIT_USER])
            .args(["--git-commit-email", COMMIT_EMAIL])
            .args(args)
            .timeout(RUN_TIMEOUT);
        let output = command.output().expect("the binary runs");
        Run {
            args: args.iter().map(|a| (*a).to_owned()).collect(),
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// The kubeconfig pointing at the fake API server.
    pub fn kubeconfig(&self) -> &Path {
        &self.kubeconfig
    }

    /// The registries.conf naming the registry.
    pub fn registries_conf(&self) -> &Path {
        &self.registries_conf
    }
}

/// The API path of the Application `namespace/name`.
pub fn app_path(namespace: &str, name: &str) -> String {
    format!("/apis/{APPS}/namespaces/{namespace}/applications/{name}")
}

/// One finished `run --once`.
#[derive(Debug, Clone)]
pub struct Run {
    args: Vec<String>,
    /// The exit code (`None` when killed by a signal, e.g. the timeout).
    pub code: Option<i32>,
    /// Everything printed on stdout.
    pub stdout: String,
    /// Everything printed on stderr (the logs).
    pub stderr: String,
}

impl Run {
    /// The summary line (the last line of stdout); panics with the whole output when absent.
    pub fn summary(&self) -> Summary {
        let last = self.stdout.lines().last().unwrap_or_default();
        Summary::parse(last).unwrap_or_else(|| panic!("no summary line as last line\n{self}"))
    }

    /// Asserts exit code 0 and returns the summary.
    pub fn success(&self) -> Summary {
        assert_eq!(self.code, Some(0), "exit code\n{self}");
        self.summary()
    }
}

impl fmt::Display for Run {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "run --once … {}", self.args.join(" "))?;
        writeln!(f, "exit code: {:?}", self.code)?;
        writeln!(f, "--- stdout ---\n{}", self.stdout)?;
        write!(f, "--- stderr ---\n{}", self.stderr)
    }
}

/// `summary: applications=<A> images=<I> updated=<U> skipped=<S> errors=<E>`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    /// Applications selected with at least one image.
    pub applications: u64,
    /// Images considered (live or forced).
    pub images: u64,
    /// Images updated.
    pub updated: u64,
    /// Images skipped.
    pub skipped: u64,
    /// Errors.
    pub errors: u64,
}

impl Summary {
    /// The counters of a summary line, `None` unless the line is exactly in that format.
    pub fn parse(line: &str) -> Option<Self> {
        let rest = line.strip_prefix("summary: ")?;
        let fields: Vec<(&str, u64)> = rest
            .split(' ')
            .map(|field| {
                let (key, value) = field.split_once('=')?;
                Some((key, value.parse().ok()?))
            })
            .collect::<Option<_>>()?;
        let keys: Vec<&str> = fields.iter().map(|(key, _)| *key).collect();
        if keys != ["applications", "images", "updated", "skipped", "errors"] {
            return None;
        }
        let [a, i, u, s, e] = [0, 1, 2, 3, 4].map(|n| fields[n].1);
        Some(Self {
            applications: a,
            images: i,
            updated: u,
            skipped: s,
            errors: e,
        })
    }
}

/// A `git://` daemon over a temporary root (anonymous fetch and push).
#[derive(Debug)]
pub struct GitHost {
    // Fields drop in declaration order: the daemon stops before its root is deleted.
    /// The daemon.
    pub daemon: GitDaemon,
    root: TempDir,
}

impl GitHost {
    /// An empty root served by a git daemon.
    pub fn start() -> Self {
        let root = tempfile::tempdir().unwrap();
        let daemon = GitDaemon::start(root.path()).expect("git daemon starts");
        Self { daemon, root }
    }

    /// A bare repository `name` whose `main` holds one commit of `files`.
    pub fn create_repo(&self, name: &str, files: &[(&str, &str)]) -> BareRepo {
        BareRepo::create(self.root.path(), name, files, "main").unwrap()
    }

    /// `git://127.0.0.1:<port>/<name>`.
    pub fn url(&self, name: &str) -> String {
        self.daemon.url(name)
    }

    /// The repository root.
    pub fn root(&self) -> &Path {
        self.root.path()
    }
}

/// Runs git in the bare repository and returns its trimmed stdout.
pub fn git_in(repo: &BareRepo, args: &[&str]) -> String {
    GitEnv::new().unwrap().run_ok(repo.path(), args).unwrap()
}

/// The paths the newest commit of `branch` changed, sorted.
pub fn changed_files(repo: &BareRepo, branch: &str) -> Vec<String> {
    let out = git_in(
        repo,
        &[
            "diff-tree",
            "--root",
            "--no-commit-id",
            "--name-only",
            "-r",
            branch,
        ],
    );
    let mut files: Vec<String> = out.lines().map(str::to_owned).collect();
    files.sort();
    files
}

/// `<name> <email>` of the newest commit of `branch`.
pub fn last_author(repo: &BareRepo, branch: &str) -> String {
    git_in(repo, &["log", "-1", "--format=%an <%ae>", branch])
}

/// The content of `path` on `main`; panics naming the file when it is missing.
pub fn file_on_main(repo: &BareRepo, path: &str) -> String {
    let content = repo.file_at("main", path).unwrap();
    content.unwrap_or_else(|| {
        let files = git_in(repo, &["ls-tree", "-r", "--name-only", "main"]);
        panic!("`{path}` is not on main; the branch holds:\n{files}")
    })
}

/// The condition `kind` of an ImageUpdater's status.
pub fn condition<'a>(updater: &'a Value, kind: &str) -> &'a Value {
    let conditions = updater["status"]["conditions"].as_array();
    let found = conditions.and_then(|list| list.iter().find(|c| c["type"] == kind));
    found.unwrap_or_else(|| panic!("no `{kind}` condition in {}", updater["status"]))
}
