//! `registries.conf` (spec §9.1): strict parsing and validation, the built-in Docker Hub entry,
//! the immutable registry table and endpoint lookup for an image.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use crate::credentials::{CredentialError, CredentialRef};
use crate::duration::DurationError;

mod conf;

#[cfg(test)]
mod tests;

pub use conf::RegistriesConf;

/// The prefix, name and API of the built-in Docker Hub entry.
pub const DOCKER_HUB_PREFIX: &str = "docker.io";
const DOCKER_HUB_NAME: &str = "Docker Hub";
const DOCKER_HUB_API: &str = "https://registry-1.docker.io";
const DOCKER_HUB_DEFAULT_NS: &str = "library";

/// Requests per second for Docker Hub when `limit` is not set.
const DOCKER_HUB_RATE_LIMIT: u32 = 10;
/// Requests per second for every other registry when `limit` is not set.
const DEFAULT_RATE_LIMIT: u32 = 20;

/// Why `registries.conf` was rejected, or why no endpoint serves an image.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegistriesError {
    /// The text is not YAML of the expected shape (syntax, unknown or duplicate key, bad type).
    #[error("malformed registries configuration: {reason}")]
    Malformed {
        /// The 1-based line of the problem, when the parser knows it.
        line: Option<u64>,
        /// The parser's explanation, including the line and column.
        reason: String,
    },
    /// An entry without `name` (entries are numbered from 1).
    #[error("registry name is missing for entry #{entry} (prefix `{prefix}`, api_url `{api_url}`)")]
    MissingName {
        /// 1-based position of the entry in the list.
        entry: usize,
        /// The entry's prefix, possibly empty.
        prefix: String,
        /// The entry's API URL, possibly empty.
        api_url: String,
    },
    /// An entry without `api_url`.
    #[error("API URL must be specified for registry `{name}`")]
    MissingApiUrl {
        /// The registry's name.
        name: String,
    },
    /// A second entry without `prefix`.
    #[error(
        "there must be only one default registry (already is `{first}`), `{second}` needs a prefix"
    )]
    SecondPrefixless {
        /// Name of the first entry without a prefix.
        first: String,
        /// Name of the entry that also lacks one.
        second: String,
    },
    /// `tagsortmode` is not `none`, `""`, `latest-first` or `latest-last`.
    #[error("unknown tag sort mode for registry `{name}`: `{mode}`")]
    UnknownTagSortMode {
        /// The registry's name.
        name: String,
        /// The rejected mode.
        mode: String,
    },
    /// `credentials` is not a valid credential reference.
    #[error("invalid credentials for registry `{name}`")]
    InvalidCredentials {
        /// The registry's name.
        name: String,
        /// What is wrong with the reference.
        #[source]
        source: CredentialError,
    },
    /// `credsexpire` is not a valid non-negative duration.
    #[error("invalid credsexpire for registry `{name}`")]
    InvalidCredsExpire {
        /// The registry's name.
        name: String,
        /// What is wrong with the duration.
        #[source]
        source: DurationError,
    },
    /// `limit` does not fit in 32 bits.
    #[error("limit `{limit}` for registry `{name}` is out of range")]
    LimitOutOfRange {
        /// The registry's name.
        name: String,
        /// The rejected limit.
        limit: i64,
    },
    /// Two entries set `default: true`.
    #[error(
        "cannot set registry `{prefix}` as default - only one default registry allowed, \
         currently set to `{current}`"
    )]
    SecondDefault {
        /// Prefix of the second default entry.
        prefix: String,
        /// Prefix of the first default entry.
        current: String,
    },
    /// An image without a registry, and no default registry.
    #[error("no default endpoint configured")]
    NoDefault,
}

/// How a registry orders its tag list, when it promises an order (`tagsortmode`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum TagSortMode {
    /// No promise (`none` or empty): metadata is fetched for date-based strategies.
    #[default]
    None,
    /// Newest tag first; dates are synthesised from list position.
    LatestFirst,
    /// Newest tag last; dates are synthesised from list position.
    LatestLast,
}

