//! Leader election against the fake API server: creation, renewal, waiting out a live holder,
//! taking an expired or released Lease, and the resourceVersion guard that lets only one of two
//! racing candidates win.

use std::time::Duration;

use serde_json::Value;
use updater_argocd::lease::{Attempt, LEASE_NAME, LeaseLock};
use updater_testkit::kube::FakeApiServer;

use super::cluster;

const LEASES: &str = "coordination.k8s.io/v1";
const PATH: &str = "/apis/coordination.k8s.io/v1/namespaces/argocd/leases/c21b75f2.argoproj.io";

fn candidate(api: &FakeApiServer, holder: &str, duration: Duration) -> LeaseLock {
    let client = updater_argocd::kube::ClusterClient::from_url(&api.url()).unwrap();
    LeaseLock::new(
        client.client().clone(),
        "argocd",
        LEASE_NAME,
        holder,
        duration,
    )
}

fn stored(api: &FakeApiServer) -> Value {
    api.get(LEASES, "leases", Some("argocd"), LEASE_NAME)
        .expect("the lease exists")
}

#[tokio::test]
async fn the_first_candidate_creates_the_lease_and_renews_it() {
    let (api, _) = cluster();
    let a = candidate(&api, "a", Duration::from_secs(15));
    assert_eq!(a.try_acquire_or_renew().await.unwrap(), Attempt::Held);
    let created = stored(&api);
    assert_eq!(created["spec"]["holderIdentity"], "a");
    assert_eq!(created["spec"]["leaseDurationSeconds"], 15);
    assert_eq!(created["spec"]["leaseTransitions"], 0);

    assert_eq!(a.try_acquire_or_renew().await.unwrap(), Attempt::Held);
    let renewed = stored(&api);
    assert_ne!(
        renewed["metadata"]["resourceVersion"],
        created["metadata"]["resourceVersion"]
    );
    assert_eq!(
        renewed["spec"]["acquireTime"],
        created["spec"]["acquireTime"]
    );
    assert_eq!(renewed["spec"]["leaseTransitions"], 0);
}

#[tokio::test]
async fn a_live_holder_keeps_the_lease_until_it_expires() {
    let (api, _) = cluster();
    let a = candidate(&api, "a", Duration::from_secs(1));
    let b = candidate(&api, "b", Duration::from_secs(1));
    assert_eq!(a.try_acquire_or_renew().await.unwrap(), Attempt::Held);
    assert_eq!(
        b.try_acquire_or_renew().await.unwrap(),
        Attempt::HeldBy("a".into())
    );
    // `a` stops renewing; `b` takes over once a full lease duration passed since it first saw
    // the current record.
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert_eq!(b.try_acquire_or_renew().await.unwrap(), Attempt::Held);
    let lease = stored(&api);
    assert_eq!(lease["spec"]["holderIdentity"], "b");
    assert_eq!(lease["spec"]["leaseTransitions"], 1);
    assert_eq!(
        a.try_acquire_or_renew().await.unwrap(),
        Attempt::HeldBy("b".into())
    );
}

#[tokio::test]
async fn renewals_keep_other_candidates_out() {
    let (api, _) = cluster();
    let a = candidate(&api, "a", Duration::from_secs(1));
    let b = candidate(&api, "b", Duration::from_secs(1));
    assert_eq!(a.try_acquire_or_renew().await.unwrap(), Attempt::Held);
    for _ in 0..4 {
        tokio::time::sleep(Duration::from_millis(400)).await;
        assert_eq!(a.try_acquire_or_renew().await.unwrap(), Attempt::Held);
        assert_eq!(
            b.try_acquire_or_renew().await.unwrap(),
            Attempt::HeldBy("a".into())
        );
    }
}

#[tokio::test]
async fn a_released_lease_is_taken_at_once() {
    let (api, _) = cluster();
    let a = candidate(&api, "a", Duration::from_secs(15));
    let b = candidate(&api, "b", Duration::from_secs(15));
    assert_eq!(a.try_acquire_or_renew().await.unwrap(), Attempt::Held);
    assert_eq!(
        b.try_acquire_or_renew().await.unwrap(),
        Attempt::HeldBy("a".into())
    );
    b.release().await.unwrap();
    assert_eq!(
        stored(&api)["spec"]["holderIdentity"],
        "a",
        "b holds nothing to release"
    );
    a.release().await.unwrap();
    assert_eq!(stored(&api)["spec"]["holderIdentity"], "");
    assert_eq!(b.try_acquire_or_renew().await.unwrap(), Attempt::Held);
    assert_eq!(stored(&api)["spec"]["holderIdentity"], "b");
}

#[tokio::test]
async fn of_two_candidates_racing_for_an_expired_lease_only_one_wins() {
    let (api, _) = cluster();
    let a = candidate(&api, "a", Duration::from_secs(15));
    let b = candidate(&api, "b", Duration::from_secs(15));
    assert_eq!(a.try_acquire_or_renew().await.unwrap(), Attempt::Held);
    a.release().await.unwrap();
    // `a` comes back between `b`'s read and `b`'s write: `b`'s write carries a stale
    // resourceVersion, gets 409, and `b` does not believe it leads.
    api.mutate_before_next("PUT", PATH, |lease| {
        lease["spec"]["holderIdentity"] = "a".into();
    });
    assert_eq!(
        b.try_acquire_or_renew().await.unwrap(),
        Attempt::HeldBy(String::new())
    );
    assert_eq!(api.mutations_applied(), 1);
    assert_eq!(stored(&api)["spec"]["holderIdentity"], "a");
    assert!(api.conflicts_served() >= 1);
}

#[tokio::test]
async fn api_errors_are_reported_naming_the_lease() {
    let (api, _) = cluster();
    let a = candidate(&api, "a", Duration::from_secs(15));
    api.fail_next("GET", PATH, 500);
    let error = a.try_acquire_or_renew().await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "cannot read lease argocd/c21b75f2.argoproj.io"
    );
    assert_eq!(a.try_acquire_or_renew().await.unwrap(), Attempt::Held);
}
