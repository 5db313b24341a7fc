//! The retry-on-conflict policy of client-go's `retry.DefaultRetry`: five attempts, 10ms apart.

use std::time::Duration;

/// How many writes are attempted before a conflict is reported (client-go `DefaultRetry`).
pub const RETRY_ATTEMPTS: u32 = 5;

/// The pause between attempts (client-go `DefaultRetry`, without its 10% jitter).
pub const RETRY_DELAY: Duration = Duration::from_millis(10);

/// Whether the API server refused a write because the object changed since it was read.
pub(super) fn is_conflict(error: &::kube::Error) -> bool {
    matches!(error, ::kube::Error::Api(status) if status.is_conflict())
}

/// The outcome of one read-modify-write attempt.
pub(super) enum Attempt<T> {
    /// Finished, successfully.
    Done(T),
    /// The write met a conflict; the loop re-reads and tries again.
    Conflict(::kube::Error),
}

/// Waits before the next attempt.
pub(super) async fn pause() {
    tokio::time::sleep(RETRY_DELAY).await;
}