impl TagSortMode {
    /// Parses the configuration value (case-sensitive, as in the original).
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "" | "none" => Some(Self::None),
            "latest-first" => Some(Self::LatestFirst),
            "latest-last" => Some(Self::LatestLast),
            _ => None,
        }
    }

    /// The configuration spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::LatestFirst => "latest-first",
            Self::LatestLast => "latest-last",
        }
    }
}

impl fmt::Display for TagSortMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where an endpoint came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EndpointOrigin {
    /// Compiled in (Docker Hub).
    BuiltIn,
    /// An entry of `registries.conf`.
    Configured,
    /// Made up on the fly for a registry nobody configured.
    Inferred,
}

/// One registry: where its API is and how to talk to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistryEndpoint {
    /// Human-readable name (informational).
    pub name: String,
    /// Base URL for `/v2/`, without a trailing `/`.
    pub api_url: String,
    /// The lookup key, e.g. `docker.io`, `gcr.io` or `foo.bar/team`; empty for none.
    pub prefix: String,
    /// Registry-level credentials, fetched lazily by the registry crate.
    pub credentials: Option<CredentialRef>,
    /// How long fetched credentials stay valid; `None` is forever (`0` or unset).
    pub creds_expire: Option<Duration>,
    /// Namespace put before single-segment image names (Docker Hub: `library`).
    pub default_ns: Option<String>,
    /// Serves images that name no registry.
    pub is_default: bool,
    /// Skip TLS verification.
    pub insecure: bool,
    /// Path of a PEM bundle to trust (checked and read by the registry crate).
    pub ca_file: Option<String>,
    /// Inline PEM to trust (validated by the registry crate).
    pub ca_data: Option<String>,
    /// Parsed for compatibility but unused: `/v2/` is always pinged.
    pub ping: bool,
    /// The order the registry promises for its tag list.
    pub tag_sort_mode: TagSortMode,
    /// Requests per second as configured; `None` when not set, `Some(0)` when set to 0 or less.
    pub limit: Option<u32>,
    /// Where the endpoint came from.
    pub origin: EndpointOrigin,
}

impl RegistryEndpoint {
    /// The built-in Docker Hub entry.
    pub fn docker_hub() -> Self {
        Self {
            name: DOCKER_HUB_NAME.to_owned(),
            api_url: DOCKER_HUB_API.to_owned(),
            prefix: DOCKER_HUB_PREFIX.to_owned(),
            default_ns: Some(DOCKER_HUB_DEFAULT_NS.to_owned()),
            is_default: true,
            ping: true,
            ..Self::bare(EndpointOrigin::BuiltIn)
        }
    }

    /// The endpoint the original infers for an unconfigured registry: `https://<registry>`,
    /// named and keyed by the registry itself, unsorted, no credentials.
    pub fn inferred(registry: &str) -> Self {
        Self {
            name: registry.to_owned(),
            api_url: format!("https://{registry}"),
            prefix: registry.to_owned(),
            ..Self::bare(EndpointOrigin::Inferred)
        }
    }

    fn bare(origin: EndpointOrigin) -> Self {
        Self {
            name: String::new(),
            api_url: String::new(),
            prefix: String::new(),
            credentials: None,
            creds_expire: None,
            default_ns: None,
            is_default: false,
            insecure: false,
            ca_file: None,
            ca_data: None,
            ping: false,
            tag_sort_mode: TagSortMode::None,
            limit: None,
            origin,
        }
    }

    /// Requests per second to allow: the configured `limit` when above 0, else 10 for the
    /// built-in Docker Hub entry and 20 for everything else.
    ///
    /// Deliberate difference: the original leaves a *configured* entry without a positive
    /// `limit` unlimited (only built-in and inferred endpoints get 10 and 20). Here every
    /// endpoint is rate limited, with the documented default of 20.
    pub fn effective_rate_limit(&self) -> u32 {
        match (self.limit, self.origin) {
            (Some(limit), _) if limit > 0 => limit,
            (_, EndpointOrigin::BuiltIn) => DOCKER_HUB_RATE_LIMIT,
            _ => DEFAULT_RATE_LIMIT,
        }
    }

