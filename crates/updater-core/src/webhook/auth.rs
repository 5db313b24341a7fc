//! Webhook authentication: HMAC-SHA256 (RFC 2104) over `sha2`, constant-time comparison, and the
//! per-type secret checks of spec §12 (query `secret`, `Authorization`, `X-Webhook-Secret`,
//! GitHub's `X-Hub-Signature-256`).

use sha2::{Digest, Sha256};

use super::request::{header, query};
use super::{RegistryType, WebhookError, WebhookRequest};

/// SHA-256's block size in bytes, the HMAC key length.
const BLOCK: usize = 64;
/// The prefix GitHub puts before the hex signature.
const GITHUB_SIGNATURE_PREFIX: &str = "sha256=";

/// HMAC-SHA256 of `message` under `key` (RFC 2104; verified against RFC 4231's vectors).
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut block = [0u8; BLOCK];
    if key.len() > BLOCK {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let inner_pad = block.map(|b| b ^ 0x36);
    let outer_pad = block.map(|b| b ^ 0x5c);
    let inner = Sha256::new()
        .chain_update(inner_pad)
        .chain_update(message)
        .finalize();
    Sha256::new()
        .chain_update(outer_pad)
        .chain_update(inner)
        .finalize()
        .into()
}

/// True when `a` and `b` are equal. Different lengths return false at once (a length is not
/// secret here: MACs have a fixed one); equal lengths are compared without an early exit.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let difference = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    // Keeps the optimiser from turning the fold into a short-circuiting comparison.
    std::hint::black_box(difference) == 0
}

/// True when a presented secret equals the configured one. Both are hashed first, so the
/// comparison takes the same time whatever their contents or lengths.
pub fn secret_matches(given: &str, expected: &str) -> bool {
    constant_time_eq(&Sha256::digest(given), &Sha256::digest(expected))
}

/// True when `signature` is `sha256=<hex>` and the hex is the HMAC of `body` under `secret`.
pub fn github_signature_matches(signature: &str, secret: &str, body: &[u8]) -> bool {
    let Some(hex_mac) = signature.strip_prefix(GITHUB_SIGNATURE_PREFIX) else {
        return false;
    };
    let Ok(given) = hex::decode(hex_mac) else {
        return false;
    };
    constant_time_eq(&given, &hmac_sha256(secret.as_bytes(), body))
}

/// Checks the credential `kind` expects against the configured, non-empty `secret`.
pub(super) fn authenticate(
    kind: RegistryType,
    secret: &str,
    request: &WebhookRequest<'_>,
) -> Result<(), WebhookError> {
    let accepted = match kind {
        RegistryType::DockerHub | RegistryType::Quay | RegistryType::AliyunAcr => {
            presented_matches(query(request, "secret"), secret)
        }
        RegistryType::Harbor | RegistryType::Acr => {
            presented_matches(header(request, "authorization"), secret)
        }
        RegistryType::Ghcr => header(request, "x-hub-signature-256")
            .is_some_and(|signature| github_signature_matches(signature, secret, request.body)),
        RegistryType::CloudEvents => presented_matches(cloudevents_secret(request), secret),
    };
    if accepted {
        Ok(())
    } else {
        Err(WebhookError::unauthorized())
    }
}

/// The query `secret` when present and non-empty, else the `X-Webhook-Secret` header.
fn cloudevents_secret<'r>(request: &WebhookRequest<'r>) -> Option<&'r str> {
    query(request, "secret")
        .filter(|s| !s.is_empty())
        .or_else(|| header(request, "x-webhook-secret"))
}

fn presented_matches(presented: Option<&str>, secret: &str) -> bool {
    presented.is_some_and(|given| secret_matches(given, secret))
}
