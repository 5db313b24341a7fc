//! `version [--short]`: the original's six-line report, with Rust in place of Go.

use crate::cli::VersionArgs;

/// `v<version>+<first 7 chars of the commit>`, the original's format.
pub fn version_string() -> String {
    let commit = env!("UPDATER_GIT_COMMIT");
    let short: String = commit.chars().take(7).collect();
    format!("v{}+{short}", env!("CARGO_PKG_VERSION"))
}

fn build_date() -> String {
    let epoch: i64 = env!("UPDATER_BUILD_EPOCH").parse().unwrap_or(0);
    jiff::Timestamp::from_second(epoch)
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// Prints the version report.
pub fn run(args: &VersionArgs) {
    if args.short {
        println!("{}", version_string());
        return;
    }
    println!("argocd-image-updater: {}", version_string());
    println!("  BuildDate: {}", build_date());
    println!("  GitCommit: {}", env!("UPDATER_GIT_COMMIT"));
    println!("  RustVersion: {}", env!("UPDATER_RUSTC_VERSION"));
    println!("  RustCompiler: rustc");
    println!("  Platform: {}", crate::settings::runtime_platform());
}
