//! The registry of served resources and the parsing of API paths onto them.

/// A resource the fake serves: where it lives in the API and how it behaves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceType {
    /// The API group; empty for the core group (`/api/v1`).
    pub group: String,
    /// The one version served, e.g. `v1alpha1`.
    pub version: String,
    /// The plural name used in paths, e.g. `applications`.
    pub plural: String,
    /// The `kind` of its objects, e.g. `Application`.
    pub kind: String,
    /// Whether objects live in namespaces.
    pub namespaced: bool,
    /// Whether it has a `/status` subresource (writes to the main resource then keep `.status`).
    pub has_status: bool,
}

impl ResourceType {
    /// A resource from its `(group, version, plural, kind, namespaced, has_status)`.
    pub fn new(
        group: &str,
        version: &str,
        plural: &str,
        kind: &str,
        namespaced: bool,
        has_status: bool,
    ) -> Self {
        Self {
            group: group.to_owned(),
            version: version.to_owned(),
            plural: plural.to_owned(),
            kind: kind.to_owned(),
            namespaced,
            has_status,
        }
    }

    /// `v1` for the core group, else `<group>/<version>`.
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.clone()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// The group-qualified plural used in messages, e.g. `applications.argoproj.io` or `secrets`.
    pub(crate) fn qualified(&self) -> String {
        if self.group.is_empty() {
            self.plural.clone()
        } else {
            format!("{}.{}", self.plural, self.group)
        }
    }

    /// Whether this looks like a custom resource: CRD groups must contain a dot and built-in
    /// groups are either dotless (`apps`) or end in `.k8s.io`.
    pub(crate) fn is_custom(&self) -> bool {
        self.group.contains('.') && !self.group.ends_with(".k8s.io")
    }

    /// Whether `api_version` and `name` (plural or kind) designate this resource.
    pub(crate) fn matches(&self, api_version: &str, name: &str) -> bool {
        self.api_version() == api_version && (self.plural == name || self.kind == name)
    }
}

/// The resources every fake starts with: what the updater reads and writes.
pub(crate) fn default_resources() -> Vec<ResourceType> {
    vec![
        ResourceType::new(
            "argoproj.io",
            "v1alpha1",
            "applications",
            "Application",
            true,
            false,
        ),
        ResourceType::new(
            "argocd-image-updater.argoproj.io",
            "v1alpha1",
            "imageupdaters",
            "ImageUpdater",
            true,
            true,
        ),
        ResourceType::new("", "v1", "secrets", "Secret", true, false),
        ResourceType::new("", "v1", "events", "Event", true, false),
        ResourceType::new("events.k8s.io", "v1", "events", "Event", true, false),
        ResourceType::new("", "v1", "configmaps", "ConfigMap", true, false),
        ResourceType::new("coordination.k8s.io", "v1", "leases", "Lease", true, false),
    ]
}

/// What a request path addresses, before it is matched against the registry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathTarget {
    /// The API group, empty for `/api/v1`.
    pub group: String,
    /// The version segment.
    pub version: String,
    /// The namespace segment, if the path has one.
    pub namespace: Option<String>,
    /// The plural resource name.
    pub plural: String,
    /// The object name, for single-object paths.
    pub name: Option<String>,
    /// Whether the path ends in `/status`.
    pub status: bool,
}

/// Splits `/api/v1/...` or `/apis/<group>/<version>/...` into its parts; `None` if the path has
/// none of the shapes the API serves.
pub(crate) fn parse_path(path: &str) -> Option<PathTarget> {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let (group, version, rest) = match segments.as_slice() {
        ["api", version, rest @ ..] => ("", *version, rest),
        ["apis", group, version, rest @ ..] => (*group, *version, rest),
        _ => return None,
    };
    let (namespace, rest) = match rest {
        ["namespaces", namespace, rest @ ..] if !rest.is_empty() => (Some(*namespace), rest),
        _ => (None, rest),
    };
    let (plural, name, status) = match rest {
        [plural] => (*plural, None, false),
        [plural, name] => (*plural, Some(*name), false),
        [plural, name, "status"] => (*plural, Some(*name), true),
        _ => return None,
    };
    Some(PathTarget {
        group: group.to_owned(),
        version: version.to_owned(),
        namespace: namespace.map(str::to_owned),
        plural: plural.to_owned(),
        name: name.map(str::to_owned),
        status,
    })
}

/// Whether `target` is a valid path for `resource`: namespaced resources are addressed one by
/// one only inside a namespace, cluster-scoped ones never inside one, and `/status` only exists
/// for resources with the subresource.
pub(crate) fn serves(resource: &ResourceType, target: &PathTarget) -> bool {
    let same = resource.group == target.group
        && resource.version == target.version
        && resource.plural == target.plural;
    let scope_ok = if resource.namespaced {
        target.namespace.is_some() || target.name.is_none()
    } else {
        target.namespace.is_none()
    };
    same && scope_ok && (!target.status || resource.has_status)
}

#[cfg(test)]
mod tests;
