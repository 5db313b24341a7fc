//! The loop's schedule under tokio's paused clock, with an in-memory source that records when
//! each pass started.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{Notify, oneshot};
use tokio::time::Instant;
use updater_argocd::secrets::InMemorySecrets;
use updater_core::crd::ImageUpdaterStatus;
use updater_core::discover::AppKey;
use updater_core::plan::ImageChange;
use updater_core::registries::RegistryTable;
use updater_core::render::template::CommitTemplate;
use updater_git::{Author, GitOptions, GitWriter};
use updater_registry::cache::MetadataCache;
use updater_registry::client::ClientOptions;
use updater_registry::tag_digests::{DEFAULT_TAG_DIGEST_TTL, TagDigests};

use super::{Triggers, run_loop};
use crate::health::HealthState;
use crate::leader::Leadership;
use crate::pass_requests::PassRequests;
use crate::pipeline::registry::RegistryPool;
use crate::pipeline::source::{AppEdit, AppSource, Inventory, UpdaterKey, Written};
use crate::pipeline::{CommitSettings, PassSettings, Services};

/// A source with nothing in it that notes the (paused-clock) time of every load.
struct Recorder {
    started: Instant,
    loads: Arc<Mutex<Vec<Duration>>>,
    pass_length: Duration,
}

impl AppSource for Recorder {
    async fn load(&self) -> anyhow::Result<Inventory> {
        self.loads.lock().unwrap().push(self.started.elapsed());
        tokio::time::sleep(self.pass_length).await;
        Ok(Inventory::default())
    }

    async fn write_app(&self, _: &AppKey, _: &AppEdit<'_>) -> anyhow::Result<Written> {
        unreachable!("nothing is selected")
    }

    async fn app_updated(
        &self,
        _: &updater_core::application::Application,
        _: &[ImageChange],
    ) -> anyhow::Result<()> {
        unreachable!("nothing is selected")
    }

    async fn write_status(
        &self,
        _: &UpdaterKey,
        _: &(dyn Fn(&mut ImageUpdaterStatus) + Send + Sync),
    ) -> anyhow::Result<()> {
        Ok(())
    }
}

fn services(cache: &std::path::Path) -> Services {
    Services {
        settings: PassSettings {
            dry_run: false,
            events: false,
            argocd_namespace: "argocd".into(),
            controller_namespace: "argocd".into(),
            max_concurrent_apps: 1,
            default_platforms: vec!["linux/amd64".into()],
            legacy: None,
            commit: CommitSettings {
                author: Author {
                    name: "a".into(),
                    email: "a@b".into(),
                },
                signing: None,
                sign_off: false,
                template: CommitTemplate::default_template(),
            },
            ssh_known_hosts: None,
        },
        registries: RegistryPool::new(
            RegistryTable::builtin(),
            None,
            MetadataCache::in_memory(),
            TagDigests::in_memory(DEFAULT_TAG_DIGEST_TTL),
            ClientOptions::default(),
        ),
        git: GitWriter::new(cache, GitOptions::default()).unwrap(),
        secrets: Arc::new(InMemorySecrets::new()),
        metrics: Arc::new(crate::metrics::Metrics::new()),
        leadership: Leadership::unconditional(),
    }
}

const WINDOW: Duration = Duration::from_secs(2);

/// Triggers that never fire (leaked: tests are short-lived and need `'static` borrows).
fn quiet() -> Triggers<'static> {
    Triggers {
        wake: Box::leak(Box::new(Notify::new())),
        requests: Box::leak(Box::default()),
        window: WINDOW,
        timed: true,
    }
}

/// The second each recorded pass started at.
fn started_secs(loads: &Mutex<Vec<Duration>>) -> Vec<u64> {
    loads
        .lock()
        .unwrap()
        .iter()
        .map(Duration::as_secs)
        .collect()
}

/// A request scope keeping every image.
fn everything() -> Arc<crate::pipeline::ImageScope> {
    Arc::new(|_: &updater_core::image::ImageRef| true)
}

fn recorder(pass_length: Duration) -> (Recorder, Arc<Mutex<Vec<Duration>>>) {
    let loads = Arc::new(Mutex::new(Vec::new()));
    let source = Recorder {
        started: Instant::now(),
        loads: loads.clone(),
        pass_length,
    };
    (source, loads)
}

