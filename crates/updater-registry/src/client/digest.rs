//! Content digests (`sha256:<hex>`, `sha512:<hex>`): syntax checks and verification of
//! received bytes, so a registry or cache in between cannot hand back other content.

use sha2::{Digest as _, Sha256, Sha512};

/// True for the OCI digest grammar `algorithm ":" encoded`.
pub(super) fn is_valid(text: &str) -> bool {
    let Some((algorithm, encoded)) = text.split_once(':') else {
        return false;
    };
    let algorithm_ok = !algorithm.is_empty()
        && algorithm
            .split(['+', '.', '_', '-'])
            .all(|part| !part.is_empty() && part.bytes().all(is_lower_alnum));
    let encoded_ok = !encoded.is_empty()
        && encoded
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'=' | b'_' | b'-'));
    algorithm_ok && encoded_ok
}

/// True when the client can compute this digest's algorithm and the hex has its length.
pub(super) fn is_checkable(text: &str) -> bool {
    let (expected_len, hex) = match text.split_once(':') {
        Some(("sha256", hex)) => (64, hex),
        Some(("sha512", hex)) => (128, hex),
        _ => return false,
    };
    hex.len() == expected_len && hex.bytes().all(is_lower_hex)
}

/// The `sha256:` digest of `bytes`.
pub(super) fn sha256_of(bytes: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(bytes)))
}

/// Checks `bytes` against `expected` (a checkable digest); the actual digest on mismatch.
pub(super) fn verify(bytes: &[u8], expected: &str) -> Result<(), String> {
    let actual = if expected.starts_with("sha512:") {
        format!("sha512:{}", hex::encode(Sha512::digest(bytes)))
    } else {
        sha256_of(bytes)
    };
    if actual == expected {
        Ok(())
    } else {
        Err(actual)
    }
}

fn is_lower_alnum(c: u8) -> bool {
    c.is_ascii_digit() || c.is_ascii_lowercase()
}

fn is_lower_hex(c: u8) -> bool {
    c.is_ascii_digit() || (b'a'..=b'f').contains(&c)
}

#[cfg(test)]
mod tests {
    use super::*;

    const EMPTY_SHA256: &str =
        "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    #[test]
    fn syntax() {
        assert!(is_valid(EMPTY_SHA256));
        assert!(is_valid(
            "multihash+base58:QmRZxt2b1FVZPNqd8hsiykDL3TdBDeTSPX9Kv46HmX4Gx8"
        ));
        for bad in [
            "",
            "sha256",
            ":abc",
            "SHA256:ab",
            "sha256:",
            "sha256:a/b",
            "a..b:c",
        ] {
            assert!(!is_valid(bad), "{bad}");
        }
        assert!(is_checkable(EMPTY_SHA256));
        assert!(!is_checkable("sha256:E3B0"));
        assert!(!is_checkable("md5:d41d8cd98f00b204e9800998ecf8427e"));
    }

    #[test]
    fn verification() {
        assert_eq!(sha256_of(b""), EMPTY_SHA256);
        assert_eq!(verify(b"", EMPTY_SHA256), Ok(()));
        assert_eq!(verify(b"x", EMPTY_SHA256), Err(sha256_of(b"x")));
        let sha512 = format!("sha512:{}", hex::encode(Sha512::digest(b"a")));
        assert_eq!(verify(b"a", &sha512), Ok(()));
    }
}
