//! `run` as a controller, end to end: replicas of the binary (real processes) against the fake
//! kube API server and a real registry. A pass per interval with probes and metrics, SIGTERM,
//! two replicas sharing the Lease (one writes, the other stands by and takes over), and
//! recovery after the API server answered errors.

use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

use super::run_once::fixture::{ARGOCD_NS, Cluster};
use super::run_once::objects::{App, app_ref, helm_image, image_updater};
use super::run_once::{forced, seed_web_in_team_a};

/// A replica of the controller: the binary running `run --interval 1s` with its log in a file.
pub(crate) struct Replica {
    child: Child,
    probe_port: u16,
    metrics_port: u16,
    log: PathBuf,
    _dir: TempDir,
}

impl Replica {
    /// Starts a replica whose pod name (`HOSTNAME`) is `name`, with its own cache directory,
    /// running a pass every second.
    fn start(cluster: &Cluster, name: &str) -> Self {
        Self::with_interval(cluster, name, "1s")
    }

    /// [`Self::start`] with another `--interval`.
    fn with_interval(cluster: &Cluster, name: &str, interval: &str) -> Self {
        Self::with_args(cluster, name, &[&format!("--interval={interval}")])
    }

    /// A replica with `args` (which must include `--interval`) after the common flags.
    pub(crate) fn with_args(cluster: &Cluster, name: &str, args: &[&str]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("stderr.log");
        let probe_port = free_port();
        let metrics_port = free_port();
        // `UPDATER_BINARY` measures another build (e.g. the release one) in `rss_between_passes`.
        let binary = std::env::var_os("UPDATER_BINARY").map_or_else(
            || assert_cmd::cargo::cargo_bin("argocd-image-updater"),
            PathBuf::from,
        );
        let child = Command::new(binary)
            .args(["run", "--loglevel", "info"])
            .args(["--watch-namespaces", "*", "--argocd-namespace", ARGOCD_NS])
            .arg(format!(
                "--health-probe-bind-address=127.0.0.1:{probe_port}"
            ))
            .arg(format!("--metrics-bind-address=127.0.0.1:{metrics_port}"))
            .arg("--kubeconfig")
            .arg(cluster.kubeconfig())
            .arg("--registries-conf-path")
            .arg(cluster.registries_conf())
            .arg("--cache-dir")
            .arg(dir.path().join("cache"))
            .args(args)
            .env("HOSTNAME", name)
            .env_remove("RUST_LOG")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap();
        Self {
            child,
            probe_port,
            metrics_port,
            log,
            _dir: dir,
        }
    }

    /// Everything logged so far.
    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Sends SIGTERM and waits for the exit.
    pub(crate) fn terminate(mut self) -> (ExitStatus, String) {
        let killed = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        let status = self.child.wait().unwrap();
        (status, self.log())
    }
}

