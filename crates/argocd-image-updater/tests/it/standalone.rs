//! `run --manifests` end to end: Application and ImageUpdater manifests read from a Git
//! repository served by a real `git daemon`, tags from the real registry, write-back committed
//! to the same repository. No Kubernetes API at all.

use std::time::Duration;

use updater_testkit::git::BareRepo;
use updater_testkit::{AuthMode, RegistryOptions, RegistryServer};

use super::run_once::fixture::{GitHost, Summary, changed_files, file_on_main, git_in};

const TAGS: [&str; 4] = ["1.0.0", "1.1.0", "1.2.0", "2.0.0"];

/// A registry with `org/web`, `org/api` and `org/ui` holding [`TAGS`], a git daemon, and the
/// registries.conf naming the registry.
struct World {
    registry: RegistryServer,
    git: GitHost,
    dir: tempfile::TempDir,
}

impl World {
    async fn start() -> Self {
        updater_testkit::install_crypto();
        let registry = RegistryServer::start(RegistryOptions::new(AuthMode::Anonymous)).unwrap();
        let seeder = registry.seeder().unwrap();
        for repo in ["org/web", "org/api", "org/ui"] {
            seeder.push_tags(repo, &TAGS).await.unwrap();
        }
        let dir = tempfile::tempdir().unwrap();
        let conf = format!(
            "registries:\n- name: test\n  prefix: {}\n  api_url: {}\n",
            registry.host(),
            registry.url()
        );
        std::fs::write(dir.path().join("registries.conf"), conf).unwrap();
        Self {
            registry,
            git: GitHost::start(),
            dir,
        }
    }

    fn image(&self, repo: &str) -> String {
        format!("{}/{repo}", self.registry.host())
    }

    /// `run --once --manifests <manifests>` plus `args`; (exit code, stdout, stderr).
    fn run(&self, manifests: &str, args: &[&str]) -> (Option<i32>, String, String) {
        let output = crate::updater()
            .args([
                "run",
                "--once",
                "--loglevel",
                "info",
                "--manifests",
                manifests,
            ])
            .arg("--registries-conf-path")
            .arg(self.dir.path().join("registries.conf"))
            .arg("--cache-dir")
            .arg(self.dir.path().join("cache"))
            .args(["--git-commit-user", "standalone-e2e"])
            .args(["--git-commit-email", "standalone@example.com"])
            .args(args)
            .timeout(Duration::from_secs(120))
            .output()
            .unwrap();
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    }
}

fn summary(stdout: &str) -> Summary {
    let last = stdout.lines().last().unwrap_or_default();
    Summary::parse(last).unwrap_or_else(|| panic!("no summary in {stdout}"))
}

fn application(name: &str, repo_url: &str, path: &str, extra: &str) -> String {
    format!(
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: {name}\n  \
         namespace: argocd\nspec:\n  project: default\n  source:\n    repoURL: {repo_url}\n    \
         path: {path}\n    targetRevision: main\n{extra}  destination:\n    server: \
         https://kubernetes.default.svc\n    namespace: {name}\n"
    )
}

const KUSTOMIZATION: &str = "# the ui overlay\nresources:\n- deployment.yaml\nimages:\n# pinned by the updater\n- name: IMAGE\n  newTag: 1.0.0 # current\n";

const VALUES: &str = "# Default values for web.\nreplicaCount: 2\n\nimage:\n  # where the image comes from\n  repository: IMAGE\n  tag: \"1.0.0\" # bumped by the updater\n";

/// A GitOps repository: `apps/` holds three Applications (a Kustomize app written through its
/// kustomization, a Helm app through its values file, a Helm app through the override file)
/// and one ImageUpdater; the apps' sources are folders of the same repository.
fn gitops_repo(world: &World) -> BareRepo {
    let url = world.git.url("gitops.git");
    let ui = world.image("org/ui");
    let web = world.image("org/web");
    let api = world.image("org/api");
    let apps = [
        application("ui", &url, "ui", ""),
        application("web", &url, "web", "    helm:\n      releaseName: web\n"),
        application("api", &url, "api", "    helm:\n      releaseName: api\n"),
    ]
    .join("---\n");
    let updater = format!(
        "apiVersion: argocd-image-updater.argoproj.io/v1alpha1\nkind: ImageUpdater\nmetadata:\n  \
         name: gitops\n  namespace: argocd\nspec:\n  writeBackConfig:\n    method: git\n    \
         gitConfig:\n      branch: main\n  applicationRefs:\n  - namePattern: ui\n    \
         writeBackConfig:\n      method: git\n      gitConfig:\n        branch: main\n        \
         writeBackTarget: kustomization\n    images:\n    - alias: ui\n      imageName: {ui}:~1\n  \
         - namePattern: web\n    writeBackConfig:\n      method: git\n      gitConfig:\n        \
         branch: main\n        writeBackTarget: helmvalues:values.yaml\n    images:\n    - alias: \
         web\n      imageName: {web}:~1\n      manifestTargets:\n        helm:\n          name: \
         image.repository\n          tag: image.tag\n  - namePattern: api\n    images:\n    - \
         alias: api\n      imageName: {api}:~1\n"
    );
    world.git.create_repo(
        "gitops.git",
        &[
            ("apps/apps.yaml", &apps),
            ("apps/image-updater.yaml", &updater),
            (
                "ui/kustomization.yaml",
                &KUSTOMIZATION.replace("IMAGE", &ui),
            ),
            ("ui/deployment.yaml", "kind: Deployment\n"),
            ("web/Chart.yaml", "name: web\nversion: 0.1.0\n"),
            ("web/values.yaml", &VALUES.replace("IMAGE", &web)),
            ("api/Chart.yaml", "name: api\nversion: 0.1.0\n"),
            ("api/values.yaml", "image: {}\n"),
            ("README.md", "a gitops repo\n"),
        ],
    )
}

