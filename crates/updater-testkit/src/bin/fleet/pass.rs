//! One measured pass: in cluster mode Argo CD's sync first, then the updater run once, the
//! servers' request logs read before and after, the commits counted, and every write-back
//! target checked against what the strategy must have chosen.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::Context as _;

use crate::cluster::ApiCounts;
use crate::counts::{GitCounts, PassKind, RegistryCounts, minimum_requests};
use crate::expect::{Digests, Pin, newest, pinned};
use crate::gitops::{self, BRANCH, MANIFESTS_DIR, MONOREPO, NAMESPACE};
use crate::measure::{self, ProcessCost};
use crate::model::{App, Fleet, Image, Kind};
use crate::world::World;

/// What one pass cost and did.
#[derive(Debug, Clone)]
pub struct PassResult {
    /// Which pass.
    pub kind: PassKind,
    /// The process's cost.
    pub cost: ProcessCost,
    /// Registry requests.
    pub registry: RegistryCounts,
    /// The fewest registry requests the pass could have made.
    pub minimum_requests: usize,
    /// Git requests and commits.
    pub git: GitCounts,
    /// API server requests, in cluster mode.
    pub api: Option<ApiCounts>,
    /// Applications whose running images Argo CD's sync changed before the pass (cluster
    /// mode; the first pass sets every one).
    pub synced: Option<usize>,
    /// The updater's summary line, `(applications, images, updated, skipped, errors)`.
    pub summary: Option<[u64; 5]>,
    /// Images whose version had to change in this pass.
    pub expected_images: usize,
    /// Applications with at least one such image, and of those the monorepo's.
    pub expected_apps: (usize, usize),
    /// Targets that do not hold what they should after the pass (empty when all do).
    pub wrong: Vec<String>,
}

/// Runs passes of one updater binary against one world.
pub struct Runner<'a> {
    /// The servers.
    pub world: &'a World,
    /// The argocd-image-updater binary.
    pub updater: &'a Path,
}

impl Runner<'_> {
    /// Runs pass `kind` and measures it.
    pub fn pass(&self, fleet: &Fleet, kind: PassKind) -> anyhow::Result<PassResult> {
        let world = self.world;
        let synced = match &world.cluster {
            Some(cluster) => Some(cluster.sync(fleet, &self.read_targets(fleet)?)?),
            None => None,
        };
        let api_before = world.cluster.as_ref().map(|c| c.request_count());
        let registry_before = world.registry.requests()?.len();
        let git_before = world.daemon.requests()?.len();
        let commits_before = self.commit_counts()?;
        let cost = measure::run(self.command(), &self.log_stem(kind))?;
        // The registry logs a request just after answering it.
        std::thread::sleep(Duration::from_millis(300));
        let requests = world.registry.requests()?;
        let registry = RegistryCounts::of(requests.get(registry_before..).unwrap_or_default());
        let git_requests = world.daemon.requests()?;
        let commits: Vec<usize> = self
            .commit_counts()?
            .iter()
            .zip(&commits_before)
            .map(|(after, before)| after.saturating_sub(*before))
            .collect();
        let git = GitCounts::of(git_requests.get(git_before..).unwrap_or_default(), &commits);
        let api = world.cluster.as_ref().zip(api_before);
        let api = api.map(|(cluster, before)| cluster.requests_since(before));
        let (expected_images, expected_apps) = expected_changes(fleet, kind, &world.digests);
        Ok(PassResult {
            kind,
            summary: summary(&cost.stdout),
            cost,
            registry,
            minimum_requests: minimum_requests(fleet, kind),
            git,
            api,
            synced,
            expected_images,
            expected_apps,
            wrong: self.check_targets(fleet, kind, &self.read_targets(fleet)?),
        })
    }

    /// `run --once`: in standalone mode with the monorepo's manifests, in cluster mode with
    /// the fake API server's kubeconfig.
    fn command(&self) -> Command {
        let world = self.world;
        let mut command = Command::new(self.updater);
        command.args(["run", "--once", "--loglevel", "info"]);
        match &world.cluster {
            None => {
                let url = world.daemon.url(MONOREPO);
                command.args(["--manifests", &format!("{url}#{BRANCH}:{MANIFESTS_DIR}")]);
            }
            Some(cluster) => {
                command
                    .arg("--kubeconfig")
                    .arg(&cluster.kubeconfig)
                    .args(["--argocd-namespace", NAMESPACE])
                    .args(["--watch-namespaces", NAMESPACE]);
            }
        }
        command
            .arg("--registries-conf-path")
            .arg(world.registries_conf())
            .arg("--cache-dir")
            .arg(world.cache_dir())
            .args([
                "--git-commit-user",
                "fleet-bench",
                "--git-commit-email",
                "fleet@example.com",
            ]);
        command
    }

    fn log_stem(&self, kind: PassKind) -> PathBuf {
        let name = match kind {
            PassKind::Cold => "pass-1-cold",
            PassKind::Warm => "pass-2-warm",
            PassKind::NewTags => "pass-3-new-tags",
        };
        self.world
            .dir
            .join(format!("{}-{name}", self.world.mode.name()))
    }

    fn commit_counts(&self) -> anyhow::Result<Vec<usize>> {
        self.world
            .repos
            .iter()
            .map(|repo| repo.commit_count(BRANCH).context("cannot count commits"))
            .collect()
    }

    /// Every app's write-back file on the branch, by app name (missing files are absent).
    fn read_targets(&self, fleet: &Fleet) -> anyhow::Result<HashMap<String, String>> {
        let mut texts = HashMap::new();
        for repo in &self.world.repos {
            let apps: Vec<&App> = fleet
                .apps
                .iter()
                .filter(|app| gitops::repo_of(app) == repo.name())
                .collect();
            let paths: Vec<String> = apps.iter().map(|app| gitops::target_path(app)).collect();
            let paths: Vec<&str> = paths.iter().map(String::as_str).collect();
            let files = repo
                .files_at(BRANCH, &paths)
                .with_context(|| format!("cannot read the targets in `{}`", repo.name()))?;
            for (app, text) in apps.iter().zip(files) {
                if let Some(text) = text {
                    texts.insert(app.name.clone(), text);
                }
            }
        }
        Ok(texts)
    }

    /// Every image's target after pass `kind`, checked against `targets` (the files, by app);
    /// one line per wrong image.
    fn check_targets(
        &self,
        fleet: &Fleet,
        kind: PassKind,
        targets: &HashMap<String, String>,
    ) -> Vec<String> {
        let mut wrong = Vec::new();
        for app in &fleet.apps {
            let text = targets.get(&app.name).map_or("", String::as_str);
            for image in &app.images {
                let repo = &fleet.repos[image.repo];
                let Some(want) = newest(repo, image, kind == PassKind::NewTags) else {
                    continue;
                };
                if !holds(app, text, &want, &self.world.digests) {
                    wrong.push(format!(
                        "{} {} ({}): want {}",
                        app.name,
                        image.alias,
                        repo.name,
                        want.value(&self.world.digests)
                    ));
                }
            }
        }
        wrong
    }
}

