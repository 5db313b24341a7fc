//! Harbor `PUSH_ARTIFACT` webhooks (payload of Harbor's webhook documentation).

use serde_json::json;

use super::*;

const KIND: RegistryType = RegistryType::Harbor;
const DIGEST: &str = "sha256:954b378c375d852eb3c63ab88978f640b4348b01c1b3456a024a81536dafbbf4";

pub(super) const PAYLOAD: &str = r#"{
  "type": "PUSH_ARTIFACT",
  "occur_at": 1680501893,
  "operator": "admin",
  "event_data": {
    "resources": [
      {
        "digest": "sha256:954b378c375d852eb3c63ab88978f640b4348b01c1b3456a024a81536dafbbf4",
        "tag": "latest",
        "resource_url": "hub.harbor.com/test-webhook/debian:latest"
      }
    ],
    "repository": {
      "date_created": 1680501893,
      "name": "debian",
      "namespace": "test-webhook",
      "repo_full_name": "test-webhook/debian",
      "repo_type": "private"
    }
  }
}"#;

#[test]
fn documented_payload_gives_registry_repository_tag_and_digest() {
    assert_eq!(
        accept(KIND, PAYLOAD),
        event(
            "hub.harbor.com",
            "test-webhook/debian",
            Some("latest"),
            Some(DIGEST)
        )
    );
}

#[test]
fn registry_defaults_to_harbor_without_resource_url() {
    let body = PAYLOAD.replace(
        r#""resource_url": "hub.harbor.com/test-webhook/debian:latest""#,
        r#""resource_url": """#,
    );
    assert_ne!(body, PAYLOAD);
    assert_eq!(accept(KIND, &body).registry, "harbor");
}

#[test]
fn repository_falls_back_to_namespace_and_name() {
    let body = edit(PAYLOAD, "event_data.repository.repo_full_name", None);
    assert_eq!(accept(KIND, &body).repository, "test-webhook/debian");
    let body = edit(&body, "event_data.repository.namespace", None);
    assert_eq!(accept(KIND, &body).repository, "debian");
}

#[test]
fn other_event_types_are_refused_naming_the_type() {
    for kind in [
        "DELETE_ARTIFACT",
        "PULL_ARTIFACT",
        "SCANNING_COMPLETED",
        "push_artifact",
    ] {
        invalid(KIND, &edit(PAYLOAD, "type", Some(json!(kind))), "`type`");
    }
    invalid(KIND, &edit(PAYLOAD, "type", None), "`type`");
}

#[test]
fn the_first_resource_tag_is_required() {
    invalid(
        KIND,
        &edit(PAYLOAD, "event_data.resources", Some(json!([]))),
        "event_data.resources[0]",
    );
    let untagged = json!([{ "digest": DIGEST, "resource_url": "hub.harbor.com/x@sha256:1" }]);
    invalid(
        KIND,
        &edit(PAYLOAD, "event_data.resources", Some(untagged)),
        "event_data.resources[0].tag",
    );
}

#[test]
fn missing_repository_is_refused_naming_it() {
    invalid(
        KIND,
        &edit(PAYLOAD, "event_data.repository", None),
        "event_data.repository",
    );
}

#[test]
fn authorization_must_equal_the_secret_exactly() {
    for presented in [
        format!("Bearer {SECRET}"),
        format!("{SECRET} "),
        SECRET.to_uppercase(),
    ] {
        let req = Req::new(KIND, PAYLOAD).header("authorization", &presented);
        refused(req.handle(KIND, Some(SECRET)), 401, reason::UNAUTHORIZED);
    }
    let bearer = format!("Bearer {SECRET}");
    let req = Req::new(KIND, PAYLOAD).header("authorization", &bearer);
    assert!(req.handle(KIND, Some(&bearer)).is_ok());
}

#[test]
fn secret_in_the_query_is_not_accepted() {
    let req = Req::new(KIND, PAYLOAD).query("secret", SECRET);
    refused(req.handle(KIND, Some(SECRET)), 401, reason::UNAUTHORIZED);
}

#[test]
fn missing_content_type_is_415() {
    let req = Req::authed(KIND, PAYLOAD, SECRET).without_header("content-type");
    let message = refused(req.handle(KIND, Some(SECRET)), 415, reason::CONTENT_TYPE);
    assert!(message.contains("Content-Type"), "{message}");
}

#[test]
fn non_json_content_type_is_415_even_without_a_secret() {
    for value in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "application/jsonx",
        "",
    ] {
        let req = Req::new(KIND, PAYLOAD)
            .without_header("content-type")
            .header("content-type", value);
        refused(req.handle(KIND, None), 415, reason::CONTENT_TYPE);
    }
}

#[test]
fn json_content_types_with_parameters_are_accepted() {
    for value in [
        "application/json; charset=utf-8",
        "Application/JSON",
        "application/vnd.harbor+json",
    ] {
        let req = Req::authed(KIND, PAYLOAD, SECRET)
            .without_header("content-type")
            .header("content-type", value);
        assert!(req.handle(KIND, Some(SECRET)).is_ok(), "{value}");
    }
}
