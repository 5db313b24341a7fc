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

use crate::leader::Leadership;

/// Whether the updater is ready: warmed up, or a standby replica (the original's warm-up
/// check only fails on the leader, so rolling updates can start a new replica while the old
/// one still holds the Lease).
#[derive(Debug)]
pub struct HealthState {
    warm: AtomicBool,
    leadership: Leadership,
}

impl HealthState {
    /// A state that is warm from the start unless `warmup` is asked for.
    pub fn new(warmup: bool, leadership: Leadership) -> Self {
        Self {
            warm: AtomicBool::new(!warmup),
            leadership,
        }
    }

    /// Marks the first pass done: the tag and metadata caches are filled.
    pub fn mark_warm(&self) {
        self.warm.store(true, Ordering::Release);
    }

    /// Whether `/readyz` answers 200.
    pub fn is_ready(&self) -> bool {
        self.warm.load(Ordering::Acquire) || !self.leadership.may_write()
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
        let state = Arc::new(HealthState::new(true, Leadership::unconditional()));
        let router = router(state.clone());
        assert_eq!(status(&router, "GET", "/healthz").await, StatusCode::OK);
        assert_eq!(
            status(&router, "GET", "/readyz").await,
            StatusCode::SERVICE_UNAVAILABLE
        );
        state.mark_warm();
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

    #[tokio::test]
    async fn without_warmup_ready_at_once_and_a_standby_replica_is_ready() {
        let cold = HealthState::new(false, Leadership::unconditional());
        assert!(cold.is_ready());
        let (grant, leadership) = Leadership::manual();
        let standby = HealthState::new(true, leadership);
        assert!(standby.is_ready(), "a standby waits for the lease: ready");
        let later = tokio::time::Instant::now() + std::time::Duration::from_secs(60);
        grant.send_replace(Some(later));
        assert!(!standby.is_ready(), "a leader is ready only once warm");
        standby.mark_warm();
        assert!(standby.is_ready());
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
