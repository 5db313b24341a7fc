//! One module per subcommand; this file dispatches.

mod run;
mod template;
mod test;
mod version;

use crate::cli::Command;
use crate::failure::Failure;

/// Runs one subcommand.
pub fn run(command: Command) -> Result<(), Failure> {
    match command {
        Command::Version(args) => {
            version::run(&args);
            Ok(())
        }
        Command::Template(args) => template::run(&args),
        Command::Test(args) => test::run(&args),
        Command::Run(args) => run::run(&args),
        Command::Webhook(args) => run::webhook(&args),
    }
}
