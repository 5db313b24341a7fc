//! Certificates: the generated one, files used when present and refused outside their
//! validity, the validity reader on both time forms, and the rustls configuration.

use std::path::PathBuf;
use std::time::UNIX_EPOCH;

use rustls::ProtocolVersion;

use super::validity::validity;
use super::*;

const DAY: Duration = Duration::from_secs(24 * 60 * 60);

/// A PEM certificate and key valid from `not_before` to `not_after`.
fn pem_identity(not_before: SystemTime, not_after: SystemTime) -> (String, String, Vec<u8>) {
    let key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).unwrap();
    let mut params = CertificateParams::new(vec!["localhost".to_owned()]).unwrap();
    params.not_before = not_before.into();
    params.not_after = not_after.into();
    let cert = params.self_signed(&key).unwrap();
    (cert.pem(), key.serialize_pem(), cert.der().to_vec())
}

fn write_identity(dir: &Path, cert: &str, key: &str) {
    fs::write(dir.join("tls.crt"), cert).unwrap();
    fs::write(dir.join("tls.key"), key).unwrap();
}

fn timestamp(time: SystemTime) -> jiff::Timestamp {
    jiff::Timestamp::try_from(time).unwrap()
}

/// `time` truncated to whole seconds, as certificates store it.
fn seconds(time: SystemTime) -> jiff::Timestamp {
    let secs = time.duration_since(UNIX_EPOCH).unwrap().as_secs();
    jiff::Timestamp::from_second(i64::try_from(secs).unwrap()).unwrap()
}

fn tls_settings(min: TlsVersion, max: TlsVersion) -> TlsSettings {
    TlsSettings {
        cert_dir: PathBuf::from("/nonexistent"),
        min,
        max,
        tls12_suites: None,
    }
}

#[test]
fn the_generated_certificate_is_valid_for_a_year_from_now() {
    let now = SystemTime::now();
    let identity = self_signed(now).unwrap();
    assert_eq!(identity.chain.len(), 1);
    let (not_before, not_after) = validity(&identity.chain[0]).unwrap();
    assert_eq!(not_before, seconds(now));
    assert_eq!(not_after, seconds(now + 365 * DAY));
    assert!(validity::check(&identity.chain[0], now).is_ok());
    assert!(validity::check(&identity.chain[0], now + 366 * DAY).is_err());
}

#[test]
fn a_missing_or_empty_file_means_a_generated_certificate() {
    let dir = tempfile::tempdir().unwrap();
    let now = SystemTime::now();
    let (cert, key, file_der) = pem_identity(now - DAY, now + DAY);
    for (cert_text, key_text) in [("", key.as_str()), (cert.as_str(), "")] {
        write_identity(dir.path(), cert_text, key_text);
        let identity = load_or_generate(dir.path(), now).unwrap();
        assert_ne!(identity.chain[0].as_ref(), file_der.as_slice());
    }
    fs::remove_file(dir.path().join("tls.key")).unwrap();
    let identity = load_or_generate(dir.path(), now).unwrap();
    assert_ne!(identity.chain[0].as_ref(), file_der.as_slice());
    let missing_dir = load_or_generate(&dir.path().join("absent"), now).unwrap();
    assert_eq!(missing_dir.chain.len(), 1);
}

#[test]
fn files_present_are_served() {
    let dir = tempfile::tempdir().unwrap();
    let now = SystemTime::now();
    let (cert, key, file_der) = pem_identity(now - DAY, now + DAY);
    write_identity(dir.path(), &cert, &key);
    let identity = load_or_generate(dir.path(), now).unwrap();
    assert_eq!(identity.chain[0].as_ref(), file_der.as_slice());
}

#[test]
fn a_file_certificate_outside_its_validity_fails() {
    let dir = tempfile::tempdir().unwrap();
    let now = SystemTime::now();
    let (cert, key, _) = pem_identity(now - 10 * DAY, now - DAY);
    write_identity(dir.path(), &cert, &key);
    let message = format!("{:#}", load_or_generate(dir.path(), now).err().unwrap());
    assert!(message.contains("tls.crt"), "{message}");
    assert!(message.contains("expired at"), "{message}");
    let (cert, key, _) = pem_identity(now + DAY, now + 10 * DAY);
    write_identity(dir.path(), &cert, &key);
    let message = format!("{:#}", load_or_generate(dir.path(), now).err().unwrap());
    assert!(message.contains("not valid before"), "{message}");
}

