//! CloudEvents: ECR pushes forwarded by EventBridge, and generic container-image events.

use serde_json::json;

use super::*;

const KIND: RegistryType = RegistryType::CloudEvents;
const DIGEST: &str = "sha256:9a2e5e5b1c7d0e4f3a6b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b";

/// An EventBridge input transformer's CloudEvent for an ECR `PUSH` action.
pub(super) const ECR_PAYLOAD: &str = r#"{
  "specversion": "1.0",
  "id": "4f2c1a0e-7f3b-4c7e-9a1d-2b3c4d5e6f70",
  "source": "urn:aws:ecr:us-east-1:123456789012:repository/team/my-app",
  "type": "com.amazon.ecr.image.push",
  "subject": "team/my-app:v1.2.3",
  "time": "2024-05-01T10:00:00Z",
  "datacontenttype": "application/json",
  "data": {
    "repositoryName": "team/my-app",
    "imageDigest": "sha256:9a2e5e5b1c7d0e4f3a6b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b",
    "imageTag": "v1.2.3",
    "registryId": "123456789012"
  }
}"#;

const GENERIC_PAYLOAD: &str = r#"{
  "specversion": "1.0",
  "id": "42",
  "source": "https://Registry.Example.com/events",
  "type": "dev.example.container.image.pushed",
  "time": "2024-05-01T10:00:00Z",
  "data": {
    "repository": "team/app",
    "tag": "2.0.0",
    "digest": "sha256:9a2e5e5b1c7d0e4f3a6b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b"
  }
}"#;

const ECR_REGISTRY: &str = "123456789012.dkr.ecr.us-east-1.amazonaws.com";

#[test]
fn ecr_event_gives_the_ecr_registry_host() {
    assert_eq!(
        accept(KIND, ECR_PAYLOAD),
        event(ECR_REGISTRY, "team/my-app", Some("v1.2.3"), Some(DIGEST))
    );
}

#[test]
fn ecr_without_subject_reads_data_and_the_account_from_an_arn() {
    let body = edit(ECR_PAYLOAD, "subject", None);
    let body = edit(&body, "data.registryId", None);
    let body = edit(
        &body,
        "source",
        Some(json!(
            "arn:aws:ecr:eu-west-1:210987654321:repository/team/my-app"
        )),
    );
    assert_eq!(
        accept(KIND, &body),
        event(
            "210987654321.dkr.ecr.eu-west-1.amazonaws.com",
            "team/my-app",
            Some("v1.2.3"),
            Some(DIGEST)
        )
    );
}

#[test]
fn ecr_registry_id_overrides_the_source_account() {
    let body = edit(ECR_PAYLOAD, "data.registryId", Some(json!("999999999999")));
    assert_eq!(
        accept(KIND, &body).registry,
        "999999999999.dkr.ecr.us-east-1.amazonaws.com"
    );
}

#[test]
fn ecr_china_partition_uses_its_domain() {
    let body = edit(
        ECR_PAYLOAD,
        "source",
        Some(json!("arn:aws-cn:ecr:cn-north-1:123456789012:repository/x")),
    );
    assert_eq!(
        accept(KIND, &body).registry,
        "123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn"
    );
}

#[test]
fn ecr_without_a_usable_source_has_no_registry() {
    for source in [
        "https://ecr.example.com",
        "urn:aws:s3:us-east-1:1:bucket",
        "urn:aws:ecr::1:x",
    ] {
        let body = edit(ECR_PAYLOAD, "source", Some(json!(source)));
        invalid(KIND, &body, "missing registry");
    }
}

#[test]
fn subject_wins_over_data() {
    let body = edit(ECR_PAYLOAD, "subject", Some(json!("team/other:v9")));
    let got = accept(KIND, &body);
    assert_eq!(
        (got.repository.as_str(), got.tag.as_deref()),
        ("team/other", Some("v9"))
    );
}

#[test]
fn a_subject_without_a_tag_is_not_used() {
    for subject in [
        "team/other",
        "team/other:",
        ":v9",
        "localhost:5000/team/other",
    ] {
        let body = edit(ECR_PAYLOAD, "subject", Some(json!(subject)));
        let got = accept(KIND, &body);
        assert_eq!(
            (got.repository.as_str(), got.tag.as_deref()),
            ("team/my-app", Some("v1.2.3")),
            "{subject}"
        );
    }
}

#[test]
fn a_subject_may_carry_a_digest() {
    let body = edit(
        GENERIC_PAYLOAD,
        "subject",
        Some(json!("team/sub:1.0@sha256:abc")),
    );
    let got = accept(KIND, &body);
    assert_eq!(
        got,
        event(
            "registry.example.com",
            "team/sub",
            Some("1.0"),
            Some("sha256:abc")
        )
    );
}

