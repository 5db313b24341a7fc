//! Registry webhooks (spec §12), pure: authenticates one request of a known registry type and
//! turns its payload into a [`RegistryEvent`]; [`concerns`] says whether an event is about an image.
//!
//! Order of checks, the same for every type: method (405), authentication (401), required headers
//! and content type (400 / 415), then the payload (400). Authentication comes before anything that
//! describes the request, so an unauthenticated caller learns nothing but "unauthorized".

mod acr;
mod aliyun;
pub mod auth;
mod cloudevents;
mod docker_hub;
mod ghcr;
mod harbor;
mod matching;
mod payload;
mod quay;
mod request;

#[cfg(test)]
mod tests;

pub use matching::{concerns, concerns_image};

use payload::Payload;

/// The stable `reason` values of [`WebhookError`], for metric labels and tests.
pub mod reason {
    /// Not a `POST` (405).
    pub const METHOD: &str = "method";
    /// Missing or wrong secret, missing or bad signature (401); which one is never said.
    pub const UNAUTHORIZED: &str = "unauthorized";
    /// A required header is missing or has the wrong value (400).
    pub const HEADER: &str = "header";
    /// The `Content-Type` is missing or not JSON where the type requires JSON (415).
    pub const CONTENT_TYPE: &str = "content_type";
    /// Malformed JSON, a missing required field, or a wrong action / event type (400).
    pub const INVALID_PAYLOAD: &str = "invalid_payload";
}

/// A request as the HTTP layer hands it over. Header names are lower-case.
///
/// Deliberately not `Debug`: headers and query carry secrets.
#[derive(Clone, Copy)]
pub struct WebhookRequest<'a> {
    /// The HTTP method as sent, e.g. `POST`.
    pub method: &'a str,
    /// The headers, names lower-case; the first of repeated headers counts.
    pub headers: &'a [(String, String)],
    /// The decoded query parameters; the first of repeated parameters counts.
    pub query: &'a [(String, String)],
    /// The exact body bytes (signatures are computed over them).
    pub body: &'a [u8],
}

/// The registry webhook types the receiver understands (`?type=` / `X-Registry-Type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RegistryType {
    /// Docker Hub (`docker.io`).
    DockerHub,
    /// GitHub Packages container registry (`ghcr.io`).
    Ghcr,
    /// Quay (`quay.io`).
    Quay,
    /// Harbor (`harbor`).
    Harbor,
    /// Alibaba Cloud Container Registry (`aliyun-acr`).
    AliyunAcr,
    /// Azure Container Registry (`acr`).
    Acr,
    /// CloudEvents: AWS ECR through EventBridge, or a generic container event (`cloudevents`).
    CloudEvents,
}

impl RegistryType {
    /// Every type, in the order the original documents them.
    pub const ALL: [RegistryType; 7] = [
        RegistryType::DockerHub,
        RegistryType::Ghcr,
        RegistryType::Quay,
        RegistryType::Harbor,
        RegistryType::AliyunAcr,
        RegistryType::Acr,
        RegistryType::CloudEvents,
    ];

    /// The type named by a `type` query value or `X-Registry-Type` header (exact, as the original).
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == text)
    }

    /// The type's name as requests spell it: `docker.io`, `ghcr.io`, `quay.io`, `harbor`,
    /// `aliyun-acr`, `acr`, `cloudevents`.
    pub fn as_str(self) -> &'static str {
        match self {
            RegistryType::DockerHub => "docker.io",
            RegistryType::Ghcr => "ghcr.io",
            RegistryType::Quay => "quay.io",
            RegistryType::Harbor => "harbor",
            RegistryType::AliyunAcr => "aliyun-acr",
            RegistryType::Acr => "acr",
            RegistryType::CloudEvents => "cloudevents",
        }
    }

    /// The `<x>` of the `--<x>-webhook-secret` flag.
    pub fn flag_name(self) -> &'static str {
        match self {
            RegistryType::DockerHub => "docker",
            RegistryType::Ghcr => "ghcr",
            RegistryType::Quay => "quay",
            RegistryType::Harbor => "harbor",
            RegistryType::AliyunAcr => "aliyun-acr",
            RegistryType::Acr => "acr",
            RegistryType::CloudEvents => "cloudevents",
        }
    }
}

/// What a push event says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistryEvent {
    /// The registry host, lower-case (`docker.io`, `ghcr.io`, `myreg.azurecr.io`, …); `""` only for
    /// an Aliyun event with neither `registry_url` nor region.
    pub registry: String,
    /// The repository path without registry or tag (`library/nginx`, `org/app`).
    pub repository: String,
    /// The pushed tag, if the payload names one.
    pub tag: Option<String>,
    /// The pushed digest, if the payload names one.
    pub digest: Option<String>,
}

/// Why a request is refused: the HTTP status, a short stable reason for metrics labels (one of
/// [`reason`]), and the message sent back.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct WebhookError {
    /// The HTTP status to answer with.
    pub status: u16,
    /// A stable label from [`reason`].
    pub reason: &'static str,
    /// The text for the response body; never contains a secret.
    pub message: String,
}

impl WebhookError {
    fn method(method: &str) -> Self {
        Self {
            status: 405,
            reason: reason::METHOD,
            message: format!("method `{method}` not allowed, webhooks must be sent with POST"),
        }
    }

    fn unauthorized() -> Self {
        Self {
            status: 401,
            reason: reason::UNAUTHORIZED,
            message: "webhook authentication failed".to_owned(),
        }
    }

    fn header(message: String) -> Self {
        Self {
            status: 400,
            reason: reason::HEADER,
            message,
        }
    }

    fn content_type(message: String) -> Self {
        Self {
            status: 415,
            reason: reason::CONTENT_TYPE,
            message,
        }
    }

    fn payload(kind: RegistryType, detail: impl std::fmt::Display) -> Self {
        Self {
            status: 400,
            reason: reason::INVALID_PAYLOAD,
            message: format!("invalid `{}` webhook payload: {detail}", kind.as_str()),
        }
    }
}

/// Authenticates and parses one request of `kind`. `secret`: the configured secret (None or empty
/// = no authentication, only possible with `--webhook-require-secret=false`).
pub fn handle(
    kind: RegistryType,
    secret: Option<&str>,
    request: &WebhookRequest<'_>,
) -> Result<RegistryEvent, WebhookError> {
    if request.method != "POST" {
        return Err(WebhookError::method(request.method));
    }
    if let Some(secret) = secret.filter(|s| !s.is_empty()) {
        auth::authenticate(kind, secret, request)?;
    }
    request::check_headers(kind, request)?;
    let payload = Payload::parse(kind, request.body)?;
    parse(kind, &payload, request)
}

/// The payload → event mapping of `kind` (the last column of the spec's table).
fn parse(
    kind: RegistryType,
    payload: &Payload,
    request: &WebhookRequest<'_>,
) -> Result<RegistryEvent, WebhookError> {
    match kind {
        RegistryType::DockerHub => docker_hub::parse(payload),
        RegistryType::Ghcr => ghcr::parse(payload),
        RegistryType::Quay => quay::parse(payload),
        RegistryType::Harbor => harbor::parse(payload),
        RegistryType::AliyunAcr => aliyun::parse(payload, request),
        RegistryType::Acr => acr::parse(payload),
        RegistryType::CloudEvents => cloudevents::parse(payload),
    }
}
