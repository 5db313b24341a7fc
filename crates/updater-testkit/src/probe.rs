//! Readiness probe: does something speaking HTTP (optionally over TLS) answer `GET /v2/`?

use std::{
    io::{self, Read, Write},
    net::{Ipv4Addr, SocketAddr, TcpStream},
    sync::Arc,
    time::Duration,
};

use rustls::{
    ClientConfig, ClientConnection, RootCertStore, StreamOwned,
    pki_types::{CertificateDer, ServerName},
};

use crate::error::TestkitError;

/// Per-probe bound, so a half-started registry costs one short wait, not the whole budget.
const PROBE_TIMEOUT: Duration = Duration::from_millis(500);

/// How to reach the registry: plain TCP or TLS trusting the test CA.
#[derive(Debug)]
pub(crate) enum Probe {
    /// Plain HTTP.
    Http,
    /// HTTPS verified against the test CA, which also proves the served certificate is right.
    Https(Arc<ClientConfig>),
}

impl Probe {
    /// A probe for HTTPS that trusts only `ca_der`.
    ///
    /// The provider is passed explicitly so the probe works whether or not a test installed one.
    pub(crate) fn https(ca_der: &[u8]) -> Result<Self, TestkitError> {
        let mut roots = RootCertStore::empty();
        roots
            .add(CertificateDer::from(ca_der.to_vec()))
            .map_err(TestkitError::Tls)?;
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(TestkitError::Tls)?
            .with_root_certificates(roots)
            .with_no_client_auth();
        Ok(Self::Https(Arc::new(config)))
    }

    /// `Ok` when `GET /v2/` on `port` gets any HTTP response (200 or 401 both mean up).
    pub(crate) fn check(&self, port: u16) -> io::Result<()> {
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        let tcp = TcpStream::connect_timeout(&addr, PROBE_TIMEOUT)?;
        tcp.set_read_timeout(Some(PROBE_TIMEOUT))?;
        tcp.set_write_timeout(Some(PROBE_TIMEOUT))?;
        match self {
            Self::Http => exchange(tcp, port),
            Self::Https(config) => {
                let name = ServerName::IpAddress(Ipv4Addr::LOCALHOST.into());
                let conn =
                    ClientConnection::new(Arc::clone(config), name).map_err(io::Error::other)?;
                exchange(StreamOwned::new(conn, tcp), port)
            }
        }
    }
}

/// Sends the request and checks the reply starts like an HTTP response.
fn exchange(mut stream: impl Read + Write, port: u16) -> io::Result<()> {
    let request =
        format!("GET /v2/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes())?;
    stream.flush()?;
    let mut start = [0u8; 8];
    stream.read_exact(&mut start)?;
    if start.starts_with(b"HTTP/1.") {
        Ok(())
    } else {
        Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "not an HTTP response",
        ))
    }
}
