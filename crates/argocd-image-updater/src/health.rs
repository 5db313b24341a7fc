//! `/healthz` and `/readyz` on `--health-probe-bind-address` (spec §13): alive while the
//! process runs, ready once the first pass has finished (the original's warm-up check).

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::Context;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;

/// Whether the updater is ready for traffic.
#[derive(Debug, Default)]
pub struct HealthState {
    ready: AtomicBool,
}

impl HealthState {
    /// Marks the first pass done.
    pub fn mark_ready(&self) {
        self.ready.store(true, Ordering::Release);
    }

    /// True after the first pass.
    pub fn is_ready(&self) -> bool {
        self.ready.load(Ordering::Acquire)
    }
}

/// The probe endpoints.
pub fn router(state: Arc<HealthState>) -> Router {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .with_state(state)
}

async fn readyz(State(state): State<Arc<HealthState>>) -> (StatusCode, &'static str) {
    if state.is_ready() {
        (StatusCode::OK, "ok")
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            "warming up: the first pass has not finished",
        )
    }
}

/// A Go-style bind address: `0` or empty disables, `:8081` is every interface, otherwise
/// `host:port`.
pub fn parse_bind_address(text: &str) -> anyhow::Result<Option<SocketAddr>> {
    let text = text.trim();
    if text.is_empty() || text == "0" {
        return Ok(None);
    }
    if let Some(port) = text.strip_prefix(':') {
        let port: u16 = port
            .parse()
            .with_context(|| format!("invalid port in bind address `{text}`"))?;
        return Ok(Some(SocketAddr::from((Ipv4Addr::UNSPECIFIED, port))));
    }
    text.parse()
        .map(Some)
        .with_context(|| format!("invalid bind address `{text}` (expected `:port` or `host:port`)"))
}

/// Binds `addr` and serves `router` (probes or metrics) until `shutdown` completes.
pub async fn serve(
    addr: SocketAddr,
    router: Router,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on `{addr}`"))?;
    tracing::info!("serving http on {addr}");
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown)
        .await
        .context("the probe server failed")
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use axum::http::Request;
    use tower::ServiceExt;

    use super::*;

    async fn status(router: &Router, method: &str, path: &str) -> StatusCode {
        let request = Request::builder()
            .method(method)
            .uri(path)
            .body(Body::empty())
            .unwrap();
        router.clone().oneshot(request).await.unwrap().status()
    }

    #[tokio::test]
    async fn live_at_once_ready_only_after_the_first_pass() {
        let state = Arc::new(HealthState::default());
        let router = router(state.clone());
        assert_eq!(status(&router, "GET", "/healthz").await, StatusCode::OK);
        assert_eq!(
            status(&router, "GET", "/readyz").await,
            StatusCode::SERVICE_UNAVAILABLE
        );
        state.mark_ready();
        assert_eq!(status(&router, "GET", "/readyz").await, StatusCode::OK);
        assert_eq!(
            status(&router, "POST", "/readyz").await,
            StatusCode::METHOD_NOT_ALLOWED
        );
        assert_eq!(
            status(&router, "GET", "/metrics").await,
            StatusCode::NOT_FOUND
        );
    }

    #[test]
    fn bind_addresses_follow_the_go_forms() {
        assert_eq!(parse_bind_address("0").unwrap(), None);
        assert_eq!(parse_bind_address("").unwrap(), None);
        assert_eq!(
            parse_bind_address(":8081").unwrap(),
            Some("0.0.0.0:8081".parse().unwrap())
        );
        assert_eq!(
            parse_bind_address("127.0.0.1:9000").unwrap(),
            Some("127.0.0.1:9000".parse().unwrap())
        );
        for bad in [":http", "localhost", ":99999"] {
            let error = parse_bind_address(bad).unwrap_err().to_string();
            assert!(error.contains(bad), "{error}");
        }
    }
}
