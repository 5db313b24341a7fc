//! Flag defaults seeded from the environment with the original's rules (§2.1): a bad env value
//! falls back to the default with a warning instead of refusing to start, and a flag given on
//! the command line always beats the env.

use std::ops::RangeInclusive;
use std::path::PathBuf;

use clap::ArgMatches;
use clap::parser::ValueSource;
use updater_core::duration::parse_go_duration;
use updater_core::secret::Secret;

use super::{RunArgs, TestArgs};
use crate::settings::ENV_CACHE_DIR;

/// Env for `--interval` (a Go duration).
pub const ENV_INTERVAL: &str = "IMAGE_UPDATER_INTERVAL";
/// Env for `--loglevel`.
pub const ENV_LOGLEVEL: &str = "IMAGE_UPDATER_LOGLEVEL";
/// Env for `--logformat`.
pub const ENV_LOGFORMAT: &str = "IMAGE_UPDATER_LOGFORMAT";
/// Env for `--max-concurrent-apps` (1..=100).
pub const ENV_MAX_CONCURRENT_APPS: &str = "MAX_CONCURRENT_APPS";
/// Env for `--max-concurrent-reconciles` (1..=10).
pub const ENV_MAX_CONCURRENT_RECONCILES: &str = "MAX_CONCURRENT_RECONCILES";
/// Env for `--argocd-namespace`.
pub const ENV_ARGOCD_NAMESPACE: &str = "ARGOCD_NAMESPACE";
/// Env for `--watch-namespaces`.
pub const ENV_WATCH_NAMESPACES: &str = "IMAGE_UPDATER_WATCH_NAMESPACES";
/// Env (ConfigMap `kube.events`) for `--disable-kube-events`, inverted: `false` disables
/// events. Deliberate difference: in the original `true` disabled them.
pub const ENV_KUBE_EVENTS: &str = "IMAGE_UPDATER_KUBE_EVENTS";
/// Env for `--git-commit-user`.
pub const ENV_GIT_COMMIT_USER: &str = "GIT_COMMIT_USER";
/// Env for `--git-commit-email`.
pub const ENV_GIT_COMMIT_EMAIL: &str = "GIT_COMMIT_EMAIL";
/// Env for `--git-commit-signing-key`.
pub const ENV_GIT_COMMIT_SIGNING_KEY: &str = "GIT_COMMIT_SIGNING_KEY";
/// Env for `--git-commit-signing-method`.
pub const ENV_GIT_COMMIT_SIGNING_METHOD: &str = "GIT_COMMIT_SIGNING_METHOD";
/// Env for `--git-commit-sign-off`.
pub const ENV_GIT_COMMIT_SIGN_OFF: &str = "GIT_COMMIT_SIGN_OFF";
/// Env for `--git-commit-method`.
pub const ENV_GIT_COMMIT_METHOD: &str = "GIT_COMMIT_METHOD";

/// Env for `--enable-webhook`.
pub const ENV_ENABLE_WEBHOOK: &str = "ENABLE_WEBHOOK";
/// Env for `--webhook-port` (0..=65535).
pub const ENV_WEBHOOK_PORT: &str = "WEBHOOK_PORT";
/// Env for `--webhook-require-secret`.
pub const ENV_WEBHOOK_REQUIRE_SECRET: &str = "WEBHOOK_REQUIRE_SECRET";
/// Env for `--docker-webhook-secret`.
pub const ENV_DOCKER_WEBHOOK_SECRET: &str = "DOCKER_WEBHOOK_SECRET";
/// Env for `--ghcr-webhook-secret`.
pub const ENV_GHCR_WEBHOOK_SECRET: &str = "GHCR_WEBHOOK_SECRET";
/// Env for `--quay-webhook-secret`.
pub const ENV_QUAY_WEBHOOK_SECRET: &str = "QUAY_WEBHOOK_SECRET";
/// Env for `--harbor-webhook-secret`.
pub const ENV_HARBOR_WEBHOOK_SECRET: &str = "HARBOR_WEBHOOK_SECRET";
/// Env for `--aliyun-acr-webhook-secret`.
pub const ENV_ALIYUN_ACR_WEBHOOK_SECRET: &str = "ALIYUN_ACR_WEBHOOK_SECRET";
/// Env for `--acr-webhook-secret`.
pub const ENV_ACR_WEBHOOK_SECRET: &str = "ACR_WEBHOOK_SECRET";
/// Env for `--cloudevents-webhook-secret`.
pub const ENV_CLOUDEVENTS_WEBHOOK_SECRET: &str = "CLOUDEVENTS_WEBHOOK_SECRET";
/// Env for `--webhook-ratelimit-allowed` (0..=i64::MAX, Go's MaxInt).
pub const ENV_WEBHOOK_RATELIMIT_ALLOWED: &str = "WEBHOOK_RATELIMIT_ALLOWED";
/// Env for `--disable-tls`.
pub const ENV_DISABLE_TLS: &str = "DISABLE_TLS";
/// Env for `--tlsminversion`.
pub const ENV_TLS_MIN_VERSION: &str = "TLS_MIN_VERSION";
/// Env for `--tlsmaxversion`.
pub const ENV_TLS_MAX_VERSION: &str = "TLS_MAX_VERSION";
/// Env for `--tlsciphers`.
pub const ENV_TLS_CIPHERS: &str = "TLS_CIPHERS";

