//! Azure Container Registry `push` events: `target.repository` and `request.host` are required;
//! the tag (possibly absent) and digest come from `target`.

use super::payload::{Payload, owned};
use super::{RegistryEvent, WebhookError};

/// The ACR action that announces an image push (`chart_push`, `delete`, … are refused).
const PUSH: &str = "push";

/// Maps an ACR payload to an event.
pub(super) fn parse(payload: &Payload) -> Result<RegistryEvent, WebhookError> {
    let action = payload.required("action")?;
    if action != PUSH {
        return Err(payload.error(format_args!("`action` is `{action}`, expected `{PUSH}`")));
    }
    let repository = payload.required("target.repository")?;
    // Required although the original accepts `""`: an empty registry could only ever match
    // images configured without a registry, never the ACR images this event is about.
    let registry = payload.required("request.host")?.to_ascii_lowercase();
    Ok(RegistryEvent {
        registry,
        repository: repository.to_owned(),
        tag: owned(payload.text("target.tag")?),
        digest: owned(payload.text("target.digest")?),
    })
}
