//! Alibaba Cloud ACR push webhooks (payload of Alibaba's "Webhook" documentation).

use serde_json::json;

use super::*;

const KIND: RegistryType = RegistryType::AliyunAcr;
const DIGEST: &str = "sha256:457f4aa83fc9a6663ab9d1b0a6e2dce25a12a943ed5bf2c1747c58d48bbb4917";

pub(super) const PAYLOAD: &str = r#"{
  "push_data": {
    "digest": "sha256:457f4aa83fc9a6663ab9d1b0a6e2dce25a12a943ed5bf2c1747c58d48bbb4917",
    "pushed_at": "2016-11-29 12:25:46",
    "tag": "latest"
  },
  "repository": {
    "date_created": "2016-10-28 21:31:42",
    "name": "repoTest",
    "namespace": "namespace",
    "region": "cn-hangzhou",
    "repo_authentication_type": "NO_CERTIFIED",
    "repo_full_name": "namespace/repoTest",
    "repo_origin_type": "NO_CERTIFIED",
    "repo_type": "PUBLIC"
  }
}"#;

#[test]
fn documented_payload_derives_the_registry_from_the_region() {
    assert_eq!(
        accept(KIND, PAYLOAD),
        event(
            "registry.cn-hangzhou.aliyuncs.com",
            "namespace/repoTest",
            Some("latest"),
            Some(DIGEST)
        )
    );
}

#[test]
fn registry_url_query_parameter_wins() {
    for (url, host) in [
        (
            "my-instance-registry.cn-shanghai.cr.aliyuncs.com",
            "my-instance-registry.cn-shanghai.cr.aliyuncs.com",
        ),
        ("https://reg.example.com/", "reg.example.com"),
    ] {
        let req = Req::authed(KIND, PAYLOAD, SECRET).query("registry_url", url);
        assert_eq!(
            req.handle(KIND, Some(SECRET)).unwrap().registry,
            host,
            "{url}"
        );
    }
}

#[test]
fn registry_is_empty_without_region_or_registry_url() {
    let body = edit(PAYLOAD, "repository.region", None);
    assert_eq!(accept(KIND, &body).registry, "");
}

#[test]
fn repository_falls_back_to_namespace_and_name() {
    let body = edit(PAYLOAD, "repository.repo_full_name", None);
    assert_eq!(accept(KIND, &body).repository, "namespace/repoTest");
    let body = edit(&body, "repository.namespace", Some(json!(null)));
    assert_eq!(accept(KIND, &body).repository, "repoTest");
}

#[test]
fn missing_tag_is_refused_naming_it() {
    invalid(KIND, &edit(PAYLOAD, "push_data.tag", None), "push_data.tag");
}

#[test]
fn missing_repository_is_refused_naming_it() {
    invalid(
        KIND,
        &edit(PAYLOAD, "repository", None),
        "repository.repo_full_name",
    );
}

#[test]
fn digest_is_optional() {
    let body = edit(PAYLOAD, "push_data.digest", None);
    assert_eq!(accept(KIND, &body).digest, None);
}