/// The bounds the original puts on `MAX_CONCURRENT_APPS` (the flag itself is not bounded).
pub const MAX_CONCURRENT_APPS_RANGE: RangeInclusive<i64> = 1..=100;
/// The bounds the original puts on `MAX_CONCURRENT_RECONCILES`.
pub const MAX_CONCURRENT_RECONCILES_RANGE: RangeInclusive<i64> = 1..=10;
/// The bounds the original puts on `WEBHOOK_PORT`.
pub const WEBHOOK_PORT_RANGE: RangeInclusive<i64> = 0..=65535;
/// The bounds the original puts on `WEBHOOK_RATELIMIT_ALLOWED` (Go's `math.MaxInt`).
pub const WEBHOOK_RATELIMIT_RANGE: RangeInclusive<i64> = 0..=i64::MAX;

/// Reads env values by the original's rules, keeping a warning for each value it ignores so
/// that they can be logged once logging is set up.
pub struct EnvReader<'a> {
    lookup: &'a dyn Fn(&str) -> Option<String>,
    warnings: Vec<String>,
}

impl<'a> EnvReader<'a> {
    /// A reader over `lookup` (the process environment, or a table in tests).
    pub fn new(lookup: &'a dyn Fn(&str) -> Option<String>) -> Self {
        Self {
            lookup,
            warnings: Vec::new(),
        }
    }

    /// The warnings collected so far, in reading order.
    pub fn into_warnings(self) -> Vec<String> {
        self.warnings
    }

    /// A set, non-empty value; an empty one means "unset", as in Go's `os.Getenv` checks.
    fn raw(&self, name: &str) -> Option<String> {
        (self.lookup)(name).filter(|value| !value.is_empty())
    }

    fn ignore(&mut self, name: &str, value: &str, why: &str) {
        self.warnings.push(format!(
            "ignoring environment variable `{name}` = `{value}`: {why}; the flag or its default \
             applies"
        ));
    }

    /// A string env: any non-empty value.
    pub fn string(&mut self, name: &str) -> Option<String> {
        self.raw(name)
    }

    /// A bool env: `true` or `false` in any case; anything else is ignored with a warning.
    pub fn bool(&mut self, name: &str) -> Option<bool> {
        let value = self.raw(name)?;
        match value.to_ascii_lowercase().as_str() {
            "true" => Some(true),
            "false" => Some(false),
            _ => {
                self.ignore(name, &value, "expected true or false");
                None
            }
        }
    }

    /// An int env (Go's `ParseNumFromEnv`): a base-10 integer within `range`; anything else is
    /// ignored with a warning.
    pub fn int(&mut self, name: &str, range: RangeInclusive<i64>) -> Option<i64> {
        let value = self.raw(name)?;
        let Ok(number) = value.parse::<i64>() else {
            self.ignore(name, &value, "not a whole number");
            return None;
        };
        if !range.contains(&number) {
            let why = format!("outside {}..={}", range.start(), range.end());
            self.ignore(name, &value, &why);
            return None;
        }
        Some(number)
    }

