//! GitHub Packages `package` events with action `published` for a container package: the
//! repository is `owner.login/name` lower-cased, the registry `ghcr.io`.
//!
//! The package object is read from `package` (the `package` event) or, failing that,
//! `registry_package` (the older `registry_package` event's shape).

use super::payload::{Payload, owned};
use super::{RegistryEvent, WebhookError};

/// The registry every GHCR event names.
const REGISTRY: &str = "ghcr.io";
/// The action GitHub sends when a version is pushed.
const PUBLISHED: &str = "published";
/// The package type of container images (GitHub spells it `CONTAINER`).
const CONTAINER: &str = "container";

/// Maps a GitHub package payload to an event.
pub(super) fn parse(payload: &Payload) -> Result<RegistryEvent, WebhookError> {
    let action = payload.required("action")?;
    if action != PUBLISHED {
        return Err(payload.error(format_args!(
            "`action` is `{action}`, expected `{PUBLISHED}`"
        )));
    }
    let package = package_key(payload)?;
    check_container(payload, package)?;
    let owner = payload.required(&format!("{package}.owner.login"))?;
    let name = payload.required(&format!("{package}.name"))?;
    let (tag, digest) = version(payload, package)?;
    Ok(RegistryEvent {
        registry: REGISTRY.to_owned(),
        repository: format!("{owner}/{name}").to_lowercase(),
        tag,
        digest,
    })
}

fn package_key(payload: &Payload) -> Result<&'static str, WebhookError> {
    for key in ["package", "registry_package"] {
        if payload.value(key)?.is_some() {
            return Ok(key);
        }
    }
    Err(payload.error("missing `package`"))
}

fn check_container(payload: &Payload, package: &str) -> Result<(), WebhookError> {
    let path = format!("{package}.package_type");
    let package_type = payload.required(&path)?;
    if package_type.eq_ignore_ascii_case(CONTAINER) {
        Ok(())
    } else {
        Err(payload.error(format_args!(
            "`{path}` is `{package_type}`, expected `{CONTAINER}`"
        )))
    }
}

/// Tag: `container_metadata.tag.name`, else the version's `name`, else `version`, skipping
/// digest-shaped values (GitHub fills `name` and `version` with the manifest digest); those and
/// `container_metadata.tag.digest` give the digest.
fn version(
    payload: &Payload,
    package: &str,
) -> Result<(Option<String>, Option<String>), WebhookError> {
    let base = format!("{package}.package_version");
    let tagged = payload.text(&format!("{base}.container_metadata.tag.name"))?;
    let name = payload.text(&format!("{base}.name"))?;
    let version = payload.text(&format!("{base}.version"))?;
    let candidates = [tagged, name, version];
    let tag = candidates.into_iter().flatten().find(|t| !is_digest(t));
    let digest = payload
        .text(&format!("{base}.container_metadata.tag.digest"))?
        .or_else(|| [name, version].into_iter().flatten().find(|t| is_digest(t)));
    Ok((owned(tag), owned(digest)))
}

/// `sha256:<hex>` and other `<algorithm>:<hex>` digests, which are never tags (tags have no `:`).
fn is_digest(text: &str) -> bool {
    text.split_once(':').is_some_and(|(algorithm, hex)| {
        !algorithm.is_empty() && !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit())
    })
}
