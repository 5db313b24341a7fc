//! [`Seeder`]: pushes images, indexes and tags to a [`RegistryServer`] over the registry HTTP
//! API with reqwest, as `push-curl.sh` does, so tests need no Docker.

use std::{collections::HashMap, error::Error, fmt, io, path::PathBuf, sync::Mutex};

use base64::{Engine, engine::general_purpose::STANDARD};
use reqwest::{Client, Method, RequestBuilder, Response, StatusCode, header};
use serde::Deserialize;

use crate::{
    image::{
        Blob, BuiltImage, ImageSpec, ManifestFormat, build_image, build_index, default_content,
    },
    registry::{AuthMode, RegistryServer, TOKEN_SERVICE},
};

/// Why seeding a registry failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum SeedError {
    /// The test CA could not be read.
    ReadCa {
        /// The CA file.
        path: PathBuf,
        /// What the file system said.
        source: io::Error,
    },
    /// The HTTP client could not be built (bad CA, no TLS provider).
    Client(reqwest::Error),
    /// A request got no response.
    Request {
        /// What was being done, e.g. `upload blob`.
        operation: &'static str,
        /// The URL.
        url: String,
        /// The transport error.
        source: reqwest::Error,
    },
    /// A request got an unexpected status.
    Status {
        /// What was being done, e.g. `upload blob`.
        operation: &'static str,
        /// The URL.
        url: String,
        /// The status.
        status: u16,
        /// The response body, for the registry's error code.
        body: String,
    },
    /// A response lacked a header the protocol requires.
    MissingHeader {
        /// What was being done.
        operation: &'static str,
        /// The header, e.g. `Location`.
        header: &'static str,
    },
    /// The token endpoint answered without a token.
    NoToken {
        /// The token URL.
        url: String,
    },
    /// The registry computed another digest for a manifest than the seeder did.
    DigestMismatch {
        /// The digest of the bytes sent.
        expected: String,
        /// The registry's `Docker-Content-Digest`.
        actual: String,
    },
}

impl fmt::Display for SeedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ReadCa { path, .. } => write!(f, "cannot read CA `{}`", path.display()),
            Self::Client(_) => f.write_str("cannot build the seeding HTTP client"),
            Self::Request { operation, url, .. } => write!(f, "{operation}: `{url}` failed"),
            Self::Status {
                operation,
                url,
                status,
                body,
            } => write!(f, "{operation}: `{url}` answered {status}: {body}"),
            Self::MissingHeader { operation, header } => {
                write!(f, "{operation}: response lacks `{header}`")
            }
            Self::NoToken { url } => write!(f, "token endpoint `{url}` returned no token"),
            Self::DigestMismatch { expected, actual } => {
                write!(f, "registry stored `{actual}` for manifest `{expected}`")
            }
        }
    }
}

