//! Quay "Repository Push" notifications (payload of Quay's notification documentation).

use serde_json::json;

use super::*;

const KIND: RegistryType = RegistryType::Quay;

pub(super) const PAYLOAD: &str = r#"{
  "name": "repository",
  "repository": "mynamespace/repository",
  "namespace": "mynamespace",
  "docker_url": "quay.io/mynamespace/repository",
  "homepage": "https://quay.io/repository/mynamespace/repository",
  "updated_tags": ["latest", "1.0.0"]
}"#;

#[test]
fn documented_payload_gives_the_first_updated_tag() {
    assert_eq!(
        accept(KIND, PAYLOAD),
        event("quay.io", "mynamespace/repository", Some("latest"), None)
    );
}

#[test]
fn registry_is_the_host_of_docker_url_with_or_without_scheme() {
    for (url, host) in [
        ("quay.example.com/ns/repo", "quay.example.com"),
        (
            "https://Quay.Example.com:8443/ns/repo",
            "quay.example.com:8443",
        ),
        ("registry.local", "registry.local"),
    ] {
        let body = edit(PAYLOAD, "docker_url", Some(json!(url)));
        assert_eq!(accept(KIND, &body).registry, host, "{url}");
    }
}

#[test]
fn registry_defaults_to_quay_io() {
    assert_eq!(
        accept(KIND, &edit(PAYLOAD, "docker_url", None)).registry,
        "quay.io"
    );
    let empty = edit(PAYLOAD, "docker_url", Some(json!("")));
    assert_eq!(accept(KIND, &empty).registry, "quay.io");
}

#[test]
fn missing_updated_tags_are_refused_naming_them() {
    invalid(
        KIND,
        &edit(PAYLOAD, "updated_tags", None),
        "updated_tags[0]",
    );
    invalid(
        KIND,
        &edit(PAYLOAD, "updated_tags", Some(json!([]))),
        "updated_tags[0]",
    );
    invalid(
        KIND,
        &edit(PAYLOAD, "updated_tags", Some(json!([""]))),
        "updated_tags[0]",
    );
    invalid(
        KIND,
        &edit(PAYLOAD, "updated_tags", Some(json!("latest"))),
        "`updated_tags` is not an array",
    );
}

#[test]
fn missing_repository_is_refused_naming_it() {
    invalid(KIND, &edit(PAYLOAD, "repository", None), "`repository`");
}
