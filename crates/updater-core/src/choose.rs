//! Stage 4, "choose": the update strategies (spec §6). Given an image's policy, the tags of its
//! repository and the running version, decide which tag to move to and explain every rejection.

use std::fmt;

use crate::filter::Platform;
use crate::policy::{ImagePolicy, Selection};

mod alphabetical;
mod digest;
mod newest_build;
mod semver;
#[cfg(test)]
mod tests;

/// Why a strategy name was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown update strategy `{input}` (expected `semver`, `newest-build`, `alphabetical` or `digest`)"
)]
pub struct UnknownStrategy {
    /// The rejected name.
    pub input: String,
}

/// The four strategies of the original.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Strategy {
    /// Highest version within the constraint.
    Semver,
    /// Most recently built image (config `created`).
    NewestBuild,
    /// Lexically greatest tag.
    Alphabetical,
    /// The newest digest of one tracked tag.
    Digest,
}

impl Strategy {
    /// Parses a strategy name, case-insensitively, accepting the deprecated `latest` and `name`.
    pub fn parse(input: &str) -> Result<Self, UnknownStrategy> {
        match input.trim().to_ascii_lowercase().as_str() {
            "semver" => Ok(Self::Semver),
            "newest-build" | "latest" => Ok(Self::NewestBuild),
            "alphabetical" | "name" => Ok(Self::Alphabetical),
            "digest" => Ok(Self::Digest),
            _ => Err(UnknownStrategy {
                input: input.to_owned(),
            }),
        }
    }

    /// The current name a deprecated alias stands for, if `input` is one.
    pub fn deprecated_alias(input: &str) -> Option<&'static str> {
        match input.trim().to_ascii_lowercase().as_str() {
            "latest" => Some("newest-build"),
            "name" => Some("alphabetical"),
            _ => None,
        }
    }

    /// The canonical name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Semver => "semver",
            Self::NewestBuild => "newest-build",
            Self::Alphabetical => "alphabetical",
            Self::Digest => "digest",
        }
    }

    /// True when the strategy needs manifest metadata (creation time, digest, platforms).
    pub fn needs_metadata(self) -> bool {
        matches!(self, Self::NewestBuild | Self::Digest)
    }
}

impl fmt::Display for Strategy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One tag of a repository, with whatever metadata the query stage fetched.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TagInfo {
    /// The tag name.
    pub name: String,
    /// Creation time from the image config; `None` when not fetched or not known.
    pub created: Option<jiff::Timestamp>,
    /// Manifest digest (`sha256:…`); `None` when not fetched.
    pub digest: Option<String>,
    /// Platforms the manifest (or index) offers; `None` when not fetched.
    pub platforms: Option<Vec<Platform>>,
}

impl TagInfo {
    /// A tag known only by name.
    pub fn named(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            ..Self::default()
        }
    }
}

/// The version an application runs now.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Running {
    /// The running tag, if the live image has one.
    pub tag: Option<String>,
    /// The running digest, if known.
    pub digest: Option<String>,
}