/// Every Git write-back target from manifests in Git: one commit for the three files, comments
/// kept; a second pass finds nothing new and commits nothing.
#[tokio::test]
async fn manifests_in_git_drive_every_git_target_in_one_commit() {
    let world = World::start().await;
    let repo = gitops_repo(&world);
    let head = git_in(&repo, &["rev-parse", "main"]);
    let manifests = format!("{}#main:apps", world.git.url("gitops.git"));

    let (code, stdout, stderr) = world.run(&manifests, &[]);
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    let counts = summary(&stdout);
    assert_eq!(
        (counts.applications, counts.updated, counts.errors),
        (3, 3, 0),
        "{stderr}"
    );
    assert_eq!(
        git_in(&repo, &["rev-list", "--count", &format!("{head}..main")]),
        "1",
        "one commit for the repository and branch"
    );
    assert_eq!(
        changed_files(&repo, "main"),
        [
            "api/.argocd-source-api.yaml",
            "ui/kustomization.yaml",
            "web/values.yaml"
        ]
    );
    let ui = world.image("org/ui");
    assert_eq!(
        file_on_main(&repo, "ui/kustomization.yaml"),
        KUSTOMIZATION
            .replace("IMAGE", &ui)
            .replace("1.0.0", "1.2.0")
    );
    let web = world.image("org/web");
    assert_eq!(
        file_on_main(&repo, "web/values.yaml"),
        VALUES.replace("IMAGE", &web).replace("1.0.0", "1.2.0"),
        "only the tag's bytes changed"
    );
    let api_override = file_on_main(&repo, "api/.argocd-source-api.yaml");
    assert!(api_override.contains("value: 1.2.0"), "{api_override}");
    assert!(stderr.contains("updating image"), "{stderr}");

    let (code, stdout, stderr) = world.run(&manifests, &[]);
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    let again = summary(&stdout);
    assert_eq!((again.updated, again.errors), (0, 0), "{stderr}");
    assert_eq!(
        git_in(&repo, &["rev-list", "--count", &format!("{head}..main")]),
        "1",
        "the second pass commits nothing\n{stderr}"
    );
}

/// A manifest that cannot be read is reported (exit 1, the file named) and every other
/// Application is still updated.
#[tokio::test]
async fn an_invalid_manifest_is_reported_and_the_rest_still_update() {
    let world = World::start().await;
    let repo = gitops_repo(&world);
    let url = world.git.url("gitops.git");
    let broken = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: [oops\n";
    let nameless = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  labels: {}\n";
    push_files(
        &world,
        &repo,
        &[
            ("apps/broken.yaml", broken),
            ("apps/zz-nameless.yaml", nameless),
        ],
    );

    let (code, stdout, stderr) = world.run(&format!("{url}#main:apps"), &[]);
    assert_eq!(code, Some(1), "{stdout}\n{stderr}");
    let counts = summary(&stdout);
    assert_eq!(
        (counts.applications, counts.updated, counts.errors),
        (3, 3, 2),
        "{stderr}"
    );
    assert!(
        stderr.contains("`apps/broken.yaml` is not valid YAML"),
        "{stderr}"
    );
    assert!(
        stderr.contains("`apps/zz-nameless.yaml` document 1: no metadata.name"),
        "{stderr}"
    );
    assert!(file_on_main(&repo, "web/values.yaml").contains("tag: \"1.2.0\""));
}

/// Commits `files` on `main` of `repo` through a clone, as a user would.
fn push_files(world: &World, repo: &BareRepo, files: &[(&str, &str)]) {
    let clone = world.dir.path().join("clone");
    let env = updater_testkit::git::GitEnv::new().unwrap();
    let url = repo.path().to_str().unwrap().to_owned();
    env.run_ok(world.dir.path(), &["clone", "-q", &url, "clone"])
        .unwrap();
    for (path, text) in files {
        let file = clone.join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, text).unwrap();
    }
    env.run_ok(&clone, &["add", "-A"]).unwrap();
    env.run_ok(&clone, &["commit", "-q", "-m", "add manifests"])
        .unwrap();
    env.run_ok(&clone, &["push", "-q", "origin", "main"])
        .unwrap();
    std::fs::remove_dir_all(&clone).unwrap();
}

