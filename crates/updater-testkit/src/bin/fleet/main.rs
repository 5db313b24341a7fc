//! `fleet`: the fleet benchmark of `scripts/bench-fleet.sh`. Generates a fleet of
//! Applications and images, seeds the real `docker-registry` and a `git daemon` with it, runs
//! the given argocd-image-updater for a cold pass, a warm pass with nothing new and a pass
//! after new tags were pushed, and reports per pass what it cost (wall, CPU, peak RSS), the
//! registry, git and API requests counted on the servers' side next to the fewest possible,
//! and whether every write-back target holds what it should.
//!
//! ```text
//! fleet --updater PATH [--size small|large] [--mode standalone|cluster|both] [--stale FRACTION]
//!       [--dir DIR] [--json FILE] [--registry-limit REQUESTS_PER_SECOND] [--registry-dir DIR]
//! ```
//!
//! Each mode gets a world of its own, seeded alike: standalone mode reads the Applications and
//! ImageUpdaters from the monorepo (`run --once --manifests`); cluster mode from the testkit's
//! fake API server (`run --once --kubeconfig`), where Argo CD's sync is emulated before each
//! pass ([`cluster`]).
//!
//! The registry's storage goes to `--registry-dir` (default `/dev/shm` where it exists):
//! writing 60,000 tags' files on a disk can take minutes, and the benchmark measures the
//! updater, not the disk. Git repositories, the updater's cache and the logs stay in `--dir`.
//!
//! `--registry-limit` (default 1000) is the registry's `limit` in `registries.conf`; without
//! one the updater would allow itself 20 requests per second, which bounds the passes instead
//! of the code being measured.
//!
//! Exit codes: 0 every pass correct (targets met or not: see the table), 1 a pass failed or
//! left a target wrong, 2 bad usage.

mod cluster;
mod counts;
mod expect;
mod gitops;
mod measure;
mod model;
mod pass;
mod report;
mod world;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, bail};

use crate::counts::PassKind;
use crate::model::{Fleet, Size};
use crate::pass::Runner;
use crate::report::ModeRun;
use crate::world::{Mode, World};

const USAGE: &str = "usage: fleet --updater PATH [--size small|large] \
                     [--mode standalone|cluster|both] [--stale FRACTION] [--dir DIR] \
                     [--json FILE] [--registry-limit REQUESTS_PER_SECOND] [--registry-dir DIR]";

