//! GitHub Packages `package` events (payload shape of GitHub's "Webhook events and payloads").

use serde_json::json;

use super::*;

const KIND: RegistryType = RegistryType::Ghcr;
const DIGEST: &str = "sha256:0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9";

pub(super) const PAYLOAD: &str = r#"{
  "action": "published",
  "package": {
    "id": 1234567,
    "name": "Hello-World",
    "namespace": "Octo-Org",
    "description": null,
    "ecosystem": "CONTAINER",
    "package_type": "CONTAINER",
    "html_url": "https://github.com/orgs/Octo-Org/packages/container/package/Hello-World",
    "created_at": "2024-05-01T10:00:00Z",
    "updated_at": "2024-05-01T10:00:00Z",
    "owner": { "login": "Octo-Org", "id": 21031067, "type": "Organization" },
    "package_version": {
      "id": 7654321,
      "version": "sha256:0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9",
      "name": "sha256:0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9",
      "summary": "",
      "container_metadata": {
        "tag": {
          "name": "v1.2.3",
          "digest": "sha256:0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9"
        },
        "labels": {},
        "manifest": {}
      },
      "package_url": "ghcr.io/octo-org/hello-world:v1.2.3"
    },
    "registry": {
      "about_url": "https://docs.github.com/packages",
      "name": "GitHub CONTAINER registry",
      "type": "CONTAINER",
      "url": "https://ghcr.io/octo-org",
      "vendor": "GitHub Inc"
    }
  },
  "repository": { "full_name": "Octo-Org/hello-world" },
  "sender": { "login": "octocat" }
}"#;

#[test]
fn documented_payload_gives_a_lower_case_repository_tag_and_digest() {
    assert_eq!(
        accept(KIND, PAYLOAD),
        event(
            "ghcr.io",
            "octo-org/hello-world",
            Some("v1.2.3"),
            Some(DIGEST)
        )
    );
}

#[test]
fn the_registry_package_shape_is_read_too() {
    let root: serde_json::Value = serde_json::from_str(PAYLOAD).unwrap();
    let body = json!({ "action": "published", "registry_package": root["package"] }).to_string();
    assert_eq!(accept(KIND, &body).repository, "octo-org/hello-world");
}

#[test]
fn tag_falls_back_to_the_version_name_then_the_version() {
    let base = edit(PAYLOAD, "package.package_version.container_metadata", None);
    let named = edit(&base, "package.package_version.name", Some(json!("2.0.0")));
    assert_eq!(accept(KIND, &named).tag.as_deref(), Some("2.0.0"));
    let versioned = edit(
        &base,
        "package.package_version.version",
        Some(json!("3.0.0")),
    );
    let got = accept(KIND, &versioned);
    assert_eq!(got.tag.as_deref(), Some("3.0.0"));
    // The digest-shaped name is not a tag, but it is the digest.
    assert_eq!(got.digest.as_deref(), Some(DIGEST));
}

#[test]
fn an_untagged_push_has_no_tag_but_a_digest() {
    let body = edit(PAYLOAD, "package.package_version.container_metadata", None);
    assert_eq!(
        accept(KIND, &body),
        event("ghcr.io", "octo-org/hello-world", None, Some(DIGEST))
    );
}

#[test]
fn other_actions_are_refused_naming_the_action() {
    for action in ["updated", "deleted", ""] {
        invalid(
            KIND,
            &edit(PAYLOAD, "action", Some(json!(action))),
            "`action`",
        );
    }
}

#[test]
fn other_package_types_are_refused() {
    let body = edit(PAYLOAD, "package.package_type", Some(json!("npm")));
    invalid(KIND, &body, "package.package_type");
    let lower = edit(PAYLOAD, "package.package_type", Some(json!("container")));
    assert_eq!(accept(KIND, &lower).tag.as_deref(), Some("v1.2.3"));
}

