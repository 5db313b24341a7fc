//! `--webhook-ratelimit-allowed`: at most N events per hour reach the sink, spaced evenly
//! (a leaky bucket, as the original's uber `ratelimit` without slack). The HTTP response is
//! never delayed: events wait in a bounded backlog while the response has already been sent.
//!
//! The original parks one goroutine per waiting event, without bound; here a full backlog
//! ([`BACKLOG`]) refuses the request with 429 instead, so a flood cannot exhaust memory.

use std::num::NonZeroU64;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::{Instant, sleep_until};
use updater_core::webhook::{RegistryEvent, RegistryType};

use super::EventSink;

#[cfg(test)]
mod tests;

/// How many events may wait for the rate limit before requests are refused.
pub const BACKLOG: usize = 1024;

/// One hour in nanoseconds, the period the limit is counted in.
const HOUR_NANOS: u128 = 3_600_000_000_000;

/// The front of a rate-limited sink: cheap to clone, never blocks.
#[derive(Clone)]
pub struct RateLimiter {
    queue: mpsc::Sender<(RegistryType, RegistryEvent)>,
    sink: Arc<dyn EventSink>,
}

impl std::fmt::Debug for RateLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RateLimiter").finish_non_exhaustive()
    }
}

impl RateLimiter {
    /// Starts the task that passes events to `sink` at most `per_hour` an hour, `3600/N`
    /// seconds apart (the first at once), with room for `backlog` waiting events. The task
    /// ends when every clone of the limiter is dropped.
    pub fn spawn(
        per_hour: NonZeroU64,
        backlog: usize,
        sink: Arc<dyn EventSink>,
    ) -> (Self, JoinHandle<()>) {
        let (queue, waiting) = mpsc::channel(backlog.max(1));
        let worker = tokio::spawn(drain(waiting, spacing(per_hour), sink.clone()));
        (Self { queue, sink }, worker)
    }

    /// Whether the sink takes events now.
    pub fn accepting(&self) -> bool {
        self.sink.accepting()
    }

    /// Queues an event; `false` when the backlog is full (or the worker is gone).
    pub fn offer(&self, kind: RegistryType, event: RegistryEvent) -> bool {
        self.queue.try_send((kind, event)).is_ok()
    }
}

/// The time between two events at `per_hour` events an hour.
pub fn spacing(per_hour: NonZeroU64) -> Duration {
    let nanos = HOUR_NANOS / u128::from(per_hour.get());
    // At most an hour, so it fits.
    Duration::from_nanos(u64::try_from(nanos).unwrap_or(u64::MAX))
}

/// Passes the queued events on, each no sooner than `spacing` after the previous one; a quiet
/// period earns no burst.
async fn drain(
    mut waiting: mpsc::Receiver<(RegistryType, RegistryEvent)>,
    spacing: Duration,
    sink: Arc<dyn EventSink>,
) {
    let mut next = Instant::now();
    while let Some((kind, event)) = waiting.recv().await {
        sleep_until(next).await;
        sink.accept(kind, event);
        next = Instant::now() + spacing;
    }
}
