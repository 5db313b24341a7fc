//! `Status` failure bodies, shaped like the apiserver's `metav1.Status` errors.

use serde_json::{Value, json};

use super::resource::ResourceType;

/// A refused request: the HTTP code plus the `Status` fields the apiserver would send.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ApiFailure {
    /// The HTTP status code, repeated as `code` in the body.
    pub(crate) code: u16,
    /// The machine-readable `reason`, e.g. `NotFound`.
    pub(crate) reason: &'static str,
    /// The human-readable `message`.
    pub(crate) message: String,
    /// `details` (name, group, kind) when the failure is about one object.
    pub(crate) details: Option<Value>,
}

impl ApiFailure {
    /// A failure without object details.
    pub(crate) fn new(code: u16, reason: &'static str, message: impl Into<String>) -> Self {
        Self {
            code,
            reason,
            message: message.into(),
            details: None,
        }
    }

    /// A failure about the object `name` of `resource`; like the apiserver, `details.kind` is
    /// the plural resource name.
    fn about(mut self, resource: &ResourceType, name: &str) -> Self {
        self.details = Some(json!({
            "name": name, "group": resource.group, "kind": resource.plural,
        }));
        self
    }

    /// 404 for a missing object.
    pub(crate) fn not_found(resource: &ResourceType, name: &str) -> Self {
        let message = format!("{} \"{name}\" not found", resource.qualified());
        Self::new(404, "NotFound", message).about(resource, name)
    }

    /// 404 for a path that names no served resource.
    pub(crate) fn no_route() -> Self {
        Self::new(
            404,
            "NotFound",
            "the server could not find the requested resource",
        )
    }

    /// 409 for a create of an existing name.
    pub(crate) fn already_exists(resource: &ResourceType, name: &str) -> Self {
        let message = format!("{} \"{name}\" already exists", resource.qualified());
        Self::new(409, "AlreadyExists", message).about(resource, name)
    }

    /// 409 for a write based on a stale `resourceVersion`.
    pub(crate) fn conflict(resource: &ResourceType, name: &str) -> Self {
        let message = format!(
            "Operation cannot be fulfilled on {} \"{name}\": the object has been modified; \
             please apply your changes to the latest version and try again",
            resource.qualified()
        );
        Self::new(409, "Conflict", message).about(resource, name)
    }

    /// 400 for a malformed request.
    pub(crate) fn bad_request(message: impl Into<String>) -> Self {
        Self::new(400, "BadRequest", message)
    }

    /// 422 for an object or patch the apiserver would reject as invalid.
    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Self::new(422, "Invalid", message)
    }

    /// 405 for a verb the path does not support.
    pub(crate) fn method_not_allowed(method: &str) -> Self {
        let message =
            format!("the server does not allow this method on the requested resource ({method})");
        Self::new(405, "MethodNotAllowed", message)
    }

    /// 415 for a patch type the fake does not implement.
    pub(crate) fn unsupported_media_type(content_type: &str) -> Self {
        let message = format!(
            "the body of the request was in an unknown format ({content_type}) - accepted media \
             types include: application/json-patch+json, application/merge-patch+json"
        );
        Self::new(415, "UnsupportedMediaType", message)
    }

    /// 410 for a watch that starts before the kept history.
    pub(crate) fn expired(requested: u64, oldest: u64) -> Self {
        let message = format!("too old resource version: {requested} ({oldest})");
        Self::new(410, "Expired", message)
    }

    /// An injected failure with the reason the apiserver uses for `code`.
    pub(crate) fn injected(code: u16) -> Self {
        Self::new(code, reason_of(code), format!("injected failure ({code})"))
    }

    /// Whether this is an optimistic-concurrency conflict (not `AlreadyExists`).
    pub(crate) fn is_conflict(&self) -> bool {
        self.code == 409 && self.reason == "Conflict"
    }

    /// The `Status` object.
    pub(crate) fn to_json(&self) -> Value {
        let mut status = json!({
            "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": self.message, "reason": self.reason, "code": self.code,
        });
        if let Some(details) = &self.details {
            status["details"] = details.clone();
        }
        status
    }
}

/// The apiserver's `StatusReason` for an HTTP code.
fn reason_of(code: u16) -> &'static str {
    match code {
        400 => "BadRequest",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "NotFound",
        405 => "MethodNotAllowed",
        409 => "Conflict",
        410 => "Expired",
        415 => "UnsupportedMediaType",
        422 => "Invalid",
        429 => "TooManyRequests",
        503 => "ServiceUnavailable",
        504 => "Timeout",
        _ => "InternalError",
    }
}
