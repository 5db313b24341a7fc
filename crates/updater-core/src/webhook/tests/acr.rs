//! Azure Container Registry `push` webhooks (payload of Azure's "webhook reference").

use serde_json::json;

use super::*;

const KIND: RegistryType = RegistryType::Acr;
const DIGEST: &str = "sha256:6d3fe7e1b38d2ec7a3a4b2d4d08c3cd1e0e7e3f0e2b8e6d4f2b0a8c6e4d2f0a1";

pub(super) const PAYLOAD: &str = r#"{
  "id": "cb8c3971-9adc-488b-bdd8-43cbb4974ff5",
  "timestamp": "2017-11-17T16:52:01.343145347Z",
  "action": "push",
  "target": {
    "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
    "size": 524,
    "digest": "sha256:6d3fe7e1b38d2ec7a3a4b2d4d08c3cd1e0e7e3f0e2b8e6d4f2b0a8c6e4d2f0a1",
    "length": 524,
    "repository": "hello-world",
    "tag": "v1"
  },
  "request": {
    "id": "3cbb6949-7549-4fa1-86cd-a6d5451dffc7",
    "host": "MyRegistry.azurecr.io",
    "method": "PUT",
    "useragent": "docker/17.09.0-ce go/go1.8.3 git-commit/afdb6d4 kernel/4.10.0-27-generic os/linux arch/amd64"
  }
}"#;

#[test]
fn documented_payload_gives_host_repository_tag_and_digest() {
    assert_eq!(
        accept(KIND, PAYLOAD),
        event(
            "myregistry.azurecr.io",
            "hello-world",
            Some("v1"),
            Some(DIGEST)
        )
    );
}

#[test]
fn tag_may_be_absent() {
    let body = edit(PAYLOAD, "target.tag", None);
    assert_eq!(
        accept(KIND, &body),
        event("myregistry.azurecr.io", "hello-world", None, Some(DIGEST))
    );
    let body = edit(PAYLOAD, "target.tag", Some(json!("")));
    assert_eq!(accept(KIND, &body).tag, None);
}

#[test]
fn other_actions_are_refused_naming_the_action() {
    for action in ["delete", "chart_push", "quarantine", "Push"] {
        invalid(
            KIND,
            &edit(PAYLOAD, "action", Some(json!(action))),
            "`action`",
        );
    }
}

#[test]
fn repository_and_host_are_required() {
    invalid(
        KIND,
        &edit(PAYLOAD, "target.repository", None),
        "target.repository",
    );
    invalid(KIND, &edit(PAYLOAD, "target", None), "target.repository");
    invalid(KIND, &edit(PAYLOAD, "request.host", None), "request.host");
}

#[test]
fn authorization_header_carries_the_secret() {
    let req = Req::new(KIND, PAYLOAD).header("authorization", WRONG);
    refused(req.handle(KIND, Some(SECRET)), 401, reason::UNAUTHORIZED);
    let req = Req::new(KIND, PAYLOAD).header("x-webhook-secret", SECRET);
    refused(req.handle(KIND, Some(SECRET)), 401, reason::UNAUTHORIZED);
}

#[test]
fn content_type_must_be_json() {
    let req = Req::authed(KIND, PAYLOAD, SECRET)
        .without_header("content-type")
        .header("content-type", "text/plain; charset=utf-8");
    let message = refused(req.handle(KIND, Some(SECRET)), 415, reason::CONTENT_TYPE);
    assert!(message.contains("text/plain"), "{message}");
    let req = Req::authed(KIND, PAYLOAD, SECRET).without_header("content-type");
    refused(req.handle(KIND, Some(SECRET)), 415, reason::CONTENT_TYPE);
}

#[test]
fn authentication_comes_before_the_content_type_check() {
    let req = Req::new(KIND, PAYLOAD).without_header("content-type");
    refused(req.handle(KIND, Some(SECRET)), 401, reason::UNAUTHORIZED);
}
