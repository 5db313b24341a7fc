//! The quick start from start to end: registry and repository up, two passes of the updater,
//! the report, the checks; every server it starts is owned here and stops when this returns,
//! fails or is dropped.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use updater_testkit::{AuthMode, RegistryOptions, RegistryServer};

use crate::{
    demo_dir::DemoDir,
    gitops::{self, RepoFile},
    log::parse_summary,
    repo::{self, BRANCH, DemoRepo},
    report,
    scenario::IMAGES,
    seed,
    updater::{Output, PassConfig, Updater, shell_line},
    verify::{self, Check},
};

/// The author the passes commit as.
const AUTHOR: &str = "quickstart";

/// What the quick start is given.
#[derive(Debug, Clone)]
pub struct Args {
    /// The argocd-image-updater binary.
    pub updater: PathBuf,
    /// Where to leave the demo.
    pub demo: PathBuf,
}

/// Runs the quick start; `Ok(false)` when a check failed.
pub async fn run(args: &Args) -> anyhow::Result<bool> {
    let demo = DemoDir::prepare(&args.demo)?;
    let updater = Updater::new(args.updater.clone())?;
    print!("{}", report::intro(&show(demo.root())));
    let checks = with_servers(&demo, &updater).await?;
    println!("{}", report::title(7, "Checks"));
    print!("{}", report::checks(&checks));
    print!(
        "{}",
        report::next_steps(&show(demo.root()), &show(&demo.gitops()))
    );
    Ok(checks.iter().all(|c| c.ok))
}

/// Steps 1 to 6 with the servers up; they are stopped before this returns, whichever way.
async fn with_servers(demo: &DemoDir, updater: &Updater) -> anyhow::Result<Vec<Check>> {
    let registry = start_registry().await?;
    let host = registry.host();
    let conf = demo.registries_conf();
    std::fs::write(&conf, gitops::registries_conf(&host))
        .with_context(|| format!("cannot write `{}`", conf.display()))?;
    println!(
        "{}",
        report::title(1, "A container registry with sample images")
    );
    print!(
        "{}",
        report::registry(&registry.url(), &host, &IMAGES, &show(&conf))
    );
    let daemon = repo::start_daemon(demo)?;
    let files = gitops::files(&host, &repo::url(&daemon));
    let repo = DemoRepo::create(daemon, demo, &files)?;
    println!("{}", report::title(2, "A GitOps repository"));
    let clone = show(repo.clone_path());
    print!(
        "{}",
        report::repository(&repo.url(), &clone, &files, &IMAGES, &host)
    );
    let cache = demo.cache();
    let config = PassConfig {
        manifests: format!("{}#{BRANCH}:apps", repo.url()),
        registries_conf: &conf,
        cache_dir: &cache,
    };
    let setup = Setup {
        repo: &repo,
        config: &config,
        files: &files,
        host: &host,
    };
    let mut checks = passes(demo, updater, &setup).await?;
    let pids = [registry.pid(), repo.daemon_pid()];
    drop(repo);
    drop(registry);
    checks.push(check_stopped(&pids));
    Ok(checks)
}

/// What the passes work on, once the servers are up.
#[derive(Debug, Clone, Copy)]
struct Setup<'a> {
    repo: &'a DemoRepo,
    config: &'a PassConfig<'a>,
    files: &'a [RepoFile],
    /// The registry, `127.0.0.1:PORT`.
    host: &'a str,
}

/// Starts the registry and pushes the demo images.
async fn start_registry() -> anyhow::Result<RegistryServer> {
    let registry = RegistryServer::start(RegistryOptions::new(AuthMode::Anonymous))
        .context("cannot start docker-registry (is the `docker-registry` package installed?)")?;
    seed::push_all(&registry, &IMAGES).await?;
    Ok(registry)
}

