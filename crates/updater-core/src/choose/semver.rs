//! The `semver` strategy: the highest version satisfying the constraint; unparsable tags drop out.

use super::{Rejection, Sieve, TagInfo};
use crate::version::{Constraint, ConstraintCheck, Version};

pub(super) fn rank(
    constraint: &Constraint,
    tags: &[TagInfo],
    eligible: Vec<usize>,
    sieve: &mut Sieve,
) -> Vec<usize> {
    let mut versions = Vec::with_capacity(eligible.len());
    for index in eligible {
        match version_verdict(constraint, &tags[index].name) {
            Ok(version) => versions.push((version, index)),
            Err(rejection) => sieve.reject(index, rejection),
        }
    }
    // Version's order breaks precedence ties by the original text, as the original does.
    versions.sort_by(|a, b| a.0.cmp(&b.0));
    versions.into_iter().map(|(_, index)| index).collect()
}

fn version_verdict(constraint: &Constraint, tag: &str) -> Result<Version, Rejection> {
    let version = Version::parse(tag).map_err(|_| Rejection::NotAVersion)?;
    match constraint.check(&version) {
        ConstraintCheck::Satisfied => Ok(version),
        ConstraintCheck::PrereleaseExcluded => Err(Rejection::PrereleaseExcluded),
        ConstraintCheck::Unsatisfied => Err(Rejection::OutsideConstraint),
    }
}

/// True when both parse and `candidate` has lower precedence; a running tag that is not a
/// version cannot be compared, so nothing counts as a downgrade then.
pub(super) fn is_lower(candidate: &str, running: &str) -> bool {
    match (Version::parse(candidate), Version::parse(running)) {
        (Ok(candidate), Ok(running)) => candidate.cmp_precedence(&running).is_lt(),
        _ => false,
    }
}
