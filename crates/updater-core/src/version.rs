//! Versions and constraints compatible with Masterminds semver v3.4 (spec §6).

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

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

/// Why a string is not a constraint.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConstraintError {
    /// The text does not follow the Masterminds constraint grammar.
    #[error("`{input}` is not a valid semver constraint")]
    Invalid {
        /// The rejected text.
        input: String,
    },
}

/// A version parsed like Masterminds `NewVersion` (optional `v`, 1–3 parts, coercion); keeps the
/// original text. `Ord` is semver precedence with ties broken by the original string.
#[derive(Debug, Clone)]
pub struct Version {
    original: String,
}

impl Version {
    /// Parses `input` leniently, as Masterminds `NewVersion` does.
    pub fn parse(input: &str) -> Result<Self, VersionError> {
        todo!("{input}")
    }
    /// Major number.
    pub fn major(&self) -> u64 {
        todo!()
    }
    /// Minor number (0 when absent).
    pub fn minor(&self) -> u64 {
        todo!()
    }
    /// Patch number (0 when absent).
    pub fn patch(&self) -> u64 {
        todo!()
    }
    /// The pre-release part without the `-`, empty when none.
    pub fn prerelease(&self) -> &str {
        todo!()
    }
    /// The build metadata without the `+`, empty when none.
    pub fn metadata(&self) -> &str {
        todo!()
    }
    /// The text this version was parsed from.
    pub fn original(&self) -> &str {
        &self.original
    }
    /// Masterminds `Compare`: semver precedence, metadata ignored.
    pub fn cmp_precedence(&self, other: &Self) -> Ordering {
        todo!("{other:?}")
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Version {}
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

/// The outcome of checking one version against a constraint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConstraintCheck {
    /// The version satisfies the constraint.
    Satisfied,
    /// The version would satisfy a group but is a pre-release and no comparator of that group has
    /// one (the v3.4 group-level rule).
    PrereleaseExcluded,
    /// The version is outside the constraint.
    Unsatisfied,
}

/// A parsed Masterminds constraint: `||` of AND-groups of comparators. Empty means `*`.
#[derive(Debug, Clone)]
pub struct Constraint {
    original: String,
}

impl Constraint {
    /// Parses `input`; an empty or blank input means `*` (releases only).
    pub fn parse(input: &str) -> Result<Self, ConstraintError> {
        todo!("{input}")
    }
    /// The text this constraint was parsed from.
    pub fn as_str(&self) -> &str {
        &self.original
    }
    /// Checks `version`, telling a pre-release exclusion apart from a plain miss.
    pub fn check(&self, version: &Version) -> ConstraintCheck {
        todo!("{version:?}")
    }
    /// True when `version` satisfies the constraint.
    pub fn matches(&self, version: &Version) -> bool {
        self.check(version) == ConstraintCheck::Satisfied
    }
}

impl FromStr for Constraint {
    type Err = ConstraintError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}
impl fmt::Display for Constraint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.original)
    }
}
