//! The server on real sockets (127.0.0.1, port 0): HTTPS with the generated and a file
//! certificate, the TLS versions and ALPN offered, plain HTTP with TLS off, a refused expired
//! certificate, and the stop.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use rustls::pki_types::ServerName;
use rustls::{ClientConfig, ProtocolVersion, RootCertStore};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::oneshot;
use tokio_rustls::TlsConnector;

use super::*;
use crate::metrics::Metrics;
use crate::webhook::EventSink;
use crate::webhook::router::{Dispatch, Handlers, router};
use crate::webhook::settings::{TlsSettings, TlsVersion};
use updater_core::webhook::{RegistryEvent, RegistryType};

struct NoSink;

impl EventSink for NoSink {
    fn accept(&self, _: RegistryType, _: RegistryEvent) {}
}

fn settings(tls: Option<TlsSettings>, http2: bool) -> WebhookSettings {
    WebhookSettings {
        bind: "127.0.0.1:0".parse().unwrap(),
        handlers: Handlers::default(),
        rate_limit: None,
        tls,
        http2,
    }
}

fn tls(dir: &Path, min: TlsVersion, max: TlsVersion) -> Option<TlsSettings> {
    Some(TlsSettings {
        cert_dir: dir.to_path_buf(),
        min,
        max,
        tls12_suites: None,
    })
}

fn webhook_router() -> axum::Router {
    router(
        Handlers::default(),
        Dispatch::Direct(Arc::new(NoSink)),
        Arc::new(Metrics::new()),
    )
}

/// A running server: its address, certificate and stop switch.
struct Running {
    addr: SocketAddr,
    certificate: Option<CertificateDer<'static>>,
    stop: oneshot::Sender<()>,
    task: tokio::task::JoinHandle<anyhow::Result<()>>,
}

async fn start(settings: &WebhookSettings) -> Running {
    let server = bind(settings, webhook_router()).await.unwrap();
    let addr = server.local_addr().unwrap();
    let certificate = server.certificate().cloned();
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(server.run(async {
        let _ = stopped.await;
    }));
    Running {
        addr,
        certificate,
        stop,
        task,
    }
}

impl Running {
    async fn stop(self) {
        self.stop.send(()).unwrap();
        let ended = tokio::time::timeout(Duration::from_secs(15), self.task).await;
        ended.expect("the server stops").unwrap().unwrap();
    }
}

const HEALTHZ: &[u8] = b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
const WEBHOOK: &[u8] = b"POST /webhook?type=docker.io HTTP/1.1\r\nHost: localhost\r\n\
    Connection: close\r\nContent-Length: 2\r\n\r\n{}";

/// Sends `request` and reads the response to its end (a missing TLS close_notify included).
async fn exchange<S: AsyncRead + AsyncWrite + Unpin>(stream: &mut S, request: &[u8]) -> String {
    stream.write_all(request).await.unwrap();
    let mut response = Vec::new();
    match stream.read_to_end(&mut response).await {
        Ok(_) => {}
        Err(error) if error.kind() == std::io::ErrorKind::UnexpectedEof => {}
        Err(error) => panic!("reading the response: {error}"),
    }
    String::from_utf8(response).unwrap()
}

/// What a TLS client saw.
struct Handshake {
    response: String,
    version: Option<ProtocolVersion>,
    alpn: Option<Vec<u8>>,
}

/// An HTTPS exchange trusting only `trusted`, for the server `name`.
async fn https(
    addr: SocketAddr,
    trusted: &CertificateDer<'static>,
    name: &str,
    versions: &[&'static rustls::SupportedProtocolVersion],
    alpn: &[&[u8]],
    request: &[u8],
) -> std::io::Result<Handshake> {
    let mut roots = RootCertStore::empty();
    roots.add(trusted.clone()).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(versions)
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = alpn.iter().map(|protocol| protocol.to_vec()).collect();
    let tcp = TcpStream::connect(addr).await?;
    let server_name = ServerName::try_from(name.to_owned()).unwrap();
    let mut stream = TlsConnector::from(Arc::new(config))
        .connect(server_name, tcp)
        .await?;
    let (_, connection) = stream.get_ref();
    let version = connection.protocol_version();
    let alpn = connection.alpn_protocol().map(<[u8]>::to_vec);
    // An empty request only checks the handshake (an h2 server would wait for its preface).
    let response = if request.is_empty() {
        String::new()
    } else {
        exchange(&mut stream, request).await
    };
    Ok(Handshake {
        response,
        version,
        alpn,
    })
}

const BOTH: &[&rustls::SupportedProtocolVersion] =
    &[&rustls::version::TLS13, &rustls::version::TLS12];
const ONLY_12: &[&rustls::SupportedProtocolVersion] = &[&rustls::version::TLS12];

#[tokio::test]
async fn https_with_the_generated_certificate_for_every_local_name() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(&settings(
        tls(dir.path(), TlsVersion::V1_3, TlsVersion::V1_3),
        false,
    ))
    .await;
    let cert = server
        .certificate
        .clone()
        .expect("a TLS server has a certificate");
    for name in ["localhost", "127.0.0.1", "::1"] {
        let seen = https(
            server.addr,
            &cert,
            name,
            BOTH,
            &[b"h2", b"http/1.1"],
            HEALTHZ,
        )
        .await
        .unwrap();
        assert!(
            seen.response.starts_with("HTTP/1.1 200 OK"),
            "{name}: {}",
            seen.response
        );
        assert!(seen.response.ends_with("\r\n\r\nOK"), "{}", seen.response);
        assert_eq!(seen.version, Some(ProtocolVersion::TLSv1_3));
        assert_eq!(
            seen.alpn.as_deref(),
            Some(&b"http/1.1"[..]),
            "HTTP/2 is off"
        );
    }
    let refused = https(server.addr, &cert, "example.com", BOTH, &[], HEALTHZ).await;
    assert!(
        refused.is_err(),
        "the certificate names only the local host"
    );
    let webhook = https(server.addr, &cert, "localhost", BOTH, &[], WEBHOOK)
        .await
        .unwrap();
    assert!(
        webhook.response.starts_with("HTTP/1.1 400"),
        "{}",
        webhook.response
    );
    assert!(
        webhook
            .response
            .contains("no webhook handlers are registered")
    );
    server.stop().await;
}

