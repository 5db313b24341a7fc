//! The client's errors at two levels: [`RegistryError`] says which operation failed for which
//! registry, repository and reference; [`RequestError`] says why the exchange behind it failed.

use std::fmt::Write as _;
use std::time::Duration;

use crate::credentials::CredentialFetchError;

/// One entry of a registry's `{"errors":[{"code","message"}]}` body.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct RegistryApiError {
    /// The distribution error code, e.g. `MANIFEST_UNKNOWN`.
    #[serde(default)]
    pub code: String,
    /// The registry's human-readable message.
    #[serde(default)]
    pub message: String,
}

/// Why a registry operation failed. Messages never contain credentials or tokens.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    /// The endpoint's `api_url` is not an http(s) URL.
    #[error("invalid api_url for registry `{name}`")]
    InvalidApiUrl {
        /// The registry's configured name (the URL is not shown: it may hold userinfo).
        name: String,
        /// What is wrong with the URL, if it parsed at all.
        #[source]
        source: Option<url::ParseError>,
    },
    /// The CA bundle file could not be read.
    #[error("could not read ca_file `{path}` of registry `{registry}`")]
    ReadCaFile {
        /// The registry API URL.
        registry: String,
        /// The file.
        path: String,
        /// The I/O failure.
        #[source]
        source: std::io::Error,
    },
    /// The CA bundle (a file or `ca_data`) holds no valid PEM certificate.
    #[error("invalid CA certificates in {origin} of registry `{registry}`")]
    InvalidCa {
        /// The registry API URL.
        registry: String,
        /// `ca_data` or ``ca_file `<path>` ``.
        origin: String,
        /// Why the PEM was rejected, when the parser said.
        #[source]
        source: Option<reqwest::Error>,
    },
    /// The HTTP client could not be built (TLS setup).
    #[error("could not build the HTTP client for registry `{registry}`")]
    BuildHttpClient {
        /// The registry API URL.
        registry: String,
        /// The builder's failure.
        #[source]
        source: reqwest::Error,
    },
    /// A repository path that is not a valid distribution name.
    #[error("invalid repository name `{repository}` for registry `{registry}`")]
    InvalidRepository {
        /// The registry API URL.
        registry: String,
        /// The rejected path.
        repository: String,
    },
    /// A reference that is neither a tag nor a digest (or, for blobs, not a checkable digest).
    #[error("invalid reference `{reference}` for `{repository}` on registry `{registry}`")]
    InvalidReference {
        /// The registry API URL.
        registry: String,
        /// The repository path.
        repository: String,
        /// The rejected tag or digest.
        reference: String,
    },
    /// `GET /v2/` did not answer like a v2 registry.
    #[error("could not ping registry `{registry}`")]
    Ping {
        /// The registry API URL.
        registry: String,
        /// Why (boxed: it is large and errors travel by value).
        #[source]
        source: Box<RequestError>,
    },
    /// Listing the tags of a repository failed.
    #[error("could not list tags of `{repository}` on registry `{registry}`")]
    ListTags {
        /// The registry API URL.
        registry: String,
        /// The repository path.
        repository: String,
        /// Why (boxed: it is large and errors travel by value).
        #[source]
        source: Box<RequestError>,
    },
    /// Fetching a manifest failed.
    #[error("could not get manifest `{reference}` of `{repository}` from registry `{registry}`")]
    GetManifest {
        /// The registry API URL.
        registry: String,
        /// The repository path.
        repository: String,
        /// The tag or digest.
        reference: String,
        /// Why (boxed: it is large and errors travel by value).
        #[source]
        source: Box<RequestError>,
    },
    /// Resolving a manifest's digest with HEAD failed.
    #[error(
        "could not get the digest of manifest `{reference}` of `{repository}` from registry \
         `{registry}`"
    )]
    HeadManifest {
        /// The registry API URL.
        registry: String,
        /// The repository path.
        repository: String,
        /// The tag or digest.
        reference: String,
        /// Why (boxed: it is large and errors travel by value).
        #[source]
        source: Box<RequestError>,
    },
    /// Fetching a blob failed.
    #[error("could not get blob `{digest}` of `{repository}` from registry `{registry}`")]
    GetBlob {
        /// The registry API URL.
        registry: String,
        /// The repository path.
        repository: String,
        /// The blob digest.
        digest: String,
        /// Why (boxed: it is large and errors travel by value).
        #[source]
        source: Box<RequestError>,
    },
}

