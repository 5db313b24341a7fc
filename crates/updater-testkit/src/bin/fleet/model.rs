//! The fleet, generated from its size alone (a fixed-seed generator, so two runs of one size
//! are the same fleet): registry repositories with their tags, Applications with their images
//! and write-back targets, and which repositories get new tags before the third pass. Pure.

use jiff::{SignedDuration, Timestamp};

/// How big a fleet is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Size {
    /// The size's name, `small` or `large`.
    pub name: &'static str,
    /// Applications.
    pub apps: usize,
    /// Image references over all Applications.
    pub images: usize,
    /// Distinct registry repositories.
    pub repos: usize,
    /// Tags per repository.
    pub tags: usize,
    /// Git repositories besides the monorepo, holding every tenth Application.
    pub team_repos: usize,
}

impl Size {
    /// The quick check.
    pub const SMALL: Self = Self {
        name: "small",
        apps: 50,
        images: 100,
        repos: 20,
        tags: 50,
        team_repos: 2,
    };

    /// The reported figures.
    pub const LARGE: Self = Self {
        name: "large",
        apps: 1000,
        images: 2000,
        repos: 200,
        tags: 300,
        team_repos: 10,
    };

    /// The size called `name`.
    pub fn named(name: &str) -> Option<Self> {
        [Self::SMALL, Self::LARGE]
            .into_iter()
            .find(|size| size.name == name)
    }
}

/// How a repository's images are followed; every image of a repository is followed the same
/// way, as teams do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Class {
    /// `semver` within one major; tags are releases, some pre-releases and junk.
    Semver {
        /// Whether tags look like `v1.2.3`.
        v_prefix: bool,
    },
    /// `newest-build` over `build-<n>` tags.
    Build,
    /// `digest` tracking the mutable `stable` tag.
    Digest,
    /// `alphabetical` over `release-<date>` tags.
    Alpha,
}

/// One tag and the image it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    /// The tag.
    pub name: String,
    /// The image's `created`.
    pub created: Timestamp,
    /// Tags with the same `content` name the same image (`stable` and the newest release).
    pub content: String,
}

/// One registry repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repo {
    /// `fleet/svc-007`.
    pub name: String,
    /// How its images are followed.
    pub class: Class,
    /// Whether every tag is an index over linux/amd64 and linux/arm64.
    pub multi_arch: bool,
    /// Its tags, oldest first.
    pub tags: Vec<Tag>,
    /// Tags pushed before the third pass (empty for a repository with nothing new).
    pub new_tags: Vec<Tag>,
}

/// Where an Application's files live and how it is written back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `kustomization.yaml` `images`.
    Kustomize,
    /// `values.yaml` keys `<alias>.repository` / `<alias>.tag`.
    Helm,
}

/// One image an Application follows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Image {
    /// The Helm values key and the alias (`main` or `sidecar`).
    pub alias: &'static str,
    /// Index into [`Fleet::repos`].
    pub repo: usize,
    /// The semver constraint (`~2`, `^1`, `3.x`), for semver repositories.
    pub constraint: Option<String>,
    /// Whether the pinned version is older than the newest allowed one.
    pub stale: bool,
}

/// One Application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct App {
    /// `app-0007`.
    pub name: String,
    /// `None` for the monorepo, else the team repository's index.
    pub team: Option<usize>,
    /// How it is written back.
    pub kind: Kind,
    /// Its images (two per Application at the default sizes).
    pub images: Vec<Image>,
}

/// A whole fleet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fleet {
    /// Its size.
    pub size: Size,
    /// Registry repositories.
    pub repos: Vec<Repo>,
    /// Applications.
    pub apps: Vec<App>,
}

/// The tag `digest` images track.
pub const TRACKED_TAG: &str = "stable";

/// Majors every semver repository has releases in.
const MAJORS: u64 = 3;