#[tokio::test]
async fn https_with_a_file_certificate_and_http2_offered() {
    let dir = tempfile::tempdir().unwrap();
    let key = rcgen::KeyPair::generate().unwrap();
    let params = rcgen::CertificateParams::new(vec!["webhook.example".to_owned()]).unwrap();
    let cert = params.self_signed(&key).unwrap();
    std::fs::write(dir.path().join("tls.crt"), cert.pem()).unwrap();
    std::fs::write(dir.path().join("tls.key"), key.serialize_pem()).unwrap();
    let server = start(&settings(
        tls(dir.path(), TlsVersion::V1_3, TlsVersion::V1_3),
        true,
    ))
    .await;
    assert_eq!(server.certificate.as_ref(), Some(cert.der()));
    let seen = https(
        server.addr,
        cert.der(),
        "webhook.example",
        BOTH,
        &[b"h2", b"http/1.1"],
        b"",
    )
    .await
    .unwrap();
    assert_eq!(seen.alpn.as_deref(), Some(&b"h2"[..]));
    let seen = https(
        server.addr,
        cert.der(),
        "webhook.example",
        BOTH,
        &[],
        HEALTHZ,
    )
    .await
    .unwrap();
    assert!(
        seen.response.starts_with("HTTP/1.1 200 OK"),
        "{}",
        seen.response
    );
    server.stop().await;
}

#[tokio::test]
async fn the_tls_versions_bound_the_handshake() {
    let dir = tempfile::tempdir().unwrap();
    let strict = start(&settings(
        tls(dir.path(), TlsVersion::V1_3, TlsVersion::V1_3),
        false,
    ))
    .await;
    let cert = strict.certificate.clone().unwrap();
    let old_client = https(strict.addr, &cert, "localhost", ONLY_12, &[], HEALTHZ).await;
    assert!(
        old_client.is_err(),
        "a TLS 1.2 client cannot reach a 1.3-only server"
    );
    strict.stop().await;
    let relaxed = start(&settings(
        tls(dir.path(), TlsVersion::V1_2, TlsVersion::V1_2),
        false,
    ))
    .await;
    let cert = relaxed.certificate.clone().unwrap();
    let seen = https(relaxed.addr, &cert, "localhost", BOTH, &[], HEALTHZ)
        .await
        .unwrap();
    assert_eq!(seen.version, Some(ProtocolVersion::TLSv1_2));
    assert!(
        seen.response.starts_with("HTTP/1.1 200 OK"),
        "{}",
        seen.response
    );
    relaxed.stop().await;
}

#[tokio::test]
async fn plain_http_when_tls_is_disabled() {
    let server = start(&settings(None, false)).await;
    assert!(server.certificate.is_none());
    let mut tcp = TcpStream::connect(server.addr).await.unwrap();
    let response = exchange(&mut tcp, HEALTHZ).await;
    assert!(response.starts_with("HTTP/1.1 200 OK"), "{response}");
    assert!(response.ends_with("\r\n\r\nOK"), "{response}");
    server.stop().await;
}

#[tokio::test]
async fn an_expired_file_certificate_fails_startup() {
    let dir = tempfile::tempdir().unwrap();
    let key = rcgen::KeyPair::generate().unwrap();
    let mut params = rcgen::CertificateParams::new(vec!["localhost".to_owned()]).unwrap();
    let now = SystemTime::now();
    params.not_before = (now - Duration::from_secs(7200)).into();
    params.not_after = (now - Duration::from_secs(3600)).into();
    let cert = params.self_signed(&key).unwrap();
    std::fs::write(dir.path().join("tls.crt"), cert.pem()).unwrap();
    std::fs::write(dir.path().join("tls.key"), key.serialize_pem()).unwrap();
    let settings = settings(tls(dir.path(), TlsVersion::V1_3, TlsVersion::V1_3), false);
    let error = bind(&settings, webhook_router())
        .await
        .err()
        .expect("refused");
    let message = format!("{error:#}");
    assert!(message.contains("expired at"), "{message}");
}

#[tokio::test]
async fn serve_ends_when_shutdown_completes() {
    let settings = settings(None, false);
    let served = crate::webhook::serve(
        &settings,
        Arc::new(NoSink),
        Arc::new(Metrics::new()),
        async {},
    );
    let ended = tokio::time::timeout(Duration::from_secs(15), served).await;
    ended.expect("serve returns").unwrap();
}
