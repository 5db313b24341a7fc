//! What the store seeder writes straight into the registry's storage is served by the running
//! registry exactly as pushed content is, byte for byte the same files, without HTTP.

use std::{
    path::{Path, PathBuf},
    time::{Duration, Instant},
};

use jiff::Timestamp;
use reqwest::{StatusCode, header};
use sha2::{Digest, Sha256};
use updater_testkit::{
    ImageSpec, ManifestFormat, RegistryOptions, RegistryServer, StoreError, media_type,
};

use crate::{client, get, list_tags, manifest};

/// HEAD of a manifest with every media type accepted: status and `Docker-Content-Digest`.
async fn head_manifest(server: &RegistryServer, repo: &str, reference: &str) -> (u16, String) {
    let url = format!("{}/v2/{repo}/manifests/{reference}", server.url());
    let response = client(server)
        .head(url)
        .header(header::ACCEPT, media_type::ACCEPT_ALL)
        .send()
        .await
        .unwrap();
    let digest = response.headers().get("docker-content-digest");
    let digest = digest.map_or("", |v| v.to_str().unwrap()).to_owned();
    (response.status().as_u16(), digest)
}

/// The requests the registry has logged, once those in flight are logged too.
async fn logged_requests(server: &RegistryServer) -> usize {
    // The registry logs a request just after answering it.
    tokio::time::sleep(Duration::from_millis(200)).await;
    server.requests().unwrap().len()
}

fn at(text: &str) -> Timestamp {
    text.parse().unwrap()
}

#[tokio::test]
async fn store_seeded_content_is_served_by_the_running_registry() {
    let server = RegistryServer::start(RegistryOptions::default()).unwrap();
    let before = logged_requests(&server).await;
    let store = server.store_seeder();
    let spec = ImageSpec::created(at("2024-05-01T00:00:00Z")).with_label("k", "v");
    let image = store.put_image("org/app", "v1", &spec).unwrap();
    let platforms = [
        ImageSpec::platform("amd64", None),
        ImageSpec::platform("arm64", Some("v8")),
    ];
    let index = store
        .put_index("org/app", "multi", &platforms, ManifestFormat::Oci)
        .unwrap();
    let old = store.put_image("org/app", "moving", &spec).unwrap();
    assert_eq!(
        logged_requests(&server).await,
        before,
        "store seeding used HTTP"
    );

    // Reads before and after each write: the registry caches nothing that hides a new tag or
    // keeps a moved one in place.
    assert_eq!(head_manifest(&server, "org/app", "later").await.0, 404);
    assert_eq!(
        head_manifest(&server, "org/app", "moving").await,
        (200, old.clone())
    );
    let newer = ImageSpec::created(at("2024-06-01T00:00:00Z"));
    let moved = store.put_image("org/app", "moving", &newer).unwrap();
    assert_ne!(old, moved);
    let later = store.put_image("org/app", "later", &newer).unwrap();
    assert_eq!(
        head_manifest(&server, "org/app", "later").await,
        (200, later)
    );

    assert_eq!(
        list_tags(&server, "org/app").await,
        ["later", "moving", "multi", "v1"]
    );
    for (tag, digest, want_type) in [
        ("v1", &image, media_type::OCI_MANIFEST),
        ("multi", &index, media_type::OCI_INDEX),
        ("moving", &moved, media_type::OCI_MANIFEST),
    ] {
        assert_eq!(
            head_manifest(&server, "org/app", tag).await,
            (200, digest.clone())
        );
        let (content_type, served, _) = manifest(&server, "org/app", tag).await;
        assert_eq!((content_type.as_str(), &served), (want_type, digest));
    }
    // The tag's old image stays reachable by digest, as after a push.
    assert_eq!(
        head_manifest(&server, "org/app", &old).await,
        (200, old.clone())
    );

    let (_, _, body) = manifest(&server, "org/app", "multi").await;
    let entries = body["manifests"].as_array().unwrap();
    assert_eq!(entries.len(), 2);
    for (entry, arch) in entries.iter().zip(["amd64", "arm64"]) {
        let child = entry["digest"].as_str().unwrap();
        let (child_type, served, child_body) = manifest(&server, "org/app", child).await;
        assert_eq!(
            (child_type.as_str(), served.as_str()),
            (media_type::OCI_MANIFEST, child)
        );
        let config = config_bytes(&server, &child_body).await;
        let config: serde_json::Value = serde_json::from_slice(&config).unwrap();
        assert_eq!(config["architecture"], arch);
    }

    let (_, _, body) = manifest(&server, "org/app", "moving").await;
    let config: serde_json::Value =
        serde_json::from_slice(&config_bytes(&server, &body).await).unwrap();
    assert_eq!(config["created"], "2024-06-01T00:00:00Z");
    // The request log is read for real: the reads above are in it.
    assert!(logged_requests(&server).await > before);
}

