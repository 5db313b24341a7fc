//! The command line: subcommands and flags, named exactly as the Go original names them (§2).
//! Only subcommands that work are listed; `run` and `webhook` arrive with their issues.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Automatically update container images of Argo CD Applications.
#[derive(Debug, Parser)]
#[command(name = "argocd-image-updater", version = None, disable_version_flag = true)]
pub struct Cli {
    /// The subcommand to run.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Display version information.
    Version(VersionArgs),
    /// Test & render a commit message template.
    Template(TemplateArgs),
    /// Test the update strategy of an image against candidate tags.
    Test(Box<TestArgs>),
}

/// `version` flags.
#[derive(Debug, Args)]
pub struct VersionArgs {
    /// Show only the version number.
    #[arg(long)]
    pub short: bool,
}

/// `template` arguments.
#[derive(Debug, Args)]
pub struct TemplateArgs {
    /// A commit message template file; the default template when absent.
    pub path: Option<PathBuf>,
}

/// `test` arguments: the original's flags plus the offline `--tags-from` source.
#[derive(Debug, Args)]
pub struct TestArgs {
    /// The image to test, `[alias=][registry/]name[:tag][@digest]`; its tag is NOT the constraint.
    pub image: String,
    /// Semantic version constraint (for `digest`: the tag to track).
    #[arg(long, default_value = "")]
    pub semver_constraint: String,
    /// Only consider tags matching this match function (`regexp:<re>` or `any`).
    #[arg(long, default_value = "")]
    pub allow_tags: String,
    /// Ignore tags matching this glob; repeatable.
    #[arg(long)]
    pub ignore_tags: Vec<String>,
    /// Update strategy: semver, newest-build, alphabetical or digest.
    #[arg(long, default_value = "semver")]
    pub update_strategy: String,
    /// Path to registries.conf; empty means /app/config/registries.conf when it exists.
    #[arg(long, default_value = "")]
    pub registries_conf_path: String,
    /// Log level: trace, debug, info, warn or error.
    #[arg(long, default_value = "debug")]
    pub loglevel: String,
    /// Credential source for the registry (`env:`, `secret:`, `pullsecret:`, `ext:`).
    #[arg(long, default_value = "")]
    pub credentials: String,
    /// Platforms to consider, `os/arch[/variant]`; comma-separated or repeated.
    #[arg(long, value_delimiter = ',')]
    pub platforms: Vec<String>,
    /// Registry requests per second (applied only when given).
    #[arg(long)]
    pub rate_limit: Option<u32>,
    /// Read candidate tags from this file (`-` for stdin) instead of a registry: one per line,
    /// optionally `TAG<TAB>RFC3339-created<TAB>sha256:digest<TAB>os/arch,...`.
    #[arg(long)]
    pub tags_from: Option<PathBuf>,
    /// Directory of secret files `<namespace>/<name>/<field>` serving `pullsecret:` and
    /// `secret:` credentials outside a cluster.
    #[arg(long)]
    pub secrets_dir: Option<PathBuf>,
    /// Where manifest metadata is cached by digest across runs.
    #[arg(long, env = crate::settings::ENV_CACHE_DIR)]
    pub cache_dir: Option<PathBuf>,
    /// The tag running now; enables the update decision and the no-downgrade rule.
    #[arg(long)]
    pub current: Option<String>,
    /// Allow choosing a lower version than `--current` (the original always may).
    #[arg(long)]
    pub allow_downgrade: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    pub output: OutputFormat,
}

/// How `test` prints its result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// A short human summary.
    Text,
    /// One JSON object.
    Json,
}
