//! `updater-git` over every real transport: `git daemon` (git://), `sshd` with key auth and a
//! checked host key, and smart HTTP (`git http-backend`) behind Basic auth, all from
//! `updater-testkit` on free loopback ports.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use updater_git::{Author, Batch, BatchOutcome, FileEdit, GitAuth, GitOptions, GitWriter, Secret};
use updater_testkit::git::{BareRepo, ChildCensus, GitServers, Transport};

const USER: &str = "git-user";
const PASSWORD: &str = "s3cret-git-password";

fn servers() -> GitServers {
    GitServers::start(Some((USER, PASSWORD))).expect("git servers start")
}

fn auth(servers: &GitServers, transport: Transport) -> GitAuth {
    match transport {
        Transport::Git => GitAuth::None,
        Transport::Http => GitAuth::Https {
            username: USER.into(),
            password: Secret::new(PASSWORD),
        },
        Transport::Ssh => GitAuth::Ssh {
            private_key: Secret::new(servers.ssh.client_key_pem()),
            known_hosts: Some(std::fs::read_to_string(servers.ssh.known_hosts_path()).unwrap()),
            insecure_ignore_host_key: false,
        },
    }
}

fn batch(url: String, auth: GitAuth, edits: Vec<FileEdit>) -> Batch {
    Batch {
        repo_url: url,
        auth,
        base_branch: Some("main".into()),
        write_branch: None,
        edits,
        message: "build: automatic update of 200 applications\n".into(),
        author: Author {
            name: "argocd-image-updater".into(),
            email: "noreply@argoproj.io".into(),
        },
        signing: None,
        sign_off: false,
    }
}

fn set_to(
    content: &str,
) -> impl Fn(Option<&str>) -> Result<String, String> + Send + Sync + 'static {
    let content = content.to_owned();
    move |_| Ok(content.clone())
}

fn writer(cache: &tempfile::TempDir) -> GitWriter {
    GitWriter::new(cache.path(), GitOptions::default()).expect("writer")
}

async fn two_hundred_apps_one_commit_one_push(transport: Transport) {
    let servers = servers();
    let repo = servers
        .create_repo("apps", &[("README.md", "apps\n")], "main")
        .unwrap();
    let edits = (0..200)
        .map(|n| {
            FileEdit::new(
                format!("apps/app-{n}/.argocd-source-app-{n}.yaml"),
                set_to(&format!("n: {n}\n")),
            )
        })
        .collect();
    let cache = tempfile::tempdir().unwrap();
    let before = repo.commit_count("main").unwrap();
    let outcome = writer(&cache)
        .apply(
            &batch(
                servers.url(transport, "apps"),
                auth(&servers, transport),
                edits,
            ),
            false,
        )
        .await
        .unwrap_or_else(|error| panic!("{transport:?}: {error}"));
    let BatchOutcome::Committed {
        files_changed,
        invocations,
        ..
    } = &outcome
    else {
        panic!("{transport:?}: {outcome:?}");
    };
    assert_eq!(files_changed.len(), 200);
    assert_eq!(
        (invocations.count("commit"), invocations.count("push")),
        (1, 1),
        "{transport:?}"
    );
    assert_eq!(repo.commit_count("main").unwrap(), before + 1);
    assert_eq!(
        repo.file_at("main", "apps/app-7/.argocd-source-app-7.yaml")
            .unwrap()
            .as_deref(),
        Some("n: 7\n")
    );
    let leftovers = ChildCensus::snapshot().touching(cache.path());
    assert!(
        leftovers.is_empty(),
        "{transport:?}: processes outlived the call: {leftovers}"
    );
}

#[tokio::test]
async fn batch_over_git_daemon() {
    two_hundred_apps_one_commit_one_push(Transport::Git).await;
}

#[tokio::test]
async fn batch_over_ssh() {
    two_hundred_apps_one_commit_one_push(Transport::Ssh).await;
}

#[tokio::test]
async fn batch_over_http_basic() {
    two_hundred_apps_one_commit_one_push(Transport::Http).await;
}