impl Fleet {
    /// The fleet of `size`, with a fraction `stale` (0 to 1) of images pinned to an older
    /// version than the newest allowed.
    pub fn generate(size: Size, stale: f64) -> Self {
        let mut random = SplitMix(0x5eed_f1ee7);
        let repos = (0..size.repos)
            .map(|index| repo(index, size.tags, &mut random))
            .collect();
        let apps = apps(size, stale, &mut random);
        Self { size, repos, apps }
    }

    /// Images over all Applications.
    pub fn images(&self) -> impl Iterator<Item = (&App, &Image)> {
        self.apps
            .iter()
            .flat_map(|app| app.images.iter().map(move |image| (app, image)))
    }
}

fn repo(index: usize, tags: usize, random: &mut SplitMix) -> Repo {
    let class = match index % 10 {
        7 => Class::Build,
        8 => Class::Digest,
        9 => Class::Alpha,
        _ => Class::Semver {
            v_prefix: index % 5 == 4,
        },
    };
    let name = format!("fleet/svc-{index:03}");
    let base = Timestamp::from_second(1_735_689_600).unwrap_or(Timestamp::UNIX_EPOCH);
    let mut history = History::new(class, &name);
    let mut tags: Vec<Tag> = (0..tags)
        .map(|k| {
            let hours = SignedDuration::from_hours(k as i64 * 7);
            let jitter = SignedDuration::from_secs(random.below(3600) as i64);
            history.next_tag(k, base + hours + jitter, random)
        })
        .collect();
    if class == Class::Digest {
        track_newest(&mut tags);
    }
    // A minute apart per repository, so no two new images are identical (an identical image
    // would be described once for all, by digest, and hide the per-repository cost).
    let fresh_at =
        base + SignedDuration::from_hours(24 * 365 * 2) + SignedDuration::from_mins(index as i64);
    let new_tags = if index.is_multiple_of(3) {
        history.new_tags(fresh_at)
    } else {
        Vec::new()
    };
    Repo {
        name,
        class,
        multi_arch: index % 4 == 1,
        tags,
        new_tags,
    }
}

/// Makes the last tag `stable`, naming the same image as the release before it.
fn track_newest(tags: &mut [Tag]) {
    if let [.., newest, last] = tags {
        *last = Tag {
            name: TRACKED_TAG.to_owned(),
            ..newest.clone()
        };
    }
}

/// The version counters a repository's tags are drawn from.
struct History {
    class: Class,
    repo: String,
    /// (major, minor, patch) of the last release per major, index 0 for major 1.
    releases: Vec<(u64, u64, u64)>,
    /// The next major to release in (releases rotate over the majors).
    turn: u64,
    counter: u64,
}

impl History {
    fn new(class: Class, repo: &str) -> Self {
        Self {
            class,
            repo: repo.to_owned(),
            releases: Vec::new(),
            turn: 0,
            counter: 0,
        }
    }

    /// The `k`-th tag: the `stable` digest tag last, otherwise one in ten a pre-release and one
    /// in ten junk for semver repositories.
    fn next_tag(&mut self, k: usize, created: Timestamp, random: &mut SplitMix) -> Tag {
        let name = match self.class {
            Class::Semver { v_prefix } => match k % 10 {
                3 => format!("{}-rc.1", self.version(self.peek_release(), v_prefix)),
                7 => junk(k, random),
                _ => {
                    let release = self.release();
                    self.version(release, v_prefix)
                }
            },
            Class::Build => {
                self.counter += 1;
                format!("build-{}", 1000 + self.counter)
            }
            Class::Alpha => format!("release-{}", created.strftime("%Y-%m-%d.%H%M")),
            Class::Digest => {
                self.counter += 1;
                format!("1.0.{}", self.counter)
            }
        };
        let content = format!("{} {name}", self.repo);
        Tag {
            name,
            created,
            content,
        }
    }

