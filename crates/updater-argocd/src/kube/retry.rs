//! The retry-on-conflict policy of client-go's `retry.DefaultRetry`: five attempts, 10ms apart.

use std::future::Future;
use std::time::Duration;

use super::ClusterError;

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

/// Runs read-modify-write `attempt`s (given the attempt number) until one is done, pausing
/// between conflicts; after [`RETRY_ATTEMPTS`] conflicts, `exhausted` builds the error from the
/// attempt count and the last conflict. Other errors end the loop at once.
pub(super) async fn retry_on_conflict<T, Fut>(
    what: &str,
    mut attempt: impl FnMut(u32) -> Fut,
    exhausted: impl FnOnce(u32, ::kube::Error) -> ClusterError,
) -> Result<T, ClusterError>
where
    Fut: Future<Output = Result<Attempt<T>, ClusterError>>,
{
    let mut attempts = 0;
    loop {
        attempts += 1;
        let conflict = match attempt(attempts).await? {
            Attempt::Done(done) => return Ok(done),
            Attempt::Conflict(conflict) => conflict,
        };
        if attempts >= RETRY_ATTEMPTS {
            return Err(exhausted(attempts, conflict));
        }
        tracing::debug!(what, attempts, "changed meanwhile, retrying");
        tokio::time::sleep(RETRY_DELAY).await;
    }
}