/// The command line.
#[derive(Debug, Clone)]
struct Args {
    updater: PathBuf,
    size: Size,
    modes: Vec<Mode>,
    stale: f64,
    dir: Option<PathBuf>,
    json: PathBuf,
    registry_limit: u32,
    registry_dir: Option<PathBuf>,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1).collect()) {
        Ok(args) => args,
        Err(error) => {
            eprintln!("error: {error:#}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    updater_testkit::install_crypto();
    match run(&args).await {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn parse_args(args: Vec<String>) -> anyhow::Result<Args> {
    let mut updater = None;
    let mut size = Size::SMALL;
    let mut modes = vec![Mode::Standalone, Mode::Cluster];
    let mut stale = 0.3;
    let mut dir = None;
    let mut json = None;
    let mut registry_limit = 1000;
    let shm = PathBuf::from("/dev/shm");
    let mut registry_dir = shm.is_dir().then_some(shm);
    let mut args = args.into_iter();
    while let Some(flag) = args.next() {
        let mut value = || {
            args.next()
                .with_context(|| format!("`{flag}` needs a value"))
        };
        match flag.as_str() {
            "--updater" => updater = Some(PathBuf::from(value()?)),
            "--size" => {
                let name = value()?;
                size = Size::named(&name).with_context(|| format!("unknown size `{name}`"))?;
            }
            "--mode" => {
                let name = value()?;
                modes = match name.as_str() {
                    "standalone" => vec![Mode::Standalone],
                    "cluster" => vec![Mode::Cluster],
                    "both" => vec![Mode::Standalone, Mode::Cluster],
                    _ => bail!("unknown mode `{name}`: expected standalone, cluster or both"),
                };
            }
            "--stale" => {
                let text = value()?;
                stale = text
                    .parse()
                    .ok()
                    .filter(|f| (0.0..=1.0).contains(f))
                    .with_context(|| {
                        format!("`--stale {text}`: expected a fraction from 0 to 1")
                    })?;
            }
            "--dir" => dir = Some(PathBuf::from(value()?)),
            "--json" => json = Some(PathBuf::from(value()?)),
            "--registry-dir" => registry_dir = Some(PathBuf::from(value()?)),
            "--registry-limit" => {
                let text = value()?;
                registry_limit = text.parse().ok().filter(|n| *n > 0).with_context(|| {
                    format!("`--registry-limit {text}`: expected requests per second above 0")
                })?;
            }
            other => bail!("unknown argument `{other}`"),
        }
    }
    let updater = updater.context("`--updater` is required")?;
    let json = json.unwrap_or_else(|| PathBuf::from(format!("fleet-{}.json", size.name)));
    Ok(Args {
        updater,
        size,
        modes,
        stale,
        dir,
        json,
        registry_limit,
        registry_dir,
    })
}

/// Generates the fleet, runs every mode and reports; `Ok(false)` when a pass was wrong.
async fn run(args: &Args) -> anyhow::Result<bool> {
    let temp = tempfile::Builder::new().prefix("fleet-bench-").tempdir()?;
    let dir = args
        .dir
        .clone()
        .unwrap_or_else(|| temp.path().to_path_buf());
    let fleet = Fleet::generate(args.size, args.stale);
    println!(
        "fleet {}: {} apps, {} images over {} repositories of {} tags, {} team repositories; \
         strategies {}",
        args.size.name,
        args.size.apps,
        fleet.images().count(),
        args.size.repos,
        args.size.tags,
        args.size.team_repos,
        report::strategy_mix(&fleet)
    );
    let mut runs = Vec::new();
    for mode in &args.modes {
        let dir = dir.join(mode.name());
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create `{}`", dir.display()))?;
        runs.push(run_mode(args, &fleet, *mode, &dir).await?);
    }
    conclude(args, &fleet, &runs)
}

/// Seeds a world for `mode` in `dir` and runs the three passes in it.
async fn run_mode(args: &Args, fleet: &Fleet, mode: Mode, dir: &Path) -> anyhow::Result<ModeRun> {
    println!("\n{} mode", mode.name());
    let registry_dir = args.registry_dir.as_deref();
    let mut world = World::start(mode, fleet, dir, args.registry_limit, registry_dir)?;
    println!(
        "seeded {} tags in {:.1} s (registry storage in {}), git repositories in {:.1} s \
         (in {})",
        world.seeding.tags,
        world.seeding.registry_secs,
        registry_dir.map_or_else(
            || std::env::temp_dir().display().to_string(),
            |d| d.display().to_string()
        ),
        world.seeding.git_secs,
        dir.display()
    );
    let mut passes = Vec::new();
    for kind in [PassKind::Cold, PassKind::Warm, PassKind::NewTags] {
        if kind == PassKind::NewTags {
            let took = world.push_new_tags(fleet).await?;
            println!(
                "pushed the new tags over HTTP in {:.1} s",
                took.as_secs_f64()
            );
        }
        let result = tokio::task::block_in_place(|| {
            Runner {
                world: &world,
                updater: &args.updater,
            }
            .pass(fleet, kind)
        })?;
        println!("pass {:?}: {:.2} s", kind, result.cost.wall.as_secs_f64());
        passes.push(result);
    }
    Ok(ModeRun {
        mode,
        seeding: world.seeding,
        passes,
    })
}

/// Prints each mode's table and targets, writes the JSON; whether every pass was correct.
fn conclude(args: &Args, fleet: &Fleet, runs: &[ModeRun]) -> anyhow::Result<bool> {
    for run in runs {
        println!("\n{} mode\n{}", run.mode.name(), report::table(&run.passes));
        print!(
            "{}",
            report::target_lines(&report::targets(fleet, &run.passes))
        );
        for pass in &run.passes {
            for line in pass.wrong.iter().take(5) {
                println!("WRONG after {:?}: {line}", pass.kind);
            }
            if pass.cost.code != Some(0) {
                println!(
                    "pass {:?} exited {:?}; its stderr:\n{}",
                    pass.kind,
                    pass.cost.code,
                    tail(&pass.cost.stderr)
                );
            }
        }
    }
    let text = serde_json::to_string_pretty(&report::json(fleet, runs))?;
    std::fs::write(&args.json, text + "\n")
        .with_context(|| format!("cannot write `{}`", args.json.display()))?;
    println!("results written to {}", args.json.display());
    Ok(runs.iter().all(|run| report::correct(&run.passes)))
}

fn tail(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(20)..].join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> anyhow::Result<Args> {
        parse_args(list.iter().map(|a| (*a).to_owned()).collect())
    }

    #[test]
    fn both_modes_run_unless_one_is_chosen() {
        let both = args(&["--updater", "u"]).unwrap();
        assert_eq!(both.modes, [Mode::Standalone, Mode::Cluster]);
        let cluster = args(&["--updater", "u", "--mode", "cluster"]).unwrap();
        assert_eq!(cluster.modes, [Mode::Cluster]);
        let error = args(&["--updater", "u", "--mode", "kind"]).unwrap_err();
        assert!(error.to_string().contains("`kind`"), "{error}");
        assert!(args(&["--mode", "both"]).is_err(), "--updater is required");
    }
}