    /// Tags pushed before the third pass: a new patch in every major, a new build, a new
    /// release date, or a new version that `stable` moves to.
    fn new_tags(&mut self, at: Timestamp) -> Vec<Tag> {
        let tag = |name: String, content: &str| Tag {
            name,
            created: at,
            content: content.to_owned(),
        };
        match self.class {
            Class::Semver { v_prefix } => (0..MAJORS)
                .filter_map(|m| self.releases.get(m as usize).copied())
                .map(|(major, minor, patch)| {
                    let name = self.version((major, minor, patch + 1), v_prefix);
                    let content = format!("{} {name}", self.repo);
                    tag(name, &content)
                })
                .collect(),
            Class::Build => {
                let name = format!("build-{}", 1000 + self.counter + 1);
                vec![tag(name.clone(), &format!("{} {name}", self.repo))]
            }
            Class::Alpha => {
                let name = format!("release-{}", at.strftime("%Y-%m-%d.%H%M"));
                vec![tag(name.clone(), &format!("{} {name}", self.repo))]
            }
            Class::Digest => {
                let name = format!("1.0.{}", self.counter + 1);
                let content = format!("{} {name}", self.repo);
                vec![tag(name, &content), tag(TRACKED_TAG.to_owned(), &content)]
            }
        }
    }

    fn version(&self, (major, minor, patch): (u64, u64, u64), v_prefix: bool) -> String {
        let v = if v_prefix { "v" } else { "" };
        format!("{v}{major}.{minor}.{patch}")
    }

    /// The next release, in the major whose turn it is: a patch, and every fifth a minor.
    fn release(&mut self) -> (u64, u64, u64) {
        let next = self.peek_release();
        let slot = (next.0 - 1) as usize;
        if slot < self.releases.len() {
            self.releases[slot] = next;
        } else {
            self.releases.push(next);
        }
        self.turn = (self.turn + 1) % MAJORS;
        next
    }

    fn peek_release(&self) -> (u64, u64, u64) {
        let major = self.turn + 1;
        match self.releases.get(self.turn as usize) {
            None => (major, 0, 0),
            Some(&(_, minor, patch)) if patch >= 4 => (major, minor + 1, 0),
            Some(&(_, minor, patch)) => (major, minor, patch + 1),
        }
    }
}

/// A tag no strategy should pick: `latest`, `main`, a commit or a nightly.
fn junk(k: usize, random: &mut SplitMix) -> String {
    match k {
        7 => "latest".to_owned(),
        17 => "main".to_owned(),
        k if k % 20 == 7 => format!("nightly-{k}"),
        _ => format!("sha-{k}{:06x}", random.below(0x00ff_ffff)),
    }
}

/// The Applications: every tenth in a team repository, Kustomize and Helm alternating, and
/// their images spread so every repository is followed at least once.
fn apps(size: Size, stale: f64, random: &mut SplitMix) -> Vec<App> {
    let per_app = size.images.div_ceil(size.apps.max(1)).max(1);
    let mut next_ref = 0usize;
    (0..size.apps)
        .map(|index| {
            let mut images: Vec<Image> = Vec::with_capacity(per_app);
            for slot in 0..per_app {
                let mut repo = if next_ref < size.repos {
                    next_ref
                } else {
                    random.below(size.repos as u64) as usize
                };
                // One app follows a repository once: two Kustomize entries cannot share a name.
                while images.len() < size.repos && images.iter().any(|image| image.repo == repo) {
                    repo = (repo + 1) % size.repos;
                }
                next_ref += 1;
                images.push(image(slot, repo, stale, random));
            }
            App {
                name: format!("app-{index:04}"),
                team: (index % 10 == 9 && size.team_repos > 0)
                    .then(|| index / 10 % size.team_repos),
                kind: if index % 2 == 0 {
                    Kind::Kustomize
                } else {
                    Kind::Helm
                },
                images,
            }
        })
        .collect()
}

