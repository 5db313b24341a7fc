//! The continuous `run`: a pass, then the next one `--interval` after it finished (the
//! original requeues each ImageUpdater that long after its reconcile), until SIGTERM or
//! SIGINT. A signal during a pass lets the pass finish, so no checkout or patch is left half
//! done; between passes the process exits at once. With leader election, a pass starts only
//! while this replica leads, and its writes stop the moment it no longer does.

use std::future::Future;
use std::time::Duration;

use tokio::sync::Notify;

use crate::health::HealthState;
use crate::pipeline::{self, AppSource, Services};

/// How the loop ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoopEnd {
    /// Passes run.
    pub passes: u64,
    /// Passes that had errors.
    pub failed_passes: u64,
}

/// Runs passes every `interval` until `shutdown` completes; a notification on `wake` (an
/// ImageUpdater created or changed) starts the next pass at once, and one arriving during a
/// pass starts another right after it. An interval of zero runs one pass and then waits for a
/// wake or the shutdown.
pub async fn run_loop<S: AppSource>(
    services: &Services,
    source: &S,
    interval: Duration,
    health: &HealthState,
    wake: &Notify,
    shutdown: impl Future<Output = ()>,
) -> LoopEnd {
    let mut shutdown = std::pin::pin!(shutdown);
    let mut end = LoopEnd {
        passes: 0,
        failed_passes: 0,
    };
    if interval.is_zero() {
        tracing::info!("interval 0: passes run only when an ImageUpdater changes");
    }
    loop {
        tokio::select! {
            () = shutdown.as_mut() => return end,
            () = services.leadership.until_leading() => {}
        }
        let (report, stopping) = {
            let pass = std::pin::pin!(pipeline::run_pass(services, source));
            finish_pass(pass, shutdown.as_mut()).await
        };
        end.passes += 1;
        end.failed_passes += u64::from(report.errors > 0);
        health.mark_warm();
        tracing::info!("{}", report.summary_line());
        if stopping {
            return end;
        }
        tokio::select! {
            () = shutdown.as_mut() => return end,
            () = next_interval(interval) => {}
            () = wake.notified() => {}
        }
    }
}

/// Completes after `interval`; never for an interval of zero.
async fn next_interval(interval: Duration) {
    if interval.is_zero() {
        std::future::pending::<()>().await;
    }
    tokio::time::sleep(interval).await;
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
