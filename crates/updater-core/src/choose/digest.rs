//! The `digest` strategy: follow the digest of exactly one tracked tag.

use super::{Rejection, Sieve, TagInfo};

pub(super) fn rank(
    tracked: &str,
    tags: &[TagInfo],
    eligible: Vec<usize>,
    sieve: &mut Sieve,
) -> Vec<usize> {
    let mut ranked = Vec::new();
    for index in eligible {
        let tag = &tags[index];
        if tag.name != tracked {
            sieve.reject(index, Rejection::NotTrackedTag);
        } else if tag.digest.is_none() {
            sieve.reject(index, Rejection::MissingMetadata { what: "digest" });
        } else {
            ranked.push(index);
        }
    }
    ranked
}