/// The app-of-apps file: two Applications and a ConfigMap in one file, comments everywhere.
const APP_OF_APPS: &str = "# Applications of the platform team\napiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: api # the public API\n  namespace: argocd\nspec:\n  project: default\n  source:\n    repoURL: REPO\n    path: api\n    targetRevision: main\n    helm:\n      parameters:\n      # which image runs\n      - name: image.name\n        value: IMAGE\n      - name: image.tag\n        value: \"1.0.0\" # bumped by the updater\n      - name: replicas\n        value: \"3\"\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: api\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: unrelated # stays byte for byte\ndata: {a: b}\n---\napiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: ui\n  namespace: argocd\nspec:\n  source:\n    repoURL: REPO\n    path: ui\n    kustomize:\n      images:\n      - UI:1.1.0 # pinned\n  destination:\n    namespace: ui\n";

fn argocd_updater(world: &World) -> String {
    let api = world.image("org/api");
    let ui = world.image("org/ui");
    format!(
        "apiVersion: argocd-image-updater.argoproj.io/v1alpha1\nkind: ImageUpdater\nmetadata:\n  \
         name: platform\n  namespace: argocd\nspec:\n  applicationRefs:\n  - namePattern: api\n    \
         images:\n    - alias: api\n      imageName: {api}:~1\n  - namePattern: ui\n    images:\n    \
         - alias: ui\n      imageName: {ui}:~1\n"
    )
}

fn app_of_apps(world: &World, repo_url: &str) -> String {
    APP_OF_APPS
        .replace("REPO", repo_url)
        .replace("IMAGE", &world.image("org/api"))
        .replace("UI", &world.image("org/ui"))
}

/// The `argocd` method in standalone mode edits each Application manifest where it is defined,
/// in place: only the changed scalars move, comments and the other documents stay, and both
/// Applications of the file land in one commit.
#[tokio::test]
async fn the_argocd_method_edits_the_application_manifests_in_place() {
    let world = World::start().await;
    let url = world.git.url("platform.git");
    let original = app_of_apps(&world, &url);
    let repo = world.git.create_repo(
        "platform.git",
        &[
            ("apps/platform.yaml", &original),
            ("apps/updater.yaml", &argocd_updater(&world)),
            ("api/Chart.yaml", "name: api\n"),
            ("ui/kustomization.yaml", "resources: []\n"),
        ],
    );
    let head = git_in(&repo, &["rev-parse", "main"]);

    let (code, stdout, stderr) = world.run(&format!("{url}#main:apps"), &[]);
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert_eq!(summary(&stdout).updated, 2, "{stderr}");
    assert_eq!(changed_files(&repo, "main"), ["apps/platform.yaml"]);
    assert_eq!(
        git_in(&repo, &["rev-list", "--count", &format!("{head}..main")]),
        "1"
    );
    let ui = world.image("org/ui");
    // As the original's `argocd` method does, the parameters it writes get `forceString`.
    let api = world.image("org/api");
    let expected = original
        .replace(
            &format!("value: {api}\n"),
            &format!("value: {api}\n        forceString: true\n"),
        )
        .replace(
            "value: \"1.0.0\" # bumped by the updater\n",
            "value: \"1.2.0\" # bumped by the updater\n        forceString: true\n",
        )
        .replace(
            &format!("{ui}:1.1.0 # pinned"),
            &format!("{ui}:1.2.0 # pinned"),
        );
    assert_eq!(file_on_main(&repo, "apps/platform.yaml"), expected);

    let (code, stdout, stderr) = world.run(&format!("{url}#main:apps"), &[]);
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert_eq!(summary(&stdout).updated, 0, "up to date now\n{stderr}");
    assert_eq!(
        git_in(&repo, &["rev-list", "--count", &format!("{head}..main")]),
        "1"
    );
}