#[test]
fn generic_event_takes_the_registry_from_the_source_url() {
    assert_eq!(
        accept(KIND, GENERIC_PAYLOAD),
        event(
            "registry.example.com",
            "team/app",
            Some("2.0.0"),
            Some(DIGEST)
        )
    );
}

#[test]
fn generic_event_prefers_the_registry_in_data() {
    let body = edit(
        GENERIC_PAYLOAD,
        "data.registryUrl",
        Some(json!("https://reg.internal:5000")),
    );
    assert_eq!(accept(KIND, &body).registry, "reg.internal:5000");
    let body = edit(GENERIC_PAYLOAD, "data.registry", Some(json!("ghcr.io")));
    assert_eq!(accept(KIND, &body).registry, "ghcr.io");
}

#[test]
fn generic_event_reads_the_camel_case_fields_first() {
    let body = edit(
        GENERIC_PAYLOAD,
        "data.repositoryName",
        Some(json!("team/first")),
    );
    let body = edit(&body, "data.imageTag", Some(json!("3.0.0")));
    let got = accept(KIND, &body);
    assert_eq!(
        (got.repository.as_str(), got.tag.as_deref()),
        ("team/first", Some("3.0.0"))
    );
}

#[test]
fn generic_event_without_registry_is_refused() {
    for source in [
        "/relative/source",
        "urn:example:registry",
        "registry.example.com/events",
    ] {
        let body = edit(GENERIC_PAYLOAD, "source", Some(json!(source)));
        invalid(KIND, &body, "missing registry");
    }
}

#[test]
fn repository_and_tag_are_required() {
    invalid(
        KIND,
        &edit(GENERIC_PAYLOAD, "data.repository", None),
        "missing repository",
    );
    invalid(
        KIND,
        &edit(GENERIC_PAYLOAD, "data.tag", None),
        "missing tag",
    );
    invalid(
        KIND,
        &edit(GENERIC_PAYLOAD, "data", None),
        "missing repository",
    );
}

#[test]
fn specversion_and_type_are_required() {
    invalid(KIND, &edit(ECR_PAYLOAD, "specversion", None), "specversion");
    invalid(KIND, &edit(ECR_PAYLOAD, "type", None), "`type`");
}

#[test]
fn other_event_types_are_refused_naming_the_type() {
    for kind in [
        "com.example.order.created",
        "com.amazon.s3.object.created",
        "push",
    ] {
        invalid(
            KIND,
            &edit(GENERIC_PAYLOAD, "type", Some(json!(kind))),
            "`type`",
        );
    }
}

#[test]
fn type_matching_ignores_case() {
    let body = edit(
        GENERIC_PAYLOAD,
        "type",
        Some(json!("io.Example.IMAGE.Pushed")),
    );
    assert_eq!(accept(KIND, &body).repository, "team/app");
}

#[test]
fn secret_header_is_accepted() {
    let req = Req::new(KIND, ECR_PAYLOAD).header("x-webhook-secret", SECRET);
    assert!(req.handle(KIND, Some(SECRET)).is_ok());
    let req = Req::new(KIND, ECR_PAYLOAD).header("x-webhook-secret", WRONG);
    refused(req.handle(KIND, Some(SECRET)), 401, reason::UNAUTHORIZED);
}

#[test]
fn a_non_empty_query_secret_is_the_one_checked() {
    let req = Req::new(KIND, ECR_PAYLOAD)
        .query("secret", WRONG)
        .header("x-webhook-secret", SECRET);
    refused(req.handle(KIND, Some(SECRET)), 401, reason::UNAUTHORIZED);
    let req = Req::new(KIND, ECR_PAYLOAD)
        .query("secret", "")
        .header("x-webhook-secret", SECRET);
    assert!(req.handle(KIND, Some(SECRET)).is_ok());
}

#[test]
fn cloudevents_content_types() {
    let with = |value: &str| {
        Req::authed(KIND, ECR_PAYLOAD, SECRET)
            .without_header("content-type")
            .header("content-type", value)
            .handle(KIND, Some(SECRET))
    };
    assert!(with("application/cloudevents+json; charset=UTF-8").is_ok());
    assert!(with("application/json").is_ok());
    refused(with("text/plain"), 415, reason::CONTENT_TYPE);
    refused(with("application/cloudevents"), 415, reason::CONTENT_TYPE);
    let req = Req::authed(KIND, ECR_PAYLOAD, SECRET).without_header("content-type");
    refused(req.handle(KIND, Some(SECRET)), 415, reason::CONTENT_TYPE);
}
