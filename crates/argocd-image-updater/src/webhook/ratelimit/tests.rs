//! The leaky bucket on tokio's paused clock: spacing, no burst after a quiet period, the
//! bounded backlog and the worker's end.

use std::time::Duration;

use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};

use super::*;

/// A sink that reports when each event arrived.
struct TimedSink(UnboundedSender<(Instant, String)>);

impl EventSink for TimedSink {
    fn accept(&self, _: RegistryType, event: RegistryEvent) {
        let _ = self.0.send((Instant::now(), event.repository));
    }
}

fn event(repository: &str) -> RegistryEvent {
    RegistryEvent {
        registry: "docker.io".to_owned(),
        repository: repository.to_owned(),
        tag: None,
        digest: None,
    }
}

fn per_hour(n: u64) -> NonZeroU64 {
    NonZeroU64::new(n).unwrap()
}

#[test]
fn the_spacing_is_an_hour_divided_by_the_allowance() {
    assert_eq!(spacing(per_hour(1)), Duration::from_secs(3600));
    assert_eq!(spacing(per_hour(3600)), Duration::from_secs(1));
    assert_eq!(spacing(per_hour(7)), Duration::from_nanos(514_285_714_285));
    assert_eq!(spacing(per_hour(u64::MAX)), Duration::ZERO);
}

#[tokio::test(start_paused = true)]
async fn events_reach_the_sink_spaced_the_first_at_once() {
    let (sender, mut arrived) = unbounded_channel();
    let start = Instant::now();
    let (limiter, _worker) = RateLimiter::spawn(per_hour(3600), 10, Arc::new(TimedSink(sender)));
    for repository in ["a", "b", "c"] {
        assert!(limiter.offer(RegistryType::DockerHub, event(repository)));
    }
    let mut seen = Vec::new();
    for _ in 0..3 {
        let (at, repository) = arrived.recv().await.unwrap();
        seen.push((at - start, repository));
    }
    let expected: Vec<_> = [(0, "a"), (1, "b"), (2, "c")]
        .into_iter()
        .map(|(secs, repo)| (Duration::from_secs(secs), repo.to_owned()))
        .collect();
    assert_eq!(seen, expected);
}

#[tokio::test(start_paused = true)]
async fn a_quiet_period_earns_no_burst() {
    let (sender, mut arrived) = unbounded_channel();
    let (limiter, _worker) = RateLimiter::spawn(per_hour(60), 10, Arc::new(TimedSink(sender)));
    assert!(limiter.offer(RegistryType::Quay, event("first")));
    let (first, _) = arrived.recv().await.unwrap();
    tokio::time::sleep(Duration::from_secs(3600)).await;
    let start = Instant::now();
    assert!(limiter.offer(RegistryType::Quay, event("second")));
    assert!(limiter.offer(RegistryType::Quay, event("third")));
    let (second, _) = arrived.recv().await.unwrap();
    let (third, _) = arrived.recv().await.unwrap();
    assert_eq!(
        second - start,
        Duration::ZERO,
        "the first after a pause goes at once"
    );
    assert_eq!(third - second, Duration::from_secs(60));
    assert!(second - first >= Duration::from_secs(3600));
}

#[tokio::test(start_paused = true)]
async fn a_full_backlog_refuses_the_event() {
    let (sender, _arrived) = unbounded_channel();
    let (limiter, _worker) = RateLimiter::spawn(per_hour(1), 2, Arc::new(TimedSink(sender)));
    // Nothing has yielded to the worker yet, so all of them are still queued.
    assert!(limiter.offer(RegistryType::Acr, event("a")));
    assert!(limiter.offer(RegistryType::Acr, event("b")));
    assert!(!limiter.offer(RegistryType::Acr, event("c")));
}

#[tokio::test(start_paused = true)]
async fn the_worker_ends_when_the_limiter_is_dropped() {
    let (sender, _arrived) = unbounded_channel();
    let (limiter, worker) = RateLimiter::spawn(per_hour(1), 2, Arc::new(TimedSink(sender)));
    let copy = limiter.clone();
    drop(limiter);
    assert!(copy.offer(RegistryType::Ghcr, event("a")));
    drop(copy);
    tokio::time::timeout(Duration::from_secs(1), worker)
        .await
        .expect("the worker ends")
        .unwrap();
}
