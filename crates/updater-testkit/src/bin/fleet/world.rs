//! The servers a benchmark runs against, started and seeded: the real `docker-registry` with
//! the fleet's tags written straight into its storage (pushing 60,000 tags over HTTP would
//! take longer than the benchmark), `git daemon` serving the monorepo and the team
//! repositories, the `registries.conf` naming the registry, and in cluster mode the fake API
//! server holding the Applications and ImageUpdaters. Everything stops when dropped.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use updater_testkit::git::{BareRepo, GitDaemon};
use updater_testkit::{
    AuthMode, ImageSpec, ManifestFormat, RegistryOptions, RegistryServer, StoreSeeder,
};

use crate::cluster::Cluster;
use crate::expect::Digests;
use crate::gitops::{self, Context, RepoFiles};
use crate::model::{Fleet, Repo, Tag};

/// Every image shares this layer, so each tag costs a config and a manifest only.
const LAYER: &str = "the fleet benchmark's only layer\n";

/// How the updater finds the fleet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    /// `run --once --manifests`: Applications and ImageUpdaters from the monorepo.
    Standalone,
    /// `run --once --kubeconfig`: from the fake API server, Argo CD's sync emulated.
    Cluster,
}

impl Mode {
    /// `standalone` or `cluster`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Standalone => "standalone",
            Self::Cluster => "cluster",
        }
    }
}

/// The running servers and what was seeded into them.
pub struct World {
    /// How the updater finds the fleet.
    pub mode: Mode,
    // Fields drop in declaration order: the servers stop before their directories go.
    /// The API server, in cluster mode.
    pub cluster: Option<Cluster>,
    pub registry: RegistryServer,
    pub daemon: GitDaemon,
    /// The bare repositories, by name.
    pub repos: Vec<BareRepo>,
    /// Manifest digests by tag identity ([`Tag::content`]).
    pub digests: Digests,
    /// How long seeding the registry and creating the repositories took.
    pub seeding: Seeding,
    /// The benchmark's directory: repositories, cache, registries.conf, pass logs.
    pub dir: PathBuf,
}

/// Seeding figures.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct Seeding {
    /// Tags written into the registry's storage.
    pub tags: usize,
    /// Seconds to write them.
    pub registry_secs: f64,
    /// Seconds to create the git repositories.
    pub git_secs: f64,
}

impl World {
    /// Starts the servers for `mode` under `dir` (which must exist and be empty) and seeds
    /// `fleet`; `limit` is the registry's request rate limit in `registries.conf`; the
    /// registry's storage goes below `registry_dir` when given.
    pub fn start(
        mode: Mode,
        fleet: &Fleet,
        dir: &Path,
        limit: u32,
        registry_dir: Option<&Path>,
    ) -> anyhow::Result<Self> {
        let mut options = RegistryOptions::new(AuthMode::Anonymous);
        if let Some(parent) = registry_dir {
            options = options.in_dir(parent);
        }
        let registry = RegistryServer::start(options).context(
            "cannot start docker-registry (is the `docker-registry` package installed?)",
        )?;
        let started = Instant::now();
        let (digests, tags) = seed_registry(&registry, fleet)?;
        let registry_secs = started.elapsed().as_secs_f64();
        let root = dir.join("git");
        std::fs::create_dir_all(&root).context("cannot create the git root")?;
        let daemon = GitDaemon::start(&root).context("cannot start git daemon")?;
        let host = registry.host();
        let url = |name: &str| daemon.url(name);
        let context = Context {
            host: &host,
            url: &url,
            digests: &digests,
        };
        let started = Instant::now();
        let files = gitops::repos(fleet, &context);
        let repos = create_repos(&root, &files)?;
        let git_secs = started.elapsed().as_secs_f64();
        let cluster = match mode {
            Mode::Standalone => None,
            Mode::Cluster => Some(Cluster::start(dir, fleet, &manifests(&files))?),
        };
        std::fs::write(
            dir.join("registries.conf"),
            registries_conf(&registry, limit),
        )
        .context("cannot write registries.conf")?;
        Ok(Self {
            mode,
            cluster,
            registry,
            daemon,
            repos,
            digests,
            seeding: Seeding {
                tags,
                registry_secs,
                git_secs,
            },
            dir: dir.to_path_buf(),
        })
    }