    /// A duration env: a Go duration, returned as written; an invalid one is ignored with a
    /// warning.
    pub fn duration(&mut self, name: &str) -> Option<String> {
        let value = self.raw(name)?;
        match parse_go_duration(&value) {
            Ok(_) => Some(value),
            Err(error) => {
                self.ignore(name, &value, &error.to_string());
                None
            }
        }
    }
}

/// Whether the flag `id` was written on the command line (then the env does not apply).
fn given(matches: &ArgMatches, id: &str) -> bool {
    matches.value_source(id) == Some(ValueSource::CommandLine)
}

/// Puts `value` in `slot` unless the flag `id` was given on the command line.
fn seed<T>(slot: &mut T, matches: &ArgMatches, id: &str, value: Option<T>) {
    if let Some(value) = value
        && !given(matches, id)
    {
        *slot = value;
    }
}

/// Seeds the `run` flags not given on the command line from the environment. An ignored env
/// value is reported to `env` even when its flag was given: the original reads the env before
/// it parses the flags.
pub fn seed_run(args: &mut RunArgs, matches: &ArgMatches, env: &mut EnvReader<'_>) {
    seed(
        &mut args.interval,
        matches,
        "interval",
        env.duration(ENV_INTERVAL),
    );
    seed_run_strings(args, matches, env);
    seed_run_numbers(args, matches, env);
    let events = env.bool(ENV_KUBE_EVENTS).map(|enabled| !enabled);
    seed(
        &mut args.disable_kube_events,
        matches,
        "disable_kube_events",
        events,
    );
    let sign_off = env.bool(ENV_GIT_COMMIT_SIGN_OFF);
    seed(
        &mut args.git_commit_sign_off,
        matches,
        "git_commit_sign_off",
        sign_off,
    );
    let cache_dir = env
        .string(ENV_CACHE_DIR)
        .map(|dir| Some(PathBuf::from(dir)));
    seed(&mut args.cache_dir, matches, "cache_dir", cache_dir);
    seed_webhook(args, matches, env);
}

/// Seeds the webhook server flags (§2.2), in the original's reading order.
fn seed_webhook(args: &mut RunArgs, matches: &ArgMatches, env: &mut EnvReader<'_>) {
    let bools = [
        (
            &mut args.enable_webhook,
            "enable_webhook",
            ENV_ENABLE_WEBHOOK,
        ),
        (
            &mut args.webhook_require_secret,
            "webhook_require_secret",
            ENV_WEBHOOK_REQUIRE_SECRET,
        ),
        (&mut args.disable_tls, "disable_tls", ENV_DISABLE_TLS),
    ];
    for (slot, id, name) in bools {
        seed(slot, matches, id, env.bool(name));
    }
    // Both ranges fit the flag types, so these conversions never drop a value.
    let port = env.int(ENV_WEBHOOK_PORT, WEBHOOK_PORT_RANGE);
    let port = port.and_then(|n| u16::try_from(n).ok());
    seed(&mut args.webhook_port, matches, "webhook_port", port);
    let allowed = env.int(ENV_WEBHOOK_RATELIMIT_ALLOWED, WEBHOOK_RATELIMIT_RANGE);
    let allowed = allowed.and_then(|n| u64::try_from(n).ok());
    let id = "webhook_ratelimit_allowed";
    seed(&mut args.webhook_ratelimit_allowed, matches, id, allowed);
    seed_webhook_secrets(args, matches, env);
    seed_tls_strings(args, matches, env);
}

