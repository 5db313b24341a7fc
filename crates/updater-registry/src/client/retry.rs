//! Retry timing: jittered exponential backoff and `Retry-After` (seconds or an HTTP date).

use std::hash::{BuildHasher, RandomState};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// The delay before retry number `attempt` (1-based): `base·2^(attempt-1)` capped at `cap`,
/// of which the upper half is random ("equal jitter"), so clients that failed together do
/// not retry together, yet never retry at once.
pub(super) fn backoff(attempt: u32, base: Duration, cap: Duration) -> Duration {
    let exponent = attempt.saturating_sub(1).min(20);
    let ceiling = base.saturating_mul(1 << exponent).min(cap);
    let half = ceiling / 2;
    half + half.mul_f64(unit_jitter())
}

/// A number in `[0, 1)`. std's `RandomState` is seeded from the OS per thread and changes per
/// instance, which is random enough for spreading retries without a `rand` dependency.
fn unit_jitter() -> f64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let hash = RandomState::new().hash_one(COUNTER.fetch_add(1, Ordering::Relaxed));
    (hash >> 11) as f64 / (1u64 << 53) as f64
}

/// The wait a `Retry-After` value asks for: delta-seconds or an HTTP date (a date in the past
/// is no wait); `None` when it is neither.
pub(super) fn parse_retry_after(value: &str, now: jiff::Timestamp) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = jiff::fmt::rfc2822::parse(value).ok()?.timestamp();
    Some(Duration::try_from(when.duration_since(now)).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_within_jitter_and_cap() {
        let base = Duration::from_millis(200);
        let cap = Duration::from_secs(5);
        for attempt in 1..=10 {
            let ceiling = (base * 2u32.pow(attempt - 1)).min(cap);
            let delay = backoff(attempt, base, cap);
            assert!(
                delay >= ceiling / 2 && delay <= ceiling,
                "{attempt}: {delay:?}"
            );
        }
        assert!(backoff(u32::MAX, base, cap) <= cap);
    }

    #[test]
    fn jitter_varies() {
        let delays: std::collections::HashSet<_> = (0..20)
            .map(|_| backoff(3, Duration::from_secs(1), Duration::from_secs(5)))
            .collect();
        assert!(delays.len() > 10, "{delays:?}");
    }

    #[test]
    fn retry_after_forms() {
        let now: jiff::Timestamp = "2015-10-21T07:27:00Z".parse().unwrap();
        let parse = |text| parse_retry_after(text, now);
        assert_eq!(parse("3"), Some(Duration::from_secs(3)));
        assert_eq!(parse(" 0 "), Some(Duration::ZERO));
        assert_eq!(
            parse("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(Duration::from_secs(60))
        );
        assert_eq!(parse("Wed, 21 Oct 2015 07:00:00 GMT"), Some(Duration::ZERO));
        assert_eq!(parse("soon"), None);
        assert_eq!(parse("-1"), None);
    }
}
