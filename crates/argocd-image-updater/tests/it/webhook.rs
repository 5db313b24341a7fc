//! Registry webhooks end to end: the controller with `--enable-webhook` (plain HTTP) against
//! the fake API server and the real registry. A push followed by its webhook is written within
//! seconds although the interval is an hour; a burst of 50 identical events costs one listing.

use std::time::{Duration, Instant};

use super::controller::{Replica, free_port, wait_for, web_tag};
use super::run_once::fixture::Cluster;
use super::run_once::objects::{App, app_ref, helm_image, image_updater};
use super::run_once::seed_web_in_team_a;

const SECRET: &str = "webhook-s3cret";

/// A generic CloudEvent for a push of `repository:tag` to the test registry.
fn push_event(cluster: &Cluster, tag: &str) -> String {
    serde_json::json!({
        "specversion": "1.0",
        "type": "com.example.container.image.pushed",
        "source": format!("http://{}", cluster.registry.host()),
        "id": tag,
        "data": {
            "repository": "org/web",
            "tag": tag,
            "registry": cluster.registry.host(),
        },
    })
    .to_string()
}

/// POSTs `body` to the webhook on `port`; the status code.
fn post(port: u16, body: &str, secret: &str) -> u16 {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    let request = format!(
        "POST /webhook?type=cloudevents HTTP/1.1\r\nHost: localhost\r\nContent-Type: \
         application/cloudevents+json\r\nX-Webhook-Secret: {secret}\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[tokio::test]
async fn a_push_and_its_webhook_update_within_seconds_and_a_burst_costs_one_listing() {
    let cluster = Cluster::start();
    seed_web_in_team_a(&cluster).await;
    // Another ImageUpdater follows `org/api`: the events for `org/web` must not touch it.
    cluster.seed_tags("org/api", &["1.0.0", "1.1.0"]).await;
    let api = cluster.image("org/api");
    let app = App::helm("team-a", "api")
        .running(&[&format!("{api}:1.0.0")])
        .build();
    cluster.add_app(app);
    let image = helm_image("api", &format!("{api}:~1"), "image.name", "image.tag");
    let spec = serde_json::json!({"applicationRefs": [app_ref("api", vec![image])]});
    cluster.add_updater(image_updater("team-a", "api-updater", spec));
    let port = free_port();
    let replica = Replica::with_args(
        &cluster,
        "updater-0",
        &[
            "--interval=1h",
            "--enable-webhook",
            "--disable-tls",
            &format!("--webhook-port={port}"),
            &format!("--cloudevents-webhook-secret={SECRET}"),
        ],
    );
    wait_for("the first pass", || web_tag(&cluster) == "1.2.0");
    wait_for("the webhook server", || {
        std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
    });

    let api_listings = cluster.tag_listings("org/api");
    assert_eq!(post(port, &push_event(&cluster, "1.3.0"), "wrong"), 401);
    cluster.seed_tags("org/web", &["1.3.0"]).await;
    let pushed = Instant::now();
    assert_eq!(post(port, &push_event(&cluster, "1.3.0"), SECRET), 200);
    wait_for("the update after the webhook", || {
        web_tag(&cluster) == "1.3.0"
    });
    assert!(
        pushed.elapsed() < Duration::from_secs(15),
        "{:?}",
        pushed.elapsed()
    );

    cluster.seed_tags("org/web", &["1.4.0"]).await;
    let listings = cluster.tag_listings("org/web");
    for _ in 0..50 {
        assert_eq!(post(port, &push_event(&cluster, "1.4.0"), SECRET), 200);
    }
    wait_for("the update after the burst", || {
        web_tag(&cluster) == "1.4.0"
    });
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(
        cluster.tag_listings("org/web") - listings,
        1,
        "50 identical events, one listing"
    );
    assert_eq!(
        cluster.tag_listings("org/api"),
        api_listings,
        "the narrowed passes never listed the other repository"
    );
    let (status, log) = replica.terminate();
    assert!(status.success(), "{log}");
    assert_eq!(cluster.app_writes("team-a", "web").len(), 3, "{log}");
}

/// §2.3 `webhook`: no pass at start or per interval, no leader election; a webhook event
/// updates the images it concerns.
#[tokio::test]
async fn the_webhook_command_updates_only_on_events() {
    let cluster = Cluster::start();
    seed_web_in_team_a(&cluster).await;
    let port = free_port();
    let cache = tempfile::tempdir().unwrap();
    let binary = assert_cmd::cargo::cargo_bin("argocd-image-updater");
    let mut child = std::process::Command::new(binary)
        .args(["webhook", "--disable-tls", "--loglevel", "info"])
        .arg(format!("--webhook-port={port}"))
        .arg(format!("--cloudevents-webhook-secret={SECRET}"))
        .args(["--watch-namespaces", "*"])
        .arg("--kubeconfig")
        .arg(cluster.kubeconfig())
        .arg("--registries-conf-path")
        .arg(cluster.registries_conf())
        .arg("--cache-dir")
        .arg(cache.path())
        .env_remove("RUST_LOG")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    wait_for("the webhook server", || {
        std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
    });
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(web_tag(&cluster), "1.0.0", "no pass without an event");
    assert!(
        cluster
            .api
            .request_log()
            .iter()
            .all(|r| !r.path.contains("/leases/")),
        "no leader election"
    );
    assert_eq!(post(port, &push_event(&cluster, "1.2.0"), SECRET), 200);
    wait_for("the update after the event", || {
        web_tag(&cluster) == "1.2.0"
    });
    let _ = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    assert!(child.wait().unwrap().success());
}
