//! Port conflicts are retried, other failures are not, and drop stops the process.

use std::net::TcpStream;

use super::*;
use crate::git::{command::git_program, daemon::daemon_command};

/// Runs `check` with a git daemon `Launch` over an empty root.
fn with_daemon_launch(check: impl FnOnce(&Launch<'_>)) {
    let dir = tempfile::tempdir().unwrap();
    let program = git_program("git-daemon").unwrap();
    let command = |port| Ok(daemon_command(&program, dir.path(), dir.path(), port));
    let ready_line = |_| "Ready to rumble".to_owned();
    check(&Launch {
        server: "git daemon",
        log: dir.path().join("log"),
        command: &command,
        ready_line: &ready_line,
    });
}

#[test]
fn a_taken_port_is_retried_with_another() {
    with_daemon_launch(|launch| {
        let taken = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        let taken_port = taken.local_addr().unwrap().port();
        let mut ports = vec![taken_port];
        let pick = || ports.pop().map_or_else(free_port, Ok);
        let (process, port) = start_with_ports(launch, pick).unwrap();
        assert_ne!(port, taken_port);
        assert!(TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_ok());
        drop(process);
        // The connection above was handed to a forked handler, which holds the listening
        // socket until it is reaped too: allow it a moment instead of racing it.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        while TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_ok() {
            assert!(
                std::time::Instant::now() < deadline,
                "the server still listens after drop"
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    });
}

#[test]
fn giving_up_after_the_last_attempt_reports_the_log() {
    with_daemon_launch(|launch| {
        let taken = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        let taken_port = taken.local_addr().unwrap().port();
        let mut picks = 0;
        let pick = || {
            picks += 1;
            Ok(taken_port)
        };
        let error = start_with_ports(launch, pick).unwrap_err();
        assert!(error.to_string().contains(PORT_TAKEN), "{error}");
        assert_eq!(picks, BIND_ATTEMPTS);
    });
}

#[test]
fn other_failures_are_not_retried() {
    let dir = tempfile::tempdir().unwrap();
    let command = |_| {
        let mut command = Command::new("sh");
        command.args(["-c", "echo bad config >&2; exit 3"]);
        Ok(command)
    };
    let ready_line = |_| "never".to_owned();
    let launch = Launch {
        server: "broken",
        log: dir.path().join("log"),
        command: &command,
        ready_line: &ready_line,
    };
    let mut picks = 0;
    let pick = || {
        picks += 1;
        free_port()
    };
    let error = start_with_ports(&launch, pick).unwrap_err();
    assert!(
        matches!(&error, GitError::ServerExited { server: "broken", log_tail, .. }
            if log_tail == "bad config"),
        "{error}"
    );
    assert_eq!(picks, 1);
}
