//! The `alphabetical` strategy: byte-wise ascending tag names; the greatest wins.

use super::TagInfo;

pub(super) fn rank(tags: &[TagInfo], mut eligible: Vec<usize>) -> Vec<usize> {
    eligible.sort_by(|&a, &b| tags[a].name.as_bytes().cmp(tags[b].name.as_bytes()));
    eligible
}
