//! Running short-lived external tools (`openssl`, `htpasswd`) with a timeout.

use std::{
    io::{Read, Write},
    process::{Child, Command, Stdio},
    thread,
    time::{Duration, Instant},
};

use crate::error::TestkitError;

/// Key generation takes well under a second; this only bounds a hung tool.
const TOOL_TIMEOUT: Duration = Duration::from_secs(30);

/// Runs `command` to completion, feeding it `stdin`, and returns its stdout.
///
/// Fails when it cannot start, exits non-zero, or outlives [`TOOL_TIMEOUT`] (then it is killed).
pub(crate) fn run_tool(command: &mut Command, stdin: &[u8]) -> Result<Vec<u8>, TestkitError> {
    let program = command.get_program().to_string_lossy().into_owned();
    let spawn_error = |source| TestkitError::Spawn {
        program: program.clone(),
        source,
    };
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(spawn_error)?;
    // Dropping the handle after writing closes the pipe, so tools reading stdin see EOF.
    if let Some(mut input) = child.stdin.take() {
        input.write_all(stdin).map_err(spawn_error)?;
    }
    // Pipes are drained on threads so a chatty tool cannot block on a full pipe while we wait.
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let status = wait_with_timeout(&mut child, &program)?;
    let stdout = stdout.join().unwrap_or_default();
    let stderr = stderr.join().unwrap_or_default();
    if status.success() {
        return Ok(stdout);
    }
    Err(TestkitError::ToolFailed {
        program,
        status,
        stderr: tail(&String::from_utf8_lossy(&stderr), 5),
    })
}

/// Reads a pipe to its end on a separate thread.
fn drain(pipe: Option<impl Read + Send + 'static>) -> thread::JoinHandle<Vec<u8>> {
    thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_end(&mut buf);
        }
        buf
    })
}

/// Polls `child` until it exits; kills and reaps it when [`TOOL_TIMEOUT`] passes.
fn wait_with_timeout(
    child: &mut Child,
    program: &str,
) -> Result<std::process::ExitStatus, TestkitError> {
    let deadline = Instant::now() + TOOL_TIMEOUT;
    loop {
        let polled = child.try_wait().map_err(|source| TestkitError::Spawn {
            program: program.to_owned(),
            source,
        })?;
        if let Some(status) = polled {
            return Ok(status);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return Err(TestkitError::ToolTimeout {
                program: program.to_owned(),
            });
        }
        thread::sleep(Duration::from_millis(5));
    }
}

/// The last `lines` lines of `text`.
pub(crate) fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// A child process that is killed and reaped when dropped, so no test leaks a server.
#[derive(Debug)]
pub(crate) struct KillOnDrop(pub(crate) Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        // Waiting guarantees the process, and with it the listening port, is gone when drop
        // returns, and leaves no zombie behind.
        let _ = self.0.wait();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tail_keeps_the_last_lines() {
        assert_eq!(tail("a\nb\nc\n", 2), "b\nc");
        assert_eq!(tail("a", 5), "a");
        assert_eq!(tail("", 5), "");
    }

    #[test]
    fn run_tool_returns_stdout_and_reports_failures() {
        let out = run_tool(Command::new("cat").arg("-"), b"hello").unwrap();
        assert_eq!(out, b"hello");
        let err = run_tool(
            Command::new("sh").args(["-c", "echo oops >&2; exit 3"]),
            b"",
        );
        assert!(matches!(err, Err(TestkitError::ToolFailed { stderr, .. }) if stderr == "oops"));
    }
}