/// Steps 3 to 6: the first pass, its decisions and commits, the second pass; the checks.
async fn passes(
    demo: &DemoDir,
    updater: &Updater,
    setup: &Setup<'_>,
) -> anyhow::Result<Vec<Check>> {
    let Setup {
        repo,
        config,
        files,
        host,
    } = *setup;
    println!("{}", report::title(3, "One pass of the updater"));
    print!("{}", report::pass_command(&pass_line(updater, config)));
    ensure_standalone_mode(updater).await?;
    let first = pass(demo, updater, config, 1).await?;
    print!("{}", report::run_output(&first));
    println!("{}", report::title(4, "What it decided, and why"));
    let mut explanations = Vec::new();
    for image in &IMAGES {
        let explained = updater.explain(image, host, config).await;
        explanations.push(explained.map_err(|e| format!("{e:#}")));
    }
    print!(
        "{}",
        report::decisions(&IMAGES, host, &first.stderr, &explanations)
    );
    println!("{}", report::title(5, "The resulting commit"));
    repo.pull()?;
    let commits = repo.new_commits()?;
    let shows = commits
        .iter()
        .map(|c| Ok((c.clone(), repo.show(c)?)))
        .collect::<anyhow::Result<Vec<_>>>()?;
    print!("{}", report::commits(&show(repo.clone_path()), &shows));
    let mut checks = first_pass_checks(repo, files, &first, &commits)?;
    println!(
        "{}",
        report::title(6, "A second pass: nothing new, so no commit")
    );
    print!("{}", report::command(&pass_line(updater, config)));
    let after_first = repo.commit_count()?;
    let second = pass(demo, updater, config, 2).await?;
    print!("{}", report::run_output(&second));
    repo.pull()?;
    let after_second = repo.commit_count()?;
    checks.push(verify::check_exit("pass 2", second.code));
    let summary = parse_summary(&second.stdout);
    checks.push(verify::check_second_pass(
        summary,
        after_first,
        after_second,
    ));
    Ok(checks)
}

/// The checks of pass 1: exit code, summary, each file, the authors.
fn first_pass_checks(
    repo: &DemoRepo,
    files: &[RepoFile],
    first: &Output,
    commits: &[String],
) -> anyhow::Result<Vec<Check>> {
    let mut checks = vec![verify::check_exit("pass 1", first.code)];
    let images = u64::try_from(IMAGES.len()).unwrap_or(u64::MAX);
    checks.push(verify::check_first_summary(
        parse_summary(&first.stdout),
        images,
    ));
    for image in &IMAGES {
        let before = files
            .iter()
            .find(|f| f.path == image.file)
            .with_context(|| format!("`{}` is not a file of the demo repository", image.file))?;
        let after = repo.file(image.file)?;
        checks.push(verify::check_edit(image, &before.content, after.as_deref()));
    }
    let authors = commits
        .iter()
        .map(|c| repo.author(c))
        .collect::<Result<Vec<_>, _>>()?;
    checks.push(verify::check_authors(&authors, AUTHOR));
    Ok(checks)
}

/// Fails with a clear message when the updater has no standalone mode.
async fn ensure_standalone_mode(updater: &Updater) -> anyhow::Result<()> {
    if updater.has_standalone_mode().await? {
        return Ok(());
    }
    bail!(
        "`{}` has no standalone mode: `run --help` does not mention `--manifests`. \
         This quick start needs a build with `run --manifests` (reading Applications and \
         ImageUpdaters from Git); the registry and the repository above were set up and are \
         now stopped, and the repository stays in the demo directory",
        updater.program().display()
    )
}

/// Runs pass `n` and writes its output to `pass-<n>.log`.
async fn pass(
    demo: &DemoDir,
    updater: &Updater,
    config: &PassConfig<'_>,
    n: u32,
) -> anyhow::Result<Output> {
    let output = updater.pass(config).await?;
    let path = demo.log(n);
    let text = format!(
        "$ {}\n{}{}exit code {}\n",
        pass_line(updater, config),
        output.stderr,
        output.stdout,
        report::exit_text(output.code)
    );
    std::fs::write(&path, text).with_context(|| format!("cannot write `{}`", path.display()))?;
    Ok(output)
}

/// The pass's command line.
fn pass_line(updater: &Updater, config: &PassConfig<'_>) -> String {
    let program = show(updater.program());
    shell_line(&program, &crate::updater::pass_args(config))
}

/// Whether the processes `pids` are gone.
fn check_stopped(pids: &[u32]) -> Check {
    let alive: Vec<String> = pids
        .iter()
        .filter(|pid| Path::new(&format!("/proc/{pid}")).exists())
        .map(u32::to_string)
        .collect();
    verify::check_stopped(&alive)
}

/// `path` relative to the current directory when it is below it, for shorter lines.
fn show(path: &Path) -> String {
    let cwd = std::env::current_dir().ok();
    let relative = cwd.as_deref().and_then(|cwd| path.strip_prefix(cwd).ok());
    match relative {
        Some(rel) if !rel.as_os_str().is_empty() => format!("./{}", rel.display()),
        _ => path.display().to_string(),
    }
}
