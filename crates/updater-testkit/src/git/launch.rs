//! Starting a server process (git daemon, sshd) on a free loopback port: another port is tried
//! when the chosen one is taken in the meantime, readiness is read from the server's own log,
//! and on drop the server and everything it started are killed.

use std::{
    fs::{self, File},
    net::{Ipv4Addr, TcpListener},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    thread,
    time::{Duration, Instant},
};

use super::{
    census::{ServerPid, descendants},
    error::{GitError, file_error},
};
use crate::process::tail;

/// Both servers report readiness within milliseconds; this only bounds a broken start.
const READY_TIMEOUT: Duration = Duration::from_secs(10);
/// Launch attempts when another process takes the chosen port in between.
const BIND_ATTEMPTS: usize = 5;
/// Lines of the log in errors and `log_tail`.
const LOG_TAIL_LINES: usize = 20;
/// What both servers log when their port is taken.
const PORT_TAKEN: &str = "Address already in use";

/// How to start one kind of server.
pub(crate) struct Launch<'a> {
    /// Its name in errors, e.g. `git daemon`.
    pub(crate) server: &'static str,
    /// Where its stdout and stderr go.
    pub(crate) log: PathBuf,
    /// The command listening on the given port.
    pub(crate) command: &'a dyn Fn(u16) -> Result<Command, GitError>,
    /// The log line that says it listens on the given port.
    pub(crate) ready_line: &'a dyn Fn(u16) -> String,
}

/// A running server process; killed, together with its descendants, and reaped on drop.
#[derive(Debug)]
pub(crate) struct ServerProcess {
    child: Child,
    log: PathBuf,
    _registered: ServerPid,
}

impl ServerProcess {
    /// Its pid.
    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The last lines of its log.
    pub(crate) fn log_tail(&self) -> String {
        read_log_tail(&self.log)
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        // Read before the kill: afterwards the connection handlers are orphans, reparented away.
        let orphans = descendants(self.child.id());
        let _ = self.child.kill();
        kill_all(&orphans);
        // Reaping guarantees the listening port is closed when drop returns.
        let _ = self.child.wait();
    }
}

/// Starts the server on free ports until one is not taken by someone else in the meantime.
pub(crate) fn start_on_free_port(launch: &Launch<'_>) -> Result<(ServerProcess, u16), GitError> {
    start_with_ports(launch, free_port)
}

/// Starts the server on ports from `pick_port` until one is not taken.
fn start_with_ports(
    launch: &Launch<'_>,
    mut pick_port: impl FnMut() -> Result<u16, GitError>,
) -> Result<(ServerProcess, u16), GitError> {
    let mut attempt = 1;
    loop {
        let port = pick_port()?;
        match start(launch, port) {
            Err(GitError::ServerExited { log_tail, .. })
                if attempt < BIND_ATTEMPTS && log_tail.contains(PORT_TAKEN) =>
            {
                attempt += 1;
            }
            result => return result.map(|process| (process, port)),
        }
    }
}

/// A loopback port that was free a moment ago. The machine is shared: never a fixed port.
fn free_port() -> Result<u16, GitError> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).map_err(GitError::Bind)?;
    Ok(listener.local_addr().map_err(GitError::Bind)?.port())
}

/// Spawns the server on `port` with its output in the log, and waits for its ready line.
fn start(launch: &Launch<'_>, port: u16) -> Result<ServerProcess, GitError> {
    let stdout = File::create(&launch.log).map_err(file_error(&launch.log))?;
    let stderr = stdout.try_clone().map_err(file_error(&launch.log))?;
    let mut command = (launch.command)(port)?;
    let child = command
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(stderr)
        .spawn()
        .map_err(|source| GitError::Spawn {
            program: command.get_program().to_string_lossy().into_owned(),
            source,
        })?;
    // Wrapped at once: any early return below kills the process.
    let mut process = ServerProcess {
        _registered: ServerPid::register(child.id()),
        child,
        log: launch.log.clone(),
    };
    wait_ready(&mut process, launch.server, &(launch.ready_line)(port))?;
    Ok(process)
}

/// Polls the log for `ready_line` until it appears, the process exits, or time is up.
fn wait_ready(
    process: &mut ServerProcess,
    server: &'static str,
    ready_line: &str,
) -> Result<(), GitError> {
    let deadline = Instant::now() + READY_TIMEOUT;
    loop {
        // The line is written after the bind succeeded, so it proves the port is ours.
        if fs::read_to_string(&process.log).is_ok_and(|log| log.contains(ready_line)) {
            return Ok(());
        }
        let exited = process.child.try_wait().map_err(|source| GitError::Spawn {
            program: server.to_owned(),
            source,
        })?;
        if let Some(status) = exited {
            let log_tail = process.log_tail();
            return Err(GitError::ServerExited {
                server,
                status,
                log_tail,
            });
        }
        if Instant::now() >= deadline {
            let log_tail = process.log_tail();
            return Err(GitError::ServerNotReady { server, log_tail });
        }
        thread::sleep(Duration::from_millis(5));
    }
}

/// Sends SIGKILL to `pids` (std can only signal its own children); failures are ignored: the
/// process may have exited already.
fn kill_all(pids: &[u32]) {
    if pids.is_empty() {
        return;
    }
    let _ = Command::new("kill")
        .arg("-KILL")
        .args(pids.iter().map(u32::to_string))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

/// The last lines of `log`, or a note why it cannot be read.
fn read_log_tail(log: &Path) -> String {
    match fs::read(log) {
        Ok(bytes) => tail(&String::from_utf8_lossy(&bytes), LOG_TAIL_LINES),
        Err(e) => format!("(cannot read `{}`: {e})", log.display()),
    }
}

#[cfg(test)]
mod tests;