impl Drop for Replica {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A free loopback port (released just before the binary binds it).
pub(crate) fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// The raw response of `GET http://127.0.0.1:<port><path>`, `None` while nothing listens.
fn fetch(port: u16, path: &str) -> Option<String> {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    let request = format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    Some(response)
}

/// The status code of `GET http://127.0.0.1:<port><path>`, `None` while nothing listens.
fn probe(port: u16, path: &str) -> Option<u16> {
    fetch(port, path)?.split_whitespace().nth(1)?.parse().ok()
}

/// The value of the sample line starting with `series` (name and labels) in metrics text.
fn sample(text: &str, series: &str) -> f64 {
    let line = text.lines().find(|line| line.starts_with(series));
    let line = line.unwrap_or_else(|| panic!("no `{series}` in\n{text}"));
    line.rsplit(' ').next().unwrap().parse().unwrap()
}

pub(crate) fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The `image.tag` parameter of `team-a/web`.
pub(crate) fn web_tag(cluster: &Cluster) -> String {
    tag_of(cluster, "web").expect("web has an image.tag parameter")
}

/// The `image.tag` parameter of the Application `team-a/<name>`, if it has one.
fn tag_of(cluster: &Cluster, name: &str) -> Option<String> {
    let app = cluster.app("team-a", name);
    let parameters = app["spec"]["source"]["helm"]["parameters"].as_array()?;
    let tag = parameters.iter().find(|p| p["name"] == "image.tag")?;
    tag["value"].as_str().map(str::to_owned)
}

/// An ImageUpdater `team-a/<app>-updater` following `org/web:~1` for the Application `app`.
fn updater_for(cluster: &Cluster, app: &str) -> serde_json::Value {
    let web = cluster.image("org/web");
    let image = helm_image("web", &format!("{web}:~1"), "image.name", "image.tag");
    let spec = serde_json::json!({"applicationRefs": [app_ref(app, vec![image])]});
    image_updater("team-a", &format!("{app}-updater"), spec)
}

/// How many passes ended with a status write of `team-a/web-updater`.
fn status_writes(cluster: &Cluster) -> usize {
    let writes = cluster.writes().into_iter();
    writes
        .filter(|w| w.path.ends_with("/web-updater/status"))
        .count()
}

/// The holder of the updater's Lease (in the kubeconfig's namespace).
fn lease_holder(cluster: &Cluster) -> String {
    let lease = cluster.api.get(
        "coordination.k8s.io/v1",
        "leases",
        Some("default"),
        "c21b75f2.argoproj.io",
    );
    let lease = lease.expect("the lease exists");
    lease["spec"]["holderIdentity"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// §2.2: without `--once`, a pass runs every `--interval` (requeued after each pass), the
/// probes say ready after the first pass, `/metrics` shows the pass, and SIGTERM stops the
/// process cleanly (exit 0, the Lease released).
#[tokio::test]
async fn without_once_passes_repeat_every_interval_until_sigterm() {
    let cluster = Cluster::start();
    seed_web_in_team_a(&cluster).await;
    let replica = Replica::start(&cluster, "updater-0");
    wait_for("the probes", || {
        probe(replica.probe_port, "/healthz") == Some(200)
    });
    wait_for("readiness", || {
        probe(replica.probe_port, "/readyz") == Some(200)
    });
    wait_for("three passes", || status_writes(&cluster) >= 3);
    let metrics = fetch(replica.metrics_port, "/metrics").expect("metrics are served");
    let cr = r#"{image_updater_cr_name="web-updater",image_updater_cr_namespace="team-a"}"#;
    let updated = format!("argocd_image_updater_images_updated_total{cr}");
    assert_eq!(
        sample(&metrics, &updated),
        1.0,
        "one update over all passes"
    );
    let watched = format!("argocd_image_updater_images_watched_total{cr}");
    assert_eq!(sample(&metrics, &watched), 1.0);
    assert!(sample(&metrics, "argocd_image_updater_k8s_api_requests_total") >= 9.0);
    assert!(sample(&metrics, "argocd_image_updater_registry_requests_total{") >= 3.0);
    assert!(
        sample(
            &metrics,
            "argocd_image_updater_cycle_duration_seconds_count"
        ) >= 3.0
    );
    assert!(lease_holder(&cluster).starts_with("updater-0_"));
    let (status, log) = replica.terminate();
    assert!(status.success(), "{log}");
    assert!(log.contains("shutdown requested"), "{log}");
    assert_eq!(lease_holder(&cluster), "", "released on exit\n{log}");
    // The first pass patched the Application; later passes found it up to date.
    assert_eq!(cluster.app_writes("team-a", "web").len(), 1, "{log}");
    assert_eq!(web_tag(&cluster), "1.2.0");
    let parameters = &cluster.app("team-a", "web")["spec"]["source"]["helm"]["parameters"];
    assert!(
        parameters
            .as_array()
            .unwrap()
            .contains(&forced("image.tag", "1.2.0"))
    );
}

/// §2.2 `--leader-election`: of two replicas only the Lease holder runs passes and writes;
/// the other is ready (so rolling updates proceed) and idle. When the leader stops, it releases
/// the Lease and the standby takes over at its next attempt, then writes the next update. Each
/// tag is written exactly once.
#[tokio::test]
async fn two_replicas_one_writer_and_a_handover_on_shutdown() {
    let cluster = Cluster::start();
    seed_web_in_team_a(&cluster).await;
    let a = Replica::start(&cluster, "updater-a");
    wait_for("a's first update", || web_tag(&cluster) == "1.2.0");
    let b = Replica::start(&cluster, "updater-b");
    wait_for("b standing by and ready", || {
        probe(b.probe_port, "/readyz") == Some(200)
    });
    cluster.seed_tags("org/web", &["1.3.0"]).await;
    wait_for("a's second update", || web_tag(&cluster) == "1.3.0");
    let passes = status_writes(&cluster);
    wait_for("two more passes of a", || {
        status_writes(&cluster) >= passes + 2
    });
    assert!(lease_holder(&cluster).starts_with("updater-a_"));
    let standby = b.log();
    assert!(
        standby.contains("another replica holds the lease: standing by"),
        "{standby}"
    );
    assert!(!standby.contains("summary:"), "b ran no pass\n{standby}");
    assert!(!standby.contains("patched"), "b wrote nothing\n{standby}");

    let (status, a_log) = a.terminate();
    assert!(status.success(), "{a_log}");
    wait_for("b leading", || {
        lease_holder(&cluster).starts_with("updater-b_")
    });
    cluster.seed_tags("org/web", &["1.4.0"]).await;
    wait_for("b's update", || web_tag(&cluster) == "1.4.0");
    let b_log = b.log();
    assert!(b_log.contains("became the leader"), "{b_log}");
    assert_eq!(a_log.matches("patched 1 image(s)").count(), 2, "{a_log}");
    assert_eq!(b_log.matches("patched 1 image(s)").count(), 1, "{b_log}");
    assert_eq!(
        cluster.app_writes("team-a", "web").len(),
        3,
        "1.2.0, 1.3.0 and 1.4.0, each written once"
    );
}

/// The API server fails the Application listing of several passes in a row (500s): those
/// passes are logged as failed, the process keeps running, and the first pass after the API
/// recovers does the update. Passes re-list everything, so no state can go stale. A second
/// ImageUpdater follows a repository the registry does not have. `/metrics` then shows every
/// documented series, the error counters included, with the values this history implies.
#[tokio::test]
async fn passes_recover_after_the_api_server_answered_errors() {
    let cluster = Cluster::start();
    seed_web_in_team_a(&cluster).await;
    let missing = cluster.image("org/missing");
    let image = helm_image("web", &format!("{missing}:~1"), "image.name", "image.tag");
    let spec = serde_json::json!({"applicationRefs": [app_ref("lost", vec![image])]});
    cluster.add_updater(image_updater("team-a", "broken", spec));
    let lost = App::helm("team-a", "lost")
        .running(&[&format!("{missing}:1.0.0")])
        .build();
    cluster.add_app(lost);
    for _ in 0..3 {
        cluster
            .api
            .fail_next("GET", "/apis/argoproj.io/v1alpha1/", 500);
    }
    let replica = Replica::start(&cluster, "updater-0");
    wait_for("the update after recovery", || web_tag(&cluster) == "1.2.0");
    let passes = status_writes(&cluster);
    wait_for("another pass", || status_writes(&cluster) > passes);
    let log = replica.log();
    assert!(
        log.matches("cannot list applications").count() >= 3,
        "three failed passes\n{log}"
    );
    assert!(probe(replica.probe_port, "/healthz") == Some(200));
    let web = r#"{image_updater_cr_name="web-updater",image_updater_cr_namespace="team-a"}"#;
    let broken = r#"{image_updater_cr_name="broken",image_updater_cr_namespace="team-a"}"#;
    // A pass records its metrics after writing the statuses: the second successful pass's
    // status write can be seen before its errors and duration are counted.
    let broken_errors = format!("argocd_image_updater_images_errors_total{broken}");
    let mut metrics = String::new();
    wait_for("the second successful pass's metrics", || {
        metrics = fetch(replica.metrics_port, "/metrics").expect("metrics are served");
        let cycles = "argocd_image_updater_cycle_duration_seconds_count";
        metrics.contains(&broken_errors)
            && sample(&metrics, &broken_errors) >= 2.0
            && sample(&metrics, cycles) >= 5.0
    });
    let (status, log) = replica.terminate();
    assert!(status.success(), "{log}");
    assert_eq!(cluster.app_writes("team-a", "web").len(), 1, "{log}");

    let registry = format!(r#"{{registry="{}"}}"#, cluster.registry.url());
    let at_least = |series: String, minimum: f64| {
        let value = sample(&metrics, &series);
        assert!(
            value >= minimum,
            "{series} = {value} < {minimum}\n{metrics}"
        );
    };
    at_least(
        format!("argocd_image_updater_applications_watched_total{web}"),
        1.0,
    );
    at_least(
        format!("argocd_image_updater_images_watched_total{web}"),
        1.0,
    );
    assert_eq!(
        sample(
            &metrics,
            &format!("argocd_image_updater_images_updated_total{web}")
        ),
        1.0
    );
    assert_eq!(
        sample(
            &metrics,
            &format!("argocd_image_updater_images_errors_total{web}")
        ),
        0.0
    );
    at_least(
        format!("argocd_image_updater_images_errors_total{broken}"),
        2.0,
    );
    at_least(
        format!("argocd_image_updater_registry_requests_total{registry}"),
        2.0,
    );
    at_least(
        format!("argocd_image_updater_registry_requests_failed_total{registry}"),
        2.0,
    );
    at_least("argocd_image_updater_k8s_api_requests_total".into(), 10.0);
    at_least("argocd_image_updater_k8s_api_errors_total".into(), 3.0);
    at_least(
        "argocd_image_updater_cycle_duration_seconds_count".into(),
        5.0,
    );
    at_least(
        "argocd_image_updater_registry_request_duration_seconds_count{".into(),
        2.0,
    );
    at_least(
        "argocd_image_updater_registry_requests_by_outcome_total{".into(),
        1.0,
    );
    assert!(
        metrics.contains("outcome=\"client_error\""),
        "the missing repository's 404s\n{metrics}"
    );
}

/// The original reconciles an ImageUpdater as soon as it is created or changed: with a one-hour
/// interval, a new ImageUpdater still gets its pass within seconds, also after the watch was
/// dropped and its resourceVersion expired (the watcher re-lists and sees the new one).
#[tokio::test]
async fn a_new_image_updater_gets_a_pass_at_once_even_after_the_watch_dropped() {
    let cluster = Cluster::start();
    seed_web_in_team_a(&cluster).await;
    let replica = Replica::with_interval(&cluster, "updater-0", "1h");
    wait_for("the first pass", || web_tag(&cluster) == "1.2.0");
    assert_eq!(tag_of(&cluster, "other"), None);

    cluster.add_updater(updater_for(&cluster, "other"));
    wait_for("the pass for the new ImageUpdater", || {
        tag_of(&cluster, "other").as_deref() == Some("1.2.0")
    });

    cluster.api.drop_watches();
    cluster.api.compact();
    let web = cluster.image("org/web");
    let third = App::helm("team-a", "third")
        .running(&[&format!("{web}:1.0.0")])
        .build();
    cluster.add_app(third);
    cluster.add_updater(updater_for(&cluster, "third"));
    wait_for("the pass after the watch came back", || {
        tag_of(&cluster, "third").as_deref() == Some("1.2.0")
    });
    let (status, log) = replica.terminate();
    assert!(status.success(), "{log}");
    assert!(
        log.contains("ImageUpdater team-a/other-updater created: a pass starts now"),
        "{log}"
    );
    assert!(
        log.contains("ImageUpdater team-a/third-updater created: a pass starts now"),
        "{log}"
    );
    assert_eq!(
        log.matches("summary:").count(),
        3,
        "three passes, no more\n{log}"
    );
}

/// The resident memory of `pid` from `/proc/<pid>/status`: (VmRSS, VmHWM) in KiB.
fn memory_kib(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let field = |name: &str| -> u64 {
        let line = status.lines().find(|l| l.starts_with(name)).unwrap();
        line.split_whitespace().nth(1).unwrap().parse().unwrap()
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// Not a test: a measurement for the install's resource requests (README, "Memory"). Run
/// with `cargo test -p argocd-image-updater --test it -- --ignored --nocapture rss`;
/// `RSS_APPS` sets the fleet size (default 500), `UPDATER_BINARY` the build measured (e.g.
/// `target/release/argocd-image-updater`). Prints the RSS between passes.
#[tokio::test]
#[ignore = "a measurement, run on demand"]
async fn rss_between_passes() {
    let apps: usize = std::env::var("RSS_APPS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(500);
    const REPOS: usize = 10;
    let cluster = Cluster::start();
    for r in 0..REPOS {
        cluster
            .seed_tags(&format!("org/svc-{r}"), &super::run_once::fixture::TAGS)
            .await;
    }
    let mut refs = Vec::new();
    for r in 0..REPOS {
        let repo = cluster.image(&format!("org/svc-{r}"));
        for k in 0..apps / REPOS {
            let app = App::helm("team-a", &format!("svc-{r}-{k}"))
                .running(&[&format!("{repo}:1.0.0")])
                .build();
            cluster.add_app(app);
        }
        let image = helm_image("svc", &format!("{repo}:~1"), "image.name", "image.tag");
        refs.push(app_ref(&format!("svc-{r}-*"), vec![image]));
    }
    let spec = serde_json::json!({"applicationRefs": refs});
    cluster.add_updater(image_updater("team-a", "updater", spec));
    let replica = Replica::start(&cluster, "updater-0");
    let pid = replica.child.id();
    let passes = |cluster: &Cluster| {
        let writes = cluster.writes().into_iter();
        writes
            .filter(|w| w.path.ends_with("/updater/status"))
            .count()
    };
    println!("{apps} Applications, {REPOS} repositories, one ImageUpdater, 1 s interval");
    println!("{:>6} {:>10} {:>10}", "pass", "RSS MiB", "peak MiB");
    for pass in [1, 2, 5, 10, 20, 40, 60] {
        wait_for("the pass", || passes(&cluster) >= pass);
        // Sampled in the pause after the pass (its status write is its last request).
        std::thread::sleep(Duration::from_millis(300));
        let (rss, peak) = memory_kib(pid);
        println!(
            "{pass:>6} {:>10.1} {:>10.1}",
            rss as f64 / 1024.0,
            peak as f64 / 1024.0
        );
    }
    let (status, log) = replica.terminate();
    assert!(status.success(), "{log}");
}
