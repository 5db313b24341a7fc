//! The webhook server's settings, resolved once from the `run` flags: which registry types are
//! accepted, the rate limit, and the TLS versions and cipher suites (checked here, so that a
//! bad value fails at startup with the flag's name).

use std::net::{Ipv4Addr, SocketAddr};
use std::num::NonZeroU64;
use std::path::PathBuf;

use anyhow::{Context, bail};
use rustls::SupportedCipherSuite;
use rustls::crypto::ring::ALL_CIPHER_SUITES;
use updater_core::secret::Secret;
use updater_core::webhook::RegistryType;

use super::router::Handlers;
use super::tls::TLS_DIR;
use crate::cli::RunArgs;

#[cfg(test)]
mod tests;

/// Everything the webhook server needs.
#[derive(Debug, Clone)]
pub struct WebhookSettings {
    /// Where to listen: every interface on `--webhook-port`.
    pub bind: SocketAddr,
    /// The accepted registry types and their secrets.
    pub handlers: Handlers,
    /// `--webhook-ratelimit-allowed`: events per hour, `None` for no limit.
    pub rate_limit: Option<NonZeroU64>,
    /// `None` with `--disable-tls`.
    pub tls: Option<TlsSettings>,
    /// `--enable-http2`: also HTTP/2 (otherwise HTTP/1.1 only).
    pub http2: bool,
}

/// How the webhook server speaks TLS.
#[derive(Debug, Clone)]
pub struct TlsSettings {
    /// The directory of `tls.crt` and `tls.key` ([`TLS_DIR`]).
    pub cert_dir: PathBuf,
    /// The lowest version offered (never below 1.2: rustls has no 1.1).
    pub min: TlsVersion,
    /// The highest version offered.
    pub max: TlsVersion,
    /// The TLS 1.2 cipher suites, in preference order; `None` for rustls' defaults. TLS 1.3
    /// suites are not configurable, as in the original.
    pub tls12_suites: Option<Vec<SupportedCipherSuite>>,
}

/// A TLS protocol version as the flags name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum TlsVersion {
    /// TLS 1.1: accepted as a lowest version only, where it means 1.2.
    V1_1,
    /// TLS 1.2.
    V1_2,
    /// TLS 1.3.
    V1_3,
}

impl TlsVersion {
    /// Parses `1.1`, `1.2`, `1.3`, optionally prefixed `tls`, in any case.
    pub fn parse(text: &str) -> Option<Self> {
        let lower = text.trim().to_ascii_lowercase();
        match lower.strip_prefix("tls").unwrap_or(&lower) {
            "1.1" => Some(Self::V1_1),
            "1.2" => Some(Self::V1_2),
            "1.3" => Some(Self::V1_3),
            _ => None,
        }
    }
}

/// Go's names of the TLS 1.3 suites, which are not configurable.
const GO_TLS13_SUITES: [&str; 3] = [
    "TLS_AES_128_GCM_SHA256",
    "TLS_AES_256_GCM_SHA384",
    "TLS_CHACHA20_POLY1305_SHA256",
];

/// Go's names of the secure TLS 1.2 CBC suites, which rustls does not implement.
const GO_CBC_SUITES: [&str; 4] = [
    "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
    "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
];

/// The webhook settings of `run`, or `None` when the server is off (`--enable-webhook` not
/// set, or port 0).
pub fn settings_from(args: &RunArgs) -> anyhow::Result<Option<WebhookSettings>> {
    if !args.enable_webhook {
        return Ok(None);
    }
    if args.webhook_port == 0 {
        tracing::warn!("the webhook server is enabled but `--webhook-port` is 0: not serving");
        return Ok(None);
    }
    let tls = if args.disable_tls {
        None
    } else {
        Some(tls_settings(
            &args.tlsminversion,
            &args.tlsmaxversion,
            &args.tlsciphers,
        )?)
    };
    Ok(Some(WebhookSettings {
        bind: SocketAddr::from((Ipv4Addr::UNSPECIFIED, args.webhook_port)),
        handlers: Handlers::resolve(|kind| secret_of(args, kind), args.webhook_require_secret),
        rate_limit: NonZeroU64::new(args.webhook_ratelimit_allowed),
        tls,
        http2: args.enable_http2,
    }))
}

