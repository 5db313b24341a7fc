//! Matching a configured image against the Application's live images (spec §5.2).

use crate::choose::{Running, Strategy};
use crate::image::ImageRef;

/// The live entry `image` is running as, or `None` when it is not live.
///
/// An entry matches when its `name` and its `registry` are both equal to the image's. This is
/// strict as in the original: `docker.io/x` and `x` differ, and so do `quay.io/x` and `x`.
/// With a kustomize name, entries matching that name are tried first. For the digest strategy,
/// among several matching entries (containers sharing the repository) one with the tracked tag
/// is preferred; [`reselect_digest`] refines this once the newest digest is known.
pub fn find_live(
    image: &ImageRef,
    kustomize_name: Option<&str>,
    strategy: Strategy,
    live: &[ImageRef],
) -> Option<ImageRef> {
    let matches = matching(image, kustomize_name, live);
    let chosen = match strategy {
        Strategy::Digest => first(&matches, |entry| same_tag(entry, image)),
        _ => None,
    };
    chosen.or_else(|| matches.first().copied()).cloned()
}

/// For the digest strategy with several live entries of the image, the one to compare against
/// the newest digest `latest_digest`: first an entry with the tracked tag and a stale digest,
/// then any entry with the tracked tag, then any entry with a stale digest, then the first.
///
/// A digest is stale when it is not `latest_digest`, including when the entry has none, since
/// that entry needs the update too.
pub fn reselect_digest(
    image: &ImageRef,
    kustomize_name: Option<&str>,
    live: &[ImageRef],
    latest_digest: &str,
) -> Option<ImageRef> {
    let matches = matching(image, kustomize_name, live);
    let stale = |entry: &ImageRef| entry.digest.as_deref() != Some(latest_digest);
    first(&matches, |entry| same_tag(entry, image) && stale(entry))
        .or_else(|| first(&matches, |entry| same_tag(entry, image)))
        .or_else(|| first(&matches, stale))
        .or_else(|| matches.first().copied())
        .cloned()
}

/// [`find_live`], or for a force-updated image that is not live, the image itself without tag
/// or digest (the original adds it to the live list with a nil tag, so the first run updates).
pub fn live_or_forced(
    image: &ImageRef,
    kustomize_name: Option<&str>,
    strategy: Strategy,
    live: &[ImageRef],
    force_update: bool,
) -> Option<ImageRef> {
    let found = find_live(image, kustomize_name, strategy, live);
    found.or_else(|| {
        force_update.then(|| ImageRef {
            tag: None,
            digest: None,
            ..image.clone()
        })
    })
}

/// The running version of a live entry; an entry without a tag runs the dummy empty tag the
/// original creates (which forces an update on the first run).
pub fn running(live: &ImageRef) -> Running {
    Running {
        tag: Some(live.tag.clone().unwrap_or_default()),
        digest: live.digest.clone(),
    }
}

/// The image written into the spec when no update is needed: the configured image carrying the
/// live tag and digest. For the digest strategy a live bare digest gets the tracked tag back
/// (`<tag>@<digest>`), so the spec does not churn to `latest@<digest>`.
pub fn unchanged_image(configured: &ImageRef, live: &ImageRef, strategy: Strategy) -> ImageRef {
    let bare_digest = live.tag.is_none() && live.digest.is_some();
    let tag = if strategy == Strategy::Digest && bare_digest {
        configured.tag.clone()
    } else {
        live.tag.clone()
    };
    ImageRef {
        tag,
        digest: live.digest.clone(),
        ..configured.clone()
    }
}

/// The live entries matching the kustomize name if any do, else those matching the image.
fn matching<'a>(
    image: &ImageRef,
    kustomize_name: Option<&str>,
    live: &'a [ImageRef],
) -> Vec<&'a ImageRef> {
    let kustomize = kustomize_name
        .filter(|name| !name.is_empty())
        .and_then(|name| ImageRef::parse(name).ok());
    if let Some(kustomize) = kustomize {
        let by_kustomize = strict_matches(&kustomize, live);
        if !by_kustomize.is_empty() {
            return by_kustomize;
        }
    }
    strict_matches(image, live)
}

fn strict_matches<'a>(image: &ImageRef, live: &'a [ImageRef]) -> Vec<&'a ImageRef> {
    live.iter()
        .filter(|entry| entry.name == image.name && entry.registry == image.registry)
        .collect()
}

fn same_tag(entry: &ImageRef, image: &ImageRef) -> bool {
    entry.tag.is_some() && entry.tag == image.tag
}

fn first<'a>(matches: &[&'a ImageRef], wanted: impl Fn(&ImageRef) -> bool) -> Option<&'a ImageRef> {
    matches.iter().copied().find(|entry| wanted(entry))
}
