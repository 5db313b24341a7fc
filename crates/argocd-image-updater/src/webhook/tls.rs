//! The webhook server's TLS: the certificate from `tls.crt`/`tls.key` when both are present and
//! not empty (refused when outside its validity period), otherwise an in-memory self-signed
//! ECDSA P-256 certificate valid one year for `localhost`, `127.0.0.1` and `::1` (spec §12).

mod validity;

use std::fs;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use anyhow::Context;
use rcgen::{CertificateParams, DnType, KeyPair, PKCS_ECDSA_P256_SHA256, SanType};
use rustls::ServerConfig;
use rustls::crypto::CryptoProvider;
use rustls::crypto::ring::{self, ALL_CIPHER_SUITES};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

use super::settings::{TlsSettings, TlsVersion};

#[cfg(test)]
mod tests;

/// Where the install manifests mount the webhook certificate.
pub const TLS_DIR: &str = "/app/config/tls";

/// How long the generated certificate is valid, as the original's (365 days).
const SELF_SIGNED_VALIDITY: Duration = Duration::from_secs(365 * 24 * 60 * 60);

/// A certificate chain and its key.
pub struct Identity {
    /// The chain, leaf first.
    pub chain: Vec<CertificateDer<'static>>,
    /// The leaf's private key.
    pub key: PrivateKeyDer<'static>,
}

/// The rustls configuration of the server: versions, suites, certificate and ALPN (`h2` only
/// with `http2`).
pub fn server_config(
    settings: &TlsSettings,
    identity: Identity,
    http2: bool,
) -> anyhow::Result<Arc<ServerConfig>> {
    let provider = CryptoProvider {
        cipher_suites: suites(settings),
        ..ring::default_provider()
    };
    let versions = protocol_versions(settings.min, settings.max);
    let mut config = ServerConfig::builder_with_provider(Arc::new(provider))
        .with_protocol_versions(&versions)
        .context("cannot configure the TLS versions")?
        .with_no_client_auth()
        .with_single_cert(identity.chain, identity.key)
        .context("the webhook certificate does not match its key")?;
    config.alpn_protocols = if http2 {
        vec![b"h2".to_vec(), b"http/1.1".to_vec()]
    } else {
        vec![b"http/1.1".to_vec()]
    };
    Ok(Arc::new(config))
}

/// Every TLS 1.3 suite, then the chosen TLS 1.2 ones (rustls' defaults when none are chosen).
fn suites(settings: &TlsSettings) -> Vec<rustls::SupportedCipherSuite> {
    let tls13 = ALL_CIPHER_SUITES
        .iter()
        .copied()
        .filter(|suite| matches!(suite, rustls::SupportedCipherSuite::Tls13(_)));
    let tls12 = match &settings.tls12_suites {
        Some(chosen) => chosen.clone(),
        None => ring::DEFAULT_CIPHER_SUITES
            .iter()
            .copied()
            .filter(|suite| matches!(suite, rustls::SupportedCipherSuite::Tls12(_)))
            .collect(),
    };
    tls13.chain(tls12).collect()
}

fn protocol_versions(
    min: TlsVersion,
    max: TlsVersion,
) -> Vec<&'static rustls::SupportedProtocolVersion> {
    let mut versions = Vec::new();
    if max >= TlsVersion::V1_3 {
        versions.push(&rustls::version::TLS13);
    }
    if min <= TlsVersion::V1_2 {
        versions.push(&rustls::version::TLS12);
    }
    versions
}

/// The identity in `dir` when `tls.crt` and `tls.key` are both there and not empty, checked
/// against `now`; a generated self-signed one otherwise.
pub fn load_or_generate(dir: &Path, now: SystemTime) -> anyhow::Result<Identity> {
    let (cert_path, key_path) = (dir.join("tls.crt"), dir.join("tls.key"));
    match (read_non_empty(&cert_path)?, read_non_empty(&key_path)?) {
        (Some(cert), Some(key)) => {
            let identity = parse_identity(&cert, &key, &cert_path, &key_path)?;
            validity::check(&identity.chain[0], now)
                .with_context(|| format!("unusable certificate `{}`", cert_path.display()))?;
            tracing::info!("webhook TLS certificate from `{}`", cert_path.display());
            Ok(identity)
        }
        _ => {
            tracing::info!(
                "no certificate in `{}`: serving webhooks with a generated self-signed one",
                dir.display()
            );
            self_signed(now)
        }
    }
}

/// The file's content, `None` when it is missing or empty.
fn read_non_empty(path: &Path) -> anyhow::Result<Option<Vec<u8>>> {
    match fs::read(path) {
        Ok(bytes) if bytes.is_empty() => Ok(None),
        Ok(bytes) => Ok(Some(bytes)),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(error).with_context(|| format!("cannot read `{}`", path.display())),
    }
}

fn parse_identity(
    cert: &[u8],
    key: &[u8],
    cert_path: &Path,
    key_path: &Path,
) -> anyhow::Result<Identity> {
    let chain = CertificateDer::pem_slice_iter(cert)
        .collect::<Result<Vec<_>, _>>()
        .with_context(|| format!("invalid PEM certificate `{}`", cert_path.display()))?;
    anyhow::ensure!(
        !chain.is_empty(),
        "no certificate in `{}`",
        cert_path.display()
    );
    let key = PrivateKeyDer::from_pem_slice(key)
        .with_context(|| format!("invalid PEM private key `{}`", key_path.display()))?;
    Ok(Identity { chain, key })
}

/// A self-signed ECDSA P-256 certificate for `localhost`, `127.0.0.1` and `::1`, valid from
/// `now` for [`SELF_SIGNED_VALIDITY`].
pub fn self_signed(now: SystemTime) -> anyhow::Result<Identity> {
    let key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256)
        .context("cannot generate the webhook TLS key")?;
    let mut params = CertificateParams::default();
    params
        .distinguished_name
        .push(DnType::CommonName, "argocd-image-updater webhook");
    params.subject_alt_names = vec![
        SanType::DnsName("localhost".try_into().context("invalid DNS name")?),
        SanType::IpAddress(IpAddr::V4(Ipv4Addr::LOCALHOST)),
        SanType::IpAddress(IpAddr::V6(Ipv6Addr::LOCALHOST)),
    ];
    params.not_before = now.into();
    params.not_after = (now + SELF_SIGNED_VALIDITY).into();
    let cert = params
        .self_signed(&key)
        .context("cannot sign the webhook TLS certificate")?;
    let key = PrivatePkcs8KeyDer::from(key.serialize_der());
    Ok(Identity {
        chain: vec![cert.der().clone()],
        key: key.into(),
    })
}
