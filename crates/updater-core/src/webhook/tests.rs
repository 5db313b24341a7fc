//! Tests for webhook handling: shared request builders, the checks every type shares, and one
//! module per registry type plus authentication and matching.

use super::*;

mod acr;
mod aliyun;
mod authentication;
mod cloudevents;
mod docker_hub;
mod ghcr;
mod harbor;
mod matching;
mod quay;

/// The secret every fixture is configured with.
const SECRET: &str = "s3cr3t-token";
/// A secret that is not the configured one.
const WRONG: &str = "not-the-secret";

/// An owned request that lends itself as a [`WebhookRequest`].
#[derive(Clone)]
struct Req {
    method: String,
    headers: Vec<(String, String)>,
    query: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Req {
    /// A POST of `body` with the headers `kind` requires, without credentials.
    fn new(kind: RegistryType, body: &str) -> Self {
        let req = Self {
            method: "POST".to_owned(),
            headers: Vec::new(),
            query: Vec::new(),
            body: body.as_bytes().to_vec(),
        };
        match kind {
            RegistryType::Ghcr => req.header("x-github-event", "package"),
            RegistryType::Harbor | RegistryType::Acr | RegistryType::CloudEvents => {
                req.header("content-type", "application/json")
            }
            RegistryType::DockerHub | RegistryType::Quay | RegistryType::AliyunAcr => req,
        }
    }

    /// [`Req::new`] with the credentials for `secret` in the place `kind` reads them from.
    fn authed(kind: RegistryType, body: &str, secret: &str) -> Self {
        Self::new(kind, body).credentials(kind, secret)
    }

    fn credentials(self, kind: RegistryType, secret: &str) -> Self {
        match kind {
            RegistryType::DockerHub
            | RegistryType::Quay
            | RegistryType::AliyunAcr
            | RegistryType::CloudEvents => self.query("secret", secret),
            RegistryType::Harbor | RegistryType::Acr => self.header("authorization", secret),
            RegistryType::Ghcr => {
                let signature = sign(secret, &self.body);
                self.header("x-hub-signature-256", &signature)
            }
        }
    }

    fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    fn without_header(mut self, name: &str) -> Self {
        self.headers.retain(|(key, _)| key != name);
        self
    }

    fn query(mut self, name: &str, value: &str) -> Self {
        self.query.push((name.to_owned(), value.to_owned()));
        self
    }

    fn method(mut self, method: &str) -> Self {
        self.method = method.to_owned();
        self
    }

    fn body(mut self, body: &str) -> Self {
        self.body = body.as_bytes().to_vec();
        self
    }

    fn handle(
        &self,
        kind: RegistryType,
        secret: Option<&str>,
    ) -> Result<RegistryEvent, WebhookError> {
        let request = WebhookRequest {
            method: &self.method,
            headers: &self.headers,
            query: &self.query,
            body: &self.body,
        };
        handle(kind, secret, &request)
    }
}

/// GitHub's `X-Hub-Signature-256` value for `body` under `secret`.
fn sign(secret: &str, body: &[u8]) -> String {
    format!(
        "sha256={}",
        hex::encode(auth::hmac_sha256(secret.as_bytes(), body))
    )
}

fn event(
    registry: &str,
    repository: &str,
    tag: Option<&str>,
    digest: Option<&str>,
) -> RegistryEvent {
    RegistryEvent {
        registry: registry.to_owned(),
        repository: repository.to_owned(),
        tag: tag.map(str::to_owned),
        digest: digest.map(str::to_owned),
    }
}

/// Handles a fixture authenticated with [`SECRET`] and expects an event.
fn accept(kind: RegistryType, body: &str) -> RegistryEvent {
    Req::authed(kind, body, SECRET)
        .handle(kind, Some(SECRET))
        .unwrap_or_else(|e| panic!("{} payload should be accepted: {e}", kind.as_str()))
}

/// Expects a refusal with `status` and `reason`; returns the message for further checks.
fn refused(result: Result<RegistryEvent, WebhookError>, status: u16, reason: &str) -> String {
    match result {
        Ok(event) => panic!("expected {status} {reason}, got {event:?}"),
        Err(error) => {
            assert_eq!((error.status, error.reason), (status, reason), "{error}");
            error.message
        }
    }
}

/// Expects `invalid_payload` with a message naming `field`.
fn invalid(kind: RegistryType, body: &str, field: &str) {
    let message = refused(
        Req::authed(kind, body, SECRET).handle(kind, Some(SECRET)),
        400,
        reason::INVALID_PAYLOAD,
    );
    assert!(message.contains(field), "`{message}` should name `{field}`");
}

/// `base` with the JSON value at the dotted `path` replaced (`None` removes it).
fn edit(base: &str, path: &str, value: Option<serde_json::Value>) -> String {
    let mut root: serde_json::Value = serde_json::from_str(base).expect("fixture is JSON");
    let mut steps: Vec<&str> = path.split('.').collect();
    let last = steps.pop().expect("non-empty path");
    let mut object = &mut root;
    for step in steps {
        object = object
            .get_mut(step)
            .unwrap_or_else(|| panic!("fixture has `{step}`"));
    }
    let map = object.as_object_mut().expect("an object");
    match value {
        Some(value) => map.insert(last.to_owned(), value),
        None => map.remove(last),
    };
    root.to_string()
}

/// A valid payload of each type, from the fixtures of the per-type modules.
fn fixture(kind: RegistryType) -> &'static str {
    match kind {
        RegistryType::DockerHub => docker_hub::PAYLOAD,
        RegistryType::Ghcr => ghcr::PAYLOAD,
        RegistryType::Quay => quay::PAYLOAD,
        RegistryType::Harbor => harbor::PAYLOAD,
        RegistryType::AliyunAcr => aliyun::PAYLOAD,
        RegistryType::Acr => acr::PAYLOAD,
        RegistryType::CloudEvents => cloudevents::ECR_PAYLOAD,
    }
}

