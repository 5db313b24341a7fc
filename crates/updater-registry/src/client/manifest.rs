//! Manifests (GET with the full Accept list, HEAD for the digest), blobs, and the `/v2/` ping;
//! every body is checked against the digest the registry announced or the caller asked for.

use bytes::Bytes;
use reqwest::Method;
use reqwest::header::{CONTENT_TYPE, HeaderMap};

use super::counts::RequestKind;
use super::transport::{Exchange, Reply};
use super::{RegistryClient, RequestError, digest};

/// The manifest media types the client accepts, sent on every manifest request: without them
/// distribution answers 404 for OCI manifests and indexes.
pub const MANIFEST_ACCEPT: &str = "application/vnd.oci.image.index.v1+json, \
     application/vnd.oci.image.manifest.v1+json, \
     application/vnd.docker.distribution.manifest.list.v2+json, \
     application/vnd.docker.distribution.manifest.v2+json";

/// Largest `/v2/` answer read.
const PING_BODY_LIMIT: usize = 64 * 1024;

/// A manifest as the registry served it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchedManifest {
    /// The media type: `Content-Type` when it is a manifest type, else the body's `mediaType`.
    pub media_type: String,
    /// `Docker-Content-Digest` when given (and verified), else the sha256 of `bytes`.
    pub digest: String,
    /// The manifest exactly as served (digests are over these bytes).
    pub bytes: Bytes,
}

impl RegistryClient {
    pub(super) async fn ping_v2(&self) -> Result<(), RequestError> {
        let exchange = Exchange::new(
            Method::GET,
            self.v2_url(""),
            RequestKind::Ping,
            PING_BODY_LIMIT,
        );
        let reply = self.send(&exchange).await?;
        match reply.status.as_u16() {
            200 => Ok(()),
            401 => {
                self.learn_challenge(&reply);
                Ok(())
            }
            status => Err(RequestError::UnexpectedStatus {
                path: reply.path(),
                status,
            }),
        }
    }

    pub(super) async fn fetch_manifest(
        &self,
        repository: &str,
        reference: &str,
    ) -> Result<FetchedManifest, RequestError> {
        let exchange = self.manifest_exchange(Method::GET, repository, reference);
        let reply = self.fetch(exchange, repository).await?.expect_success()?;
        let body_media_type = parse_manifest(&reply)?;
        let digest = checked_digest(&reply, reference)?;
        Ok(FetchedManifest {
            media_type: media_type(&reply.headers, body_media_type),
            digest,
            bytes: reply.body,
        })
    }

    pub(super) async fn manifest_digest(
        &self,
        repository: &str,
        reference: &str,
    ) -> Result<String, RequestError> {
        let exchange = self.manifest_exchange(Method::HEAD, repository, reference);
        let reply = self.fetch(exchange, repository).await?.expect_success()?;
        let announced = announced_digest(&reply)
            .ok_or_else(|| RequestError::MissingDigest { path: reply.path() })?;
        if digest::is_valid(reference) && announced != reference {
            return Err(mismatch(&reply, reference, announced));
        }
        Ok(announced)
    }

    pub(super) async fn fetch_blob(
        &self,
        repository: &str,
        blob: &str,
    ) -> Result<Bytes, RequestError> {
        let url = self.v2_url(&format!("{repository}/blobs/{blob}"));
        let limit = self.options.max_blob_bytes;
        let exchange = Exchange::new(Method::GET, url, RequestKind::Blob, limit);
        let reply = self.fetch(exchange, repository).await?.expect_success()?;
        digest::verify(&reply.body, blob).map_err(|actual| mismatch(&reply, blob, actual))?;
        Ok(reply.body)
    }

    fn manifest_exchange(&self, method: Method, repository: &str, reference: &str) -> Exchange {
        let url = self.v2_url(&format!("{repository}/manifests/{reference}"));
        let limit = self.options.max_manifest_bytes;
        let kind = if method == Method::HEAD {
            RequestKind::ManifestHead
        } else {
            RequestKind::Manifest
        };
        let mut exchange = Exchange::new(method, url, kind, limit);
        exchange.accept = Some(MANIFEST_ACCEPT);
        exchange
    }
}

/// Checks the body is a JSON object; its `mediaType`, if any.
fn parse_manifest(reply: &Reply) -> Result<Option<String>, RequestError> {
    let object: serde_json::Map<String, serde_json::Value> = serde_json::from_slice(&reply.body)
        .map_err(|source| RequestError::Parse {
            path: reply.path(),
            source,
        })?;
    Ok(object
        .get("mediaType")
        .and_then(|v| v.as_str())
        .map(str::to_owned))
}

/// Verifies the body against `Docker-Content-Digest` and a digest reference (when the
/// algorithm is one the client computes); the manifest's digest.
fn checked_digest(reply: &Reply, reference: &str) -> Result<String, RequestError> {
    let announced = announced_digest(reply);
    let requested = digest::is_valid(reference).then(|| reference.to_owned());
    for expected in [&announced, &requested].into_iter().flatten() {
        if digest::is_checkable(expected) {
            digest::verify(&reply.body, expected)
                .map_err(|actual| mismatch(reply, expected, actual))?;
        }
    }
    Ok(announced
        .or(requested)
        .unwrap_or_else(|| digest::sha256_of(&reply.body)))
}

/// A syntactically valid `Docker-Content-Digest`.
fn announced_digest(reply: &Reply) -> Option<String> {
    let value = reply.headers.get("docker-content-digest")?.to_str().ok()?;
    let value = value.trim();
    digest::is_valid(value).then(|| value.to_owned())
}

/// `Content-Type` without parameters when it names a manifest type, else the body's
/// `mediaType`, else whatever `Content-Type` said.
fn media_type(headers: &HeaderMap, body_media_type: Option<String>) -> String {
    let header = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or_default().trim().to_owned())
        .filter(|v| !v.is_empty());
    match header {
        Some(header) if MANIFEST_ACCEPT.split(", ").any(|t| t == header) => header,
        header => body_media_type.or(header).unwrap_or_default(),
    }
}

fn mismatch(reply: &Reply, expected: &str, actual: String) -> RequestError {
    RequestError::DigestMismatch {
        path: reply.path(),
        expected: expected.to_owned(),
        actual,
    }
}
