//! One module per subcommand; this file dispatches.

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
    }
}