/// The config blob a manifest references, checked against its digest and size.
async fn config_bytes(server: &RegistryServer, manifest: &serde_json::Value) -> Vec<u8> {
    let digest = manifest["config"]["digest"].as_str().unwrap();
    let response = get(server, "org/app", &format!("org/app/blobs/{digest}")).await;
    assert_eq!(response.status(), StatusCode::OK);
    let bytes = response.bytes().await.unwrap().to_vec();
    assert_eq!(
        format!("sha256:{}", hex::encode(Sha256::digest(&bytes))),
        digest
    );
    assert_eq!(manifest["config"]["size"], bytes.len());
    bytes
}

/// Every file under `dir` with its content, sorted by path.
fn tree(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(next) = pending.pop() {
        for entry in std::fs::read_dir(&next).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let content = std::fs::read(&path).unwrap();
                out.push((path.strip_prefix(dir).unwrap().to_path_buf(), content));
            }
        }
    }
    out.sort();
    out
}

#[tokio::test]
async fn store_seeding_writes_the_files_a_push_writes() {
    let pushed = RegistryServer::start(RegistryOptions::default()).unwrap();
    let stored = RegistryServer::start(RegistryOptions::default()).unwrap();
    let (seeder, store) = (pushed.seeder().unwrap(), stored.store_seeder());
    let spec = ImageSpec::created(at("2024-01-01T00:00:00Z")).with_label("a", "b");
    let shared = ImageSpec {
        content: Some("shared".into()),
        ..ImageSpec::default().with_format(ManifestFormat::Docker)
    };
    let platforms = [
        ImageSpec::platform("amd64", None),
        ImageSpec::platform("arm", Some("v7")),
    ];
    for (repo, tag, spec) in [
        ("org/app", "v1", &spec),
        ("org/app", "v2", &shared),
        ("other/app", "x", &shared),
        ("org/app", "v1", &shared),
    ] {
        let want = seeder.push_image(repo, tag, spec).await.unwrap();
        assert_eq!(store.put_image(repo, tag, spec).unwrap(), want);
    }
    for format in [ManifestFormat::Oci, ManifestFormat::Docker] {
        let tag = format!("{format:?}");
        let want = seeder
            .push_index("org/multi", &tag, &platforms, format)
            .await
            .unwrap();
        let got = store
            .put_index("org/multi", &tag, &platforms, format)
            .unwrap();
        assert_eq!(got, want);
    }

    let v2 = |server: &RegistryServer| server.storage_root().join("docker/registry/v2");
    let (want, got) = (tree(&v2(&pushed)), tree(&v2(&stored)));
    let names = |t: &[(PathBuf, Vec<u8>)]| t.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>();
    assert_eq!(names(&got), names(&want));
    assert_eq!(got, want);
    // 20 blobs, 14 layer links, 9 revision links, 11 tag links: the comparison is not vacuous.
    assert_eq!(want.len(), 54);
}

#[test]
fn bad_names_are_refused() {
    let server = RegistryServer::start(RegistryOptions::default()).unwrap();
    let store = server.store_seeder();
    let spec = ImageSpec::default();
    let error = store.put_image("../../etc", "v1", &spec).unwrap_err();
    assert!(
        matches!(error, StoreError::InvalidRepository { .. }),
        "{error}"
    );
    let error = store.put_image("org/app", "../../../x", &spec).unwrap_err();
    assert!(matches!(error, StoreError::InvalidTag { .. }), "{error}");
    assert!(!server.storage_root().join("docker").exists());
}

/// Seeds `REPOS` x `TAGS` tags (every tenth an index) and prints the rate; run with
/// `--nocapture` to see it. Asserts that the result is served, never on timing.
#[tokio::test]
async fn thousands_of_tags_are_seeded_quickly() {
    const REPOS: usize = 5;
    const TAGS: usize = 200;
    let server = RegistryServer::start(RegistryOptions::default()).unwrap();
    let store = server.store_seeder();
    let base = at("2024-01-01T00:00:00Z");
    let platforms = [
        ImageSpec::platform("amd64", None),
        ImageSpec::platform("arm64", Some("v8")),
    ];
    let started = Instant::now();
    let mut last = String::new();
    for r in 0..REPOS {
        for t in 0..TAGS {
            let (repo, tag) = (format!("fleet/app-{r}"), format!("1.0.{t}"));
            let created = base + Duration::from_secs(t as u64 * 60);
            last = if t % 10 == 9 {
                let specs = platforms.clone().map(|p| ImageSpec {
                    created: Some(created),
                    ..p
                });
                store
                    .put_index(&repo, &tag, &specs, ManifestFormat::Oci)
                    .unwrap()
            } else {
                store
                    .put_image(&repo, &tag, &ImageSpec::created(created))
                    .unwrap()
            };
        }
    }
    let elapsed = started.elapsed();
    let total = REPOS * TAGS;
    eprintln!(
        "store-seeded {total} tags in {elapsed:.2?}: {:.0} tags/s",
        total as f64 / elapsed.as_secs_f64()
    );
    let repo = format!("fleet/app-{}", REPOS - 1);
    assert_eq!(list_tags(&server, &repo).await.len(), TAGS);
    let tag = format!("1.0.{}", TAGS - 1);
    assert_eq!(head_manifest(&server, &repo, &tag).await, (200, last));
}