#[test]
fn missing_fields_are_named() {
    invalid(KIND, &edit(PAYLOAD, "package", None), "`package`");
    invalid(
        KIND,
        &edit(PAYLOAD, "package.owner", None),
        "package.owner.login",
    );
    invalid(KIND, &edit(PAYLOAD, "package.name", None), "package.name");
    invalid(
        KIND,
        &edit(PAYLOAD, "package.package_type", None),
        "package.package_type",
    );
}

#[test]
fn missing_event_header_is_refused() {
    let req = Req::authed(KIND, PAYLOAD, SECRET).without_header("x-github-event");
    let message = refused(req.handle(KIND, Some(SECRET)), 400, reason::HEADER);
    assert!(message.contains("X-GitHub-Event"), "{message}");
}

#[test]
fn other_github_events_are_refused_by_header() {
    for name in ["ping", "push", "registry_package", "Package"] {
        let req = Req::authed(KIND, PAYLOAD, SECRET)
            .without_header("x-github-event")
            .header("x-github-event", name);
        let message = refused(req.handle(KIND, Some(SECRET)), 400, reason::HEADER);
        assert!(message.contains(name), "{message}");
    }
}

#[test]
fn event_header_is_required_even_without_a_secret() {
    let req = Req::new(KIND, PAYLOAD).without_header("x-github-event");
    refused(req.handle(KIND, None), 400, reason::HEADER);
}

#[test]
fn authentication_comes_before_the_header_check() {
    let req = Req::new(KIND, PAYLOAD).without_header("x-github-event");
    refused(req.handle(KIND, Some(SECRET)), 401, reason::UNAUTHORIZED);
}

#[test]
fn signature_under_another_key_is_refused() {
    let req =
        Req::new(KIND, PAYLOAD).header("x-hub-signature-256", &sign(WRONG, PAYLOAD.as_bytes()));
    refused(req.handle(KIND, Some(SECRET)), 401, reason::UNAUTHORIZED);
}

#[test]
fn signature_over_a_different_body_is_refused() {
    let other = edit(PAYLOAD, "package.name", Some(json!("evil")));
    let req = Req::authed(KIND, &other, SECRET).body(PAYLOAD);
    refused(req.handle(KIND, Some(SECRET)), 401, reason::UNAUTHORIZED);
    // The same body re-serialised (whitespace only) is a different body too.
    let compact = serde_json::from_str::<serde_json::Value>(PAYLOAD)
        .unwrap()
        .to_string();
    let req = Req::authed(KIND, &compact, SECRET).body(PAYLOAD);
    refused(req.handle(KIND, Some(SECRET)), 401, reason::UNAUTHORIZED);
}

#[test]
fn malformed_signatures_are_refused() {
    let good = sign(SECRET, PAYLOAD.as_bytes());
    let hex_only = good.trim_start_matches("sha256=").to_owned();
    for signature in [
        hex_only.as_str(),
        "sha256=",
        "sha256=not-hex",
        &good[..good.len() - 1],
    ] {
        let req = Req::new(KIND, PAYLOAD).header("x-hub-signature-256", signature);
        refused(req.handle(KIND, Some(SECRET)), 401, reason::UNAUTHORIZED);
    }
}

#[test]
fn a_plain_secret_is_not_a_signature() {
    let req = Req::new(KIND, PAYLOAD)
        .header("x-hub-signature-256", &format!("sha256={SECRET}"))
        .query("secret", SECRET);
    refused(req.handle(KIND, Some(SECRET)), 401, reason::UNAUTHORIZED);
}

#[test]
fn githubs_documented_signature_authenticates() {
    // GitHub's example body is not a package event, so getting past 401 to 400 proves the match.
    let secret = "It's a Secret to Everybody";
    let signature = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
    let req = Req::new(KIND, "Hello, World!").header("x-hub-signature-256", signature);
    refused(req.handle(KIND, Some(secret)), 400, reason::INVALID_PAYLOAD);
    refused(
        req.handle(KIND, Some("another secret")),
        401,
        reason::UNAUTHORIZED,
    );
}
