//! The continuous `run`: a pass, then the next one `--interval` after it finished (the
//! original requeues each ImageUpdater that long after its reconcile), until SIGTERM or
//! SIGINT. A signal during a pass lets the pass finish, so no checkout or patch is left half
//! done; between passes the process exits at once. With leader election, a pass starts only
//! while this replica leads, and its writes stop the moment it no longer does.

use std::future::Future;
use std::time::Duration;

use tokio::sync::Notify;

use crate::health::HealthState;
use crate::pass_requests::{Batch, PassRequests};
use crate::pipeline::{self, AppSource, ImageScope, Services};

/// How the loop ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoopEnd {
    /// Passes run.
    pub passes: u64,
    /// Passes that had errors.
    pub failed_passes: u64,
}

/// What starts a pass besides the interval.
pub struct Triggers<'a> {
    /// An ImageUpdater was created or changed: a full pass now.
    pub wake: &'a Notify,
    /// Registry events: narrowed passes, a burst coalescing over `window`.
    pub requests: &'a PassRequests,
    /// How long the first request of a burst waits for the others.
    pub window: Duration,
    /// Whether full passes run at start and every interval (not in the `webhook` command).
    pub timed: bool,
}

/// Runs a full pass at once and then every `interval` after the last full pass ended, until
/// `shutdown` completes; `triggers` start passes in between: a wake a full one (one arriving
/// during a pass starts another right after it), registry events a narrowed one. An interval
/// of zero runs one timed pass only. Passes never overlap.
pub async fn run_loop<S: AppSource>(
    services: &Services,
    source: &S,
    interval: Duration,
    health: &HealthState,
    triggers: &Triggers<'_>,
    shutdown: impl Future<Output = ()>,
) -> LoopEnd {
    let mut shutdown = std::pin::pin!(shutdown);
    let mut end = LoopEnd {
        passes: 0,
        failed_passes: 0,
    };
    if interval.is_zero() {
        tracing::info!("interval 0: after the first pass, passes run only on changes and events");
    }
    let mut next_full = triggers.timed.then(tokio::time::Instant::now);
    loop {
        let batch = tokio::select! {
            () = shutdown.as_mut() => return end,
            () = until(next_full) => Batch::Full,
            () = triggers.wake.notified() => Batch::Full,
            batch = triggers.requests.next_batch(triggers.window) => batch,
        };
        tokio::select! {
            () = shutdown.as_mut() => return end,
            () = services.leadership.until_leading() => {}
        }
        let full = matches!(batch, Batch::Full);
        if full {
            triggers.requests.clear();
        }
        let scope = batch.scope();
        let (report, stopping) = {
            let scope = scope.as_ref().map(|s| s as &ImageScope);
            let pass = std::pin::pin!(pipeline::run_scoped_pass(services, source, scope));
            finish_pass(pass, shutdown.as_mut()).await
        };
        end.passes += 1;
        end.failed_passes += u64::from(report.errors > 0);
        tracing::info!("{}", report.summary_line());
        if full {
            health.mark_warm();
            let timed = triggers.timed && !interval.is_zero();
            next_full = timed.then(|| tokio::time::Instant::now() + interval);
        }
        if stopping {
            return end;
        }
    }
}

/// Completes at `deadline`; never without one.
async fn until(deadline: Option<tokio::time::Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}

/// Awaits `pass`; a shutdown meanwhile is noted and the pass still finishes.
async fn finish_pass<T>(
    mut pass: std::pin::Pin<&mut impl Future<Output = T>>,
    shutdown: std::pin::Pin<&mut impl Future<Output = ()>>,
) -> (T, bool) {
    tokio::select! {
        result = pass.as_mut() => (result, false),
        () = shutdown => {
            tracing::info!("shutting down: finishing the pass in flight");
            (pass.await, true)
        }
    }
}

/// Completes on SIGTERM or SIGINT.
pub async fn shutdown_signal() {
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::warn!("cannot watch SIGTERM: {error}");
                std::future::pending::<()>().await;
            }
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        () = terminate => {}
    }
    tracing::info!("shutdown requested");
}

#[cfg(test)]
mod tests;
