//! Path parsing and resource matching.

use super::*;

fn target(path: &str) -> PathTarget {
    parse_path(path).unwrap_or_else(|| panic!("{path} should parse"))
}

#[test]
fn core_and_group_paths_parse() {
    let secret = target("/api/v1/namespaces/argocd/secrets/creds");
    assert_eq!((secret.group.as_str(), secret.version.as_str()), ("", "v1"));
    assert_eq!(secret.namespace.as_deref(), Some("argocd"));
    assert_eq!(secret.name.as_deref(), Some("creds"));
    let status = target(
        "/apis/argocd-image-updater.argoproj.io/v1alpha1/namespaces/a/imageupdaters/x/status",
    );
    assert!(status.status);
    assert_eq!(status.plural, "imageupdaters");
    let all = target("/apis/argoproj.io/v1alpha1/applications");
    assert_eq!((all.namespace, all.name), (None, None));
}

#[test]
fn unknown_shapes_do_not_parse() {
    for path in [
        "/",
        "/api",
        "/apis/argoproj.io",
        "/api/v1/namespaces/a/secrets/x/y/z",
        "/healthz",
    ] {
        assert_eq!(parse_path(path), None, "{path}");
    }
}

#[test]
fn scope_and_subresource_rules() {
    let resources = default_resources();
    let apps = &resources[0];
    let updaters = &resources[1];
    assert!(serves(
        apps,
        &target("/apis/argoproj.io/v1alpha1/applications")
    ));
    assert!(!serves(
        apps,
        &target("/apis/argoproj.io/v1alpha1/applications/x")
    ));
    assert!(!serves(
        apps,
        &target("/apis/argoproj.io/v1alpha1/namespaces/a/applications/x/status")
    ));
    let status =
        "/apis/argocd-image-updater.argoproj.io/v1alpha1/namespaces/a/imageupdaters/x/status";
    assert!(serves(updaters, &target(status)));
    let lease = ResourceType::new("coordination.k8s.io", "v1", "leases", "Lease", false, false);
    assert!(!serves(
        &lease,
        &target("/apis/coordination.k8s.io/v1/namespaces/a/leases")
    ));
}

#[test]
fn custom_groups_are_told_from_builtin_ones() {
    let custom = |group: &str| ResourceType::new(group, "v1", "xs", "X", true, false).is_custom();
    assert!(custom("argoproj.io"));
    assert!(!custom(""));
    assert!(!custom("apps"));
    assert!(!custom("events.k8s.io"));
}