    /// Pushes every repository's new tags over HTTP, as a CI system would; returns how long
    /// it took. Their digests join [`Self::digests`].
    pub async fn push_new_tags(&mut self, fleet: &Fleet) -> anyhow::Result<Duration> {
        let started = Instant::now();
        let seeder = self.registry.seeder().context("cannot build the seeder")?;
        for repo in &fleet.repos {
            for tag in &repo.new_tags {
                let specs = specs(repo, tag);
                let digest = if repo.multi_arch {
                    seeder
                        .push_index(&repo.name, &tag.name, &specs, ManifestFormat::Oci)
                        .await
                } else {
                    seeder.push_image(&repo.name, &tag.name, &specs[0]).await
                };
                let digest =
                    digest.with_context(|| format!("cannot push {}:{}", repo.name, tag.name))?;
                self.digests.insert(tag.content.clone(), digest);
            }
        }
        Ok(started.elapsed())
    }

    /// The updater's cache directory.
    pub fn cache_dir(&self) -> PathBuf {
        self.dir.join("cache")
    }

    /// The `registries.conf` file.
    pub fn registries_conf(&self) -> PathBuf {
        self.dir.join("registries.conf")
    }
}

/// Writes every tag of the fleet into the registry's storage; returns the digests and the
/// number of tags.
fn seed_registry(registry: &RegistryServer, fleet: &Fleet) -> anyhow::Result<(Digests, usize)> {
    let store = StoreSeeder::new(registry);
    let mut digests = Digests::new();
    let mut count = 0;
    for repo in &fleet.repos {
        for tag in &repo.tags {
            let specs = specs(repo, tag);
            let digest = if repo.multi_arch {
                store.put_index(&repo.name, &tag.name, &specs, ManifestFormat::Oci)
            } else {
                store.put_image(&repo.name, &tag.name, &specs[0])
            };
            let digest =
                digest.with_context(|| format!("cannot seed {}:{}", repo.name, tag.name))?;
            digests.insert(tag.content.clone(), digest);
            count += 1;
        }
    }
    Ok((digests, count))
}

/// The image (or the index's children) a tag names: linux/amd64, plus linux/arm64 built a
/// minute later for multi-arch repositories.
fn specs(repo: &Repo, tag: &Tag) -> Vec<ImageSpec> {
    let amd64 = ImageSpec {
        created: Some(tag.created),
        content: Some(LAYER.to_owned()),
        ..ImageSpec::default()
    };
    if !repo.multi_arch {
        return vec![amd64];
    }
    let arm64 = ImageSpec {
        created: Some(tag.created + jiff::SignedDuration::from_secs(60)),
        arch: "arm64".to_owned(),
        ..amd64.clone()
    };
    vec![amd64, arm64]
}

/// The monorepo's manifest files' texts.
fn manifests(repos: &[RepoFiles]) -> Vec<&str> {
    let monorepo = repos.iter().filter(|repo| repo.name == gitops::MONOREPO);
    let files = monorepo.flat_map(|repo| &repo.files);
    files
        .filter(|(path, _)| path.starts_with(&format!("{}/", gitops::MANIFESTS_DIR)))
        .map(|(_, text)| text.as_str())
        .collect()
}

fn create_repos(root: &Path, repos: &[RepoFiles]) -> anyhow::Result<Vec<BareRepo>> {
    repos
        .iter()
        .map(|repo| {
            let files: Vec<(&str, &str)> = repo
                .files
                .iter()
                .map(|(path, text)| (path.as_str(), text.as_str()))
                .collect();
            BareRepo::create(root, &repo.name, &files, gitops::BRANCH)
                .with_context(|| format!("cannot create `{}`", repo.name))
        })
        .collect()
}

/// The registry's entry, with a request rate limit of `limit` per second: without one the
/// updater allows 20, which a fleet of 200 repositories on a local registry would wait on.
fn registries_conf(registry: &RegistryServer, limit: u32) -> String {
    format!(
        "registries:\n- name: fleet\n  prefix: {}\n  api_url: {}\n  insecure: yes\n  \
         limit: {limit}\n",
        registry.host(),
        registry.url()
    )
}
