//! Docker Hub push webhooks (payload of Docker's "Webhooks" documentation).

use serde_json::json;

use super::*;

const KIND: RegistryType = RegistryType::DockerHub;

pub(super) const PAYLOAD: &str = r#"{
  "callback_url": "https://registry.hub.docker.com/u/svendowideit/testhook/hook/2141b5bi5i5b02bec211i4eeih0242eg11000a/",
  "push_data": {
    "pushed_at": 1417566161,
    "pusher": "trustedbuilder",
    "tag": "latest"
  },
  "repository": {
    "comment_count": 0,
    "date_created": 1417494799,
    "description": "",
    "dockerfile": "FROM busybox\n",
    "full_description": "Docker Hub based automated build from a GitHub repo",
    "is_official": false,
    "is_private": true,
    "is_trusted": true,
    "name": "testhook",
    "namespace": "svendowideit",
    "owner": "svendowideit",
    "repo_name": "svendowideit/testhook",
    "repo_url": "https://registry.hub.docker.com/u/svendowideit/testhook/",
    "star_count": 0,
    "status": "Active"
  }
}"#;

#[test]
fn documented_payload_gives_the_repository_and_tag() {
    assert_eq!(
        accept(KIND, PAYLOAD),
        event("docker.io", "svendowideit/testhook", Some("latest"), None)
    );
}

#[test]
fn repository_falls_back_to_namespace_and_name() {
    let body = edit(PAYLOAD, "repository.repo_name", None);
    let body = edit(&body, "repository.name", Some(json!("other")));
    assert_eq!(accept(KIND, &body).repository, "svendowideit/other");
}

#[test]
fn repository_falls_back_to_the_name_alone() {
    let body = edit(PAYLOAD, "repository.repo_name", Some(json!("")));
    let body = edit(&body, "repository.namespace", None);
    assert_eq!(accept(KIND, &body).repository, "testhook");
}

#[test]
fn missing_tag_is_refused_naming_it() {
    invalid(KIND, &edit(PAYLOAD, "push_data.tag", None), "push_data.tag");
    invalid(
        KIND,
        &edit(PAYLOAD, "push_data.tag", Some(json!(""))),
        "push_data.tag",
    );
    invalid(KIND, &edit(PAYLOAD, "push_data", None), "push_data.tag");
}

#[test]
fn missing_repository_is_refused_naming_it() {
    invalid(
        KIND,
        &edit(PAYLOAD, "repository", None),
        "repository.repo_name",
    );
    let body = edit(PAYLOAD, "repository.repo_name", None);
    invalid(
        KIND,
        &edit(&body, "repository.name", None),
        "repository.name",
    );
}

#[test]
fn secret_is_read_from_the_query_only() {
    let in_header = Req::new(KIND, PAYLOAD).header("authorization", SECRET);
    refused(
        in_header.handle(KIND, Some(SECRET)),
        401,
        reason::UNAUTHORIZED,
    );
    let other_param = Req::new(KIND, PAYLOAD).query("token", SECRET);
    refused(
        other_param.handle(KIND, Some(SECRET)),
        401,
        reason::UNAUTHORIZED,
    );
}

#[test]
fn the_first_secret_parameter_counts() {
    let first_right = Req::new(KIND, PAYLOAD)
        .query("secret", SECRET)
        .query("secret", WRONG);
    assert!(first_right.handle(KIND, Some(SECRET)).is_ok());
    let first_wrong = Req::new(KIND, PAYLOAD)
        .query("secret", WRONG)
        .query("secret", SECRET);
    refused(
        first_wrong.handle(KIND, Some(SECRET)),
        401,
        reason::UNAUTHORIZED,
    );
}

#[test]
fn no_content_type_is_required() {
    let req = Req::authed(KIND, PAYLOAD, SECRET).header("content-type", "text/plain");
    assert!(req.handle(KIND, Some(SECRET)).is_ok());
}
