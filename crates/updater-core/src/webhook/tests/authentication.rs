//! HMAC-SHA256 against RFC 4231 and GitHub's documented example, and the constant-time
//! comparisons.

use super::super::auth::{constant_time_eq, github_signature_matches, hmac_sha256, secret_matches};

fn mac_hex(key: &[u8], data: &[u8]) -> String {
    hex::encode(hmac_sha256(key, data))
}

#[test]
fn rfc4231_case_1_short_key() {
    assert_eq!(
        mac_hex(&[0x0b; 20], b"Hi There"),
        "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
    );
}

#[test]
fn rfc4231_case_2_key_shorter_than_output() {
    assert_eq!(
        mac_hex(b"Jefe", b"what do ya want for nothing?"),
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    );
}

#[test]
fn rfc4231_case_3_combined_key_and_data_bytes() {
    assert_eq!(
        mac_hex(&[0xaa; 20], &[0xdd; 50]),
        "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"
    );
}

#[test]
fn rfc4231_case_4_counting_key() {
    let key: Vec<u8> = (1..=25).collect();
    assert_eq!(
        mac_hex(&key, &[0xcd; 50]),
        "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"
    );
}

#[test]
fn rfc4231_case_5_truncated_output() {
    let mac = mac_hex(&[0x0c; 20], b"Test With Truncation");
    assert_eq!(&mac[..32], "a3b6167473100ee06e0c796c2955552b");
}

#[test]
fn rfc4231_case_6_key_longer_than_a_block_is_hashed() {
    assert_eq!(
        mac_hex(
            &[0xaa; 131],
            b"Test Using Larger Than Block-Size Key - Hash Key First"
        ),
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
    );
}

#[test]
fn rfc4231_case_7_long_key_and_long_data() {
    let data = b"This is a test using a larger than block-size key and a larger than block-size \
                 data. The key needs to be hashed before being used by the HMAC algorithm.";
    assert_eq!(
        mac_hex(&[0xaa; 131], data),
        "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"
    );
}

#[test]
fn a_key_of_exactly_one_block_is_used_as_is() {
    // 64 bytes is the boundary: not hashed, unlike the 65-byte key.
    let block = [0x61u8; 64];
    let longer = [0x61u8; 65];
    assert_ne!(hmac_sha256(&block, b"m"), hmac_sha256(&longer, b"m"));
    assert_ne!(hmac_sha256(&block, b"m"), hmac_sha256(&block[..63], b"m"));
}

/// The example of GitHub's "Validating webhook deliveries" documentation.
const GITHUB_SECRET: &str = "It's a Secret to Everybody";
const GITHUB_SIGNATURE: &str =
    "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

#[test]
fn github_documented_signature_verifies() {
    assert!(github_signature_matches(
        GITHUB_SIGNATURE,
        GITHUB_SECRET,
        b"Hello, World!"
    ));
}

#[test]
fn github_signature_refuses_other_bodies_keys_and_shapes() {
    let body = b"Hello, World!";
    assert!(!github_signature_matches(
        GITHUB_SIGNATURE,
        GITHUB_SECRET,
        b"Hello, World"
    ));
    assert!(!github_signature_matches(
        GITHUB_SIGNATURE,
        "It's a secret to everybody",
        body
    ));
    let bare = GITHUB_SIGNATURE.trim_start_matches("sha256=");
    assert!(!github_signature_matches(bare, GITHUB_SECRET, body));
    let sha1 = format!("sha1={bare}");
    assert!(!github_signature_matches(&sha1, GITHUB_SECRET, body));
    assert!(!github_signature_matches("sha256=zz", GITHUB_SECRET, body));
    assert!(!github_signature_matches("sha256=", GITHUB_SECRET, body));
    let truncated = &GITHUB_SIGNATURE[..GITHUB_SIGNATURE.len() - 2];
    assert!(!github_signature_matches(truncated, GITHUB_SECRET, body));
}

#[test]
fn constant_time_eq_compares_every_byte_and_the_length() {
    assert!(constant_time_eq(b"abc", b"abc"));
    assert!(constant_time_eq(b"", b""));
    assert!(!constant_time_eq(b"abc", b"abd"));
    assert!(!constant_time_eq(b"abc", b"xbc"));
    assert!(!constant_time_eq(b"abc", b"abcd"));
    assert!(!constant_time_eq(b"abc", b""));
}

#[test]
fn secret_matches_only_the_exact_secret() {
    assert!(secret_matches("token", "token"));
    assert!(!secret_matches("token ", "token"));
    assert!(!secret_matches("Token", "token"));
    assert!(!secret_matches("tok", "token"));
    assert!(!secret_matches("", "token"));
}
