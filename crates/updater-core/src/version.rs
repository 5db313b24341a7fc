//! Versions and constraints compatible with Masterminds semver v3.4 (spec §6).
//!
//! [`Version`] mirrors `semver.NewVersion` with `CoerceNewVersion = true` (the lenient parser the
//! Go image updater uses for tags); [`Constraint`] mirrors `semver.NewConstraint` and `Check`,
//! including the v3.4 group-level pre-release rule. The constraint side lives in
//! `version/constraint.rs`.

mod constraint;

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

pub use constraint::{Constraint, ConstraintCheck, ConstraintError};

/// Why a string is not a version.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VersionError {
    /// The text does not follow the lenient Masterminds version grammar.
    #[error("`{input}` is not a semantic version")]
    Invalid {
        /// The rejected text.
        input: String,
    },
}

/// A version parsed like Masterminds `NewVersion` (optional `v`, 1–3 parts, coercion); keeps the
/// original text. `Ord` is semver precedence with ties broken by the original string.
///
/// Equality follows `Ord`, so two versions are equal exactly when their original texts are equal;
/// use [`Version::cmp_precedence`] to compare as semver does (`v1.0` and `1.0.0+b` tie there).
#[derive(Debug, Clone)]
pub struct Version {
    original: String,
    major: u64,
    minor: u64,
    patch: u64,
    pre: String,
    metadata: String,
}

impl Version {
    /// Parses `input` leniently, as Masterminds `NewVersion` does.
    ///
    /// Grammar: `v?N(.N)?(.N)?(-PRE)?(+META)?`, where numbers may have leading zeros (coerced) and
    /// must fit `u64`, missing parts are 0, identifiers are non-empty `[0-9A-Za-z-]`, and a purely
    /// numeric pre-release identifier must not start with `0` unless it is `0`.
    pub fn parse(input: &str) -> Result<Self, VersionError> {
        parse_parts(input).ok_or_else(|| VersionError::Invalid {
            input: input.to_owned(),
        })
    }
    /// Major number.
    pub fn major(&self) -> u64 {
        self.major
    }
    /// Minor number (0 when absent).
    pub fn minor(&self) -> u64 {
        self.minor
    }
    /// Patch number (0 when absent).
    pub fn patch(&self) -> u64 {
        self.patch
    }
    /// The pre-release part without the `-`, empty when none.
    pub fn prerelease(&self) -> &str {
        &self.pre
    }
    /// The build metadata without the `+`, empty when none.
    pub fn metadata(&self) -> &str {
        &self.metadata
    }
    /// The text this version was parsed from.
    pub fn original(&self) -> &str {
        &self.original
    }
    /// Masterminds `Compare`: semver precedence, metadata ignored.
    pub fn cmp_precedence(&self, other: &Self) -> Ordering {
        (self.major, self.minor, self.patch)
            .cmp(&(other.major, other.minor, other.patch))
            .then_with(|| cmp_prerelease(&self.pre, &other.pre))
    }
}

/// Splits and validates `input`; `None` when it is not a version.
fn parse_parts(input: &str) -> Option<Version> {
    let unprefixed = input.strip_prefix('v').unwrap_or(input);
    let (rest, metadata) = match unprefixed.split_once('+') {
        Some((rest, meta)) => (rest, Some(meta)),
        None => (unprefixed, None),
    };
    // Numbers never contain `-`, so the first one starts the pre-release.
    let (numbers, pre) = match rest.split_once('-') {
        Some((numbers, pre)) => (numbers, Some(pre)),
        None => (rest, None),
    };
    let [major, minor, patch] = parse_numbers(numbers)?;
    if !pre.is_none_or(valid_prerelease) || !metadata.is_none_or(valid_metadata) {
        return None;
    }
    Some(Version {
        original: input.to_owned(),
        major,
        minor,
        patch,
        pre: pre.unwrap_or_default().to_owned(),
        metadata: metadata.unwrap_or_default().to_owned(),
    })
}

/// Parses 1–3 dot-separated decimal numbers (leading zeros allowed), padding with zeros.
fn parse_numbers(text: &str) -> Option<[u64; 3]> {
    let mut numbers = [0; 3];
    let mut parts = text.split('.');
    for slot in &mut numbers {
        match parts.next() {
            Some(part) => *slot = parse_decimal(part)?,
            None => break,
        }
    }
    parts.next().is_none().then_some(numbers)
}

/// A non-empty run of ASCII digits that fits `u64`, like Go's `strconv.ParseUint(s, 10, 64)`.
fn parse_decimal(text: &str) -> Option<u64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// Non-empty identifiers of `[0-9A-Za-z-]`, numeric ones without a leading zero.
fn valid_prerelease(text: &str) -> bool {
    text.split('.').all(|id| {
        let numeric = id.bytes().all(|b| b.is_ascii_digit());
        valid_identifier(id) && !(numeric && id.len() > 1 && id.starts_with('0'))
    })
}

/// Non-empty identifiers of `[0-9A-Za-z-]`.
fn valid_metadata(text: &str) -> bool {
    text.split('.').all(valid_identifier)
}

fn valid_identifier(id: &str) -> bool {
    !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// Pre-release precedence: none beats any; otherwise identifier by identifier, a shorter list
/// that is a prefix of the other being lower.
fn cmp_prerelease(left: &str, right: &str) -> Ordering {
    match (left.is_empty(), right.is_empty()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        (false, false) => {
            let mut lefts = left.split('.');
            let mut rights = right.split('.');
            loop {
                match (lefts.next(), rights.next()) {
                    (None, None) => return Ordering::Equal,
                    (None, Some(_)) => return Ordering::Less,
                    (Some(_), None) => return Ordering::Greater,
                    (Some(l), Some(r)) => match cmp_identifier(l, r) {
                        Ordering::Equal => {}
                        unequal => return unequal,
                    },
                }
            }
        }
    }
}

/// One identifier: numbers numerically, numbers below words, words byte-wise.
///
/// As in Go, "numeric" means "parses as `u64`": an all-digit identifier too large for `u64` is
/// ordered as a word.
fn cmp_identifier(left: &str, right: &str) -> Ordering {
    match (parse_decimal(left), parse_decimal(right)) {
        (Some(l), Some(r)) => l.cmp(&r).then_with(|| left.cmp(right)),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => left.cmp(right),
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Version {}
impl Hash for Version {
    /// Consistent with `Eq`: equal versions have equal original texts.
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.original.hash(state);
    }
}
impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        self.cmp_precedence(other)
            .then_with(|| self.original.cmp(&other.original))
    }
}
impl FromStr for Version {
    type Err = VersionError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}
impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.original)
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod proptests;
