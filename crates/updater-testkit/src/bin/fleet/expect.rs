//! What each image should hold: the version pinned before the first pass, and the version the
//! updater must choose, worked out from the generated tags with the fleet's simple version
//! rules (not with the updater's code, so the benchmark checks the updater). Pure.

use std::collections::HashMap;

use crate::model::{Class, Image, Repo, TRACKED_TAG, Tag, constraint_major, release};

/// A version an image is pinned to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pin {
    /// A tag.
    Tag(String),
    /// The image named by `content` (see [`Tag::content`]), pinned by digest as `stable`.
    Tracked {
        /// The content whose digest is pinned.
        content: String,
    },
}

impl Pin {
    /// The value as written back: the tag, or `stable@<digest>`.
    pub fn value(&self, digests: &Digests) -> String {
        match self {
            Self::Tag(tag) => tag.clone(),
            Self::Tracked { content } => {
                let digest = digests
                    .get(content)
                    .map_or("sha256:unknown", String::as_str);
                format!("{TRACKED_TAG}@{digest}")
            }
        }
    }
}

/// Manifest digest by image content, from seeding.
pub type Digests = HashMap<String, String>;

/// The version the updater must choose for `image` of `repo`, with or without the tags pushed
/// before the third pass.
pub fn newest(repo: &Repo, image: &Image, with_new: bool) -> Option<Pin> {
    let candidates = allowed(repo, image, with_new);
    candidates.last().map(|tag| pin(repo, tag))
}

/// The version pinned before the first pass: the newest allowed one, or for a stale image an
/// older one.
pub fn pinned(repo: &Repo, image: &Image) -> Option<Pin> {
    let candidates = allowed(repo, image, false);
    let back = if image.stale { 3 } else { 1 };
    let index = candidates.len().saturating_sub(back);
    candidates.get(index).map(|tag| pin(repo, tag))
}

fn pin(repo: &Repo, tag: &Tag) -> Pin {
    match repo.class {
        Class::Digest => Pin::Tracked {
            content: tag.content.clone(),
        },
        _ => Pin::Tag(tag.name.clone()),
    }
}

/// The tags the image's strategy may choose, worst first. For `digest`, the versions `stable`
/// has named, the current one last.
fn allowed<'a>(repo: &'a Repo, image: &Image, with_new: bool) -> Vec<&'a Tag> {
    let extra = if with_new { &repo.new_tags[..] } else { &[] };
    let all = repo.tags.iter().chain(extra);
    match repo.class {
        Class::Semver { .. } => {
            let major = image.constraint.as_deref().and_then(constraint_major);
            let mut releases: Vec<&Tag> = all
                .filter(|tag| release(&tag.name).is_some_and(|r| Some(r.0) == major))
                .collect();
            releases.sort_by_key(|tag| release(&tag.name));
            releases
        }
        Class::Build => sorted_by(all.filter(|t| t.name.starts_with("build-")), |t| t.created),
        Class::Alpha => sorted_by(all.filter(|t| t.name.starts_with("release-")), |t| {
            t.name.clone()
        }),
        Class::Digest => {
            let versions: Vec<&Tag> = all.filter(|t| t.name != TRACKED_TAG).collect();
            let tracked = repo
                .tags
                .iter()
                .chain(extra)
                .rfind(|t| t.name == TRACKED_TAG);
            let mut chosen: Vec<&Tag> = versions
                .into_iter()
                .filter(|t| tracked.is_none_or(|s| s.content != t.content))
                .collect();
            chosen.extend(tracked);
            chosen
        }
    }
}

fn sorted_by<'a, K: Ord>(
    tags: impl Iterator<Item = &'a Tag>,
    key: impl Fn(&Tag) -> K,
) -> Vec<&'a Tag> {
    let mut tags: Vec<&Tag> = tags.collect();
    tags.sort_by_key(|tag| key(tag));
    tags
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Fleet, Size};

    fn first(fleet: &Fleet, class: fn(Class) -> bool) -> (&Repo, &Image) {
        fleet
            .images()
            .map(|(_, image)| (&fleet.repos[image.repo], image))
            .find(|(repo, _)| class(repo.class))
            .unwrap()
    }

    #[test]
    fn semver_picks_the_newest_release_of_the_major() {
        let fleet = Fleet::generate(Size::SMALL, 1.0);
        let (repo, image) = first(&fleet, |c| matches!(c, Class::Semver { .. }));
        let major = constraint_major(image.constraint.as_deref().unwrap()).unwrap();
        let Some(Pin::Tag(best)) = newest(repo, image, false) else {
            panic!("no pick")
        };
        let best = release(&best).unwrap();
        assert_eq!(best.0, major);
        let max = repo
            .tags
            .iter()
            .filter_map(|t| release(&t.name))
            .filter(|r| r.0 == major)
            .max()
            .unwrap();
        assert_eq!(best, max);
        assert_ne!(pinned(repo, image), newest(repo, image, false), "stale");
    }

    #[test]
    fn new_tags_move_the_choice() {
        let fleet = Fleet::generate(Size::SMALL, 0.0);
        for (_, image) in fleet.images() {
            let repo = &fleet.repos[image.repo];
            assert_eq!(pinned(repo, image), newest(repo, image, false));
            let moved = newest(repo, image, true) != newest(repo, image, false);
            assert_eq!(moved, !repo.new_tags.is_empty(), "{}", repo.name);
        }
    }

    #[test]
    fn digest_images_track_stable() {
        let fleet = Fleet::generate(Size::SMALL, 1.0);
        let (repo, image) = first(&fleet, |c| c == Class::Digest);
        let stable = repo.tags.iter().find(|t| t.name == TRACKED_TAG).unwrap();
        assert_eq!(
            newest(repo, image, false),
            Some(Pin::Tracked {
                content: stable.content.clone()
            })
        );
        assert_ne!(pinned(repo, image), newest(repo, image, false));
    }
}