/// The first render pushes someone else's commit to the remote, as if it landed between our
/// fetch and our push; the writer must fetch, re-render on the new tip and push again.
async fn concurrent_push_is_resolved_by_retry(transport: Transport) {
    let servers = servers();
    let repo = Arc::new(
        servers
            .create_repo("race", &[("values.yaml", "tag: 1\n")], "main")
            .unwrap(),
    );
    let raced = Arc::new(AtomicBool::new(false));
    let (racer, flag) = (Arc::clone(&repo), Arc::clone(&raced));
    let edit = FileEdit::new("values.yaml", move |current: Option<&str>| {
        if !flag.swap(true, Ordering::SeqCst) {
            racer
                .push_concurrent_commit("main", "other.txt", "theirs\n")
                .map_err(|e| e.to_string())?;
        }
        Ok(current.unwrap_or_default().replace("tag: 1", "tag: 2"))
    });
    let cache = tempfile::tempdir().unwrap();
    let outcome = writer(&cache)
        .apply(
            &batch(
                servers.url(transport, "race"),
                auth(&servers, transport),
                vec![edit],
            ),
            false,
        )
        .await
        .unwrap_or_else(|error| panic!("{transport:?}: {error}"));
    let BatchOutcome::Committed { attempts, .. } = outcome else {
        panic!("{outcome:?}")
    };
    assert_eq!(attempts, 2, "{transport:?}");
    assert_eq!(
        repo.file_at("main", "values.yaml").unwrap().as_deref(),
        Some("tag: 2\n")
    );
    assert_eq!(
        repo.file_at("main", "other.txt").unwrap().as_deref(),
        Some("theirs\n"),
        "their commit kept"
    );
}

#[tokio::test]
async fn race_over_git_daemon() {
    concurrent_push_is_resolved_by_retry(Transport::Git).await;
}

#[tokio::test]
async fn race_over_ssh() {
    concurrent_push_is_resolved_by_retry(Transport::Ssh).await;
}

#[tokio::test]
async fn race_over_http() {
    concurrent_push_is_resolved_by_retry(Transport::Http).await;
}

async fn assert_refused(
    servers: &GitServers,
    repo: &BareRepo,
    transport: Transport,
    auth: GitAuth,
    secret: &str,
) {
    let before = repo.head("main").unwrap();
    let cache = tempfile::tempdir().unwrap();
    let edit = FileEdit::new("x.txt", set_to("x\n"));
    let error = writer(&cache)
        .apply(
            &batch(servers.url(transport, repo.name()), auth, vec![edit]),
            false,
        )
        .await
        .expect_err("wrong credentials must fail");
    let shown = format!("{error} {error:?}");
    assert!(
        !shown.contains(secret),
        "{transport:?}: secret in error: {shown}"
    );
    assert_eq!(
        repo.head("main").unwrap(),
        before,
        "{transport:?}: remote untouched"
    );
}

#[tokio::test]
async fn wrong_http_password_is_a_clear_error_and_the_remote_is_untouched() {
    let servers = servers();
    let repo = servers
        .create_repo("guarded", &[("a", "a\n")], "main")
        .unwrap();
    let wrong = GitAuth::Https {
        username: USER.into(),
        password: Secret::new("wrong-password-value"),
    };
    assert_refused(
        &servers,
        &repo,
        Transport::Http,
        wrong,
        "wrong-password-value",
    )
    .await;
}

#[tokio::test]
async fn unknown_ssh_key_and_unknown_host_key_are_refused() {
    let servers = servers();
    let repo = servers
        .create_repo("guarded", &[("a", "a\n")], "main")
        .unwrap();
    let keys = tempfile::tempdir().unwrap();
    let other_key = updater_testkit::git::generate_key_pair(keys.path(), "other").unwrap();
    let other_pem = std::fs::read_to_string(other_key).unwrap();
    let known_hosts = std::fs::read_to_string(servers.ssh.known_hosts_path()).unwrap();
    let wrong_key = GitAuth::Ssh {
        private_key: Secret::new(other_pem.clone()),
        known_hosts: Some(known_hosts),
        insecure_ignore_host_key: false,
    };
    let key_body = other_pem.lines().nth(1).unwrap().to_owned();
    assert_refused(&servers, &repo, Transport::Ssh, wrong_key, &key_body).await;
    let unknown_host = GitAuth::Ssh {
        private_key: Secret::new(servers.ssh.client_key_pem()),
        known_hosts: None,
        insecure_ignore_host_key: false,
    };
    assert_refused(&servers, &repo, Transport::Ssh, unknown_host, &key_body).await;
}
