//! The command line: subcommands and flags, named exactly as the Go original names them (§2).
//! Only subcommands and flags that work are listed; `webhook` arrives with its issue. Flags
//! not given are seeded from the environment by the original's rules ([`env`]).

mod env;
#[cfg(test)]
mod tests;

use std::path::PathBuf;

use clap::{
    ArgAction, ArgMatches, Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum,
};
use updater_core::secret::Secret;

/// Automatically update container images of Argo CD Applications.
#[derive(Debug, Parser)]
#[command(name = "argocd-image-updater", version = None, disable_version_flag = true)]
pub struct Cli {
    /// The subcommand to run.
    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    /// Parses the process arguments (exiting with clap's message on an error), then seeds the
    /// flags not given from the environment through `lookup`.
    pub fn parse_with_env(lookup: &dyn Fn(&str) -> Option<String>) -> Self {
        let matches = Self::command().get_matches();
        Self::from_matches_and_env(&matches, lookup)
            .unwrap_or_else(|error| error.format(&mut Self::command()).exit())
    }

    /// Builds the command line from parsed `matches`, seeding the flags not given on the
    /// command line from `lookup` by the original's rules (§2.1). The ignored env values of
    /// `run` end in [`RunArgs::env_warnings`].
    pub fn from_matches_and_env(
        matches: &ArgMatches,
        lookup: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Self, clap::Error> {
        let mut cli = Self::from_arg_matches(matches)?;
        let Some((_, sub)) = matches.subcommand() else {
            return Ok(cli);
        };
        let mut reader = env::EnvReader::new(lookup);
        match &mut cli.command {
            Command::Run(args) => {
                env::seed_run(args, sub, &mut reader);
                args.env_warnings = reader.into_warnings();
            }
            Command::Webhook(args) => {
                if sub.value_source("webhook_port") != Some(clap::parser::ValueSource::CommandLine)
                {
                    args.webhook_port = WEBHOOK_COMMAND_PORT;
                }
                env::seed_run(args, sub, &mut reader);
                // §2.3: webhooks only; no polling, leader election, probes or metrics server.
                args.webhook_only = true;
                args.enable_webhook = true;
                args.leader_election = false;
                args.health_probe_bind_address = "0".into();
                args.metrics_bind_address = "0".into();
                args.env_warnings = reader.into_warnings();
            }
            Command::Test(args) => env::seed_test(args, sub, &mut reader),
            Command::Version(_) | Command::Template(_) => {}
        }
        Ok(cli)
    }
}

/// The `webhook` command's default port (the original's; `run` serves webhooks on 8082).
pub const WEBHOOK_COMMAND_PORT: u16 = 8080;

/// A bool flag value as Go's `strconv.ParseBool` reads it, so that `--flag=false` and the
/// other spellings Go scripts use keep working.
fn parse_go_bool(text: &str) -> Result<bool, String> {
    match text {
        "1" | "t" | "T" | "true" | "TRUE" | "True" => Ok(true),
        "0" | "f" | "F" | "false" | "FALSE" | "False" => Ok(false),
        _ => Err(format!(
            "`{text}` is not a boolean (expected true or false)"
        )),
    }
}

/// A secret flag value, kept out of `Debug` output; empty means none.
fn parse_secret(text: &str) -> Result<Secret, String> {
    Ok(Secret::new(text))
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
    /// Update the images of the selected Argo CD Applications.
    Run(Box<RunArgs>),
    /// Serve registry webhooks only: no polling, no leader election; each event updates the
    /// images it concerns (the `run` flags apply; the webhook port defaults to 8080).
    Webhook(Box<RunArgs>),
}

/// `version` flags.
#[derive(Debug, Args)]
pub struct VersionArgs {
    /// Show only the version number.
    #[arg(long, default_value_t = false, action = ArgAction::Set, num_args = 0..=1,
          default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
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
    /// Where manifest metadata is cached by digest across runs [env: IMAGE_UPDATER_CACHE_DIR].
    #[arg(long)]
    pub cache_dir: Option<PathBuf>,
    /// The tag running now; enables the update decision and the no-downgrade rule.
    #[arg(long)]
    pub current: Option<String>,
    /// Allow choosing a lower version than `--current` (the original always may).
    #[arg(long, default_value_t = false, action = ArgAction::Set, num_args = 0..=1,
          default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
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

/// `run` flags, named and defaulted as the original's (§2.2), plus the v0.x selection flags.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Run one pass over everything selected, then exit (probes off).
    #[arg(long, default_value_t = false, action = ArgAction::Set, num_args = 0..=1,
          default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub once: bool,
    /// Where `/metrics` is served (Prometheus/OpenMetrics text; `:8080`, `host:port`, or `0`
    /// for none).
    #[arg(long, default_value = "0")]
    pub metrics_bind_address: String,
    /// Where `/healthz` and `/readyz` are served (`:8081`, `host:port`, or `0` for none).
    #[arg(long, default_value = ":8081")]
    pub health_probe_bind_address: String,
    /// Compute the updates but write nothing: no patch, commit, event or status.
    #[arg(long, default_value_t = false, action = ArgAction::Set, num_args = 0..=1,
          default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub dry_run: bool,
    /// Time between the end of a pass and the next (Go duration; `0` runs one pass and idles)
    /// [env: IMAGE_UPDATER_INTERVAL].
    #[arg(long, default_value = "2m0s")]
    pub interval: String,
    /// Log level: trace, debug, info, warn or error [env: IMAGE_UPDATER_LOGLEVEL].
    #[arg(long, default_value = "info")]
    pub loglevel: String,
    /// Log format: text or json [env: IMAGE_UPDATER_LOGFORMAT].
    #[arg(long, default_value = "text")]
    pub logformat: String,
    /// Path to a kubeconfig; in-cluster or the default loading rules otherwise.
    #[arg(long)]
    pub kubeconfig: Option<PathBuf>,
    /// Path to registries.conf; empty means /app/config/registries.conf when it exists.
    #[arg(long, default_value = "")]
    pub registries_conf_path: String,
    /// Applications processed in parallel [env: MAX_CONCURRENT_APPS, 1..100].
    #[arg(long, default_value_t = 10)]
    pub max_concurrent_apps: usize,
    /// ImageUpdaters processed at once; with `--max-concurrent-apps` it bounds how many
    /// Applications one pass works on at the same time (their product, as in the original)
    /// [env: MAX_CONCURRENT_RECONCILES, 1..10]. `--max-concurrent-updaters`, the `webhook`
    /// command's name for it, is accepted too.
    #[arg(long, alias = "max-concurrent-updaters", default_value_t = 1)]
    pub max_concurrent_reconciles: usize,
    /// Hold the `c21b75f2.argoproj.io` Lease before writing anything, so that only one replica
    /// writes at a time.
    #[arg(long, default_value_t = true, action = ArgAction::Set, num_args = 0..=1,
          default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub leader_election: bool,
    /// Namespace of the Lease; empty means the updater's own namespace.
    #[arg(long, default_value = "")]
    pub leader_election_namespace: String,
    /// Keep `/readyz` failing until the first pass has filled the tag and metadata caches.
    #[arg(long, default_value_t = true, action = ArgAction::Set, num_args = 0..=1,
          default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub warmup_cache: bool,
    /// Serve metrics over HTTPS with Kubernetes authentication (not built: metrics are plain
    /// HTTP, and `--metrics-secure=true` is refused).
    #[arg(long, default_value_t = false, action = ArgAction::Set, num_args = 0..=1,
          default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub metrics_secure: bool,
    /// Argo CD's namespace (repository credentials, the `.argocd-source` naming rule); empty
    /// means the kube client's namespace [env: ARGOCD_NAMESPACE].
    #[arg(long, default_value = "")]
    pub argocd_namespace: String,
    /// Namespaces to process: empty for the updater's own, `*` for all, or `a,b`
    /// [env: IMAGE_UPDATER_WATCH_NAMESPACES].
    #[arg(long, default_value = "")]
    pub watch_namespaces: String,
    /// Do not create Kubernetes events [env: IMAGE_UPDATER_KUBE_EVENTS, inverted: `false`
    /// disables them].
    #[arg(long, default_value_t = false, action = ArgAction::Set, num_args = 0..=1,
          default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub disable_kube_events: bool,
    /// Commit author and committer name [env: GIT_COMMIT_USER].
    #[arg(long, default_value = "argocd-image-updater")]
    pub git_commit_user: String,
    /// Commit author and committer email [env: GIT_COMMIT_EMAIL].
    #[arg(long, default_value = "noreply@argoproj.io")]
    pub git_commit_email: String,
    /// Signing key: an OpenPGP key id, or the path of an SSH private key
    /// [env: GIT_COMMIT_SIGNING_KEY].
    #[arg(long, default_value = "")]
    pub git_commit_signing_key: String,
    /// Signing method: openpgp or ssh [env: GIT_COMMIT_SIGNING_METHOD].
    #[arg(long, default_value = "openpgp")]
    pub git_commit_signing_method: String,
    /// Add a Signed-off-by trailer to commits [env: GIT_COMMIT_SIGN_OFF].
    #[arg(long, default_value_t = false, action = ArgAction::Set, num_args = 0..=1,
          default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub git_commit_sign_off: bool,
    /// Commit message template; the default template when the file is missing.
    #[arg(long, default_value = "/app/config/commit.template")]
    pub git_commit_message_path: PathBuf,
    /// How commits are made: git (the GitHub API method is not built yet)
    /// [env: GIT_COMMIT_METHOD].
    #[arg(long, default_value = "git")]
    pub git_commit_method: String,
    /// v0.x mode: no ImageUpdater resources; every Application of the watched namespaces that
    /// carries the `image-list` annotation is updated from its annotations.
    #[arg(long, default_value_t = false, action = ArgAction::Set, num_args = 0..=1,
          default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub legacy_annotations: bool,
    /// Legacy mode: only Applications whose name matches one of these globs.
    #[arg(long)]
    pub match_application_name: Vec<String>,
    /// Legacy mode: only Applications matching this label selector (`k=v,k2!=v,k3 in (a,b)`).
    #[arg(long)]
    pub match_application_label: Option<String>,
    /// Standalone mode: read Application and ImageUpdater manifests from this directory or Git
    /// repository (`URL[#ref[:path]]`) instead of the Kubernetes API; the `argocd` method then
    /// edits the Application manifests in place (committed and pushed for a repository).
    #[arg(long)]
    pub manifests: Option<String>,
    /// Standalone mode: a directory of secret files `<namespace>/<name>/<field>` (labels as
    /// `key=value` lines in `<namespace>/<name>/.labels`) standing in for the cluster's secrets:
    /// `pullsecret:` / `secret:` registry credentials, `git:secret:` and Argo CD repository
    /// secrets.
    #[arg(long, requires = "manifests")]
    pub secrets_dir: Option<PathBuf>,
    /// Where manifest metadata and git working copies are kept across runs
    /// [env: IMAGE_UPDATER_CACHE_DIR].
    #[arg(long)]
    pub cache_dir: Option<PathBuf>,
    /// Serve registry webhooks (`POST /webhook`) that trigger targeted passes
    /// [env: ENABLE_WEBHOOK].
    #[arg(long, default_value_t = false, action = ArgAction::Set, num_args = 0..=1,
          default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub enable_webhook: bool,
    /// Set by the `webhook` command: no timed passes, only those webhooks ask for.
    #[arg(skip)]
    pub webhook_only: bool,
    /// Port of the webhook server; `0` disables it [env: WEBHOOK_PORT, 0..65535].
    #[arg(long, default_value_t = 8082)]
    pub webhook_port: u16,
    /// Accept webhooks only from registries that have a secret; `false` also accepts the
    /// others unauthenticated [env: WEBHOOK_REQUIRE_SECRET].
    #[arg(long, default_value_t = true, action = ArgAction::Set, num_args = 0..=1,
          default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub webhook_require_secret: bool,
    /// Secret of Docker Hub webhooks (query `secret`) [env: DOCKER_WEBHOOK_SECRET].
    #[arg(long, default_value = "", hide_default_value = true, value_parser = parse_secret)]
    pub docker_webhook_secret: Secret,
    /// Secret of GitHub Packages webhooks (`X-Hub-Signature-256`) [env: GHCR_WEBHOOK_SECRET].
    #[arg(long, default_value = "", hide_default_value = true, value_parser = parse_secret)]
    pub ghcr_webhook_secret: Secret,
    /// Secret of Quay webhooks (query `secret`) [env: QUAY_WEBHOOK_SECRET].
    #[arg(long, default_value = "", hide_default_value = true, value_parser = parse_secret)]
    pub quay_webhook_secret: Secret,
    /// Secret of Harbor webhooks (`Authorization`) [env: HARBOR_WEBHOOK_SECRET].
    #[arg(long, default_value = "", hide_default_value = true, value_parser = parse_secret)]
    pub harbor_webhook_secret: Secret,
    /// Secret of Alibaba ACR webhooks (query `secret`) [env: ALIYUN_ACR_WEBHOOK_SECRET].
    #[arg(long, default_value = "", hide_default_value = true, value_parser = parse_secret)]
    pub aliyun_acr_webhook_secret: Secret,
    /// Secret of Azure ACR webhooks (`Authorization`) [env: ACR_WEBHOOK_SECRET].
    #[arg(long, default_value = "", hide_default_value = true, value_parser = parse_secret)]
    pub acr_webhook_secret: Secret,
    /// Secret of CloudEvents webhooks (query `secret` or `X-Webhook-Secret`)
    /// [env: CLOUDEVENTS_WEBHOOK_SECRET].
    #[arg(long, default_value = "", hide_default_value = true, value_parser = parse_secret)]
    pub cloudevents_webhook_secret: Secret,
    /// Webhook events processed per hour, spaced evenly; `0` for no limit. The response is
    /// never delayed [env: WEBHOOK_RATELIMIT_ALLOWED].
    #[arg(long, default_value_t = 0)]
    pub webhook_ratelimit_allowed: u64,
    /// Serve webhooks over plain HTTP instead of HTTPS [env: DISABLE_TLS].
    #[arg(long, default_value_t = false, action = ArgAction::Set, num_args = 0..=1,
          default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub disable_tls: bool,
    /// Lowest TLS version of the webhook server: 1.1 (taken as 1.2), 1.2 or 1.3
    /// [env: TLS_MIN_VERSION].
    #[arg(long, default_value = "1.3")]
    pub tlsminversion: String,
    /// Highest TLS version of the webhook server: 1.2 or 1.3 [env: TLS_MAX_VERSION].
    #[arg(long, default_value = "1.3")]
    pub tlsmaxversion: String,
    /// TLS 1.2 cipher suites of the webhook server, colon-separated Go names; ignored when the
    /// lowest version is 1.3 [env: TLS_CIPHERS].
    #[arg(long, default_value = "", hide_default_value = true)]
    pub tlsciphers: String,
    /// Also serve HTTP/2 on the webhook server (off: HTTP/1.1 only, against the HTTP/2
    /// rapid-reset attacks).
    #[arg(long, default_value_t = false, action = ArgAction::Set, num_args = 0..=1,
          default_missing_value = "true", require_equals = true, value_parser = parse_go_bool)]
    pub enable_http2: bool,
    /// The env values ignored while seeding the flags (§2.1), logged once logging is set up.
    #[arg(skip)]
    pub env_warnings: Vec<String>,
}
