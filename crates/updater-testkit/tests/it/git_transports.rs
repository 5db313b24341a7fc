//! Clone, commit and push with the real git CLI over `git://`, `ssh://` and `http://`; a push
//! behind a concurrent commit is rejected as non-fast-forward and succeeds after fetch + reset,
//! the way `git-demo.sh` recovers.

use updater_testkit::git::{SEED_MESSAGE, Transport};

use crate::git::{Fixture, commit_file, push};

/// The whole `git-demo.sh` scenario over one transport.
fn clone_push_reject_recover(transport: Transport) -> Fixture {
    let fx = Fixture::start(transport);
    let a = fx.clone_as("a");
    let ours = commit_file(&fx.env, &a, "values.yaml", "tag: v1.0.1\n", "build: v1.0.1");
    let pushed = push(&fx.env, &a);
    assert!(pushed.success, "{}\n{}", pushed.stderr, fx.diagnostics());
    assert_eq!(fx.repo.head("main").unwrap(), Some(ours));
    assert_eq!(
        fx.repo.file_at("main", "values.yaml").unwrap().as_deref(),
        Some("tag: v1.0.1\n")
    );
    assert_eq!(
        fx.repo.log_messages("main").unwrap(),
        ["build: v1.0.1", SEED_MESSAGE]
    );

    let theirs = fx
        .repo
        .push_concurrent_commit("main", "other.txt", "x\n")
        .unwrap();
    commit_file(&fx.env, &a, "values.yaml", "tag: v1.0.2\n", "build: v1.0.2");
    let rejected = push(&fx.env, &a);
    assert!(
        !rejected.success,
        "push behind a concurrent commit succeeded"
    );
    assert!(
        rejected.stderr.contains("[rejected]") && rejected.stderr.contains("fetch first"),
        "{}",
        rejected.stderr
    );
    assert_eq!(
        fx.repo.head("main").unwrap().as_deref(),
        Some(theirs.as_str())
    );

    fx.env.run_ok(&a, &["fetch", "-q", "origin"]).unwrap();
    fx.env
        .run_ok(&a, &["reset", "-q", "--hard", "origin/main"])
        .unwrap();
    let again = commit_file(&fx.env, &a, "values.yaml", "tag: v1.0.2\n", "build: v1.0.2");
    let pushed = push(&fx.env, &a);
    assert!(pushed.success, "{}", pushed.stderr);
    assert_eq!(fx.repo.head("main").unwrap(), Some(again));
    assert_eq!(fx.repo.commit_count("main").unwrap(), 4);
    assert_eq!(
        fx.repo.file_at("main", "other.txt").unwrap().as_deref(),
        Some("x\n")
    );
    fx
}

#[test]
fn git_daemon_round_trip() {
    let fx = clone_push_reject_recover(Transport::Git);
    assert!(
        fx.diagnostics().contains("Connection from"),
        "{}",
        fx.diagnostics()
    );
}

#[test]
fn ssh_round_trip() {
    let fx = clone_push_reject_recover(Transport::Ssh);
    let log = fx.ssh().log_tail();
    assert!(log.contains("Accepted publickey for"), "{log}");
}

#[test]
fn http_round_trip_with_basic_auth() {
    let fx = clone_push_reject_recover(Transport::Http);
    let http = fx.http();
    assert!(
        !fx.url().contains('@'),
        "credentials in the URL: {}",
        fx.url()
    );
    assert!(http.requests() >= 8, "{http:?}");
    // git asks without credentials first, then through the helper.
    assert!(http.unauthenticated_requests() >= 1, "{http:?}");
    assert_eq!(http.rejected_credentials(), 0);
    assert_eq!(http.username(), Some(crate::git::USER));
}

#[test]
fn http_large_push_is_chunked_and_wide_fetch_is_gzipped() {
    let fx = Fixture::start(Transport::Http);
    let a = fx.clone_as("a");
    // Incompressible enough to exceed the smallest http.postBuffer git allows (64 KiB).
    let big: String = (0..40_000u64)
        .map(|i| format!("{:016x}\n", i.wrapping_mul(0x9e37_79b9_7f4a_7c15)))
        .collect();
    std::fs::write(a.join("big.txt"), &big).unwrap();
    fx.env.run_ok(&a, &["add", "big.txt"]).unwrap();
    fx.env.run_ok(&a, &["commit", "-q", "-m", "big"]).unwrap();
    let pushed = fx
        .env
        .run(
            &a,
            &["-c", "http.postBuffer=65536", "push", "origin", "main"],
        )
        .unwrap();
    assert!(pushed.success, "{}", pushed.stderr);
    assert!(fx.http().chunked_requests() >= 1, "{:?}", fx.http());
    assert_eq!(fx.repo.file_at("main", "big.txt").unwrap(), Some(big));

    // Forty branches on forty commits: the upload-pack request passes 1 KiB, so git gzips it.
    for i in 0..40 {
        let message = format!("commit {i}");
        fx.env
            .run_ok(&a, &["commit", "-q", "--allow-empty", "-m", &message])
            .unwrap();
        fx.env.run_ok(&a, &["branch", &format!("b{i}")]).unwrap();
    }
    let pushed = fx.env.run(&a, &["push", "-q", "origin", "--all"]).unwrap();
    assert!(pushed.success, "{}", pushed.stderr);
    let b = fx.clone_as("b");
    assert!(fx.http().gzipped_requests() >= 1, "{:?}", fx.http());
    let branches = fx.env.run_ok(&b, &["branch", "-r"]).unwrap();
    assert_eq!(branches.lines().count(), 42, "{branches}");
}