    /// The repository path to query: `<defaultns>/<name>` for a single-segment name when the
    /// endpoint has a default namespace, else the name unchanged.
    pub fn repository_path(&self, image_name: &str) -> String {
        match &self.default_ns {
            Some(namespace) if !image_name.contains('/') => format!("{namespace}/{image_name}"),
            _ => image_name.to_owned(),
        }
    }
}

/// The registries known to one process: built-ins merged with `registries.conf`. Immutable:
/// endpoints inferred during lookup are returned, not stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistryTable {
    /// Keyed by prefix; at most one entry has `is_default`.
    endpoints: BTreeMap<String, RegistryEndpoint>,
}

impl RegistryTable {
    /// Only the built-in Docker Hub entry (what the original has without `registries.conf`).
    pub fn builtin() -> Self {
        let hub = RegistryEndpoint::docker_hub();
        Self {
            endpoints: BTreeMap::from([(hub.prefix.clone(), hub)]),
        }
    }

    /// The endpoint with exactly this prefix.
    pub fn get(&self, prefix: &str) -> Option<&RegistryEndpoint> {
        self.endpoints.get(prefix)
    }

    /// The endpoint serving images without a registry, if any.
    pub fn default_endpoint(&self) -> Option<&RegistryEndpoint> {
        self.endpoints.values().find(|e| e.is_default)
    }

    /// Every endpoint, ordered by prefix.
    pub fn endpoints(&self) -> impl Iterator<Item = &RegistryEndpoint> {
        self.endpoints.values()
    }

    /// Finds the endpoint for an image (§9.1 "Endpoint lookup"): the default for an empty
    /// registry, else the exact prefix, else the longest prefix of `<registry>/<image_name>`,
    /// else an inferred `https://<registry>` endpoint (returned owned, never stored).
    ///
    /// Deliberate difference: a prefix only matches on a path boundary (it equals
    /// `<registry>/<image_name>` or is followed there by `/`), where the original uses a plain
    /// string prefix test, so `gcr.io` would also have matched `gcr.io.example.com/x` and
    /// `foo.bar/team` would have matched `foo.bar/teamster/x`.
    pub fn endpoint_for(
        &self,
        registry: &str,
        image_name: &str,
    ) -> Result<Cow<'_, RegistryEndpoint>, RegistriesError> {
        if registry.is_empty() {
            return self
                .default_endpoint()
                .map(Cow::Borrowed)
                .ok_or(RegistriesError::NoDefault);
        }
        if let Some(endpoint) = self.endpoints.get(registry) {
            return Ok(Cow::Borrowed(endpoint));
        }
        let reference = format!("{registry}/{image_name}");
        Ok(self.longest_prefix_match(&reference).map_or_else(
            || Cow::Owned(RegistryEndpoint::inferred(registry)),
            Cow::Borrowed,
        ))
    }

    fn longest_prefix_match(&self, reference: &str) -> Option<&RegistryEndpoint> {
        self.endpoints
            .values()
            .filter(|e| prefix_matches(&e.prefix, reference))
            .max_by_key(|e| e.prefix.len())
    }

    /// Adds configured endpoints over the built-ins (same prefix replaces, later entries win)
    /// and settles which one is the default.
    fn merged(mut self, configured: Vec<RegistryEndpoint>) -> Self {
        let configured_default = configured
            .iter()
            .find(|e| e.is_default)
            .map(|e| e.prefix.clone());
        let builtin_default = self.default_endpoint().map(|e| e.prefix.clone());
        for endpoint in configured {
            self.endpoints.insert(endpoint.prefix.clone(), endpoint);
        }
        // A configured entry that replaces the built-in default keeps the default role unless
        // the file names another default: images without a registry still go to Docker Hub,
        // as they do in the original.
        let default = configured_default.or(builtin_default);
        for endpoint in self.endpoints.values_mut() {
            endpoint.is_default = Some(&endpoint.prefix) == default.as_ref();
        }
        self
    }
}

/// True when `prefix` is non-empty and covers `reference` up to a `/` boundary.
fn prefix_matches(prefix: &str, reference: &str) -> bool {
    if prefix.is_empty() {
        return false;
    }
    match reference.strip_prefix(prefix) {
        Some(rest) => rest.is_empty() || rest.starts_with('/') || prefix.ends_with('/'),
        None => false,
    }
}