#[test]
fn type_names_round_trip_and_are_the_documented_ones() {
    let names: Vec<&str> = RegistryType::ALL.iter().map(|k| k.as_str()).collect();
    assert_eq!(
        names,
        [
            "docker.io",
            "ghcr.io",
            "quay.io",
            "harbor",
            "aliyun-acr",
            "acr",
            "cloudevents"
        ]
    );
    for kind in RegistryType::ALL {
        assert_eq!(RegistryType::parse(kind.as_str()), Some(kind));
    }
    let flags: Vec<&str> = RegistryType::ALL.iter().map(|k| k.flag_name()).collect();
    assert_eq!(
        flags,
        [
            "docker",
            "ghcr",
            "quay",
            "harbor",
            "aliyun-acr",
            "acr",
            "cloudevents"
        ]
    );
}

#[test]
fn unknown_type_names_do_not_parse() {
    for text in ["", "docker", "Harbor", "ecr", "gcr.io", " acr"] {
        assert_eq!(RegistryType::parse(text), None, "{text:?}");
    }
}

#[test]
fn every_fixture_is_accepted_with_its_credentials() {
    for kind in RegistryType::ALL {
        let event = accept(kind, fixture(kind));
        assert!(!event.repository.is_empty(), "{}", kind.as_str());
    }
}

#[test]
fn every_type_refuses_other_methods_before_anything_else() {
    for kind in RegistryType::ALL {
        for method in ["GET", "PUT", "post", "DELETE"] {
            let req = Req::new(kind, "not json").method(method);
            let message = refused(req.handle(kind, Some(SECRET)), 405, reason::METHOD);
            assert!(message.contains(method), "{message}");
        }
    }
}

#[test]
fn every_type_refuses_missing_credentials() {
    for kind in RegistryType::ALL {
        let req = Req::new(kind, fixture(kind));
        refused(req.handle(kind, Some(SECRET)), 401, reason::UNAUTHORIZED);
    }
}

#[test]
fn every_type_refuses_wrong_credentials_without_saying_which() {
    for kind in RegistryType::ALL {
        let missing = refused(
            Req::new(kind, fixture(kind)).handle(kind, Some(SECRET)),
            401,
            reason::UNAUTHORIZED,
        );
        let wrong = refused(
            Req::authed(kind, fixture(kind), WRONG).handle(kind, Some(SECRET)),
            401,
            reason::UNAUTHORIZED,
        );
        assert_eq!(missing, wrong, "{}", kind.as_str());
        assert!(!wrong.contains(SECRET) && !wrong.contains(WRONG), "{wrong}");
    }
}

#[test]
fn every_type_refuses_an_empty_presented_secret() {
    for kind in RegistryType::ALL {
        let req = Req::authed(kind, fixture(kind), "");
        refused(req.handle(kind, Some(SECRET)), 401, reason::UNAUTHORIZED);
    }
}

#[test]
fn without_a_configured_secret_no_credentials_are_needed() {
    for kind in RegistryType::ALL {
        let req = Req::new(kind, fixture(kind));
        for secret in [None, Some("")] {
            let event = req.handle(kind, secret);
            assert_eq!(event, Ok(accept(kind, fixture(kind))), "{}", kind.as_str());
        }
    }
}

#[test]
fn every_type_refuses_malformed_json_after_authentication() {
    for kind in RegistryType::ALL {
        let req = Req::authed(kind, "{\"truncated\": ", SECRET);
        let message = refused(req.handle(kind, Some(SECRET)), 400, reason::INVALID_PAYLOAD);
        assert!(message.contains("malformed JSON"), "{message}");
        assert!(message.contains(kind.as_str()), "{message}");
    }
}

#[test]
fn every_type_refuses_json_that_is_not_an_object() {
    for kind in RegistryType::ALL {
        for body in ["[]", "\"text\"", "null", "42"] {
            let req = Req::authed(kind, body, SECRET);
            let message = refused(req.handle(kind, Some(SECRET)), 400, reason::INVALID_PAYLOAD);
            assert!(message.contains("not a JSON object"), "{message}");
        }
    }
}

#[test]
fn a_field_of_the_wrong_type_is_named() {
    let body = edit(
        docker_hub::PAYLOAD,
        "push_data.tag",
        Some(serde_json::json!(7)),
    );
    invalid(
        RegistryType::DockerHub,
        &body,
        "`push_data.tag` is not a string",
    );
    let body = edit(
        docker_hub::PAYLOAD,
        "push_data",
        Some(serde_json::json!("x")),
    );
    invalid(
        RegistryType::DockerHub,
        &body,
        "`push_data` is not an object",
    );
}