#[test]
fn unreadable_files_fail() {
    let dir = tempfile::tempdir().unwrap();
    let now = SystemTime::now();
    let (cert, key, _) = pem_identity(now - DAY, now + DAY);
    write_identity(dir.path(), "not a certificate", &key);
    let message = format!("{:#}", load_or_generate(dir.path(), now).err().unwrap());
    assert!(message.contains("no certificate in"), "{message}");
    write_identity(dir.path(), &cert, "not a key");
    let message = format!("{:#}", load_or_generate(dir.path(), now).err().unwrap());
    assert!(message.contains("invalid PEM private key"), "{message}");
}

#[test]
fn a_key_of_another_certificate_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let now = SystemTime::now();
    let (cert, _, _) = pem_identity(now - DAY, now + DAY);
    let (_, other_key, _) = pem_identity(now - DAY, now + DAY);
    write_identity(dir.path(), &cert, &other_key);
    let identity = load_or_generate(dir.path(), now).unwrap();
    let settings = tls_settings(TlsVersion::V1_3, TlsVersion::V1_3);
    let message = format!(
        "{:#}",
        server_config(&settings, identity, false).err().unwrap()
    );
    assert!(message.contains("does not match its key"), "{message}");
}

#[test]
fn both_time_forms_are_read() {
    // rcgen writes UTCTime before 2050 and GeneralizedTime from 2050 on.
    let from = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    let to = UNIX_EPOCH + Duration::from_secs(2_900_000_000);
    let (_, _, der) = pem_identity(from, to);
    let (not_before, not_after) = validity(&der).unwrap();
    assert_eq!((not_before, not_after), (timestamp(from), timestamp(to)));
    assert_eq!(not_after.to_string(), "2061-11-23T19:33:20Z");
}

#[test]
fn garbage_has_no_validity() {
    for der in [
        &b""[..],
        b"\x30",
        b"\x30\x05abc",
        b"\x04\x00",
        b"\x30\x84\xff\xff\xff\xff",
    ] {
        assert_eq!(validity(der), None, "{der:?}");
    }
    let message = format!(
        "{:#}",
        validity::check(&CertificateDer::from(vec![0x30, 0]), SystemTime::now()).unwrap_err()
    );
    assert!(
        message.contains("cannot read the validity period"),
        "{message}"
    );
}

#[test]
fn the_configuration_offers_the_chosen_versions_and_protocols() {
    let cases = [
        (
            TlsVersion::V1_3,
            TlsVersion::V1_3,
            vec![ProtocolVersion::TLSv1_3],
        ),
        (
            TlsVersion::V1_2,
            TlsVersion::V1_3,
            vec![ProtocolVersion::TLSv1_3, ProtocolVersion::TLSv1_2],
        ),
        (
            TlsVersion::V1_2,
            TlsVersion::V1_2,
            vec![ProtocolVersion::TLSv1_2],
        ),
    ];
    for (min, max, expected) in cases {
        let offered: Vec<_> = protocol_versions(min, max)
            .iter()
            .map(|version| version.version)
            .collect();
        assert_eq!(offered, expected, "{min:?}..{max:?}");
        let identity = self_signed(SystemTime::now()).unwrap();
        let config = server_config(&tls_settings(min, max), identity, false).unwrap();
        assert_eq!(config.alpn_protocols, [b"http/1.1".to_vec()]);
    }
    let identity = self_signed(SystemTime::now()).unwrap();
    let settings = tls_settings(TlsVersion::V1_3, TlsVersion::V1_3);
    let config = server_config(&settings, identity, true).unwrap();
    assert_eq!(
        config.alpn_protocols,
        [b"h2".to_vec(), b"http/1.1".to_vec()]
    );
}

#[test]
fn chosen_tls12_suites_replace_the_defaults_and_tls13_ones_stay() {
    let chosen = rustls::crypto::ring::cipher_suite::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384;
    let mut settings = tls_settings(TlsVersion::V1_2, TlsVersion::V1_3);
    settings.tls12_suites = Some(vec![chosen]);
    let names: Vec<_> = suites(&settings)
        .iter()
        .map(|suite| suite.suite().as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "TLS13_AES_256_GCM_SHA384",
            "TLS13_AES_128_GCM_SHA256",
            "TLS13_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        ]
    );
}
