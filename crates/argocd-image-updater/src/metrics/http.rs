//! The `/metrics` endpoint as an axum `Router`, so it can be mounted on any listener and tested
//! without binding a port.

use std::sync::Arc;

use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;

use super::Metrics;

/// The content type of [`Metrics::render`]'s text: OpenMetrics 1.0, which is all
/// `prometheus-client` writes and which Prometheus negotiates by default.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// `GET /metrics` renders `metrics`; other methods there answer 405, other paths 404.
pub fn router(metrics: Arc<Metrics>) -> Router {
    Router::new()
        .route("/metrics", get(serve))
        .with_state(metrics)
}

async fn serve(State(metrics): State<Arc<Metrics>>) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, CONTENT_TYPE)], metrics.render())
}
