//! The merge rules of §7.2.4: each new entry takes the place of the first matching existing
//! entry (which it replaces or, for a Kustomize image already at that tag, keeps), else it is
//! appended; existing entries nobody matched stay where they are.
//!
//! Each existing entry can be matched once, and entries appended in this merge are not
//! candidates. The original rescans the whole list for every new entry, so two new entries for
//! one image (or one name) fight over the first slot and the file changes on every run; here
//! rendering is idempotent.

use crate::image::ImageRef;

use super::{EnvEntry, HelmParameter};

/// How well an existing entry matches a new one; lower is better, `None` is no match.
type Rank = Option<u8>;

/// Merges `new` into `existing`: the best-ranked free slot by `rank(old, new)` (the first of
/// equals) is taken, and `keep(old, new)` says whether the old entry stays as it is.
fn merge_by<T: Clone>(
    mut existing: Vec<T>,
    new: &[T],
    rank: impl Fn(&T, &T) -> Rank,
    keep: impl Fn(&T, &T) -> bool,
) -> Vec<T> {
    let original_len = existing.len();
    let mut taken = vec![false; original_len];
    for entry in new {
        let slot = (0..original_len)
            .filter(|&i| !taken[i])
            .filter_map(|i| rank(&existing[i], entry).map(|r| (r, i)))
            .min()
            .map(|(_, i)| i);
        match slot {
            Some(i) => {
                taken[i] = true;
                if !keep(&existing[i], entry) {
                    existing[i] = entry.clone();
                }
            }
            None => existing.push(entry.clone()),
        }
    }
    existing
}

/// Helm parameters: replaced or appended by name, then the whole list sorted by name.
pub(super) fn helm(existing: Vec<HelmParameter>, new: &[HelmParameter]) -> Vec<HelmParameter> {
    let mut merged = merge_by(
        existing,
        new,
        |a, b| same_name(&a.name, &b.name),
        |_, _| false,
    );
    merged.sort_by(|a, b| a.name.cmp(&b.name));
    merged
}

/// Plugin env entries: replaced or appended by name, order kept.
pub(super) fn plugin(existing: Vec<EnvEntry>, new: &[EnvEntry]) -> Vec<EnvEntry> {
    merge_by(
        existing,
        new,
        |a, b| same_name(&a.name, &b.name),
        |_, _| false,
    )
}

fn same_name(a: &str, b: &str) -> Rank {
    (a == b).then_some(0)
}

/// Kustomize image entries: matched by repository (registry `""` ≡ `docker.io`) and
/// alias (an equal alias before a missing one); the existing entry is kept unless it has no tag or the new tag differs.
pub(super) fn kustomize(existing: Vec<String>, new: &[String]) -> Vec<String> {
    merge_by(
        existing,
        &last_per_image(new),
        |old: &String, new: &String| same_image(old, new),
        |old: &String, new: &String| keep_image(old, new),
    )
}

/// Two new entries for the same image and alias contradict each other; the later one wins.
/// Without this, which existing slot each one takes depends on the file, and a second render
/// could move them again (found by the idempotence property test).
fn last_per_image(new: &[String]) -> Vec<String> {
    let mut kept: Vec<String> = Vec::new();
    for entry in new {
        kept.retain(|earlier| same_image(earlier, entry) != Some(0));
        kept.push(entry.clone());
    }
    kept
}

fn same_image(existing: &str, new: &str) -> Rank {
    match (ImageRef::parse(existing), ImageRef::parse(new)) {
        (Ok(old), Ok(new)) if old.same_repository(&new) => alias_rank(&old, &new),
        (Err(_), Err(_)) => same_name(existing, new),
        _ => None,
    }
}

/// Equal aliases (or none on both sides) first, then one side without an alias, as the argocd
/// method's merge (§7.1) allows; two different aliases of one image are separate entries.
fn alias_rank(old: &ImageRef, new: &ImageRef) -> Rank {
    match (&old.alias, &new.alias) {
        (a, b) if a == b => Some(0),
        (Some(_), Some(_)) => None,
        _ => Some(1),
    }
}

/// The spec's rule inverted: replace when the existing entry has no tag, or when the new one
/// has a tag that differs; keep otherwise.
fn keep_image(existing: &str, new: &str) -> bool {
    match (ImageRef::parse(existing), ImageRef::parse(new)) {
        (Ok(old), Ok(new)) => has_tag(&old) && (!has_tag(&new) || same_tag(&old, &new)),
        _ => true,
    }
}

fn has_tag(image: &ImageRef) -> bool {
    image.tag.is_some() || image.digest.is_some()
}

/// The original's `ImageTag.Equals`: digests when both have one, else tag names.
fn same_tag(a: &ImageRef, b: &ImageRef) -> bool {
    match (&a.digest, &b.digest) {
        (Some(x), Some(y)) => x == y,
        _ => a.tag == b.tag,
    }
}
