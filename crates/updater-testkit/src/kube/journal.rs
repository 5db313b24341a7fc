//! What the fake remembers about requests: the request log, the queued fault injections and
//! the queued concurrent writes.

use std::fmt;

use serde_json::Value;

use super::resource::{PathTarget, parse_path};

#[cfg(test)]
mod tests;

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

impl LoggedRequest {
    /// What the path addresses (resource, namespace, object, `/status`), as the server routes
    /// it; `None` for paths that address no resource, such as discovery.
    pub fn target(&self) -> Option<PathTarget> {
        parse_path(&self.path)
    }
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

/// A queued write by "another client", applied to the object a matching request addresses just
/// before that request is served.
pub(crate) struct Mutation {
    /// The method it applies to (compared case-insensitively).
    pub(crate) method: String,
    /// The path prefix it applies to.
    pub(crate) path_prefix: String,
    /// The edit, made on a copy of the stored object.
    pub(crate) edit: Box<dyn FnOnce(&mut Value) + Send>,
}

impl fmt::Debug for Mutation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Mutation")
            .field("method", &self.method)
            .field("path_prefix", &self.path_prefix)
            .finish_non_exhaustive()
    }
}

/// Removes and returns the first mutation matching the request.
pub(crate) fn take_mutation(
    mutations: &mut Vec<Mutation>,
    method: &str,
    path: &str,
) -> Option<Mutation> {
    let position = mutations.iter().position(|mutation| {
        mutation.method.eq_ignore_ascii_case(method) && path.starts_with(&mutation.path_prefix)
    })?;
    Some(mutations.remove(position))
}
