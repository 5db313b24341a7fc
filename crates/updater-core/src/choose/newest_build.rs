//! The `newest-build` strategy: ascending by image creation time, ties by name; the last wins.

use super::{Rejection, Sieve, TagInfo};

pub(super) fn rank(tags: &[TagInfo], eligible: Vec<usize>, sieve: &mut Sieve) -> Vec<usize> {
    let mut dated = Vec::with_capacity(eligible.len());
    for index in eligible {
        match tags[index].created {
            Some(created) => dated.push((created, index)),
            None => sieve.reject(
                index,
                Rejection::MissingMetadata {
                    what: "creation time",
                },
            ),
        }
    }
    dated.sort_by(|a, b| {
        a.0.cmp(&b.0)
            .then_with(|| tags[a.1].name.cmp(&tags[b.1].name))
    });
    dated.into_iter().map(|(_, index)| index).collect()
}

/// True when the running tag is listed with a creation time later than the candidate's.
pub(super) fn is_lower(candidate: &TagInfo, running: &str, tags: &[TagInfo]) -> bool {
    let running_created = tags
        .iter()
        .find(|tag| tag.name == running)
        .and_then(|tag| tag.created);
    match (candidate.created, running_created) {
        (Some(candidate), Some(running)) => candidate < running,
        _ => false,
    }
}
