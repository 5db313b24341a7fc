//! Registry bearer tokens: RS256 JWS signed with `ring`, identified by a libtrust key id.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use jiff::{Timestamp, ToSpan};
use ring::{
    rand::{SecureRandom, SystemRandom},
    signature::{RSA_PKCS1_SHA256, RsaKeyPair},
};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::{
    config::{TOKEN_ISSUER, TOKEN_SERVICE},
    error::TestkitError,
};

/// How long a token is valid, also sent as `expires_in`.
pub(crate) const TOKEN_TTL_SECONDS: i64 = 300;

/// The libtrust key id of a public key, as distribution 2.8 expects in a token's `kid`.
///
/// SHA-256 of the DER SubjectPublicKeyInfo, first 30 bytes, base32 (RFC 4648, no padding),
/// in 12 groups of 4 characters joined by `:`, e.g. `W7UF:36VF:…`.
pub fn libtrust_key_id(spki_der: &[u8]) -> String {
    let digest = Sha256::digest(spki_der);
    let encoded = base32(&digest[..30]);
    let groups: Vec<&str> = encoded
        .as_bytes()
        .chunks(4)
        .map(|g| std::str::from_utf8(g).unwrap_or_default())
        .collect();
    groups.join(":")
}

/// RFC 4648 base32 without padding.
fn base32(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &byte in bytes {
        buffer = (buffer << 8) | u32::from(byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(ALPHABET[((buffer >> bits) & 31) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(ALPHABET[((buffer << (5 - bits)) & 31) as usize]));
    }
    out
}

/// One granted scope entry of the `access` claim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Access {
    /// Resource type, normally `repository`.
    #[serde(rename = "type")]
    pub(crate) kind: String,
    /// Resource name, e.g. `myorg/app`.
    pub(crate) name: String,
    /// Granted actions, e.g. `["pull", "push"]`.
    pub(crate) actions: Vec<String>,
}

/// The JOSE header.
#[derive(Serialize)]
struct Header<'a> {
    typ: &'static str,
    alg: &'static str,
    kid: &'a str,
}

/// The claims distribution checks (`iss`, `aud`, `nbf`, `exp`, `access`) and the usual rest.
#[derive(Serialize)]
struct Claims<'a> {
    iss: &'static str,
    sub: &'a str,
    aud: &'static str,
    exp: i64,
    nbf: i64,
    iat: i64,
    jti: String,
    access: &'a [Access],
}

/// Signs tokens with the token service's RSA key.
#[derive(Debug)]
pub(crate) struct Issuer {
    key: RsaKeyPair,
    kid: String,
    rng: SystemRandom,
}

impl Issuer {
    /// Loads the PKCS#8 private key; `spki_der` is its public half, for the key id.
    pub(crate) fn new(pkcs8_der: &[u8], spki_der: &[u8]) -> Result<Self, TestkitError> {
        let key = RsaKeyPair::from_pkcs8(pkcs8_der)
            .map_err(|e| TestkitError::SigningKey(e.to_string()))?;
        Ok(Self {
            key,
            kid: libtrust_key_id(spki_der),
            rng: SystemRandom::new(),
        })
    }

    /// A compact JWS granting `access` to `subject`, valid from `now` for [`TOKEN_TTL_SECONDS`].
    pub(crate) fn mint(
        &self,
        subject: &str,
        access: &[Access],
        now: Timestamp,
    ) -> Result<String, ring::error::Unspecified> {
        let header = Header {
            typ: "JWT",
            alg: "RS256",
            kid: &self.kid,
        };
        let iat = now.as_second();
        let claims = Claims {
            iss: TOKEN_ISSUER,
            sub: subject,
            aud: TOKEN_SERVICE,
            exp: iat + TOKEN_TTL_SECONDS,
            // Slack for clock differences, as token-server.py allows.
            nbf: (now - 10.seconds()).as_second(),
            iat,
            jti: self.jti()?,
            access,
        };
        let signing_input = format!("{}.{}", encode_json(&header), encode_json(&claims));
        let mut signature = vec![0; self.key.public().modulus_len()];
        self.key.sign(
            &RSA_PKCS1_SHA256,
            &self.rng,
            signing_input.as_bytes(),
            &mut signature,
        )?;
        Ok(format!(
            "{signing_input}.{}",
            URL_SAFE_NO_PAD.encode(signature)
        ))
    }

    /// A random token id.
    fn jti(&self) -> Result<String, ring::error::Unspecified> {
        let mut bytes = [0u8; 16];
        self.rng.fill(&mut bytes)?;
        Ok(hex::encode(bytes))
    }
}

/// base64url of compact JSON; serializing these plain structs cannot fail.
fn encode_json(value: &impl Serialize) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(value).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base32_matches_rfc4648_vectors() {
        assert_eq!(base32(b""), "");
        assert_eq!(base32(b"f"), "MY");
        assert_eq!(base32(b"fo"), "MZXQ");
        assert_eq!(base32(b"foobar"), "MZXW6YTBOI");
    }

    #[test]
    fn key_id_matches_token_server_py() {
        // Expected values computed with token-server.py's libtrust_kid algorithm.
        assert_eq!(
            libtrust_key_id(b""),
            "4OYM:IQUY:7QOB:JGX3:6TEJ:S35Z:EQT2:4QPE:MSNZ:GTFE:SWMR:W6CS"
        );
        assert_eq!(
            libtrust_key_id(b"updater-testkit"),
            "D7B5:NVW3:KNOF:WIDT:CQOG:WHMZ:QTDB:OVHC:XA7I:JBIV:KZXY:YQIO"
        );
    }
}