fn image(slot: usize, repo: usize, stale: f64, random: &mut SplitMix) -> Image {
    let alias = if slot == 0 { "main" } else { "sidecar" };
    let major = 1 + random.below(MAJORS);
    let constraint = match random.below(3) {
        0 => format!("~{major}"),
        1 => format!("^{major}"),
        _ => format!("{major}.x"),
    };
    Image {
        alias,
        repo,
        constraint: Some(constraint),
        stale: random.unit() < stale,
    }
}

/// The release triple of `tag` (`v` allowed), `None` for pre-releases and junk.
pub fn release(tag: &str) -> Option<(u64, u64, u64)> {
    let text = tag.strip_prefix('v').unwrap_or(tag);
    let mut parts = text.split('.');
    let parse = |part: Option<&str>| part?.parse::<u64>().ok();
    let triple = (
        parse(parts.next())?,
        parse(parts.next())?,
        parse(parts.next())?,
    );
    parts.next().is_none().then_some(triple)
}

/// The major a semver constraint (`~2`, `^2`, `2.x`) allows.
pub fn constraint_major(constraint: &str) -> Option<u64> {
    let digits: String = constraint
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// SplitMix64: small, fast and good enough to spread a fleet; not for anything secret.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, bound: u64) -> u64 {
        self.next() % bound.max(1)
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_large_fleet_has_its_declared_shape() {
        let fleet = Fleet::generate(Size::LARGE, 0.3);
        assert_eq!(fleet.repos.len(), 200);
        assert_eq!(fleet.apps.len(), 1000);
        assert_eq!(fleet.images().count(), 2000);
        assert!(fleet.repos.iter().all(|repo| repo.tags.len() == 300));
        let followed: std::collections::BTreeSet<usize> =
            fleet.images().map(|(_, image)| image.repo).collect();
        assert_eq!(followed.len(), 200, "every repository is followed");
        let monorepo = fleet.apps.iter().filter(|app| app.team.is_none()).count();
        assert_eq!(monorepo, 900);
        assert!(
            fleet
                .apps
                .iter()
                .all(|app| app.images[0].repo != app.images[1].repo),
            "an app follows a repository once"
        );
    }

    #[test]
    fn generation_is_repeatable() {
        assert_eq!(
            Fleet::generate(Size::SMALL, 0.5),
            Fleet::generate(Size::SMALL, 0.5)
        );
    }

    #[test]
    fn tags_are_unique_and_oldest_first() {
        for repo in Fleet::generate(Size::LARGE, 0.0).repos {
            let mut names: Vec<&str> = repo.tags.iter().map(|t| t.name.as_str()).collect();
            assert!(repo.tags.windows(2).all(|w| w[0].created <= w[1].created));
            names.sort_unstable();
            names.dedup();
            assert_eq!(names.len(), repo.tags.len(), "{}", repo.name);
        }
    }

    #[test]
    fn semver_repositories_release_in_every_major_and_mix_in_others() {
        let fleet = Fleet::generate(Size::SMALL, 0.0);
        let repo = &fleet.repos[0];
        let majors: std::collections::BTreeSet<u64> = repo
            .tags
            .iter()
            .filter_map(|t| release(&t.name))
            .map(|r| r.0)
            .collect();
        assert_eq!(majors.into_iter().collect::<Vec<_>>(), [1, 2, 3]);
        assert!(repo.tags.iter().any(|t| t.name.contains("-rc.")));
        assert!(repo.tags.iter().any(|t| t.name == "latest"));
        assert_eq!(repo.new_tags.len(), 3, "a new patch per major");
    }

    #[test]
    fn release_parses_only_plain_triples() {
        assert_eq!(release("v1.2.3"), Some((1, 2, 3)));
        assert_eq!(release("1.2.3-rc.1"), None);
        assert_eq!(release("1.2"), None);
        assert_eq!(constraint_major("~2"), Some(2));
        assert_eq!(constraint_major("3.x"), Some(3));
    }
}