impl RegistryError {
    /// A stable class for metric labels and error policies, e.g. `not_found`, `auth`,
    /// `throttled`, `timeout`, `network`, `server_error`, `parse`, `config`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::InvalidApiUrl { .. }
            | Self::ReadCaFile { .. }
            | Self::InvalidCa { .. }
            | Self::BuildHttpClient { .. } => "config",
            Self::InvalidRepository { .. } | Self::InvalidReference { .. } => "invalid_input",
            Self::Ping { source, .. }
            | Self::ListTags { source, .. }
            | Self::GetManifest { source, .. }
            | Self::HeadManifest { source, .. }
            | Self::GetBlob { source, .. } => source.kind(),
        }
    }

    /// True when the registry said the repository, manifest or blob does not exist.
    pub fn is_not_found(&self) -> bool {
        self.kind() == "not_found"
    }

    /// The request-level cause, for operations that reached the registry.
    pub fn request_error(&self) -> Option<&RequestError> {
        match self {
            Self::Ping { source, .. }
            | Self::ListTags { source, .. }
            | Self::GetManifest { source, .. }
            | Self::HeadManifest { source, .. }
            | Self::GetBlob { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// Why one exchange with the registry (with its retries, authentication and body checks)
/// failed. Paths are URL paths without query or userinfo.
#[derive(Debug, thiserror::Error)]
pub enum RequestError {
    /// Connecting or transferring failed on every attempt.
    #[error("request to `{path}` failed after {attempts} attempt(s)")]
    Network {
        /// The URL path.
        path: String,
        /// Attempts made.
        attempts: u32,
        /// The last transport failure.
        #[source]
        source: reqwest::Error,
    },
    /// Every attempt ran out of time.
    #[error("request to `{path}` timed out after {attempts} attempt(s) of `{timeout:?}`")]
    Timeout {
        /// The URL path.
        path: String,
        /// Attempts made.
        attempts: u32,
        /// The per-attempt limit.
        timeout: Duration,
    },
    /// The registry answered 5xx on every attempt.
    #[error("registry answered status {status} for `{path}` after {attempts} attempt(s)")]
    ServerError {
        /// The URL path.
        path: String,
        /// The last status.
        status: u16,
        /// Attempts made.
        attempts: u32,
    },
    /// The registry kept answering 429, or asked to wait longer than the client allows.
    #[error("throttled by the registry at `{path}` after {attempts} attempt(s){}", retry_after_text(.retry_after))]
    Throttled {
        /// The URL path.
        path: String,
        /// Attempts made.
        attempts: u32,
        /// The last `Retry-After`, when given.
        retry_after: Option<Duration>,
    },
    /// The registry (or its token service) refused access, after any credential refresh.
    #[error("access denied with status {status} at `{path}`{}", api_errors_text(.errors))]
    Unauthorized {
        /// The URL path.
        path: String,
        /// 401 or 403.
        status: u16,
        /// The registry's error entries, if any.
        errors: Vec<RegistryApiError>,
    },
    /// The registry demands credentials and none are configured.
    #[error(
        "registry demands `{scheme}` authentication at `{path}` and no credentials are configured"
    )]
    NoCredentials {
        /// The URL path.
        path: String,
        /// The challenge scheme.
        scheme: String,
    },
    /// The credential provider failed.
    #[error("could not get registry credentials")]
    Credentials {
        /// The provider's failure (it names the reference, never the value).
        #[source]
        source: CredentialFetchError,
    },
    /// Credentials would go to a plain-http token service of an https registry.
    #[error("refusing to send credentials to plain-http token realm `{realm}`")]
    InsecureRealm {
        /// The realm URL without query.
        realm: String,
    },
    /// The token service could not be asked.
    #[error("could not get a token from `{realm}`")]
    Token {
        /// The realm URL without query.
        realm: String,
        /// Why.
        #[source]
        source: Box<RequestError>,
    },
    /// The token service answered without `token` or `access_token`.
    #[error("token response from `{realm}` holds no token")]
    TokenMissing {
        /// The realm URL without query.
        realm: String,
    },
    /// Any other 4xx.
    #[error("registry answered status {status} for `{path}`{}", api_errors_text(.errors))]
    Rejected {
        /// The URL path.
        path: String,
        /// The status.
        status: u16,
        /// The registry's error entries, if any.
        errors: Vec<RegistryApiError>,
    },
    /// A status the operation cannot use (e.g. a 3xx left over, or 2xx on a ping other than 200).
    #[error("unexpected status {status} for `{path}`")]
    UnexpectedStatus {
        /// The URL path.
        path: String,
        /// The status.
        status: u16,
    },
    /// The body exceeds the client's limit.
    #[error("response body of `{path}` exceeds {limit} bytes")]
    TooLarge {
        /// The URL path.
        path: String,
        /// The limit in bytes.
        limit: usize,
    },
    /// The body is not the JSON expected.
    #[error("malformed JSON from `{path}`")]
    Parse {
        /// The URL path.
        path: String,
        /// The parser's explanation.
        #[source]
        source: serde_json::Error,
    },
    /// The body does not hash to the digest the registry announced or the caller asked for.
    #[error("content of `{path}` has digest `{actual}`, expected `{expected}`")]
    DigestMismatch {
        /// The URL path.
        path: String,
        /// The announced or requested digest.
        expected: String,
        /// The digest of the bytes received.
        actual: String,
    },
    /// A HEAD answer without a usable `Docker-Content-Digest`.
    #[error("no valid Docker-Content-Digest in the answer for `{path}`")]
    MissingDigest {
        /// The URL path.
        path: String,
    },
    /// A pagination `Link` that cannot be followed (malformed, or to another host).
    #[error("cannot follow pagination link `{link}` from `{path}`")]
    BadLink {
        /// The URL path of the page.
        path: String,
        /// The link target, without query.
        link: String,
    },
}

impl RequestError {
    /// A stable class for metric labels (see [`RegistryError::kind`]).
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Network { .. } => "network",
            Self::Timeout { .. } => "timeout",
            Self::ServerError { .. } => "server_error",
            Self::Throttled { .. } => "throttled",
            Self::Unauthorized { .. }
            | Self::NoCredentials { .. }
            | Self::InsecureRealm { .. }
            | Self::TokenMissing { .. } => "auth",
            Self::Credentials { .. } => "credentials",
            Self::Token { source, .. } => source.kind(),
            Self::Rejected { status: 404, .. } => "not_found",
            Self::Rejected { errors, .. } if errors.iter().any(is_unknown_code) => "not_found",
            Self::Rejected { .. } | Self::UnexpectedStatus { .. } => "client_error",
            Self::TooLarge { .. } => "too_large",
            Self::Parse { .. } => "parse",
            Self::DigestMismatch { .. } | Self::MissingDigest { .. } => "digest",
            Self::BadLink { .. } => "pagination",
        }
    }

    /// True for a refusal the client may answer by refreshing credentials once.
    pub(super) fn is_auth_rejection(&self) -> bool {
        match self {
            Self::Unauthorized { .. } => true,
            Self::Token { source, .. } => source.is_auth_rejection(),
            _ => false,
        }
    }
}

fn is_unknown_code(error: &RegistryApiError) -> bool {
    matches!(
        error.code.as_str(),
        "MANIFEST_UNKNOWN" | "NAME_UNKNOWN" | "BLOB_UNKNOWN"
    )
}

fn retry_after_text(retry_after: &Option<Duration>) -> String {
    retry_after.map_or_else(String::new, |d| format!(" (retry after `{d:?}`)"))
}

fn api_errors_text(errors: &[RegistryApiError]) -> String {
    let mut text = String::new();
    for (i, error) in errors.iter().enumerate() {
        text.push_str(if i == 0 { ": " } else { "; " });
        let _ = write!(text, "`{}`", error.code);
        if !error.message.is_empty() {
            let _ = write!(text, " {}", error.message);
        }
    }
    text
}

/// The `errors` of a registry error body, or none when the body is something else.
pub(super) fn parse_api_errors(body: &[u8]) -> Vec<RegistryApiError> {
    #[derive(serde::Deserialize)]
    struct Body {
        #[serde(default)]
        errors: Vec<RegistryApiError>,
    }
    serde_json::from_slice::<Body>(body)
        .map(|b| b.errors)
        .unwrap_or_default()
}
