//! `quickstart UPDATER DEMO_DIR`: the environment of `scripts/quickstart.sh`. Starts a real
//! registry and git daemon on free loopback ports, seeds sample images and a GitOps
//! repository, runs the given argocd-image-updater twice in standalone mode, explains and
//! checks what it did, stops every server it started and leaves the repository in DEMO_DIR.
//!
//! Exit codes: 0 all checks passed, 1 a check or a step failed, 2 bad usage, 130 interrupted.

mod demo;
mod demo_dir;
mod gitops;
mod log;
mod repo;
mod report;
mod scenario;
mod seed;
mod updater;
mod verify;

use std::{path::PathBuf, process::ExitCode};

use demo::Args;

const USAGE: &str = "usage: quickstart UPDATER_BINARY DEMO_DIR";

#[tokio::main]
async fn main() -> ExitCode {
    let Some(args) = parse_args(std::env::args_os().skip(1).map(PathBuf::from).collect()) else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    updater_testkit::install_crypto();
    // Dropping the quick start's future on a signal drops the servers it owns, which kills
    // them: no registry or git daemon outlives an interrupted run.
    let outcome = tokio::select! {
        outcome = demo::run(&args) => outcome,
        signal = interrupted() => {
            eprintln!("\ninterrupted by {signal}; the servers are stopped");
            return ExitCode::from(130);
        }
    };
    match outcome {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => {
            eprintln!("\nquick start failed: see the FAIL lines above");
            ExitCode::FAILURE
        }
        Err(error) => {
            print_error(&error);
            ExitCode::FAILURE
        }
    }
}

/// `UPDATER DEMO_DIR`.
fn parse_args(args: Vec<PathBuf>) -> Option<Args> {
    let [updater, demo] = <[PathBuf; 2]>::try_from(args).ok()?;
    Some(Args { updater, demo })
}

/// Waits for SIGINT or SIGTERM and names it.
async fn interrupted() -> &'static str {
    use tokio::signal::unix::{SignalKind, signal};
    let term = signal(SignalKind::terminate());
    let int = signal(SignalKind::interrupt());
    match (term, int) {
        (Ok(mut term), Ok(mut int)) => tokio::select! {
            _ = term.recv() => "SIGTERM",
            _ = int.recv() => "SIGINT",
        },
        // Installing a handler fails only without a signal driver; then nothing to wait for.
        _ => std::future::pending().await,
    }
}

/// `error:` and one `caused by:` line per cause.
fn print_error(error: &anyhow::Error) {
    eprintln!("\nerror: {error}");
    for cause in error.chain().skip(1) {
        eprintln!("caused by: {cause}");
    }
}