impl Error for SeedError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        match self {
            Self::ReadCa { source, .. } => Some(source),
            Self::Client(source) | Self::Request { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// How the seeder authenticates.
#[derive(Debug, Clone)]
enum SeedAuth {
    Anonymous,
    /// Basic on every request (htpasswd mode).
    Basic {
        header: String,
    },
    /// Bearer tokens with push scope from `realm`, fetched with Basic credentials.
    Bearer {
        realm: String,
        basic: String,
    },
}

/// The token endpoint's answer; clients may send either field.
#[derive(Deserialize)]
struct TokenBody {
    token: Option<String>,
    access_token: Option<String>,
}

/// Pushes test content to one registry. Build it with [`Seeder::new`] or
/// [`RegistryServer::seeder`]; it keeps no borrow of the server.
#[derive(Debug)]
pub struct Seeder {
    client: Client,
    base: String,
    auth: SeedAuth,
    /// Push tokens by repository, so seeding costs one token request per repository.
    tokens: Mutex<HashMap<String, String>>,
}

impl Seeder {
    /// A seeder for `server` with its credentials, trusting its CA in TLS mode.
    ///
    /// Installs rustls' ring provider if none is installed yet.
    pub fn new(server: &RegistryServer) -> Result<Self, SeedError> {
        crate::install_crypto();
        let mut builder = Client::builder();
        if let Some(path) = server.ca_pem() {
            let pem = std::fs::read(&path).map_err(|source| SeedError::ReadCa { path, source })?;
            let ca = reqwest::Certificate::from_pem(&pem).map_err(SeedError::Client)?;
            builder = builder.tls_certs_only([ca]);
        }
        Ok(Self {
            client: builder.build().map_err(SeedError::Client)?,
            base: server.url(),
            auth: seed_auth(server),
            tokens: Mutex::new(HashMap::new()),
        })
    }

    /// Pushes one image under `repo:tag`; returns its manifest digest.
    pub async fn push_image(
        &self,
        repo: &str,
        tag: &str,
        spec: &ImageSpec,
    ) -> Result<String, SeedError> {
        let content = default_content(repo, tag, spec);
        let image = build_image(spec, spec.format, &content);
        self.push_blobs(repo, &image).await?;
        self.put_manifest(repo, tag, image.media_type, &image.manifest)
            .await
    }

    /// Pushes each spec as a child by digest, then an OCI index or Docker manifest list over
    /// them under `repo:tag`; returns the index digest. Children use the index's `format`.
    pub async fn push_index(
        &self,
        repo: &str,
        tag: &str,
        specs: &[ImageSpec],
        format: ManifestFormat,
    ) -> Result<String, SeedError> {
        let mut children = Vec::with_capacity(specs.len());
        for spec in specs {
            let content = default_content(repo, tag, spec);
            let image = build_image(spec, format, &content);
            self.push_blobs(repo, &image).await?;
            let digest = image.manifest.digest.clone();
            self.put_manifest(repo, &digest, image.media_type, &image.manifest)
                .await?;
            children.push((spec, image));
        }
        let refs: Vec<(&ImageSpec, &BuiltImage)> = children.iter().map(|(s, i)| (*s, i)).collect();
        let index = build_index(&refs, format);
        self.put_manifest(repo, tag, format.index_media_type(), &index)
            .await
    }

    /// Pushes one small image and tags it with every tag in `tags`; returns its digest.
    pub async fn push_tags(&self, repo: &str, tags: &[&str]) -> Result<String, SeedError> {
        let content = format!("{repo} shared by {} tags\n", tags.len());
        let image = build_image(&ImageSpec::default(), ManifestFormat::Oci, &content);
        self.push_blobs(repo, &image).await?;
        for tag in tags {
            self.put_manifest(repo, tag, image.media_type, &image.manifest)
                .await?;
        }
        Ok(image.manifest.digest)
    }

    /// Uploads the layer and the config unless the registry has them.
    async fn push_blobs(&self, repo: &str, image: &BuiltImage) -> Result<(), SeedError> {
        self.upload_blob(repo, &image.layer).await?;
        self.upload_blob(repo, &image.config).await
    }

    /// HEAD, then POST an upload session and PUT the whole blob to it (monolithic upload;
    /// distribution 2.8 ignores a body on the POST).
    async fn upload_blob(&self, repo: &str, blob: &Blob) -> Result<(), SeedError> {
        let url = format!("{}/v2/{repo}/blobs/{}", self.base, blob.digest);
        let head = self
            .send("check blob", Method::HEAD, &url, repo, |r| r)
            .await?;
        if head.status() == StatusCode::OK {
            return Ok(());
        }
        let url = format!("{}/v2/{repo}/blobs/uploads/", self.base);
        let started = self
            .send("start upload", Method::POST, &url, repo, |r| r)
            .await?;
        let started = expect(started, "start upload", StatusCode::ACCEPTED).await?;
        let location = self.upload_location(&started)?;
        let separator = if location.contains('?') { '&' } else { '?' };
        let url = format!("{location}{separator}digest={}", blob.digest);
        let body = blob.bytes.clone();
        let done = self
            .send("upload blob", Method::PUT, &url, repo, |r| {
                r.header(header::CONTENT_TYPE, "application/octet-stream")
                    .body(body)
            })
            .await?;
        expect(done, "upload blob", StatusCode::CREATED).await?;
        Ok(())
    }

    /// The absolute upload URL from a `Location` header (2.8 sends absolute ones; others may not).
    fn upload_location(&self, response: &Response) -> Result<String, SeedError> {
        let location = response
            .headers()
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .ok_or(SeedError::MissingHeader {
                operation: "start upload",
                header: "Location",
            })?;
        if location.starts_with("http://") || location.starts_with("https://") {
            Ok(location.to_owned())
        } else {
            Ok(format!("{}{location}", self.base))
        }
    }

    /// PUTs a manifest under `reference` (tag or digest) and checks the registry's digest.
    async fn put_manifest(
        &self,
        repo: &str,
        reference: &str,
        media_type: &'static str,
        manifest: &Blob,
    ) -> Result<String, SeedError> {
        let url = format!("{}/v2/{repo}/manifests/{reference}", self.base);
        let body = manifest.bytes.clone();
        let response = self
            .send("put manifest", Method::PUT, &url, repo, |r| {
                r.header(header::CONTENT_TYPE, media_type).body(body)
            })
            .await?;
        let response = expect(response, "put manifest", StatusCode::CREATED).await?;
        let actual = response
            .headers()
            .get("Docker-Content-Digest")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        if actual != manifest.digest {
            return Err(SeedError::DigestMismatch {
                expected: manifest.digest.clone(),
                actual: actual.to_owned(),
            });
        }
        Ok(manifest.digest.clone())
    }

    /// Sends an authorized request built by `build`; any status is returned as is.
    async fn send(
        &self,
        operation: &'static str,
        method: Method,
        url: &str,
        repo: &str,
        build: impl FnOnce(RequestBuilder) -> RequestBuilder,
    ) -> Result<Response, SeedError> {
        let authorization = self.authorization(repo).await?;
        let mut request = build(self.client.request(method, url));
        if let Some(value) = authorization {
            request = request.header(header::AUTHORIZATION, value);
        }
        request.send().await.map_err(|source| SeedError::Request {
            operation,
            url: url.to_owned(),
            source,
        })
    }

    /// The `Authorization` value for requests on `repo`, if any.
    async fn authorization(&self, repo: &str) -> Result<Option<String>, SeedError> {
        match &self.auth {
            SeedAuth::Anonymous => Ok(None),
            SeedAuth::Basic { header } => Ok(Some(header.clone())),
            SeedAuth::Bearer { realm, basic } => Ok(Some(format!(
                "Bearer {}",
                self.push_token(realm, basic, repo).await?
            ))),
        }
    }

    /// A `pull,push` token for `repo`, cached per repository.
    async fn push_token(&self, realm: &str, basic: &str, repo: &str) -> Result<String, SeedError> {
        if let Some(token) = self.cached_token(repo) {
            return Ok(token);
        }
        let scope = format!("repository:{repo}:pull,push");
        let url = format!(
            "{realm}?service={}&scope={}",
            query_escape(TOKEN_SERVICE),
            query_escape(&scope)
        );
        let response = self
            .client
            .get(&url)
            .header(header::AUTHORIZATION, basic)
            .send()
            .await
            .map_err(|source| request_error("fetch token", &url, source))?;
        let response = expect(response, "fetch token", StatusCode::OK).await?;
        let body: TokenBody = response
            .json()
            .await
            .map_err(|source| request_error("fetch token", &url, source))?;
        let token = body
            .token
            .or(body.access_token)
            .ok_or(SeedError::NoToken { url })?;
        self.cache_token(repo, &token);
        Ok(token)
    }

    fn cached_token(&self, repo: &str) -> Option<String> {
        let tokens = self.tokens.lock().unwrap_or_else(|e| e.into_inner());
        tokens.get(repo).cloned()
    }

    fn cache_token(&self, repo: &str, token: &str) {
        let mut tokens = self.tokens.lock().unwrap_or_else(|e| e.into_inner());
        tokens.insert(repo.to_owned(), token.to_owned());
    }
}

/// The seeder's authentication for the server's mode.
fn seed_auth(server: &RegistryServer) -> SeedAuth {
    let basic = match (server.username(), server.password()) {
        (Some(user), Some(password)) => basic_header(user, password),
        _ => return SeedAuth::Anonymous,
    };
    match (server.options().auth, server.token_realm()) {
        (AuthMode::Token, Some(realm)) => SeedAuth::Bearer { realm, basic },
        _ => SeedAuth::Basic { header: basic },
    }
}

/// `Basic base64(user:password)`.
fn basic_header(user: &str, password: &str) -> String {
    format!("Basic {}", STANDARD.encode(format!("{user}:{password}")))
}

/// Passes `response` through when it has status `want`, else reads the body into an error.
async fn expect(
    response: Response,
    operation: &'static str,
    want: StatusCode,
) -> Result<Response, SeedError> {
    if response.status() == want {
        return Ok(response);
    }
    let url = response.url().to_string();
    let status = response.status().as_u16();
    let body = response.text().await.unwrap_or_default();
    Err(SeedError::Status {
        operation,
        url,
        status,
        body,
    })
}

fn request_error(operation: &'static str, url: &str, source: reqwest::Error) -> SeedError {
    SeedError::Request {
        operation,
        url: url.to_owned(),
        source,
    }
}

/// Percent-encodes a query value (reqwest is built without its `query` feature).
fn query_escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~:/,".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_escape_keeps_scope_readable() {
        assert_eq!(
            query_escape("repository:a/b:pull,push"),
            "repository:a/b:pull,push"
        );
        assert_eq!(query_escape("a b&c"), "a%20b%26c");
    }

    #[test]
    fn basic_header_encodes_credentials() {
        assert_eq!(
            basic_header("testuser", "testpass"),
            "Basic dGVzdHVzZXI6dGVzdHBhc3M="
        );
    }
}