/// `--manifests <directory>`: the `argocd` method rewrites the manifest file in place (no Git).
#[tokio::test]
async fn a_manifests_directory_is_edited_in_place() {
    let world = World::start().await;
    let url = world.git.url("platform.git");
    world.git.create_repo(
        "platform.git",
        &[
            ("api/Chart.yaml", "name: api\n"),
            ("ui/kustomization.yaml", "resources: []\n"),
        ],
    );
    let dir = world.dir.path().join("manifests");
    std::fs::create_dir_all(&dir).unwrap();
    let original = app_of_apps(&world, &url);
    std::fs::write(dir.join("platform.yaml"), &original).unwrap();
    std::fs::write(dir.join("updater.yaml"), argocd_updater(&world)).unwrap();

    let (code, stdout, stderr) = world.run(dir.to_str().unwrap(), &[]);
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert_eq!(summary(&stdout).updated, 2, "{stderr}");
    let edited = std::fs::read_to_string(dir.join("platform.yaml")).unwrap();
    assert!(
        edited.contains("value: \"1.2.0\" # bumped by the updater"),
        "{edited}"
    );
    assert!(edited.contains("# which image runs"), "{edited}");
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers.len(), 2, "no temporary file left: {leftovers:?}");

    let (code, stdout, _) = world.run(dir.to_str().unwrap(), &["--dry-run"]);
    assert_eq!(code, Some(0));
    assert_eq!(summary(&stdout).updated, 0);
}

/// Without `--once`, standalone `run` loops on `--interval` like the controller: a tag pushed
/// later is committed by a later pass; SIGTERM stops it cleanly.
#[tokio::test]
async fn without_once_standalone_passes_repeat() {
    let world = World::start().await;
    let repo = gitops_repo(&world);
    let manifests = format!("{}#main:apps", world.git.url("gitops.git"));
    let binary = assert_cmd::cargo::cargo_bin("argocd-image-updater");
    let mut child = std::process::Command::new(binary)
        .args([
            "run",
            "--interval",
            "1s",
            "--health-probe-bind-address",
            "0",
        ])
        .args(["--manifests", &manifests])
        .arg("--registries-conf-path")
        .arg(world.dir.path().join("registries.conf"))
        .arg("--cache-dir")
        .arg(world.dir.path().join("cache"))
        .env_remove("RUST_LOG")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let tag_on_main = || file_on_main(&repo, "web/values.yaml");
    wait_until(|| tag_on_main().contains("\"1.2.0\""));
    let seeder = world.registry.seeder().unwrap();
    seeder.push_tags("org/web", &["1.3.0"]).await.unwrap();
    wait_until(|| tag_on_main().contains("\"1.3.0\""));
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert!(status.success(), "{stderr}");
    assert!(stderr.contains("shutdown requested"), "{stderr}");
}

fn wait_until(mut done: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while !done() {
        assert!(std::time::Instant::now() < deadline, "timed out");
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Git credentials without a cluster: the whole GitOps repository sits behind HTTP basic auth,
/// and an Argo CD repository secret in `--secrets-dir` (labels in `.labels`) opens it for the
/// manifests, the current versions and the push. The password never appears in the output.
#[tokio::test]
async fn a_repository_secret_in_the_secrets_dir_opens_an_authenticated_remote() {
    let world = World::start().await;
    let root = tempfile::tempdir().unwrap();
    let (user, password) = ("git-user", "s3cret-git-password");
    let http = updater_testkit::git::HttpGitServer::start(root.path(), Some((user, password)))
        .expect("http starts");
    let url = http.url("platform.git");
    let repo = BareRepo::create(
        root.path(),
        "platform.git",
        &[
            ("apps/platform.yaml", &app_of_apps(&world, &url)),
            ("apps/updater.yaml", &argocd_updater(&world)),
            ("api/Chart.yaml", "name: api\n"),
            ("ui/kustomization.yaml", "resources: []\n"),
        ],
        "main",
    )
    .unwrap();
    let secrets = world.dir.path().join("secrets");
    let secret = secrets.join("argocd/repo-platform");
    std::fs::create_dir_all(&secret).unwrap();
    std::fs::write(
        secret.join(".labels"),
        "argocd.argoproj.io/secret-type=repository\n",
    )
    .unwrap();
    std::fs::write(secret.join("url"), &url).unwrap();
    std::fs::write(secret.join("username"), user).unwrap();
    std::fs::write(secret.join("password"), password).unwrap();
    let manifests = format!("{url}#main:apps");

    let (code, stdout, stderr) = world.run(&manifests, &[]);
    assert_eq!(
        code,
        Some(1),
        "without the secret the remote refuses\n{stderr}"
    );
    assert!(!stdout.contains("updated=2"), "{stdout}");

    let secrets_dir = secrets.to_str().unwrap();
    let (code, stdout, stderr) = world.run(&manifests, &["--secrets-dir", secrets_dir]);
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert_eq!(summary(&stdout).updated, 2, "{stderr}");
    assert!(file_on_main(&repo, "apps/platform.yaml").contains("value: \"1.2.0\""));
    assert!(!stderr.contains(password) && !stdout.contains(password));
}
