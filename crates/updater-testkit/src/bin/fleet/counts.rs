//! Requests counted on the servers' side, by kind, and the fewest requests a pass could make
//! for the fleet. Pure.

use std::collections::BTreeSet;

use updater_testkit::RegistryRequest;
use updater_testkit::git::DaemonRequest;

use crate::model::{Class, Fleet};

/// Registry requests of one pass, from the registry's own log.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct RegistryCounts {
    /// `GET …/tags/list` (each page counts).
    pub tags_list: usize,
    /// `GET …/manifests/…`.
    pub manifest_get: usize,
    /// `HEAD …/manifests/…`.
    pub manifest_head: usize,
    /// `GET …/blobs/…`.
    pub blob_get: usize,
    /// Anything else (`/v2/` pings, …).
    pub other: usize,
    /// Answers with a status of 400 or more, of any kind.
    pub failed: usize,
    /// Requests for a method and URI already requested earlier in the pass: work a cache or
    /// a shared in-flight request could have saved.
    pub repeated: usize,
}

impl RegistryCounts {
    /// Counts `requests` by kind.
    pub fn of(requests: &[RegistryRequest]) -> Self {
        let mut counts = Self::default();
        let mut seen = std::collections::HashSet::new();
        for request in requests {
            if !seen.insert((request.method.as_str(), request.uri.as_str())) {
                counts.repeated += 1;
            }
            let path = request.path();
            let slot = match request.method.as_str() {
                "GET" if path.ends_with("/tags/list") => &mut counts.tags_list,
                "GET" if path.contains("/manifests/") => &mut counts.manifest_get,
                "HEAD" if path.contains("/manifests/") => &mut counts.manifest_head,
                "GET" if path.contains("/blobs/") => &mut counts.blob_get,
                _ => &mut counts.other,
            };
            *slot += 1;
            if request.status >= 400 {
                counts.failed += 1;
            }
        }
        counts
    }

    /// Every request.
    pub fn total(&self) -> usize {
        self.tags_list + self.manifest_get + self.manifest_head + self.blob_get + self.other
    }

    /// Manifest and blob GETs: what reads image metadata (and counts as a pull on Docker Hub).
    pub fn metadata_gets(&self) -> usize {
        self.manifest_get + self.blob_get
    }
}

/// Git requests of one pass, from the git daemon's log.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct GitCounts {
    /// Fetches, clones and `ls-remote`s (`upload-pack`).
    pub fetches: usize,
    /// Pushes (`receive-pack`).
    pub pushes: usize,
    /// The most fetches of any one repository.
    pub max_fetches_per_repo: usize,
    /// New commits on the branch, over all repositories.
    pub commits: usize,
    /// Repositories that got at least one new commit.
    pub repos_committed: usize,
}

impl GitCounts {
    /// Counts `requests`; `commits` per repository come from the repositories themselves.
    pub fn of(requests: &[DaemonRequest], commits: &[usize]) -> Self {
        let fetches: Vec<&str> = requests
            .iter()
            .filter(|r| r.service == "upload-pack")
            .map(|r| r.repo.as_str())
            .collect();
        let repos: BTreeSet<&str> = fetches.iter().copied().collect();
        let max_fetches_per_repo = repos
            .iter()
            .map(|repo| fetches.iter().filter(|r| *r == repo).count())
            .max()
            .unwrap_or(0);
        Self {
            fetches: fetches.len(),
            pushes: requests
                .iter()
                .filter(|r| r.service == "receive-pack")
                .count(),
            max_fetches_per_repo,
            commits: commits.iter().sum(),
            repos_committed: commits.iter().filter(|&&c| c > 0).count(),
        }
    }
}

/// Which pass of the three.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PassKind {
    /// Empty caches.
    Cold,
    /// Nothing new since the last pass.
    Warm,
    /// After new tags were pushed.
    NewTags,
}

/// The fewest registry requests a pass can make for `fleet`: one listing per followed
/// repository; one manifest probe per `digest` repository; and, for `newest-build`, the
/// metadata of every tag not described by an earlier pass: the manifest and its config, or an
/// index with the wanted child and its config.
pub fn minimum_requests(fleet: &Fleet, pass: PassKind) -> usize {
    let followed: BTreeSet<usize> = fleet.images().map(|(_, image)| image.repo).collect();
    followed
        .iter()
        .map(|&index| {
            let repo = &fleet.repos[index];
            // An index, then the child for the one wanted platform (the updater's own,
            // linux/amd64, when none is configured, as in the original) and its config.
            let metadata_per_tag = if repo.multi_arch { 3 } else { 2 };
            let described = match pass {
                PassKind::Cold => repo
                    .tags
                    .iter()
                    .filter(|t| t.name.starts_with("build-"))
                    .count(),
                PassKind::Warm => 0,
                PassKind::NewTags => repo.new_tags.len(),
            };
            let metadata = match repo.class {
                Class::Build => described * metadata_per_tag,
                Class::Digest => 1,
                _ => 0,
            };
            1 + metadata
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Size;

    fn request(method: &str, uri: &str, status: u16) -> RegistryRequest {
        RegistryRequest {
            method: method.to_owned(),
            uri: uri.to_owned(),
            status,
        }
    }

    #[test]
    fn registry_requests_are_told_apart() {
        let counts = RegistryCounts::of(&[
            request("GET", "/v2/a/tags/list?n=100", 200),
            request("HEAD", "/v2/a/manifests/1.0", 200),
            request("GET", "/v2/a/manifests/sha256:ab", 200),
            request("GET", "/v2/a/blobs/sha256:cd", 200),
            request("GET", "/v2/", 401),
            request("GET", "/v2/a/blobs/sha256:cd", 200),
            request("HEAD", "/v2/a/blobs/sha256:cd", 200),
            request("GET", "/v2/a/tags/list?n=100&last=x", 200),
        ]);
        assert_eq!(
            (
                counts.tags_list,
                counts.manifest_head,
                counts.manifest_get,
                counts.blob_get,
                counts.other
            ),
            (2, 1, 1, 2, 2)
        );
        assert_eq!(
            (
                counts.total(),
                counts.metadata_gets(),
                counts.failed,
                counts.repeated
            ),
            (8, 3, 1, 1)
        );
    }

    #[test]
    fn git_requests_count_per_repository() {
        let fetch = |repo: &str| DaemonRequest {
            service: "upload-pack".to_owned(),
            repo: repo.to_owned(),
        };
        let push = DaemonRequest {
            service: "receive-pack".to_owned(),
            repo: "a.git".to_owned(),
        };
        let counts = GitCounts::of(
            &[fetch("a.git"), fetch("a.git"), fetch("b.git"), push],
            &[1, 0],
        );
        assert_eq!(
            (counts.fetches, counts.pushes, counts.max_fetches_per_repo),
            (3, 1, 2)
        );
        assert_eq!((counts.commits, counts.repos_committed), (1, 1));
    }

    #[test]
    fn a_warm_pass_needs_a_listing_per_repository_and_a_probe_per_digest_repository() {
        let fleet = Fleet::generate(Size::LARGE, 0.0);
        let digest_repos = fleet
            .repos
            .iter()
            .filter(|r| r.class == Class::Digest)
            .count();
        assert_eq!(minimum_requests(&fleet, PassKind::Warm), 200 + digest_repos);
        assert!(
            minimum_requests(&fleet, PassKind::Cold) > minimum_requests(&fleet, PassKind::NewTags)
        );
    }
}
