//! Which images an event concerns, including the fixed Docker Hub `library/` mismatch.

use super::*;
use crate::image::ImageRef;

fn concerns_ref(event: &RegistryEvent, image: &str) -> bool {
    let image = ImageRef::parse(image).unwrap_or_else(|e| panic!("`{image}`: {e}"));
    concerns_image(event, &image)
}

fn hub(repository: &str) -> RegistryEvent {
    event("docker.io", repository, Some("1.27"), None)
}

#[test]
fn image_ref_shapes_the_callers_pass() {
    // The inputs `concerns_image` forwards, pinned so a change in `ImageRef` is noticed here.
    let shape = |text: &str| {
        let image = ImageRef::parse(text).unwrap();
        (image.registry, image.name)
    };
    assert_eq!(shape("nginx"), (String::new(), "nginx".to_owned()));
    assert_eq!(
        shape("library/nginx"),
        (String::new(), "library/nginx".to_owned())
    );
    assert_eq!(
        shape("docker.io/library/nginx"),
        ("docker.io".to_owned(), "nginx".to_owned())
    );
    assert_eq!(
        shape("ghcr.io/org/app:1.0"),
        ("ghcr.io".to_owned(), "org/app".to_owned())
    );
}

#[test]
fn official_image_events_concern_every_spelling_of_the_image() {
    for image in [
        "nginx",
        "nginx:1.25",
        "library/nginx",
        "docker.io/nginx",
        "docker.io/library/nginx",
        "index.docker.io/nginx",
        "index.docker.io/library/nginx",
        "registry-1.docker.io/library/nginx",
        "registry-1.docker.io/nginx",
        "alias=nginx:~1.25",
    ] {
        assert!(
            concerns_ref(&hub("library/nginx"), image),
            "library/nginx → {image}"
        );
        assert!(concerns_ref(&hub("nginx"), image), "nginx → {image}");
    }
}

#[test]
fn library_is_only_ignored_for_docker_hub() {
    let ghcr = event("ghcr.io", "library/nginx", None, None);
    assert!(!concerns(&ghcr, "ghcr.io", "nginx"));
    assert!(!concerns(&ghcr, "", "nginx"));
    assert!(concerns(&ghcr, "ghcr.io", "library/nginx"));
    let quay = event("quay.io", "nginx", None, None);
    assert!(!concerns(&quay, "quay.io", "library/nginx"));
}

#[test]
fn other_hub_repositories_do_not_match() {
    for image in [
        "bitnami/nginx",
        "nginx-unprivileged",
        "library/redis",
        "docker.io/library/nginx2",
    ] {
        assert!(!concerns_ref(&hub("library/nginx"), image), "{image}");
    }
    assert!(concerns_ref(&hub("bitnami/nginx"), "bitnami/nginx"));
    assert!(!concerns_ref(&hub("bitnami/nginx"), "nginx"));
}

#[test]
fn hub_events_do_not_concern_images_of_other_registries() {
    for image in [
        "ghcr.io/library/nginx",
        "quay.io/nginx",
        "localhost:5000/nginx",
    ] {
        assert!(!concerns_ref(&hub("library/nginx"), image), "{image}");
    }
}

#[test]
fn other_registries_match_on_registry_and_exact_repository() {
    let ghcr = event("ghcr.io", "org/app", Some("v2"), None);
    assert!(concerns_ref(&ghcr, "ghcr.io/org/app"));
    assert!(concerns_ref(&ghcr, "ghcr.io/org/app:v1"));
    assert!(!concerns_ref(&ghcr, "ghcr.io/org/app2"));
    assert!(!concerns_ref(&ghcr, "ghcr.io/org/app/sub"));
    assert!(!concerns_ref(&ghcr, "quay.io/org/app"));
    assert!(!concerns_ref(&ghcr, "docker.io/org/app"));
}

#[test]
fn an_image_without_registry_matches_any_registry() {
    // As the original: the empty registry may be a registries.conf default, not Docker Hub.
    let ghcr = event("ghcr.io", "org/app", None, None);
    assert!(concerns_ref(&ghcr, "org/app"));
    assert!(!concerns_ref(&ghcr, "org/other"));
}

#[test]
fn registry_hosts_compare_without_case_and_keep_ports() {
    let acr = event("myregistry.azurecr.io", "hello-world", None, None);
    assert!(concerns(&acr, "MyRegistry.azurecr.io", "hello-world"));
    assert!(!concerns(&acr, "myregistry.azurecr.io:443", "hello-world"));
    let local = event("localhost:5000", "team/app", None, None);
    assert!(concerns_ref(&local, "localhost:5000/team/app:1"));
    assert!(!concerns_ref(&local, "localhost:5001/team/app:1"));
}

#[test]
fn hub_aliases_in_events_are_docker_hub() {
    let generic = event("registry-1.docker.io", "library/nginx", None, None);
    assert!(concerns_ref(&generic, "nginx"));
    assert!(concerns_ref(&generic, "docker.io/nginx"));
    assert!(!concerns_ref(&generic, "ghcr.io/nginx"));
}

#[test]
fn an_event_without_registry_only_concerns_images_without_one() {
    let aliyun = event("", "namespace/repo", None, None);
    assert!(concerns(&aliyun, "", "namespace/repo"));
    assert!(!concerns(
        &aliyun,
        "registry.cn-hangzhou.aliyuncs.com",
        "namespace/repo"
    ));
}