/// The `--<flag_name>-webhook-secret` of `kind`.
fn secret_of(args: &RunArgs, kind: RegistryType) -> Option<Secret> {
    let secret = match kind {
        RegistryType::DockerHub => &args.docker_webhook_secret,
        RegistryType::Ghcr => &args.ghcr_webhook_secret,
        RegistryType::Quay => &args.quay_webhook_secret,
        RegistryType::Harbor => &args.harbor_webhook_secret,
        RegistryType::AliyunAcr => &args.aliyun_acr_webhook_secret,
        RegistryType::Acr => &args.acr_webhook_secret,
        RegistryType::CloudEvents => &args.cloudevents_webhook_secret,
    };
    Some(secret.clone())
}

/// The TLS settings from `--tlsminversion`, `--tlsmaxversion` and `--tlsciphers`, with the
/// certificate directory [`TLS_DIR`].
pub fn tls_settings(min: &str, max: &str, ciphers: &str) -> anyhow::Result<TlsSettings> {
    let (min, max) = versions(min, max)?;
    let tls12_suites = if ciphers.trim().is_empty() {
        None
    } else if min >= TlsVersion::V1_3 {
        tracing::warn!("TLS 1.3 cipher suites are not configurable: ignoring `--tlsciphers`");
        None
    } else {
        Some(cipher_suites(ciphers).context("invalid `--tlsciphers`")?)
    };
    Ok(TlsSettings {
        cert_dir: PathBuf::from(TLS_DIR),
        min,
        max,
        tls12_suites,
    })
}

/// The lowest and highest versions, the lowest raised from 1.1 to 1.2.
fn versions(min_text: &str, max_text: &str) -> anyhow::Result<(TlsVersion, TlsVersion)> {
    let min = parse_version("--tlsminversion", min_text)?;
    let max = parse_version("--tlsmaxversion", max_text)?;
    if max == TlsVersion::V1_1 {
        bail!(
            "`--tlsmaxversion` `{max_text}` is not supported: TLS 1.1 is not implemented, the \
             highest version must be 1.2 or 1.3"
        );
    }
    if min > max {
        bail!("`--tlsminversion` `{min_text}` is higher than `--tlsmaxversion` `{max_text}`");
    }
    if min == TlsVersion::V1_1 {
        tracing::warn!("TLS 1.1 is not implemented: the lowest TLS version is 1.2");
        return Ok((TlsVersion::V1_2, max));
    }
    Ok((min, max))
}

fn parse_version(flag: &str, text: &str) -> anyhow::Result<TlsVersion> {
    TlsVersion::parse(text).with_context(|| {
        format!("invalid `{flag}` `{text}`: expected 1.1, 1.2 or 1.3 (optionally `tls1.x`)")
    })
}

/// The TLS 1.2 suites named in a colon-separated list of Go names. TLS 1.3 names are
/// accepted and change nothing (Go does the same); at least one TLS 1.2 suite must remain.
pub fn cipher_suites(list: &str) -> anyhow::Result<Vec<SupportedCipherSuite>> {
    let mut suites = Vec::new();
    for name in list
        .split(':')
        .map(str::trim)
        .filter(|name| !name.is_empty())
    {
        if let Some(suite) = tls12_suite(name)?
            && !suites.contains(&suite)
        {
            suites.push(suite);
        }
    }
    if suites.is_empty() {
        bail!("`{list}` names no TLS 1.2 cipher suite");
    }
    Ok(suites)
}

/// The TLS 1.2 suite of a Go name; `None` for a TLS 1.3 one.
fn tls12_suite(name: &str) -> anyhow::Result<Option<SupportedCipherSuite>> {
    if GO_TLS13_SUITES.contains(&name) {
        return Ok(None);
    }
    if GO_CBC_SUITES.contains(&name) {
        bail!("cipher suite `{name}` is not supported (no CBC suites are implemented)");
    }
    // rustls names its TLS 1.2 suites as IANA and Go do.
    ALL_CIPHER_SUITES
        .iter()
        .copied()
        .filter(|suite| matches!(suite, SupportedCipherSuite::Tls12(_)))
        .find(|suite| suite.suite().as_str() == Some(name))
        .map(Some)
        .with_context(|| format!("unknown cipher suite `{name}`"))
}
