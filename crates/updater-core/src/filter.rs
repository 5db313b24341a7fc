//! Tag filters (spec §8): `allowTags` match functions, `ignoreTags` globs with Go
//! `filepath.Match` semantics, and platform specs.

use std::fmt;

/// Why a filter or platform specification was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FilterError {
    /// `allowTags` is neither empty, `any`, nor `regexp:<re>`.
    #[error("unknown match function `{input}` in allow-tags (expected `regexp:<re>` or `any`)")]
    UnknownMatchFunction {
        /// The rejected text.
        input: String,
    },
    /// The regular expression after `regexp:` does not compile.
    #[error("invalid regular expression `{pattern}` in allow-tags: {reason}")]
    BadRegexp {
        /// The rejected expression.
        pattern: String,
        /// The regex engine's explanation.
        reason: String,
    },
    /// An ignore-tags glob is malformed (Go's `ErrBadPattern`).
    #[error("invalid glob pattern `{pattern}` in ignore-tags")]
    BadGlob {
        /// The rejected pattern.
        pattern: String,
    },
    /// A platform is not `os/arch[/variant]`.
    #[error("invalid platform `{input}` (expected `os/arch[/variant]`)")]
    BadPlatform {
        /// The rejected text.
        input: String,
    },
}

/// A malformed `filepath.Match` pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("syntax error in pattern")]
pub struct BadPattern;

/// Go `path/filepath.Match` on Unix, ported rule for rule.
pub fn glob_match(pattern: &str, name: &str) -> Result<bool, BadPattern> {
    todo!("{pattern}{name}")
}

/// The `allowTags` match function.
#[derive(Debug, Clone)]
pub enum AllowTags {
    /// Empty or `any`: every tag passes.
    Any,
    /// `regexp:<re>`: unanchored search.
    Regexp(regex::Regex),
}

impl AllowTags {
    /// Parses a match function; the prefix is case-insensitive.
    pub fn parse(input: &str) -> Result<Self, FilterError> {
        todo!("{input}")
    }
    /// True when `tag` passes.
    pub fn matches(&self, tag: &str) -> bool {
        todo!("{tag}")
    }
}

/// Compiled `ignoreTags` globs.
#[derive(Debug, Clone, Default)]
pub struct IgnoreTags {
    patterns: Vec<String>,
}

impl IgnoreTags {
    /// Validates every pattern.
    pub fn new(patterns: Vec<String>) -> Result<Self, FilterError> {
        todo!("{patterns:?}")
    }
    /// The first pattern that matches `tag`, if any.
    pub fn matching_pattern(&self, tag: &str) -> Option<&str> {
        todo!("{tag}{:?}", self.patterns)
    }
}

/// One `os/arch[/variant]` platform.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Platform {
    /// Operating system, e.g. `linux`.
    pub os: String,
    /// Architecture, e.g. `arm64`.
    pub arch: String,
    /// Variant, e.g. `v8`; empty when none.
    pub variant: String,
}

impl Platform {
    /// Parses `os/arch[/variant]`.
    pub fn parse(input: &str) -> Result<Self, FilterError> {
        todo!("{input}")
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        todo!("{f:p}")
    }
}

/// The wanted platforms of an image; empty wants everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Platforms {
    wanted: Vec<Platform>,
}

impl Platforms {
    /// Parses every spec.
    pub fn parse<S: AsRef<str>>(specs: &[S]) -> Result<Self, FilterError> {
        todo!("{}", specs.len())
    }
    /// True when a manifest for `platform` is wanted.
    pub fn wants(&self, platform: &Platform) -> bool {
        todo!("{platform:?}{:?}", self.wanted)
    }
    /// True when every platform is wanted.
    pub fn is_empty(&self) -> bool {
        self.wanted.is_empty()
    }
}
