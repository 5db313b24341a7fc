//! Serving the webhook router on a socket: plain HTTP or TLS (rustls), HTTP/1.1 only unless
//! `--enable-http2`, with timeouts on the TLS handshake and the request head so that idle or
//! slow clients cannot pin connections, and a graceful stop.

use std::future::Future;
use std::net::SocketAddr;
use std::time::{Duration, SystemTime};

use anyhow::Context;
use axum::Router;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::{GracefulShutdown, Watcher};
use hyper_util::service::TowerToHyperService;
use rustls::pki_types::CertificateDer;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;

use super::settings::WebhookSettings;
use super::tls;

#[cfg(test)]
mod tests;

/// How long a client has for the TLS handshake.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a client has to send a request head.
const HEADER_TIMEOUT: Duration = Duration::from_secs(30);
/// How long open connections may finish their requests after the stop.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(10);
/// The pause after a failed `accept` (out of file descriptors, say), so as not to spin.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);

/// A listening webhook server, not yet serving.
pub struct BoundServer {
    listener: TcpListener,
    acceptor: Option<TlsAcceptor>,
    /// The leaf certificate, which tests trust to make HTTPS requests.
    #[cfg_attr(not(test), allow(dead_code))]
    certificate: Option<CertificateDer<'static>>,
    http2: bool,
    router: Router,
}

/// Prepares TLS (loading or generating the certificate) and binds `settings.bind`; every
/// startup error surfaces here, before anything is served.
pub async fn bind(settings: &WebhookSettings, router: Router) -> anyhow::Result<BoundServer> {
    let (acceptor, certificate) = match &settings.tls {
        Some(tls_settings) => {
            let identity = tls::load_or_generate(&tls_settings.cert_dir, SystemTime::now())?;
            let leaf = identity.chain[0].clone();
            let config = tls::server_config(tls_settings, identity, settings.http2)?;
            (Some(TlsAcceptor::from(config)), Some(leaf))
        }
        None => (None, None),
    };
    let listener = TcpListener::bind(settings.bind)
        .await
        .with_context(|| format!("cannot listen on `{}`", settings.bind))?;
    Ok(BoundServer {
        listener,
        acceptor,
        certificate,
        http2: settings.http2,
        router,
    })
}

impl BoundServer {
    /// The address actually bound (the port chosen for port 0).
    pub fn local_addr(&self) -> anyhow::Result<SocketAddr> {
        self.listener
            .local_addr()
            .context("the webhook listener has no address")
    }

    /// The leaf certificate served, `None` without TLS.
    #[cfg(test)]
    pub fn certificate(&self) -> Option<&CertificateDer<'static>> {
        self.certificate.as_ref()
    }

    /// Serves until `shutdown` completes, then lets open connections finish for a while.
    pub async fn run(self, shutdown: impl Future<Output = ()>) -> anyhow::Result<()> {
        let scheme = if self.acceptor.is_some() {
            "https"
        } else {
            "http"
        };
        tracing::info!("serving webhooks over {scheme} on {}", self.local_addr()?);
        let graceful = GracefulShutdown::new();
        let builder = self.http_builder();
        tokio::pin!(shutdown);
        loop {
            tokio::select! {
                accepted = self.listener.accept() => match accepted {
                    Ok((stream, peer)) => {
                        let connection = Connection {
                            builder: builder.clone(),
                            router: self.router.clone(),
                            watcher: graceful.watcher(),
                        };
                        tokio::spawn(connection.serve(stream, peer, self.acceptor.clone()));
                    }
                    Err(error) => {
                        tracing::warn!("cannot accept a webhook connection: {error}");
                        tokio::time::sleep(ACCEPT_BACKOFF).await;
                    }
                },
                () = &mut shutdown => break,
            }
        }
        drop(self.listener);
        if tokio::time::timeout(DRAIN_TIMEOUT, graceful.shutdown())
            .await
            .is_err()
        {
            tracing::warn!("webhook connections still open after {DRAIN_TIMEOUT:?}: closing them");
        }
        Ok(())
    }

    /// HTTP/1.1 with a request-head timeout, plus HTTP/2 when enabled.
    fn http_builder(&self) -> auto::Builder<TokioExecutor> {
        let mut builder = auto::Builder::new(TokioExecutor::new());
        builder
            .http1()
            .timer(TokioTimer::new())
            .header_read_timeout(HEADER_TIMEOUT);
        if self.http2 {
            builder.http2().timer(TokioTimer::new());
            builder
        } else {
            builder.http1_only()
        }
    }
}

/// What one accepted connection needs.
struct Connection {
    builder: auto::Builder<TokioExecutor>,
    router: Router,
    watcher: Watcher,
}

impl Connection {
    /// The TLS handshake if any, then HTTP until the client or the stop ends it.
    async fn serve(self, stream: TcpStream, peer: SocketAddr, acceptor: Option<TlsAcceptor>) {
        let Some(acceptor) = acceptor else {
            return self.http(stream, peer).await;
        };
        match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await {
            Ok(Ok(tls_stream)) => self.http(tls_stream, peer).await,
            Ok(Err(error)) => tracing::debug!("TLS handshake with {peer} failed: {error}"),
            Err(_) => tracing::debug!("TLS handshake with {peer} timed out"),
        }
    }

    async fn http<I>(self, io: I, peer: SocketAddr)
    where
        I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        let service = TowerToHyperService::new(self.router);
        let connection = self
            .builder
            .serve_connection(TokioIo::new(io), service)
            .into_owned();
        if let Err(error) = self.watcher.watch(connection).await {
            tracing::debug!("webhook connection from {peer} ended: {error}");
        }
    }
}
