//! Quay repository-push notifications: `repository` and `updated_tags[0]` are required; the
//! registry is the host of `docker_url` (scheme optional), else `quay.io`.

use super::payload::{Payload, host_of};
use super::{RegistryEvent, WebhookError};

/// The registry when `docker_url` names none.
const DEFAULT_REGISTRY: &str = "quay.io";

/// Maps a Quay payload to an event.
pub(super) fn parse(payload: &Payload) -> Result<RegistryEvent, WebhookError> {
    let repository = payload.required("repository")?;
    let tag = first_updated_tag(payload)?;
    let registry = payload
        .text("docker_url")?
        .and_then(host_of)
        .unwrap_or_else(|| DEFAULT_REGISTRY.to_owned());
    Ok(RegistryEvent {
        registry,
        repository: repository.to_owned(),
        tag: Some(tag.to_owned()),
        digest: None,
    })
}

fn first_updated_tag(payload: &Payload) -> Result<&str, WebhookError> {
    match payload.first_element("updated_tags")? {
        None => Err(payload.error("missing `updated_tags[0]`")),
        Some(tag) => tag
            .as_str()
            .filter(|t| !t.is_empty())
            .ok_or_else(|| payload.error("`updated_tags[0]` is not a non-empty string")),
    }
}
