//! What the fake remembers about requests: the request log and the queued fault injections.

/// One request as the fake received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedRequest {
    /// The HTTP method, e.g. `PATCH`.
    pub method: String,
    /// The path, e.g. `/apis/argoproj.io/v1alpha1/namespaces/argocd/applications/app`.
    pub path: String,
    /// The raw query string, if any.
    pub query: Option<String>,
    /// The `Content-Type` header, if any.
    pub content_type: Option<String>,
    /// The body of POST, PUT and PATCH requests (lossy UTF-8).
    pub body: Option<String>,
}

/// A queued one-shot failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Fault {
    /// The method it applies to (compared case-insensitively).
    pub(crate) method: String,
    /// The path prefix it applies to.
    pub(crate) path_prefix: String,
    /// The HTTP status to answer with.
    pub(crate) status: u16,
}

/// Removes and returns the status of the first fault matching the request.
pub(crate) fn take_fault(faults: &mut Vec<Fault>, method: &str, path: &str) -> Option<u16> {
    let position = faults.iter().position(|fault| {
        fault.method.eq_ignore_ascii_case(method) && path.starts_with(&fault.path_prefix)
    })?;
    Some(faults.remove(position).status)
}