/// Why a tag was not chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejection {
    /// `allowTags` did not match.
    NotAllowed,
    /// An `ignoreTags` glob matched.
    Ignored {
        /// The glob that matched.
        pattern: String,
    },
    /// semver: the tag does not parse as a version.
    NotAVersion,
    /// semver: the version is outside the constraint.
    OutsideConstraint,
    /// semver: a pre-release, and the constraint does not ask for pre-releases.
    PrereleaseExcluded,
    /// digest: not the tracked tag.
    NotTrackedTag,
    /// No wanted platform among the tag's manifests.
    PlatformMismatch,
    /// The strategy needs metadata (creation time or digest) that is not known for this tag.
    MissingMetadata {
        /// What is missing: `creation time` or `digest`.
        what: &'static str,
    },
    /// Eligible, but ranked below the best candidate.
    OlderThan {
        /// The best candidate's tag.
        best: String,
    },
    /// The best candidate, refused because it is lower than the running version and the policy
    /// does not allow downgrades (the original would move to it).
    WouldDowngrade {
        /// The running tag.
        running: String,
    },
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotAllowed => f.write_str("filtered by allow-tags"),
            Self::Ignored { pattern } => write!(f, "filtered by ignore-tags pattern `{pattern}`"),
            Self::NotAVersion => f.write_str("not a semantic version"),
            Self::OutsideConstraint => f.write_str("outside the constraint"),
            Self::PrereleaseExcluded => f.write_str("pre-release excluded by the constraint"),
            Self::NotTrackedTag => f.write_str("not the tracked tag"),
            Self::PlatformMismatch => f.write_str("no manifest for a wanted platform"),
            Self::MissingMetadata { what } => write!(f, "no {what} known"),
            Self::OlderThan { best } => write!(f, "older than `{best}`"),
            Self::WouldDowngrade { running } => {
                write!(
                    f,
                    "lower than the running `{running}`; downgrades are not allowed"
                )
            }
        }
    }
}

/// The verdict on one tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// The tag.
    pub tag: String,
    /// `None` for the chosen tag, otherwise why it was not chosen.
    pub rejection: Option<Rejection>,
}

/// The outcome of choosing for one image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// The chosen tag, `None` when nothing qualifies.
    pub chosen: Option<TagInfo>,
    /// True when the running version differs from the chosen one (always true when the running
    /// version is unknown and a tag was chosen, as the original forces an update then).
    pub update_needed: bool,
    /// Every tag considered, in the order given, with its verdict.
    pub verdicts: Vec<Verdict>,
    /// Set when the original would have moved to a lower version and we did not.
    pub downgrade_prevented: Option<PreventedDowngrade>,
}

/// A move to a lower version that the no-downgrade rule stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreventedDowngrade {
    /// The running tag.
    pub running: String,
    /// The lower tag the original would have chosen.
    pub candidate: String,
}

/// Chooses the tag `policy` moves to among `tags`, given what runs now (`None`: unknown).
pub fn choose(policy: &ImagePolicy, tags: &[TagInfo], running: Option<&Running>) -> Decision {
    let mut sieve = Sieve::new(tags);
    let eligible = prefilter(policy, tags, &mut sieve);
    let ranked = rank(&policy.selection, tags, eligible, &mut sieve);
    let Some(&best) = ranked.last() else {
        return sieve.into_decision(None, false, None);
    };
    let prevented = prevented_downgrade(policy, &tags[best], running, tags);
    let best_name = tags[best].name.clone();
    for &index in &ranked[..ranked.len() - 1] {
        sieve.reject(
            index,
            Rejection::OlderThan {
                best: best_name.clone(),
            },
        );
    }
    if let Some(prevented) = prevented {
        let running = prevented.running.clone();
        sieve.reject(best, Rejection::WouldDowngrade { running });
        return sieve.into_decision(None, false, Some(prevented));
    }
    let chosen = tags[best].clone();
    let update_needed = needs_update(&policy.selection, &chosen, running);
    sieve.into_decision(Some(chosen), update_needed, None)
}

/// Verdicts under construction: every tag starts as a candidate until something rejects it.
struct Sieve {
    verdicts: Vec<Verdict>,
}

impl Sieve {
    fn new(tags: &[TagInfo]) -> Self {
        let verdicts = tags
            .iter()
            .map(|tag| Verdict {
                tag: tag.name.clone(),
                rejection: None,
            })
            .collect();
        Self { verdicts }
    }

    fn reject(&mut self, index: usize, rejection: Rejection) {
        self.verdicts[index].rejection = Some(rejection);
    }

    fn into_decision(
        self,
        chosen: Option<TagInfo>,
        update_needed: bool,
        downgrade_prevented: Option<PreventedDowngrade>,
    ) -> Decision {
        Decision {
            chosen,
            update_needed,
            verdicts: self.verdicts,
            downgrade_prevented,
        }
    }
}

