//! The `registries.conf` document as written (strict YAML model) and its validation into
//! [`RegistryEndpoint`]s, rule for rule as the original's `ParseRegistryConfiguration` and
//! `LoadRegistryConfiguration`.

use serde::Deserialize;

use super::{EndpointOrigin, RegistriesError, RegistryEndpoint, RegistryTable, TagSortMode};
use crate::credentials::CredentialRef;
use crate::duration::parse_go_duration;

/// The `registries.conf` document before validation. Like the original's `UnmarshalStrict`,
/// unknown keys anywhere are an error; duplicate keys are an error too.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegistriesConf {
    #[serde(default)]
    registries: Option<Vec<RawEntry>>,
}

/// One list entry as written. Every field is optional at this stage so that a missing `name`
/// or `api_url` gets the original's message rather than a generic "missing field"; `null`
/// reads as absent, as it does for yaml.v2.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    name: Option<String>,
    api_url: Option<String>,
    prefix: Option<String>,
    credentials: Option<String>,
    credsexpire: Option<String>,
    defaultns: Option<String>,
    default: Option<bool>,
    insecure: Option<bool>,
    ca_file: Option<String>,
    ca_data: Option<String>,
    ping: Option<bool>,
    tagsortmode: Option<String>,
    limit: Option<i64>,
}

impl RegistriesConf {
    /// Parses and validates `registries.conf` and merges it over the built-in table: an entry
    /// with the prefix of a built-in replaces it.
    ///
    /// `credsexpire` is read with Go's `ParseDuration` (`5h`, `30m`; a bare `0`); yaml.v2
    /// would also have taken a bare integer as nanoseconds, which is rejected here.
    pub fn parse(text: &str) -> Result<RegistryTable, RegistriesError> {
        let conf = Self::from_yaml(text)?;
        let endpoints = conf.validate()?;
        Ok(RegistryTable::builtin().merged(endpoints))
    }

    fn from_yaml(text: &str) -> Result<Self, RegistriesError> {
        let mut options = serde_saphyr::Options::default();
        options.with_snippet = false;
        serde_saphyr::from_str_with_options(text, options).map_err(|e| RegistriesError::Malformed {
            line: e.location().map(|l| l.line()),
            reason: e.to_string(),
        })
    }

    /// Applies every rule in the original's order and returns the entries as endpoints.
    fn validate(self) -> Result<Vec<RegistryEndpoint>, RegistriesError> {
        let entries = self.registries.unwrap_or_default();
        let mut prefixless: Option<String> = None;
        let mut default_prefix: Option<String> = None;
        let mut endpoints = Vec::with_capacity(entries.len());
        for (index, entry) in entries.into_iter().enumerate() {
            let endpoint = entry.into_endpoint(index + 1)?;
            check_prefixless(&endpoint, &mut prefixless)?;
            check_default(&endpoint, &mut default_prefix)?;
            endpoints.push(endpoint);
        }
        Ok(endpoints)
    }
}

/// At most one entry may omit `prefix`.
fn check_prefixless(
    endpoint: &RegistryEndpoint,
    first: &mut Option<String>,
) -> Result<(), RegistriesError> {
    if !endpoint.prefix.is_empty() {
        return Ok(());
    }
    match first {
        Some(first) => Err(RegistriesError::SecondPrefixless {
            first: first.clone(),
            second: endpoint.name.clone(),
        }),
        None => {
            *first = Some(endpoint.name.clone());
            Ok(())
        }
    }
}

/// At most one entry may set `default: true`.
fn check_default(
    endpoint: &RegistryEndpoint,
    current: &mut Option<String>,
) -> Result<(), RegistriesError> {
    if !endpoint.is_default {
        return Ok(());
    }
    match current {
        Some(current) => Err(RegistriesError::SecondDefault {
            prefix: endpoint.prefix.clone(),
            current: current.clone(),
        }),
        None => {
            *current = Some(endpoint.prefix.clone());
            Ok(())
        }
    }
}

impl RawEntry {
    /// Validates one entry; `position` is 1-based, for the missing-name message.
    fn into_endpoint(self, position: usize) -> Result<RegistryEndpoint, RegistriesError> {
        let name = non_empty(self.name).ok_or_else(|| RegistriesError::MissingName {
            entry: position,
            prefix: self.prefix.clone().unwrap_or_default(),
            api_url: self.api_url.clone().unwrap_or_default(),
        })?;
        let api_url = non_empty(self.api_url)
            .ok_or_else(|| RegistriesError::MissingApiUrl { name: name.clone() })?;
        Ok(RegistryEndpoint {
            tag_sort_mode: tag_sort_mode(&name, self.tagsortmode.as_deref())?,
            credentials: credentials(&name, self.credentials)?,
            creds_expire: creds_expire(&name, self.credsexpire.as_deref())?,
            limit: limit(&name, self.limit)?,
            api_url: api_url.trim_end_matches('/').to_owned(),
            prefix: self.prefix.unwrap_or_default(),
            default_ns: non_empty(self.defaultns),
            is_default: self.default.unwrap_or(false),
            insecure: self.insecure.unwrap_or(false),
            ca_file: non_empty(self.ca_file),
            ca_data: non_empty(self.ca_data),
            ping: self.ping.unwrap_or(false),
            origin: EndpointOrigin::Configured,
            name,
        })
    }
}

fn non_empty(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.is_empty())
}

fn tag_sort_mode(name: &str, mode: Option<&str>) -> Result<TagSortMode, RegistriesError> {
    let mode = mode.unwrap_or_default();
    TagSortMode::parse(mode).ok_or_else(|| RegistriesError::UnknownTagSortMode {
        name: name.to_owned(),
        mode: mode.to_owned(),
    })
}

fn credentials(
    name: &str,
    reference: Option<String>,
) -> Result<Option<CredentialRef>, RegistriesError> {
    let Some(reference) = non_empty(reference) else {
        return Ok(None);
    };
    CredentialRef::parse(&reference)
        .map(Some)
        .map_err(|source| RegistriesError::InvalidCredentials {
            name: name.to_owned(),
            source,
        })
}

/// `0` (or unset) means the credentials never expire.
fn creds_expire(
    name: &str,
    text: Option<&str>,
) -> Result<Option<std::time::Duration>, RegistriesError> {
    let Some(text) = text.filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    let duration =
        parse_go_duration(text).map_err(|source| RegistriesError::InvalidCredsExpire {
            name: name.to_owned(),
            source,
        })?;
    Ok(Some(duration).filter(|d| !d.is_zero()))
}

/// Keeps the value as configured; anything at or below 0 means "use the default" in the
/// original, so it is stored as `Some(0)`.
fn limit(name: &str, limit: Option<i64>) -> Result<Option<u32>, RegistriesError> {
    let Some(limit) = limit else {
        return Ok(None);
    };
    let clamped = u32::try_from(limit.max(0)).map_err(|_| RegistriesError::LimitOutOfRange {
        name: name.to_owned(),
        limit,
    })?;
    Ok(Some(clamped))
}
