//! Docker Hub push webhooks: `repository.repo_name` (else `namespace/name`, else `name`) and the
//! required `push_data.tag`; the registry is always `docker.io`.

use super::payload::Payload;
use super::{RegistryEvent, WebhookError};

/// The registry every Docker Hub event names.
const REGISTRY: &str = "docker.io";

/// Maps a Docker Hub payload to an event.
pub(super) fn parse(payload: &Payload) -> Result<RegistryEvent, WebhookError> {
    let repository = payload.repository_name("repository", "repo_name")?;
    let tag = payload.required("push_data.tag")?;
    Ok(RegistryEvent {
        registry: REGISTRY.to_owned(),
        repository,
        tag: Some(tag.to_owned()),
        digest: None,
    })
}
