//! Spawning one git process: environment, captured output, and the timeout that kills its
//! process group (git's own children such as `ssh` or `remote-https` included).

use std::process::Stdio;
use std::time::Instant;

use tokio::io::AsyncWriteExt;
use tokio::process::{Child, Command};

use super::{CommandError, GitCommand, GitOutput, GitRunner};

pub(super) async fn run(
    runner: &GitRunner,
    command: &GitCommand,
) -> Result<GitOutput, CommandError> {
    let subcommand = command.subcommand().to_owned();
    let child = build(runner, command)
        .spawn()
        .map_err(|source| CommandError::Spawn {
            program: runner.options.program.display().to_string(),
            subcommand: subcommand.clone(),
            source,
        })?;
    let pid = child.id();
    let started = Instant::now();
    let finished = finish(child, command.stdin.clone());
    tokio::pin!(finished);
    let timeout = runner.options.timeout;
    let output = tokio::select! {
        output = &mut finished => output,
        () = tokio::time::sleep(timeout) => {
            kill_group(pid).await;
            return Err(CommandError::TimedOut { subcommand, timeout });
        }
    };
    let output = output.map_err(|source| CommandError::Wait {
        subcommand: subcommand.clone(),
        source,
    })?;
    let elapsed = started.elapsed();
    tracing::debug!(subcommand, code = ?output.code, ?elapsed, "git finished");
    Ok(output)
}

/// Feeds the input (then closes standard input) while collecting the output.
async fn finish(mut child: Child, input: Option<Vec<u8>>) -> std::io::Result<GitOutput> {
    let stdin = child.stdin.take();
    let feed = async move {
        if let (Some(mut pipe), Some(bytes)) = (stdin, input) {
            // A child that exits without reading its input is not our error.
            let _ = pipe.write_all(&bytes).await;
        }
    };
    let (_, output) = tokio::join!(feed, wait(child));
    output
}

async fn wait(child: Child) -> std::io::Result<GitOutput> {
    let output = child.wait_with_output().await?;
    Ok(GitOutput {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    })
}

fn build(runner: &GitRunner, command: &GitCommand) -> Command {
    let mut cmd = Command::new(&runner.options.program);
    cmd.args(command.argv())
        .env_clear()
        .envs(runner.options.inherited_env.iter().map(|(k, v)| (k, v)))
        .env("HOME", runner.home.path())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", &runner.global_config)
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("LC_ALL", "C")
        .envs(command.env.iter().map(|(k, v)| (k, v.expose())))
        .stdin(match command.stdin {
            Some(_) => Stdio::piped(),
            None => Stdio::null(),
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .process_group(0);
    if let Some(dir) = &command.cwd {
        cmd.current_dir(dir);
    }
    cmd
}

/// Kills every process in the group led by `pid`; the group outlives a killed `git` whose
/// children (ssh, a credential helper) would otherwise keep running and hold the pipes.
async fn kill_group(pid: Option<u32>) {
    let Some(pid) = pid else { return };
    let killed = Command::new("kill")
        .args(["-s", "KILL", "--", &format!("-{pid}")])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .await;
    if let Err(error) = killed {
        tracing::warn!(%error, pid, "cannot kill the process group of a timed-out git call");
    }
}