/// The filters every strategy shares, in the original's order: allow, ignore, then platforms
/// (which only metadata strategies can know). Returns the indices that pass.
fn prefilter(policy: &ImagePolicy, tags: &[TagInfo], sieve: &mut Sieve) -> Vec<usize> {
    let check_platforms = policy.selection.strategy().needs_metadata();
    let mut eligible = Vec::with_capacity(tags.len());
    for (index, tag) in tags.iter().enumerate() {
        match filter_rejection(policy, tag, check_platforms) {
            Some(rejection) => sieve.reject(index, rejection),
            None => eligible.push(index),
        }
    }
    eligible
}

fn filter_rejection(
    policy: &ImagePolicy,
    tag: &TagInfo,
    check_platforms: bool,
) -> Option<Rejection> {
    if !policy.allow.matches(&tag.name) {
        return Some(Rejection::NotAllowed);
    }
    if let Some(pattern) = policy.ignore.matching_pattern(&tag.name) {
        let pattern = pattern.to_owned();
        return Some(Rejection::Ignored { pattern });
    }
    let offered = tag.platforms.as_deref().unwrap_or_default();
    let mismatch = check_platforms
        && tag.platforms.is_some()
        && !policy.platforms.is_empty()
        && !offered
            .iter()
            .any(|platform| policy.platforms.wants(platform));
    mismatch.then_some(Rejection::PlatformMismatch)
}

/// Orders the eligible tags ascending by the strategy's measure, rejecting those it cannot rank.
fn rank(
    selection: &Selection,
    tags: &[TagInfo],
    eligible: Vec<usize>,
    sieve: &mut Sieve,
) -> Vec<usize> {
    match selection {
        Selection::Semver(constraint) => semver::rank(constraint, tags, eligible, sieve),
        Selection::NewestBuild => newest_build::rank(tags, eligible, sieve),
        Selection::Alphabetical => alphabetical::rank(tags, eligible),
        Selection::Digest { tag } => digest::rank(tag, tags, eligible, sieve),
    }
}

/// The no-downgrade rule: refuse a best candidate that ranks below the running version.
fn prevented_downgrade(
    policy: &ImagePolicy,
    best: &TagInfo,
    running: Option<&Running>,
    tags: &[TagInfo],
) -> Option<PreventedDowngrade> {
    let running_tag = running?.tag.as_deref().filter(|tag| !tag.is_empty())?;
    if policy.allow_downgrade || !is_lower(&policy.selection, best, running_tag, tags) {
        return None;
    }
    Some(PreventedDowngrade {
        running: running_tag.to_owned(),
        candidate: best.name.clone(),
    })
}

fn is_lower(selection: &Selection, best: &TagInfo, running: &str, tags: &[TagInfo]) -> bool {
    match selection {
        Selection::Semver(_) => semver::is_lower(&best.name, running),
        Selection::NewestBuild => newest_build::is_lower(best, running, tags),
        Selection::Alphabetical => best.name.as_str() < running,
        Selection::Digest { .. } => false,
    }
}

/// The original's `needsUpdate`: digest compares digests; the others compare tags, by digest
/// when the running image has one.
///
/// The original also compares by digest when only the candidate has one. `newest-build`
/// candidates always do (read with their metadata) and live images rarely, so it "updated"
/// every such image on every cycle to the very tag it runs: logged, counted, and with Git
/// write-back a checkout with nothing to commit. The tag written is the same either way
/// (only `digest` writes digests), so a candidate's digest alone is no reason to update.
fn needs_update(selection: &Selection, chosen: &TagInfo, running: Option<&Running>) -> bool {
    let Some(running) = running else {
        return true;
    };
    if let Selection::Digest { .. } = selection {
        return running.digest.is_none() || running.digest != chosen.digest;
    }
    if running.digest.is_some() {
        return running.digest != chosen.digest;
    }
    running.tag.as_deref() != Some(chosen.name.as_str())
}
