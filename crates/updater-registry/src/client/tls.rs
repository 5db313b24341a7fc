//! The endpoint's HTTP side: its API base URL (credentials stripped) and a reqwest client with
//! the endpoint's TLS trust (`insecure`, `ca_file`, `ca_data`, Argo CD's per-host CA mount).

use std::path::PathBuf;
use std::time::Duration;

use reqwest::Certificate;
use updater_core::registries::RegistryEndpoint;
use url::Url;

use super::{ClientOptions, RegistryError};

/// Longest connection setup, as in the original's transport (TLS handshake 10 s).
const CONNECT_TIMEOUT_CAP: Duration = Duration::from_secs(10);

/// The endpoint's `api_url` as an http(s) base without userinfo, query, fragment or trailing
/// `/`: userinfo would otherwise be sent as Basic auth and end up in messages.
pub(super) fn api_base(endpoint: &RegistryEndpoint) -> Result<Url, RegistryError> {
    let invalid = |source| RegistryError::InvalidApiUrl {
        name: endpoint.name.clone(),
        source,
    };
    let mut url = Url::parse(&endpoint.api_url).map_err(|e| invalid(Some(e)))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(invalid(None));
    }
    if !url.username().is_empty() || url.password().is_some() {
        tracing::warn!(registry = %endpoint.name, "ignoring userinfo in api_url; use credentials");
    }
    let _ = url.set_username("");
    let _ = url.set_password(None);
    url.set_query(None);
    url.set_fragment(None);
    let path = url.path().trim_end_matches('/').to_owned();
    url.set_path(&path);
    Ok(url)
}

/// A reqwest client trusting what the endpoint says to trust.
pub(super) fn http_client(
    endpoint: &RegistryEndpoint,
    base: &Url,
    options: &ClientOptions,
) -> Result<reqwest::Client, RegistryError> {
    // Idempotent; without a provider reqwest would panic when building.
    crate::install_crypto_provider();
    let registry = base.as_str().trim_end_matches('/');
    let builder = reqwest::Client::builder()
        .connect_timeout(options.request_timeout.min(CONNECT_TIMEOUT_CAP))
        .pool_idle_timeout(Duration::from_secs(90))
        .pool_max_idle_per_host(10)
        .redirect(reqwest::redirect::Policy::limited(5))
        .user_agent(concat!(
            "argocd-image-updater-rs/",
            env!("CARGO_PKG_VERSION")
        ));
    let builder = if endpoint.insecure {
        builder.tls_danger_accept_invalid_certs(true)
    } else {
        builder.tls_certs_merge(extra_roots(endpoint, base, options, registry)?)
    };
    builder
        .build()
        .map_err(|source| RegistryError::BuildHttpClient {
            registry: registry.to_owned(),
            source,
        })
}

/// Certificates from `ca_file` (or the per-host mount) and `ca_data`, added to the system's.
fn extra_roots(
    endpoint: &RegistryEndpoint,
    base: &Url,
    options: &ClientOptions,
    registry: &str,
) -> Result<Vec<Certificate>, RegistryError> {
    let mut certs = Vec::new();
    if let Some(path) = ca_file_path(endpoint, base, options) {
        certs.extend(read_ca_file(&path, registry)?);
    }
    if let Some(pem) = &endpoint.ca_data {
        certs.extend(parse_pem(pem.as_bytes(), "ca_data".to_owned(), registry)?);
    }
    Ok(certs)
}

/// The configured `ca_file`, else `<tls_certs_dir>/<api host>` when that file exists.
fn ca_file_path(
    endpoint: &RegistryEndpoint,
    base: &Url,
    options: &ClientOptions,
) -> Option<PathBuf> {
    if let Some(path) = &endpoint.ca_file {
        return Some(PathBuf::from(path));
    }
    let candidate = options.tls_certs_dir.as_ref()?.join(base.host_str()?);
    candidate.is_file().then_some(candidate)
}

fn read_ca_file(path: &std::path::Path, registry: &str) -> Result<Vec<Certificate>, RegistryError> {
    let shown = path.display().to_string();
    let pem = std::fs::read(path).map_err(|source| RegistryError::ReadCaFile {
        registry: registry.to_owned(),
        path: shown.clone(),
        source,
    })?;
    parse_pem(&pem, format!("ca_file `{shown}`"), registry)
}

/// At least one certificate, or an error naming where the PEM came from.
fn parse_pem(
    pem: &[u8],
    origin: String,
    registry: &str,
) -> Result<Vec<Certificate>, RegistryError> {
    let invalid = |source| RegistryError::InvalidCa {
        registry: registry.to_owned(),
        origin: origin.clone(),
        source,
    };
    let certs = Certificate::from_pem_bundle(pem).map_err(|e| invalid(Some(e)))?;
    if certs.is_empty() {
        return Err(invalid(None));
    }
    Ok(certs)
}
