//! Running git, ssh-keygen and `git http-backend` with a timeout: a hung child is killed and
//! reaped, and its pipes are drained on threads so it cannot block on a full pipe.

use std::{
    io::{Read, Write},
    process::{Child, Command, ExitStatus, Stdio},
    thread,
    time::{Duration, Instant},
};

use super::{census::ServerPid, error::GitError};
use crate::process::tail;

/// Every command here finishes in well under a second; this only bounds a hung one.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(30);
/// Lines of stderr kept in [`GitError::Command`].
const STDERR_LINES: usize = 5;

/// What a finished command produced.
#[derive(Debug)]
pub(crate) struct Captured {
    /// Its exit status.
    pub(crate) status: ExitStatus,
    /// Everything it wrote to stdout.
    pub(crate) stdout: Vec<u8>,
    /// Everything it wrote to stderr.
    pub(crate) stderr: Vec<u8>,
}

impl Captured {
    /// The error describing this unsuccessful run of `command`.
    pub(crate) fn failure(&self, command: &Command) -> GitError {
        GitError::Command {
            command: describe(command),
            status: self.status,
            stderr: tail(&String::from_utf8_lossy(&self.stderr), STDERR_LINES),
        }
    }
}

/// Runs `command` to completion and returns its stdout; fails unless it exits with 0.
pub(crate) fn run(command: &mut Command) -> Result<Vec<u8>, GitError> {
    let captured = capture(command, b"", false)?;
    if captured.status.success() {
        Ok(captured.stdout)
    } else {
        Err(captured.failure(command))
    }
}

/// Runs `command` with `stdin` as its input and returns what it produced, whatever its status.
///
/// `server` marks the child as part of a test server for the census, which then ignores it.
pub(crate) fn capture(
    command: &mut Command,
    stdin: &[u8],
    server: bool,
) -> Result<Captured, GitError> {
    let program = command.get_program().to_string_lossy().into_owned();
    let spawn_error = |source| GitError::Spawn { program, source };
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(spawn_error)?;
    let _registered = server.then(|| ServerPid::register(child.id()));
    // Input is fed on a thread too: a child may answer before it has read all of it.
    let feeder = feed(child.stdin.take(), stdin.to_vec());
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let status = wait_with_timeout(&mut child, command)?;
    let _ = feeder.join();
    Ok(Captured {
        status,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
    })
}

/// The program's file name and its arguments, for error messages.
pub(crate) fn describe(command: &Command) -> String {
    let program = command.get_program().to_string_lossy();
    let program = program.rsplit('/').next().unwrap_or_default().to_owned();
    let args = command.get_args().map(|arg| arg.to_string_lossy());
    std::iter::once(program.into())
        .chain(args)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Writes `input` to the pipe on a thread, then closes it so the child sees EOF.
fn feed(pipe: Option<impl Write + Send + 'static>, input: Vec<u8>) -> thread::JoinHandle<()> {
    thread::spawn(move || {
        if let Some(mut pipe) = pipe {
            // A child that exits without reading everything closes the pipe: not our concern.
            let _ = pipe.write_all(&input);
        }
    })
}

/// Reads a pipe to its end on a thread.
fn drain(pipe: Option<impl Read + Send + 'static>) -> thread::JoinHandle<Vec<u8>> {
    thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_end(&mut buf);
        }
        buf
    })
}

/// Polls `child` until it exits; kills and reaps it once [`COMMAND_TIMEOUT`] has passed.
fn wait_with_timeout(child: &mut Child, command: &Command) -> Result<ExitStatus, GitError> {
    let deadline = Instant::now() + COMMAND_TIMEOUT;
    loop {
        let polled = child.try_wait().map_err(|source| GitError::Spawn {
            program: command.get_program().to_string_lossy().into_owned(),
            source,
        })?;
        if let Some(status) = polled {
            return Ok(status);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return Err(GitError::Timeout {
                command: describe(command),
            });
        }
        thread::sleep(Duration::from_millis(2));
    }
}

/// The path of a git helper program such as `git-daemon` in `git --exec-path`.
///
/// Servers run it directly: through `git daemon` a `git` process would sit in between, and
/// killing that one would leave the real server running.
pub(crate) fn git_program(name: &str) -> Result<std::path::PathBuf, GitError> {
    let out = run(Command::new("git").arg("--exec-path"))?;
    let exec_path = String::from_utf8_lossy(&out).trim().to_owned();
    Ok(std::path::Path::new(&exec_path).join(name))
}