fn seed_webhook_secrets(args: &mut RunArgs, matches: &ArgMatches, env: &mut EnvReader<'_>) {
    let secrets = [
        (
            &mut args.docker_webhook_secret,
            "docker_webhook_secret",
            ENV_DOCKER_WEBHOOK_SECRET,
        ),
        (
            &mut args.ghcr_webhook_secret,
            "ghcr_webhook_secret",
            ENV_GHCR_WEBHOOK_SECRET,
        ),
        (
            &mut args.quay_webhook_secret,
            "quay_webhook_secret",
            ENV_QUAY_WEBHOOK_SECRET,
        ),
        (
            &mut args.harbor_webhook_secret,
            "harbor_webhook_secret",
            ENV_HARBOR_WEBHOOK_SECRET,
        ),
        (
            &mut args.aliyun_acr_webhook_secret,
            "aliyun_acr_webhook_secret",
            ENV_ALIYUN_ACR_WEBHOOK_SECRET,
        ),
        (
            &mut args.acr_webhook_secret,
            "acr_webhook_secret",
            ENV_ACR_WEBHOOK_SECRET,
        ),
        (
            &mut args.cloudevents_webhook_secret,
            "cloudevents_webhook_secret",
            ENV_CLOUDEVENTS_WEBHOOK_SECRET,
        ),
    ];
    for (slot, id, name) in secrets {
        seed(slot, matches, id, env.string(name).map(Secret::from));
    }
}

fn seed_tls_strings(args: &mut RunArgs, matches: &ArgMatches, env: &mut EnvReader<'_>) {
    let strings = [
        (
            &mut args.tlsminversion,
            "tlsminversion",
            ENV_TLS_MIN_VERSION,
        ),
        (
            &mut args.tlsmaxversion,
            "tlsmaxversion",
            ENV_TLS_MAX_VERSION,
        ),
        (&mut args.tlsciphers, "tlsciphers", ENV_TLS_CIPHERS),
    ];
    for (slot, id, name) in strings {
        seed(slot, matches, id, env.string(name));
    }
}

fn seed_run_strings(args: &mut RunArgs, matches: &ArgMatches, env: &mut EnvReader<'_>) {
    let strings = [
        (&mut args.loglevel, "loglevel", ENV_LOGLEVEL),
        (&mut args.logformat, "logformat", ENV_LOGFORMAT),
        (
            &mut args.argocd_namespace,
            "argocd_namespace",
            ENV_ARGOCD_NAMESPACE,
        ),
        (
            &mut args.watch_namespaces,
            "watch_namespaces",
            ENV_WATCH_NAMESPACES,
        ),
        (
            &mut args.git_commit_user,
            "git_commit_user",
            ENV_GIT_COMMIT_USER,
        ),
        (
            &mut args.git_commit_email,
            "git_commit_email",
            ENV_GIT_COMMIT_EMAIL,
        ),
        (
            &mut args.git_commit_signing_key,
            "git_commit_signing_key",
            ENV_GIT_COMMIT_SIGNING_KEY,
        ),
        (
            &mut args.git_commit_signing_method,
            "git_commit_signing_method",
            ENV_GIT_COMMIT_SIGNING_METHOD,
        ),
        (
            &mut args.git_commit_method,
            "git_commit_method",
            ENV_GIT_COMMIT_METHOD,
        ),
    ];
    for (slot, id, name) in strings {
        seed(slot, matches, id, env.string(name));
    }
}

fn seed_run_numbers(args: &mut RunArgs, matches: &ArgMatches, env: &mut EnvReader<'_>) {
    let numbers = [
        (
            &mut args.max_concurrent_apps,
            "max_concurrent_apps",
            ENV_MAX_CONCURRENT_APPS,
            MAX_CONCURRENT_APPS_RANGE,
        ),
        (
            &mut args.max_concurrent_reconciles,
            "max_concurrent_reconciles",
            ENV_MAX_CONCURRENT_RECONCILES,
            MAX_CONCURRENT_RECONCILES_RANGE,
        ),
    ];
    for (slot, id, name, range) in numbers {
        // The ranges are positive, so every accepted value fits a usize.
        let value = env.int(name, range).and_then(|n| usize::try_from(n).ok());
        seed(slot, matches, id, value);
    }
}

/// Seeds the `test` flags not given on the command line from the environment.
pub fn seed_test(args: &mut TestArgs, matches: &ArgMatches, env: &mut EnvReader<'_>) {
    let cache_dir = env
        .string(ENV_CACHE_DIR)
        .map(|dir| Some(PathBuf::from(dir)));
    seed(&mut args.cache_dir, matches, "cache_dir", cache_dir);
}

#[cfg(test)]
mod tests;
