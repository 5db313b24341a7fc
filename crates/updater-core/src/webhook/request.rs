//! Reading a [`WebhookRequest`]: header and query look-ups, and the headers each type requires
//! (GitHub's event header, a JSON `Content-Type` for Harbor, ACR and CloudEvents).

use super::{RegistryType, WebhookError, WebhookRequest};

/// The GitHub event that announces a package version.
const GITHUB_PACKAGE_EVENT: &str = "package";

/// The first header named `name` (compared without case, although the HTTP layer lower-cases).
pub(super) fn header<'r>(request: &WebhookRequest<'r>, name: &str) -> Option<&'r str> {
    request
        .headers
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(name))
        .map(|(_, value)| value.as_str())
}

/// The first query parameter named `name` (exact, as Go's `Query().Get`).
pub(super) fn query<'r>(request: &WebhookRequest<'r>, name: &str) -> Option<&'r str> {
    request
        .query
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
}

/// Checks the headers `kind` always requires, with or without a secret.
pub(super) fn check_headers(
    kind: RegistryType,
    request: &WebhookRequest<'_>,
) -> Result<(), WebhookError> {
    match kind {
        RegistryType::Ghcr => check_github_event(request),
        RegistryType::Harbor | RegistryType::Acr | RegistryType::CloudEvents => {
            check_json_content_type(request)
        }
        RegistryType::DockerHub | RegistryType::Quay | RegistryType::AliyunAcr => Ok(()),
    }
}

fn check_github_event(request: &WebhookRequest<'_>) -> Result<(), WebhookError> {
    match header(request, "x-github-event") {
        None => Err(WebhookError::header(
            "missing header `X-GitHub-Event`".to_owned(),
        )),
        Some(GITHUB_PACKAGE_EVENT) => Ok(()),
        Some(other) => Err(WebhookError::header(format!(
            "header `X-GitHub-Event` is `{other}`, expected `{GITHUB_PACKAGE_EVENT}`"
        ))),
    }
}

/// A missing or non-JSON `Content-Type` is 415: the body is refused for its media type.
fn check_json_content_type(request: &WebhookRequest<'_>) -> Result<(), WebhookError> {
    match header(request, "content-type") {
        None => Err(WebhookError::content_type(
            "missing `Content-Type`, expected `application/json`".to_owned(),
        )),
        Some(value) if is_json_media_type(value) => Ok(()),
        Some(value) => Err(WebhookError::content_type(format!(
            "content type `{value}` is not JSON, expected `application/json`"
        ))),
    }
}

/// `application/json` or any `application/*+json` (e.g. `application/cloudevents+json`),
/// ignoring parameters such as `charset` and case.
pub(super) fn is_json_media_type(value: &str) -> bool {
    let media_type = value
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    media_type == "application/json"
        || media_type
            .strip_prefix("application/")
            .is_some_and(|subtype| subtype.ends_with("+json") && !subtype.contains('/'))
}
