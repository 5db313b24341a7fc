//! Harbor `PUSH_ARTIFACT` events: the first resource's `tag` is required; the repository comes
//! from `event_data.repository` and the registry is the host of the resource's `resource_url`,
//! else `harbor`.

use super::payload::{Payload, host_of, owned, text_of};
use super::{RegistryEvent, WebhookError};

/// The only Harbor event type that announces a push.
const PUSH_ARTIFACT: &str = "PUSH_ARTIFACT";
/// The registry when `resource_url` names none (as the original).
const DEFAULT_REGISTRY: &str = "harbor";

/// Maps a Harbor payload to an event.
pub(super) fn parse(payload: &Payload) -> Result<RegistryEvent, WebhookError> {
    let kind = payload.required("type")?;
    if kind != PUSH_ARTIFACT {
        return Err(payload.error(format_args!(
            "`type` is `{kind}`, expected `{PUSH_ARTIFACT}`"
        )));
    }
    let resource = payload
        .first_element("event_data.resources")?
        .ok_or_else(|| payload.error("missing `event_data.resources[0]`"))?;
    let tag = text_of(resource, "tag")
        .ok_or_else(|| payload.error("missing `event_data.resources[0].tag`"))?;
    let registry = text_of(resource, "resource_url")
        .and_then(host_of)
        .unwrap_or_else(|| DEFAULT_REGISTRY.to_owned());
    Ok(RegistryEvent {
        registry,
        repository: payload.repository_name("event_data.repository", "repo_full_name")?,
        tag: Some(tag.to_owned()),
        digest: owned(text_of(resource, "digest")),
    })
}
