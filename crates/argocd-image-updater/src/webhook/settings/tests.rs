//! The webhook settings from `run` flags: when the server is on, which handlers are
//! registered, and the TLS versions and cipher suites with each of their errors.

use clap::CommandFactory;

use super::*;
use crate::cli::{Cli, Command};

/// `run` with `argv` and no environment.
fn run_args(argv: &[&str]) -> RunArgs {
    let argv = ["argocd-image-updater", "run"]
        .into_iter()
        .chain(argv.iter().copied());
    let matches = Cli::command().try_get_matches_from(argv).unwrap();
    match Cli::from_matches_and_env(&matches, &|_| None)
        .unwrap()
        .command
    {
        Command::Run(args) => *args,
        other => panic!("not run: {other:?}"),
    }
}

fn settings(argv: &[&str]) -> anyhow::Result<Option<WebhookSettings>> {
    settings_from(&run_args(argv))
}

fn error(result: anyhow::Result<impl std::fmt::Debug>) -> String {
    format!("{:#}", result.expect_err("an error"))
}

#[test]
fn the_server_is_off_unless_enabled_with_a_port() {
    assert!(settings(&[]).unwrap().is_none());
    assert!(settings(&["--enable-webhook=false"]).unwrap().is_none());
    assert!(
        settings(&["--enable-webhook", "--webhook-port", "0"])
            .unwrap()
            .is_none()
    );
}

#[test]
fn the_defaults_are_the_originals() {
    let settings = settings(&["--enable-webhook"]).unwrap().unwrap();
    assert_eq!(settings.bind, "0.0.0.0:8082".parse().unwrap());
    assert!(settings.handlers.is_empty(), "no secret, secrets required");
    assert_eq!(settings.rate_limit, None);
    assert!(!settings.http2);
    let tls = settings.tls.unwrap();
    assert_eq!(tls.cert_dir, PathBuf::from("/app/config/tls"));
    assert_eq!((tls.min, tls.max), (TlsVersion::V1_3, TlsVersion::V1_3));
    assert!(tls.tls12_suites.is_none());
}

#[test]
fn the_flags_reach_the_settings() {
    let argv = [
        "--enable-webhook",
        "--webhook-port=9000",
        "--webhook-ratelimit-allowed=120",
        "--disable-tls",
        "--enable-http2",
        "--docker-webhook-secret=d",
        "--cloudevents-webhook-secret=c",
    ];
    let settings = settings(&argv).unwrap().unwrap();
    assert_eq!(settings.bind.port(), 9000);
    assert_eq!(settings.rate_limit, NonZeroU64::new(120));
    assert!(settings.tls.is_none() && settings.http2);
    let kinds: Vec<_> = settings.handlers.kinds().collect();
    assert_eq!(kinds, [RegistryType::DockerHub, RegistryType::CloudEvents]);
    let secret = settings.handlers.secret(RegistryType::CloudEvents);
    assert_eq!(secret.flatten().map(Secret::expose), Some("c"));
}

#[test]
fn each_secret_flag_registers_its_own_type() {
    for kind in RegistryType::ALL {
        let flag = format!("--{}-webhook-secret=s-{}", kind.flag_name(), kind.as_str());
        let settings = settings(&["--enable-webhook", &flag]).unwrap().unwrap();
        let kinds: Vec<_> = settings.handlers.kinds().collect();
        assert_eq!(kinds, [kind], "{flag}");
        let secret = settings.handlers.secret(kind).flatten().map(Secret::expose);
        assert_eq!(secret, Some(format!("s-{}", kind.as_str())).as_deref());
    }
}

#[test]
fn secrets_not_required_register_every_type() {
    let argv = [
        "--enable-webhook",
        "--webhook-require-secret=false",
        "--quay-webhook-secret=q",
    ];
    let handlers = settings(&argv).unwrap().unwrap().handlers;
    assert_eq!(handlers.kinds().collect::<Vec<_>>(), RegistryType::ALL);
    assert_eq!(handlers.secret(RegistryType::Harbor), Some(None));
    assert!(handlers.secret(RegistryType::Quay).flatten().is_some());
}

