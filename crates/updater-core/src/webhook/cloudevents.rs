//! CloudEvents (JSON structured mode): AWS ECR pushes forwarded by EventBridge
//! (`com.amazon.ecr.*`), and generic events whose type names a container or an image.
//!
//! `specversion` and `type` are required; the repository and tag come first from a `subject` of
//! the form `repo:tag`, then from `data`; repository, tag and registry are all required.

use super::payload::{Payload, host_of, owned};
use super::{RegistryEvent, WebhookError};

/// The type prefix of the events EventBridge forwards for ECR.
const ECR_TYPE_PREFIX: &str = "com.amazon.ecr.";

/// What the type-specific part of the event names.
#[derive(Default)]
struct Fields<'p> {
    repository: Option<&'p str>,
    tag: Option<&'p str>,
    digest: Option<&'p str>,
    registry: Option<String>,
}

/// Maps a CloudEvent to an event.
pub(super) fn parse(payload: &Payload) -> Result<RegistryEvent, WebhookError> {
    payload.required("specversion")?;
    let event_type = payload.required("type")?;
    let fields = if event_type.starts_with(ECR_TYPE_PREFIX) {
        ecr_fields(payload)?
    } else if is_container_type(event_type) {
        generic_fields(payload)?
    } else {
        return Err(payload.error(format_args!(
            "`type` is `{event_type}`, expected `{ECR_TYPE_PREFIX}*` or a type naming a container \
             or an image"
        )));
    };
    let subject = payload.text("subject")?.and_then(split_subject);
    event(payload, fields, subject)
}

/// Combines the subject (which wins for repository and tag) with the type-specific fields.
fn event(
    payload: &Payload,
    fields: Fields<'_>,
    subject: Option<(&str, &str, Option<&str>)>,
) -> Result<RegistryEvent, WebhookError> {
    let (repository, tag, digest) = match subject {
        Some((repository, tag, digest)) => (Some(repository), Some(tag), digest.or(fields.digest)),
        None => (fields.repository, fields.tag, fields.digest),
    };
    let repository =
        repository.ok_or_else(|| payload.error("missing repository (`subject` or `data`)"))?;
    let tag = tag.ok_or_else(|| payload.error("missing tag (`subject` or `data`)"))?;
    let registry = fields.registry.ok_or_else(|| {
        payload.error("missing registry (`data` or a `source` naming the registry)")
    })?;
    Ok(RegistryEvent {
        registry,
        repository: repository.to_owned(),
        tag: Some(tag.to_owned()),
        digest: owned(digest),
    })
}

fn is_container_type(event_type: &str) -> bool {
    let lower = event_type.to_ascii_lowercase();
    lower.contains("container") || lower.contains("image")
}

/// `data.repositoryName`, `imageTag`, `imageDigest`; the registry is
/// `<data.registryId or account>.dkr.ecr.<region>.amazonaws.com` from the ARN/URN `source`.
fn ecr_fields(payload: &Payload) -> Result<Fields<'_>, WebhookError> {
    let registry_id = payload.text("data.registryId")?;
    let registry = payload
        .text("source")?
        .and_then(|source| ecr_registry(source, registry_id));
    Ok(Fields {
        repository: payload.text("data.repositoryName")?,
        tag: payload.text("data.imageTag")?,
        digest: payload.text("data.imageDigest")?,
        registry,
    })
}

/// The ECR registry host named by `urn:aws:ecr:<region>:<account>:…` or
/// `arn:<partition>:ecr:<region>:<account>:…`; `registry_id` overrides the account.
fn ecr_registry(source: &str, registry_id: Option<&str>) -> Option<String> {
    let mut parts = source.split(':');
    let scheme = parts.next()?;
    let partition = parts.next()?;
    let service = parts.next()?;
    let region = parts.next().filter(|r| !r.is_empty())?;
    let account = registry_id.or(parts.next().filter(|a| !a.is_empty()))?;
    let known = matches!(scheme, "urn" | "arn") && partition.starts_with("aws") && service == "ecr";
    // AWS China regions live under their own top-level domain.
    let domain = if partition == "aws-cn" {
        "amazonaws.com.cn"
    } else {
        "amazonaws.com"
    };
    known.then(|| format!("{account}.dkr.ecr.{region}.{domain}").to_ascii_lowercase())
}

/// `data.repositoryName|repository`, `imageTag|tag`, `imageDigest|digest`,
/// `registryUrl|registry`, else the host of a `source` URL.
fn generic_fields(payload: &Payload) -> Result<Fields<'_>, WebhookError> {
    let registry = match payload.first_text(&["data.registryUrl", "data.registry"])? {
        Some(registry) => host_of(registry),
        None => payload.text("source")?.and_then(url_host),
    };
    Ok(Fields {
        repository: payload.first_text(&["data.repositoryName", "data.repository"])?,
        tag: payload.first_text(&["data.imageTag", "data.tag"])?,
        digest: payload.first_text(&["data.imageDigest", "data.digest"])?,
        registry,
    })
}

/// The host of `source` only when it is a URL with a scheme: a URN or a relative URI reference
/// names no host.
fn url_host(source: &str) -> Option<String> {
    source.contains("://").then(|| host_of(source)).flatten()
}

/// `repo:tag[@digest]` → its parts; `None` unless both repository and tag are present.
fn split_subject(subject: &str) -> Option<(&str, &str, Option<&str>)> {
    let (reference, digest) = match subject.split_once('@') {
        Some((reference, digest)) => (reference, Some(digest).filter(|d| !d.is_empty())),
        None => (subject, None),
    };
    let (repository, tag) = reference.rsplit_once(':')?;
    let valid = !repository.is_empty() && !tag.is_empty() && !tag.contains('/');
    valid.then_some((repository, tag, digest))
}
