//! The write gate under tokio's paused clock, and two campaigns against the fake API server:
//! one leader at a time, handover on release, and a leader whose renewals fail stops writing
//! before anyone else may start.

use std::time::Duration;

use tokio::time::Instant;
use updater_argocd::kube::ClusterClient;
use updater_argocd::lease::{LEASE_NAME, LeaseLock};
use updater_testkit::kube::FakeApiServer;

use super::*;

const LEASE_PATH: &str =
    "/apis/coordination.k8s.io/v1/namespaces/argocd/leases/c21b75f2.argoproj.io";

fn fast() -> Timing {
    Timing {
        lease_duration: Duration::from_millis(1500),
        renew_deadline: Duration::from_millis(1000),
        retry_period: Duration::from_millis(200),
    }
}

fn campaign(api: &FakeApiServer, holder: &str) -> (Campaign, Leadership) {
    let client = ClusterClient::from_url(&api.url()).unwrap();
    let timing = fast();
    let lock = LeaseLock::new(
        client.client().clone(),
        "argocd",
        LEASE_NAME,
        holder,
        timing.lease_duration,
    );
    Campaign::new(lock, timing)
}

/// A fake API server where candidate `a` campaigns and already leads.
async fn with_leader_a() -> (FakeApiServer, Running, Leadership) {
    updater_testkit::install_crypto();
    let api = FakeApiServer::start().unwrap();
    let (a, a_leads) = campaign(&api, "a");
    let a = a.spawn();
    a_leads.until_leading().await;
    (api, a, a_leads)
}

fn holder(api: &FakeApiServer) -> String {
    let lease = api
        .get(
            "coordination.k8s.io/v1",
            "leases",
            Some("argocd"),
            LEASE_NAME,
        )
        .unwrap();
    lease["spec"]["holderIdentity"].as_str().unwrap().to_owned()
}

/// Samples both handles every 20 ms for `span`; panics if both may write at once, returns
/// how often each could.
async fn watch_exclusion(a: &Leadership, b: &Leadership, span: Duration) -> (u32, u32) {
    let end = Instant::now() + span;
    let (mut a_led, mut b_led) = (0, 0);
    while Instant::now() < end {
        let (a_now, b_now) = (a.may_write(), b.may_write());
        assert!(!(a_now && b_now), "two replicas may write at once");
        a_led += u32::from(a_now);
        b_led += u32::from(b_now);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    (a_led, b_led)
}

#[tokio::test(start_paused = true)]
async fn a_grant_expires_on_its_own_at_the_deadline() {
    let (grant, leadership) = Leadership::manual();
    assert!(!leadership.may_write());
    assert!(leadership.check().is_err());
    grant.send_replace(Some(Instant::now() + Duration::from_secs(10)));
    assert!(leadership.may_write());
    tokio::time::sleep(Duration::from_secs(9)).await;
    assert!(leadership.check().is_ok());
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert!(!leadership.may_write(), "no renewal arrived: not leading");
    assert!(Leadership::unconditional().may_write());
}

#[tokio::test(start_paused = true)]
async fn until_leading_waits_for_a_live_grant() {
    let (grant, leadership) = Leadership::manual();
    let waiter = tokio::spawn({
        let leadership = leadership.clone();
        async move {
            leadership.until_leading().await;
            Instant::now()
        }
    });
    let start = Instant::now();
    tokio::time::sleep(Duration::from_secs(5)).await;
    grant.send_replace(Some(start)); // already expired: not leading
    tokio::time::sleep(Duration::from_secs(5)).await;
    grant.send_replace(Some(start + Duration::from_secs(60)));
    let led_at = waiter.await.unwrap();
    assert_eq!(led_at - start, Duration::from_secs(10));
}

#[test]
fn identities_start_with_the_pod_name() {
    let first = identity(Some("updater-7d9f".into()));
    assert!(first.starts_with("updater-7d9f_"), "{first}");
    assert!(identity(None).starts_with("argocd-image-updater_"));
    assert!(identity(Some(String::new())).starts_with("argocd-image-updater_"));
}

#[tokio::test]
async fn one_leader_at_a_time_and_handover_when_the_leader_resigns() {
    let (api, a, a_leads) = with_leader_a().await;
    let (b, b_leads) = campaign(&api, "b");
    let b = b.spawn();
    let (a_led, b_led) = watch_exclusion(&a_leads, &b_leads, Duration::from_secs(2)).await;
    assert!(a_led > 0 && b_led == 0, "a keeps renewing: {a_led} {b_led}");
    assert_eq!(holder(&api), "a");

    let resigned = Instant::now();
    a.resign().await;
    assert!(!a_leads.may_write());
    tokio::time::timeout(Duration::from_secs(1), b_leads.until_leading())
        .await
        .expect("b takes a released lease at its next attempt, not after the lease duration");
    assert!(resigned.elapsed() < fast().lease_duration);
    assert_eq!(holder(&api), "b");
    b.resign().await;
    assert_eq!(holder(&api), "");
}

#[tokio::test]
async fn a_leader_whose_renewals_fail_stops_writing_at_the_deadline_and_recovers() {
    let (api, a, a_leads) = with_leader_a().await;
    // About 3 s of failing renewals (one attempt per 200 ms), longer than the 1 s deadline.
    for _ in 0..15 {
        api.fail_next("GET", LEASE_PATH, 500);
    }
    let mut samples = Vec::new();
    let end = Instant::now() + Duration::from_secs(5);
    while Instant::now() < end {
        samples.push(a_leads.may_write());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let stopped = samples
        .iter()
        .position(|leads| !leads)
        .expect("a stopped writing");
    let resumed = samples[stopped..].iter().position(|leads| *leads);
    assert!(
        resumed.is_some(),
        "a leads again once the API answers: {samples:?}"
    );
    assert!(samples.last().copied().unwrap());
    a.resign().await;
}

#[tokio::test]
async fn a_stalled_leader_stops_writing_before_another_may_start() {
    let (api, a, a_leads) = with_leader_a().await;
    let (b, b_leads) = campaign(&api, "b");
    let b = b.spawn();
    // `a` stops renewing without releasing (a frozen or partitioned process).
    a.stall();
    let (a_led, b_led) = watch_exclusion(&a_leads, &b_leads, Duration::from_secs(4)).await;
    assert!(a_led > 0, "a led until its deadline");
    assert!(b_led > 0, "b took over once the lease expired");
    assert_eq!(holder(&api), "b");
    b.resign().await;
}
