//! Stamps the binary with its commit, build date and compiler, as the original's ldflags do.

use std::process::Command;

fn main() {
    println!("cargo:rerun-if-env-changed=GIT_COMMIT");
    println!("cargo:rerun-if-env-changed=SOURCE_DATE_EPOCH");
    if let Some(git_dir) = run("git", &["rev-parse", "--absolute-git-dir"]) {
        println!("cargo:rerun-if-changed={git_dir}/logs/HEAD");
    }
    let commit = std::env::var("GIT_COMMIT")
        .ok()
        .or_else(|| run("git", &["rev-parse", "HEAD"]))
        .unwrap_or_else(|| "unknown".into());
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let compiler = run(&rustc, &["--version"]).unwrap_or_else(|| "rustc unknown".into());
    println!("cargo:rustc-env=UPDATER_GIT_COMMIT={commit}");
    println!("cargo:rustc-env=UPDATER_RUSTC_VERSION={compiler}");
    println!("cargo:rustc-env=UPDATER_BUILD_EPOCH={}", build_epoch());
}

/// Seconds since the epoch of the build: `SOURCE_DATE_EPOCH` for reproducible builds, else 0,
/// the original's default when no date is injected.
fn build_epoch() -> i64 {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(0)
}

fn run(program: &str, args: &[&str]) -> Option<String> {
    let output = Command::new(program).args(args).output().ok()?;
    let text = String::from_utf8(output.stdout).ok()?;
    let text = text.trim();
    (output.status.success() && !text.is_empty()).then(|| text.to_owned())
}