/// Whether a target's text pins `want`.
fn holds(app: &App, text: &str, want: &Pin, digests: &Digests) -> bool {
    let value = want.value(digests);
    match (app.kind, want) {
        (Kind::Kustomize, Pin::Tag(tag)) => text.contains(&format!("newTag: {tag}\n")),
        (Kind::Kustomize, Pin::Tracked { .. }) => {
            let digest = value.split_once('@').map_or("", |(_, d)| d);
            text.contains(&format!("digest: {digest}\n"))
        }
        (Kind::Helm, _) => {
            text.contains(&format!("tag: \"{value}\"")) || text.contains(&format!("tag: {value}\n"))
        }
    }
}

/// Images whose version must change in pass `kind`, and the Applications (all, monorepo) they
/// belong to.
fn expected_changes(fleet: &Fleet, kind: PassKind, digests: &Digests) -> (usize, (usize, usize)) {
    let changes = |image: &Image| {
        let repo = &fleet.repos[image.repo];
        let (before, after) = match kind {
            PassKind::Cold => (pinned(repo, image), newest(repo, image, false)),
            PassKind::Warm => return false,
            PassKind::NewTags => (newest(repo, image, false), newest(repo, image, true)),
        };
        before.map(|p| p.value(digests)) != after.map(|p| p.value(digests))
    };
    let images = fleet.images().filter(|(_, image)| changes(image)).count();
    let apps: Vec<&App> = fleet
        .apps
        .iter()
        .filter(|app| app.images.iter().any(changes))
        .collect();
    let monorepo = apps.iter().filter(|app| app.team.is_none()).count();
    (images, (apps.len(), monorepo))
}

/// The numbers of the `summary: applications=… images=… updated=… skipped=… errors=…` line.
fn summary(stdout: &str) -> Option<[u64; 5]> {
    let line = stdout
        .lines()
        .rev()
        .find_map(|l| l.strip_prefix("summary: "))?;
    let values: Vec<u64> = line
        .split(' ')
        .map(|field| field.split_once('=')?.1.parse().ok())
        .collect::<Option<_>>()?;
    values.try_into().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_line_is_read() {
        let out = "noise\nsummary: applications=3 images=6 updated=2 skipped=4 errors=0\n";
        assert_eq!(summary(out), Some([3, 6, 2, 4, 0]));
        assert_eq!(summary("summary: applications=x\n"), None);
    }
}