#[tokio::test(start_paused = true)]
async fn a_pass_runs_at_once_then_an_interval_after_each_pass_ended() {
    let dir = tempfile::tempdir().unwrap();
    let services = services(dir.path());
    let (source, loads) = recorder(Duration::from_secs(10));
    let health = HealthState::new(true, Leadership::unconditional());
    let (stop, stopped) = oneshot::channel::<()>();
    let interval = Duration::from_secs(120);
    let stopper = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(400)).await;
        let _ = stop.send(());
    });
    let end = run_loop(&services, &source, interval, &health, &quiet(), async {
        let _ = stopped.await;
    })
    .await;
    stopper.await.unwrap();
    let secs = started_secs(&loads);
    // Passes take 10 s; the next starts 120 s after one ends: 0, 130, 260, 390.
    assert_eq!(secs, [0, 130, 260, 390]);
    assert_eq!(
        end.passes, 4,
        "the pass started at 390 s finished before exiting"
    );
    assert!(health.is_ready());
}

#[tokio::test(start_paused = true)]
async fn a_shutdown_between_passes_exits_without_another_pass() {
    let dir = tempfile::tempdir().unwrap();
    let services = services(dir.path());
    let (source, loads) = recorder(Duration::from_secs(1));
    let health = HealthState::new(true, Leadership::unconditional());
    let end = run_loop(
        &services,
        &source,
        Duration::from_secs(60),
        &health,
        &quiet(),
        tokio::time::sleep(Duration::from_secs(30)),
    )
    .await;
    assert_eq!(end.passes, 1);
    assert_eq!(loads.lock().unwrap().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn interval_zero_runs_once_and_waits_for_the_shutdown() {
    let dir = tempfile::tempdir().unwrap();
    let services = services(dir.path());
    let (source, loads) = recorder(Duration::from_secs(1));
    let health = HealthState::new(true, Leadership::unconditional());
    let started = Instant::now();
    let end = run_loop(
        &services,
        &source,
        Duration::ZERO,
        &health,
        &quiet(),
        tokio::time::sleep(Duration::from_secs(3600)),
    )
    .await;
    assert_eq!(end.passes, 1);
    assert_eq!(loads.lock().unwrap().len(), 1);
    assert!(
        started.elapsed() >= Duration::from_secs(3600),
        "it waited for the shutdown"
    );
}

#[tokio::test(start_paused = true)]
async fn a_shutdown_during_a_pass_lets_it_finish_then_exits() {
    let dir = tempfile::tempdir().unwrap();
    let services = services(dir.path());
    let (source, loads) = recorder(Duration::from_secs(100));
    let health = HealthState::new(true, Leadership::unconditional());
    let started = Instant::now();
    let end = run_loop(
        &services,
        &source,
        Duration::from_secs(60),
        &health,
        &quiet(),
        tokio::time::sleep(Duration::from_secs(50)),
    )
    .await;
    assert_eq!(end.passes, 1);
    assert_eq!(loads.lock().unwrap().len(), 1);
    assert!(
        started.elapsed() >= Duration::from_secs(100),
        "the pass in flight finished"
    );
    assert!(
        started.elapsed() < Duration::from_secs(160),
        "no second pass"
    );
}

#[tokio::test(start_paused = true)]
async fn passes_run_only_while_this_replica_leads() {
    let dir = tempfile::tempdir().unwrap();
    let (grant, leadership) = Leadership::manual();
    let services = Services {
        leadership: leadership.clone(),
        ..services(dir.path())
    };
    let (source, loads) = recorder(Duration::from_secs(10));
    let health = HealthState::new(true, leadership);
    let start = Instant::now();
    let elections = tokio::spawn(async move {
        // Elected at 50 s until 200 s; the pass due at 310 s waits for re-election at 500 s.
        tokio::time::sleep(Duration::from_secs(50)).await;
        grant.send_replace(Some(start + Duration::from_secs(200)));
        tokio::time::sleep(Duration::from_secs(450)).await;
        grant.send_replace(Some(start + Duration::from_secs(10_000)));
        grant
    });
    let end = run_loop(
        &services,
        &source,
        Duration::from_secs(120),
        &health,
        &quiet(),
        tokio::time::sleep(Duration::from_secs(600)),
    )
    .await;
    let _grant = elections.await.unwrap();
    let secs = started_secs(&loads);
    assert_eq!(secs, [50, 180, 500]);
    assert_eq!(end.passes, 3);
}

#[tokio::test(start_paused = true)]
async fn a_wake_starts_a_pass_at_once_and_one_during_a_pass_starts_another_after_it() {
    let dir = tempfile::tempdir().unwrap();
    let services = services(dir.path());
    let (source, loads) = recorder(Duration::from_secs(10));
    let health = HealthState::new(true, Leadership::unconditional());
    let wake = Arc::new(Notify::new());
    let waker = tokio::spawn({
        let wake = wake.clone();
        async move {
            // Between passes at 30 s; during the pass starting then, at 35 s.
            tokio::time::sleep(Duration::from_secs(30)).await;
            wake.notify_one();
            tokio::time::sleep(Duration::from_secs(5)).await;
            wake.notify_one();
        }
    });
    let end = run_loop(
        &services,
        &source,
        Duration::from_secs(120),
        &health,
        &Triggers {
            wake: &wake,
            requests: &PassRequests::default(),
            window: WINDOW,
            timed: true,
        },
        tokio::time::sleep(Duration::from_secs(200)),
    )
    .await;
    waker.await.unwrap();
    let secs = started_secs(&loads);
    // 0; woken at 30; woken during it, so again at 40; then the interval: 170.
    assert_eq!(secs, [0, 30, 40, 170]);
    assert_eq!(end.passes, 4);
}

#[tokio::test(start_paused = true)]
async fn with_interval_zero_only_wakes_start_passes() {
    let dir = tempfile::tempdir().unwrap();
    let services = services(dir.path());
    let (source, loads) = recorder(Duration::from_secs(1));
    let health = HealthState::new(true, Leadership::unconditional());
    let wake = Arc::new(Notify::new());
    let waker = tokio::spawn({
        let wake = wake.clone();
        async move {
            tokio::time::sleep(Duration::from_secs(500)).await;
            wake.notify_one();
        }
    });
    run_loop(
        &services,
        &source,
        Duration::ZERO,
        &health,
        &Triggers {
            wake: &wake,
            requests: &PassRequests::default(),
            window: WINDOW,
            timed: true,
        },
        tokio::time::sleep(Duration::from_secs(3600)),
    )
    .await;
    waker.await.unwrap();
    let secs = started_secs(&loads);
    assert_eq!(secs, [0, 500]);
}

#[tokio::test(start_paused = true)]
async fn a_burst_of_requests_makes_one_narrowed_pass_and_keeps_the_interval() {
    let dir = tempfile::tempdir().unwrap();
    let services = services(dir.path());
    let (source, loads) = recorder(Duration::from_secs(10));
    let health = HealthState::new(true, Leadership::unconditional());
    let requests = Arc::new(PassRequests::default());
    let sender = tokio::spawn({
        let requests = requests.clone();
        async move {
            // 50 events at 30 s, one more at 31 s (within the window), one at 100 s.
            tokio::time::sleep(Duration::from_secs(30)).await;
            for _ in 0..50 {
                requests.request(everything());
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
            requests.request(everything());
            tokio::time::sleep(Duration::from_secs(69)).await;
            requests.request(everything());
        }
    });
    let wake = Notify::new();
    let triggers = Triggers {
        wake: &wake,
        requests: &requests,
        window: WINDOW,
        timed: true,
    };
    let end = run_loop(
        &services,
        &source,
        Duration::from_secs(120),
        &health,
        &triggers,
        tokio::time::sleep(Duration::from_secs(200)),
    )
    .await;
    sender.await.unwrap();
    let secs = started_secs(&loads);
    // Full at 0; the burst at 30–31 s is one narrowed pass at 32; the event at 100 s one at 102;
    // the next full pass stays 120 s after the first ended (130), not after the narrowed ones.
    assert_eq!(secs, [0, 32, 102, 130]);
    assert_eq!(end.passes, 4);
}

#[tokio::test(start_paused = true)]
async fn untimed_loops_run_only_the_passes_requests_ask_for() {
    let dir = tempfile::tempdir().unwrap();
    let services = services(dir.path());
    let (source, loads) = recorder(Duration::from_secs(1));
    let health = HealthState::new(true, Leadership::unconditional());
    let requests = Arc::new(PassRequests::default());
    let sender = tokio::spawn({
        let requests = requests.clone();
        async move {
            tokio::time::sleep(Duration::from_secs(500)).await;
            requests.request(everything());
        }
    });
    let wake = Notify::new();
    let triggers = Triggers {
        wake: &wake,
        requests: &requests,
        window: WINDOW,
        timed: false,
    };
    run_loop(
        &services,
        &source,
        Duration::from_secs(120),
        &health,
        &triggers,
        tokio::time::sleep(Duration::from_secs(1000)),
    )
    .await;
    sender.await.unwrap();
    let secs = started_secs(&loads);
    assert_eq!(
        secs,
        [502],
        "no pass at start or per interval; one after the request"
    );
}
