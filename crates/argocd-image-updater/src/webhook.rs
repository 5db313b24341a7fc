//! The webhook server (spec §12): `POST /webhook` turns a registry's push notification into a
//! [`RegistryEvent`] handed to an [`EventSink`], `GET /healthz` answers `OK`; served over TLS
//! (a file certificate or a generated self-signed one) unless `--disable-tls`.
//!
//! Parsing and authentication are `updater_core::webhook`'s; this module owns the HTTP side:
//! routing, the body limit, the rate limit, TLS and the flags that configure them.

mod ratelimit;
mod router;
mod server;
mod settings;
mod tls;

use std::future::Future;
use std::sync::Arc;

use updater_core::webhook::{RegistryEvent, RegistryType};

use crate::metrics::Metrics;

use ratelimit::{BACKLOG, RateLimiter};
use router::{Dispatch, router};
use server::bind;
pub use settings::{WebhookSettings, settings_from};

/// Where accepted webhook events go: the targeted passes. `accept` must not block; the
/// implementation queues, coalesces and runs the passes on its own tasks.
pub trait EventSink: Send + Sync + 'static {
    /// One accepted event of a `kind` registry.
    fn accept(&self, kind: RegistryType, event: RegistryEvent);

    /// Whether events are taken now; `false` on a standby replica, whose passes wait for the
    /// lease (the request is then refused with 503 so the sender sees it was not handled).
    fn accepting(&self) -> bool {
        true
    }
}

/// Serves webhooks as `settings` say until `shutdown` completes, handing accepted events to
/// `sink` (spaced by the rate limit, if any) and counting every request in `metrics`.
///
/// Fails before serving when the TLS settings or certificate are unusable or the port cannot
/// be bound.
pub async fn serve(
    settings: &WebhookSettings,
    sink: Arc<dyn EventSink>,
    metrics: Arc<Metrics>,
    shutdown: impl Future<Output = ()>,
) -> anyhow::Result<()> {
    let (dispatch, limiter) = match settings.rate_limit {
        Some(per_hour) => {
            let (limiter, worker) = RateLimiter::spawn(per_hour, BACKLOG, sink);
            (Dispatch::Spaced(limiter), Some(worker))
        }
        None => (Dispatch::Direct(sink), None),
    };
    let router = router(settings.handlers.clone(), dispatch, metrics);
    let served = match bind(settings, router).await {
        Ok(server) => server.run(shutdown).await,
        Err(error) => Err(error),
    };
    // Events still waiting for the rate limit are dropped with the process, as the
    // original's sleeping goroutines are.
    if let Some(worker) = limiter {
        worker.abort();
    }
    served
}
