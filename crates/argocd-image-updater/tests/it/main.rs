//! End-to-end tests of the `argocd-image-updater` binary: real process, real files, stdout and
//! exit codes checked.

mod controller;
mod registry_cmd;
mod run_flags;
mod run_once;
mod standalone;
mod template_cmd;
mod test_cmd;
mod version_cmd;
mod webhook;

use assert_cmd::Command;

/// The binary under test, with a quiet log level unless a test asks otherwise.
pub fn updater() -> Command {
    let mut command = Command::cargo_bin("argocd-image-updater").expect("binary is built");
    command.env_remove("RUST_LOG");
    command
}

/// The shipped example tag list.
pub fn example_tags() -> String {
    format!(
        "{}/../../examples/nginx-tags.txt",
        env!("CARGO_MANIFEST_DIR")
    )
}
