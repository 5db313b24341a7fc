//! Alibaba Cloud ACR push webhooks: `repository.repo_full_name` (else `namespace/name`, else
//! `name`) and the required `push_data.tag`; the registry is the `registry_url` query parameter,
//! else `registry.<repository.region>.aliyuncs.com`, else `""`.

use super::payload::{Payload, host_of, owned};
use super::request::query;
use super::{RegistryEvent, WebhookError, WebhookRequest};

/// Maps an Aliyun payload (and the request's `registry_url`) to an event.
pub(super) fn parse(
    payload: &Payload,
    request: &WebhookRequest<'_>,
) -> Result<RegistryEvent, WebhookError> {
    let repository = payload.repository_name("repository", "repo_full_name")?;
    let tag = payload.required("push_data.tag")?;
    Ok(RegistryEvent {
        registry: registry(payload, request)?,
        repository,
        tag: Some(tag.to_owned()),
        digest: owned(payload.text("push_data.digest")?),
    })
}

/// Aliyun payloads do not name the registry host; a `registry_url` query parameter on the
/// webhook URL does (taken as a host, so `https://…/` also works), else the region implies it.
fn registry(payload: &Payload, request: &WebhookRequest<'_>) -> Result<String, WebhookError> {
    if let Some(host) = query(request, "registry_url").and_then(host_of) {
        return Ok(host);
    }
    Ok(payload
        .text("repository.region")?
        .map(|region| format!("registry.{region}.aliyuncs.com"))
        .unwrap_or_default())
}
