//! Tag filters (spec §8): `allowTags` match functions, `ignoreTags` globs with Go
//! `filepath.Match` semantics, and platform specs.

use std::fmt;

mod glob;
mod platform;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;

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
        /// The regex engine's explanation, on one line.
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
///
/// `*` matches any run of non-`/` characters, `?` one non-`/` character, `[...]` a class with
/// ranges (`^` negates; `!` does not), `\` escapes the next character. A malformed pattern is an
/// error even when the name stops matching before the bad part, as in Go 1.16 and later. Works on
/// characters: where Go would retry a `*` from the middle of a multi-byte character, this
/// implementation only retries at character boundaries.
pub fn glob_match(pattern: &str, name: &str) -> Result<bool, BadPattern> {
    glob::glob_match(pattern, name)
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
    ///
    /// Like Go's `ParseMatch`, only the text before the first `:` names the function, so `any:x`
    /// is `any`. Unlike Go, an unknown function or a bad expression is an error instead of a
    /// filter that silently matches nothing.
    pub fn parse(input: &str) -> Result<Self, FilterError> {
        if input.is_empty() {
            return Ok(Self::Any);
        }
        let (function, argument) = match input.split_once(':') {
            Some((function, argument)) => (function, Some(argument)),
            None => (input, None),
        };
        // Go lower-cases with Unicode rules, but no non-ASCII character lower-cases into the
        // letters of `any` or `regexp`, so an ASCII comparison is exact.
        match argument {
            _ if function.eq_ignore_ascii_case("any") => Ok(Self::Any),
            Some(pattern) if function.eq_ignore_ascii_case("regexp") => compile_regexp(pattern),
            _ => Err(FilterError::UnknownMatchFunction {
                input: input.to_owned(),
            }),
        }
    }

    /// True when `tag` passes.
    pub fn matches(&self, tag: &str) -> bool {
        match self {
            Self::Any => true,
            Self::Regexp(regex) => regex.is_match(tag),
        }
    }
}

fn compile_regexp(pattern: &str) -> Result<AllowTags, FilterError> {
    regex::Regex::new(pattern)
        .map(AllowTags::Regexp)
        .map_err(|error| FilterError::BadRegexp {
            pattern: pattern.to_owned(),
            reason: one_line_reason(&error),
        })
}

/// The regex crate renders syntax errors as a multi-line picture ending in `error: <what>`;
/// keep only `<what>` so the message stays one line.
fn one_line_reason(error: &regex::Error) -> String {
    let text = error.to_string();
    let last = text.lines().last().unwrap_or_default().trim();
    last.strip_prefix("error: ").unwrap_or(last).to_owned()
}

/// Compiled `ignoreTags` globs.
#[derive(Debug, Clone, Default)]
pub struct IgnoreTags {
    patterns: Vec<String>,
}

impl IgnoreTags {
    /// Validates every pattern; unlike Go, a malformed glob is an error rather than a pattern
    /// that never matches.
    pub fn new(patterns: Vec<String>) -> Result<Self, FilterError> {
        // A malformed pattern fails against every name (Go 1.16+ validates the whole pattern),
        // so matching the empty name is a complete syntax check.
        if let Some(bad) = patterns.iter().find(|p| glob_match(p, "").is_err()) {
            return Err(FilterError::BadGlob {
                pattern: bad.clone(),
            });
        }
        Ok(Self { patterns })
    }

    /// The first pattern that matches `tag`, if any.
    pub fn matching_pattern(&self, tag: &str) -> Option<&str> {
        self.patterns
            .iter()
            .find(|pattern| glob_match(pattern, tag) == Ok(true))
            .map(String::as_str)
    }

    /// The validated patterns, in order.
    pub fn patterns(&self) -> &[String] {
        &self.patterns
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
    /// Parses `os/arch[/variant]`: two or three non-empty parts, lower-cased.
    pub fn parse(input: &str) -> Result<Self, FilterError> {
        let bad = || FilterError::BadPlatform {
            input: input.to_owned(),
        };
        let parts: Vec<String> = input.split('/').map(str::to_lowercase).collect();
        if parts.iter().any(String::is_empty) {
            return Err(bad());
        }
        match parts.as_slice() {
            [os, arch] => Ok(Self::new(os, arch, "")),
            [os, arch, variant] => Ok(Self::new(os, arch, variant)),
            _ => Err(bad()),
        }
    }

    /// Builds a platform from its parts as given (no lower-casing).
    pub fn new(os: &str, arch: &str, variant: &str) -> Self {
        Self {
            os: os.to_owned(),
            arch: arch.to_owned(),
            variant: variant.to_owned(),
        }
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.os, self.arch)?;
        if !self.variant.is_empty() {
            write!(f, "/{}", self.variant)?;
        }
        Ok(())
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
        let wanted = specs
            .iter()
            .map(|spec| Platform::parse(spec.as_ref()))
            .collect::<Result<_, _>>()?;
        Ok(Self { wanted })
    }

    /// True when a manifest for `platform` is wanted.
    ///
    /// Wanted when the set is empty, when the platform itself is in the set, or when it has a
    /// variant and its `os/arch` is in the set (the original's rule). Both sides are
    /// normalised as containerd does, so `arm64` ≡ `arm64/v8` and `amd64` ≡ `amd64/v1`.
    pub fn wants(&self, platform: &Platform) -> bool {
        if self.wanted.is_empty() {
            return true;
        }
        self.wanted
            .iter()
            .any(|wanted| platform::covers(wanted, platform))
    }

    /// True when every platform is wanted.
    pub fn is_empty(&self) -> bool {
        self.wanted.is_empty()
    }

    /// The wanted platforms as parsed.
    pub fn platforms(&self) -> &[Platform] {
        &self.wanted
    }
}
