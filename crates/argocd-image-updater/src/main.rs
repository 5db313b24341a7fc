//! `argocd-image-updater`: parses the command line, runs one command, prints a failure once and
//! maps it to an exit code (bad input 2, partial failure 1).

mod adapters;
mod cli;
mod cluster;
mod commands;
mod controller;
mod failure;
mod health;
#[cfg(test)]
mod install_tests;
mod leader;
mod metrics;
mod pass_requests;
mod pipeline;
mod settings;
mod standalone;
mod telemetry;
mod wake;
mod webhook;

use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = cli::Cli::parse_with_env(&settings::env_var);
    match commands::run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprint!("{failure}");
            failure.class.code()
        }
    }
}