#[test]
fn tls_versions_are_read_in_every_spelling() {
    for (text, version) in [
        ("1.1", TlsVersion::V1_1),
        ("1.2", TlsVersion::V1_2),
        ("1.3", TlsVersion::V1_3),
        ("tls1.2", TlsVersion::V1_2),
        ("TLS1.3", TlsVersion::V1_3),
        ("Tls1.1", TlsVersion::V1_1),
    ] {
        assert_eq!(TlsVersion::parse(text), Some(version), "{text}");
    }
    for text in ["1.0", "tls1.0", "2", "", "tls", "1.3.0", "v1.3", "tls 1.3"] {
        assert_eq!(TlsVersion::parse(text), None, "{text}");
    }
}

#[test]
fn a_lowest_version_of_1_1_means_1_2() {
    let tls = tls_settings("tls1.1", "1.3", "").unwrap();
    assert_eq!((tls.min, tls.max), (TlsVersion::V1_2, TlsVersion::V1_3));
    let tls = tls_settings("1.2", "1.2", "").unwrap();
    assert_eq!((tls.min, tls.max), (TlsVersion::V1_2, TlsVersion::V1_2));
}

#[test]
fn bad_versions_are_errors_naming_the_flag_and_value() {
    let message = error(tls_settings("1.1", "TLS1.1", ""));
    assert!(
        message.contains("`--tlsmaxversion` `TLS1.1` is not supported"),
        "{message}"
    );
    let message = error(tls_settings("1.3", "1.2", ""));
    assert!(
        message.contains("`--tlsminversion` `1.3` is higher than `--tlsmaxversion` `1.2`"),
        "{message}"
    );
    let message = error(tls_settings("1.0", "1.3", ""));
    assert!(
        message.contains("invalid `--tlsminversion` `1.0`"),
        "{message}"
    );
    let message = error(tls_settings("1.2", "ssl3", ""));
    assert!(
        message.contains("invalid `--tlsmaxversion` `ssl3`"),
        "{message}"
    );
}

#[test]
fn go_cipher_names_map_to_rustls_suites_in_order() {
    let list = [
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        " TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
        "TLS_AES_128_GCM_SHA256",
        "",
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
    ]
    .join(":");
    let list = list.as_str();
    let tls = tls_settings("1.2", "1.3", list).unwrap();
    let names: Vec<_> = tls
        .tls12_suites
        .unwrap()
        .iter()
        .map(|suite| suite.suite().as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"
        ]
    );
}

#[test]
fn bad_cipher_names_are_errors_naming_them() {
    let message = error(tls_settings(
        "1.2",
        "1.3",
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256:NOPE",
    ));
    assert!(message.contains("unknown cipher suite `NOPE`"), "{message}");
    assert!(message.contains("`--tlsciphers`"), "{message}");
    let message = error(tls_settings(
        "1.2",
        "1.3",
        "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
    ));
    assert!(
        message.contains("`TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA` is not supported"),
        "{message}"
    );
    let message = error(tls_settings("1.2", "1.2", "TLS_AES_256_GCM_SHA384"));
    assert!(
        message.contains("names no TLS 1.2 cipher suite"),
        "{message}"
    );
}

#[test]
fn ciphers_are_ignored_when_the_lowest_version_is_1_3() {
    let tls = tls_settings("1.3", "1.3", "NOT_EVEN_A_SUITE").unwrap();
    assert!(tls.tls12_suites.is_none());
}

#[test]
fn tls_errors_surface_from_the_run_flags() {
    let message = error(settings(&[
        "--enable-webhook",
        "--tlsminversion=1.3",
        "--tlsmaxversion=1.2",
    ]));
    assert!(message.contains("higher than"), "{message}");
    // With TLS off the TLS flags are not looked at.
    let off = settings(&["--enable-webhook", "--disable-tls", "--tlsmaxversion=9"]);
    assert!(off.unwrap().unwrap().tls.is_none());
}
