//! `test` against a real registry (Debian's `docker-registry` from the testkit).

use updater_testkit::{AuthMode, ImageSpec, RegistryOptions, RegistryServer};

use super::updater;

fn start(auth: AuthMode) -> RegistryServer {
    updater_testkit::install_crypto();
    RegistryServer::start(RegistryOptions::new(auth)).expect("registry starts")
}

/// A registries.conf naming the server (it speaks plain HTTP, which inference would not guess).
fn registries_conf(server: &RegistryServer, dir: &std::path::Path) -> String {
    let path = dir.join("registries.conf");
    let conf = format!(
        "registries:\n- name: test\n  prefix: {}\n  api_url: {}\n",
        server.host(),
        server.url()
    );
    std::fs::write(&path, conf).unwrap();
    path.to_str().unwrap().to_owned()
}

fn run_json(args: &[&str], envs: &[(&str, &str)]) -> serde_json::Value {
    let mut command = updater();
    command
        .arg("test")
        .args(args)
        .args(["--output", "json", "--loglevel", "error"]);
    for (key, value) in envs {
        command.env(key, value);
    }
    let output = command.assert().success();
    serde_json::from_slice(&output.get_output().stdout).unwrap()
}

#[tokio::test]
async fn test_queries_the_registry_and_counts_requests() {
    let server = start(AuthMode::Anonymous);
    let seeder = server.seeder().unwrap();
    seeder
        .push_tags("org/app", &["1.0.0", "1.4.2", "2.0.0"])
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let conf = registries_conf(&server, dir.path());
    let image = format!("{}/org/app", server.host());
    let cache = dir.path().join("cache");
    let args = [
        &image,
        "--semver-constraint",
        "~1",
        "--registries-conf-path",
        &conf,
        "--cache-dir",
        cache.to_str().unwrap(),
    ];
    let report = run_json(&args, &[]);
    assert_eq!(report["chosen"], "1.4.2");
    assert_eq!(
        report["registry_requests"], 1,
        "one tag listing, nothing else"
    );
}

#[tokio::test]
async fn test_newest_build_uses_the_cache_dir_across_runs() {
    let server = start(AuthMode::Anonymous);
    let seeder = server.seeder().unwrap();
    let created = |day: u8| format!("2025-02-{day:02}T00:00:00Z").parse().unwrap();
    seeder
        .push_image("org/app", "a", &ImageSpec::created(created(1)))
        .await
        .unwrap();
    seeder
        .push_image("org/app", "b", &ImageSpec::created(created(2)))
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let conf = registries_conf(&server, dir.path());
    let image = format!("{}/org/app", server.host());
    let cache = dir.path().join("cache");
    let args = [
        &image,
        "--update-strategy",
        "newest-build",
        "--registries-conf-path",
        &conf,
        "--cache-dir",
        cache.to_str().unwrap(),
    ];
    let cold = run_json(&args, &[]);
    assert_eq!(cold["chosen"], "b");
    // listing + per tag HEAD, manifest GET and config GET.
    assert_eq!(cold["registry_requests"], 1 + 2 * 3);
    let warm = run_json(&args, &[]);
    assert_eq!(warm["chosen"], "b");
    assert_eq!(
        warm["registry_requests"],
        1 + 2,
        "listing + one HEAD per tag"
    );
}

#[tokio::test]
async fn test_uses_env_and_pull_secret_credentials() {
    let server = start(AuthMode::Htpasswd);
    let seeder = server.seeder().unwrap();
    seeder.push_tags("org/private", &["3.1.0"]).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let conf = registries_conf(&server, dir.path());
    let image = format!("{}/org/private", server.host());
    let base = [
        &image,
        "--registries-conf-path",
        &conf,
        "--cache-dir",
        dir.path().to_str().unwrap(),
    ];
    let env = [&base[..], &["--credentials", "env:TEST_REGISTRY_CREDS"]].concat();
    let report = run_json(&env, &[("TEST_REGISTRY_CREDS", "testuser:testpass")]);
    assert_eq!(report["chosen"], "3.1.0");

    let secret = dir.path().join("secrets/argocd/regcred");
    std::fs::create_dir_all(&secret).unwrap();
    let auth = "dGVzdHVzZXI6dGVzdHBhc3M="; // base64("testuser:testpass")
    let document = format!(r#"{{"auths":{{"{}":{{"auth":"{auth}"}}}}}}"#, server.host());
    std::fs::write(secret.join(".dockerconfigjson"), document).unwrap();
    let secrets_dir = dir.path().join("secrets");
    let pull = [
        &base[..],
        &[
            "--credentials",
            "pullsecret:argocd/regcred",
            "--secrets-dir",
            secrets_dir.to_str().unwrap(),
        ],
    ]
    .concat();
    assert_eq!(run_json(&pull, &[])["chosen"], "3.1.0");
}

#[tokio::test]
async fn registry_failures_are_reported_once_without_secrets() {
    let server = start(AuthMode::Htpasswd);
    let dir = tempfile::tempdir().unwrap();
    let conf = registries_conf(&server, dir.path());
    let image = format!("{}/org/private", server.host());
    let output = updater()
        .args([
            "test",
            &image,
            "--registries-conf-path",
            &conf,
            "--loglevel",
            "error",
        ])
        .args([
            "--credentials",
            "env:TEST_REGISTRY_CREDS",
            "--cache-dir",
            dir.path().to_str().unwrap(),
        ])
        .env("TEST_REGISTRY_CREDS", "testuser:wrong-secret-value")
        .assert()
        .code(1);
    let stderr = String::from_utf8(output.get_output().stderr.clone()).unwrap();
    assert!(
        stderr.starts_with("error: could not list the tags of `org/private`"),
        "{stderr}"
    );
    assert!(!stderr.contains("wrong-secret-value"), "{stderr}");
}
