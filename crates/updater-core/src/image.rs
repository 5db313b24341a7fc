//! Image references (spec §5.1): the distribution grammar with the legacy fallback, aliases,
//! Docker Hub normalisation and the renderings the original uses.

use std::fmt;

mod grammar;
mod legacy;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;

/// Docker Hub's canonical domain.
const DOCKER_HUB: &str = "docker.io";
/// The namespace Docker Hub puts official images in.
const LIBRARY_PREFIX: &str = "library/";

/// Why a string is not an image reference.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImageRefError {
    /// Nothing to parse.
    #[error("image reference is empty")]
    Empty,
    /// `alias=` with nothing after the `=`.
    #[error("image reference `{input}` has an alias but no image")]
    MissingImage {
        /// The rejected text.
        input: String,
    },
}

/// A parsed image reference.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ImageRef {
    /// The alias before the first `=`, as written (not trimmed); `None` when there is no `=` or
    /// nothing before it (`=img`).
    pub alias: Option<String>,
    /// The registry host, `""` for implicit Docker Hub.
    pub registry: String,
    /// The repository path (Docker Hub `library/` stripped as the original does).
    pub name: String,
    /// The tag, or the constraint for semver / tracked tag for digest; `parse` never yields
    /// `Some("")` and rendering treats it as `None`.
    pub tag: Option<String>,
    /// The digest, e.g. `sha256:…`; `parse` never yields `Some("")`.
    pub digest: Option<String>,
}

/// Registry, name, tag and digest before the alias is attached.
struct Parts {
    registry: String,
    name: String,
    tag: Option<String>,
    digest: Option<String>,
}

impl ImageRef {
    /// Parses like the original's `NewFromIdentifier`: the distribution grammar first, then the
    /// legacy splitter for anything it rejects (constraints, upper case, short digests, …).
    pub fn parse(input: &str) -> Result<Self, ImageRefError> {
        let (alias, reference) = match input.split_once('=') {
            Some((alias, reference)) => (Some(alias).filter(|a| !a.is_empty()), reference),
            None => (None, input),
        };
        if reference.is_empty() {
            return Err(match alias {
                Some(_) => ImageRefError::MissingImage {
                    input: input.to_owned(),
                },
                None => ImageRefError::Empty,
            });
        }
        let parts = grammar::parse_normalized_named(reference)
            .map(|named| from_named(reference, named))
            .unwrap_or_else(|| legacy::parse(reference));
        Ok(Self {
            alias: alias.map(str::to_owned),
            registry: parts.registry,
            name: parts.name,
            tag: parts.tag.filter(|t| !t.is_empty()),
            digest: parts.digest.filter(|d| !d.is_empty()),
        })
    }

    /// `[registry/]name`; the registry is not repeated when the name already starts with it.
    pub fn full_name_without_tag(&self) -> String {
        let prefixed = self
            .name
            .strip_prefix(self.registry.as_str())
            .is_some_and(|rest| rest.starts_with('/'));
        if self.registry.is_empty() || prefixed {
            self.name.clone()
        } else {
            format!("{}/{}", self.registry, self.name)
        }
    }

    /// `[registry/]name[:tag][@digest]`.
    pub fn full_name_with_tag(&self) -> String {
        let mut full = self.full_name_without_tag();
        if let Some(tag) = self.tag_name() {
            full.push(':');
            full.push_str(tag);
        }
        if let Some(digest) = self.digest_value() {
            full.push('@');
            full.push_str(digest);
        }
        full
    }

    /// `tag`, `tag@digest`, or `latest@digest`; `None` when neither is set.
    pub fn tag_with_digest(&self) -> Option<String> {
        match (self.tag_name(), self.digest_value()) {
            (None, None) => None,
            (Some(tag), None) => Some(tag.to_owned()),
            (tag, Some(digest)) => Some(format!("{}@{digest}", tag.unwrap_or("latest"))),
        }
    }

    /// True when both name the same repository; an implicit Docker Hub registry (`""`) equals
    /// an explicit `docker.io`. Names are compared as stored (`library/x` ≠ `x`).
    pub fn same_repository(&self, other: &ImageRef) -> bool {
        let registry = |image: &ImageRef| {
            if image.registry.is_empty() {
                DOCKER_HUB.to_owned()
            } else {
                image.registry.clone()
            }
        };
        self.name == other.name && registry(self) == registry(other)
    }

    fn tag_name(&self) -> Option<&str> {
        self.tag.as_deref().filter(|t| !t.is_empty())
    }

    fn digest_value(&self) -> Option<&str> {
        self.digest.as_deref().filter(|d| !d.is_empty())
    }
}

impl fmt::Display for ImageRef {
    /// `[alias=]` + the full name with tag.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(alias) = self.alias.as_deref().filter(|a| !a.is_empty()) {
            write!(f, "{alias}=")?;
        }
        f.write_str(&self.full_name_with_tag())
    }
}

/// Applies the original's Docker Hub adjustments to a grammar match.
///
/// The registry stays `docker.io` only when the reference spelt it out, and Hub's implicit
/// `library/` is dropped unless the reference itself started with `library/`.
fn from_named(reference: &str, named: grammar::Named) -> Parts {
    let hub = named.domain == DOCKER_HUB;
    let registry = if hub && !reference.starts_with(DOCKER_HUB) {
        String::new()
    } else {
        named.domain
    };
    let name = match named.path.strip_prefix(LIBRARY_PREFIX) {
        Some(short) if hub && !reference.starts_with(LIBRARY_PREFIX) => short.to_owned(),
        _ => named.path,
    };
    Parts {
        registry,
        name,
        tag: named.tag,
        digest: named.digest,
    }
}
