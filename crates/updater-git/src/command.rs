//! Running `git`: a private environment (no user or system configuration, no prompts), a
//! timeout that kills the whole process group, captured output, and counts by subcommand.

mod process;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::ffi::{OsStr, OsString};
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

use tempfile::TempDir;

use crate::redact;
use updater_core::secret::Secret;

/// How long one git invocation may run before it is killed.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// Variables git may inherit from this process; everything else is cleared, so a `GIT_DIR`,
/// `GIT_ASKPASS` or `SSH_AUTH_SOCK` of the host never changes what a call does.
pub const INHERITED_VARIABLES: &[&str] = &[
    "PATH",
    "TMPDIR",
    "http_proxy",
    "https_proxy",
    "no_proxy",
    "all_proxy",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "NO_PROXY",
    "ALL_PROXY",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    "GNUPGHOME",
];

/// Settings for every git call.
#[derive(Clone)]
pub struct GitOptions {
    /// The git executable (`git`, looked up in `PATH`).
    pub program: PathBuf,
    /// The limit for one invocation.
    pub timeout: Duration,
    /// Environment passed to git in addition to the private settings.
    pub inherited_env: Vec<(OsString, OsString)>,
}

impl Default for GitOptions {
    /// `git` with [`DEFAULT_TIMEOUT`], inheriting [`INHERITED_VARIABLES`] from this process.
    ///
    /// `GNUPGHOME` falls back to the real `~/.gnupg`, because git runs with a private `HOME`
    /// and OpenPGP signing keys live in the user's keyring.
    fn default() -> Self {
        Self {
            program: PathBuf::from("git"),
            timeout: DEFAULT_TIMEOUT,
            inherited_env: inherited_env(),
        }
    }
}

impl GitOptions {
    /// Uses another git executable (tests use wrappers that record or delay calls).
    pub fn with_program(mut self, program: impl Into<PathBuf>) -> Self {
        self.program = program.into();
        self
    }

    /// Passes `name=value` to git, replacing an inherited value (e.g. a `GNUPGHOME`).
    pub fn with_env(mut self, name: impl Into<OsString>, value: impl Into<OsString>) -> Self {
        let name = name.into();
        self.inherited_env.retain(|(existing, _)| *existing != name);
        self.inherited_env.push((name, value.into()));
        self
    }

    /// Sets the per-invocation timeout.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }
}

impl fmt::Debug for GitOptions {
    /// Variable names only: a proxy URL may carry a password.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<_> = self.inherited_env.iter().map(|(name, _)| name).collect();
        f.debug_struct("GitOptions")
            .field("program", &self.program)
            .field("timeout", &self.timeout)
            .field("inherited_env", &names)
            .finish()
    }
}

fn inherited_env() -> Vec<(OsString, OsString)> {
    let mut env: Vec<(OsString, OsString)> = INHERITED_VARIABLES
        .iter()
        .filter_map(|name| Some((OsString::from(name), std::env::var_os(name)?)))
        .collect();
    let has_gnupg = env.iter().any(|(name, _)| name == "GNUPGHOME");
    if let (false, Some(home)) = (has_gnupg, std::env::var_os("HOME")) {
        env.push(("GNUPGHOME".into(), Path::new(&home).join(".gnupg").into()));
    }
    env
}

/// One git invocation: `git [-c key=value]… <subcommand> <args>…`, built as a value.
#[derive(Clone)]
pub struct GitCommand {
    config: Vec<(String, String)>,
    subcommand: String,
    args: Vec<OsString>,
    env: Vec<(String, Secret)>,
    cwd: Option<PathBuf>,
    stdin: Option<Vec<u8>>,
}

impl GitCommand {
    /// Starts a command for `subcommand` (`fetch`, `commit`, …).
    pub fn new(subcommand: &str) -> Self {
        Self {
            config: Vec::new(),
            subcommand: subcommand.to_owned(),
            args: Vec::new(),
            env: Vec::new(),
            cwd: None,
            stdin: None,
        }
    }

    /// Adds `-c key=value` before the subcommand.
    pub fn config(mut self, key: &str, value: &str) -> Self {
        self.config.push((key.to_owned(), value.to_owned()));
        self
    }

    /// Appends one argument.
    pub fn arg(mut self, arg: impl AsRef<OsStr>) -> Self {
        self.args.push(arg.as_ref().to_owned());
        self
    }

    /// Appends arguments.
    pub fn args<I: IntoIterator<Item = S>, S: AsRef<OsStr>>(mut self, args: I) -> Self {
        self.args
            .extend(args.into_iter().map(|a| a.as_ref().to_owned()));
        self
    }

    /// Sets an environment variable of this call; the value may be a secret.
    pub fn env(mut self, name: &str, value: impl Into<Secret>) -> Self {
        self.env.push((name.to_owned(), value.into()));
        self
    }

    /// Runs the command in `dir`.
    pub fn current_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.cwd = Some(dir.into());
        self
    }

    /// Feeds `input` to the command's standard input (closed otherwise).
    pub fn stdin(mut self, input: impl Into<Vec<u8>>) -> Self {
        self.stdin = Some(input.into());
        self
    }

    /// The subcommand, the key for [`Invocations`].
    pub fn subcommand(&self) -> &str {
        &self.subcommand
    }

    /// The arguments after the program name, exactly as git receives them.
    pub fn argv(&self) -> Vec<OsString> {
        let mut argv = Vec::with_capacity(self.config.len() * 2 + self.args.len() + 1);
        for (key, value) in &self.config {
            argv.push("-c".into());
            argv.push(format!("{key}={value}").into());
        }
        argv.push(self.subcommand.clone().into());
        argv.extend(self.args.iter().cloned());
        argv
    }

    /// Names of the variables this call sets (never their values).
    pub fn env_names(&self) -> Vec<&str> {
        self.env.iter().map(|(name, _)| name.as_str()).collect()
    }
}

impl fmt::Debug for GitCommand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GitCommand")
            .field("argv", &self.argv())
            .field("env", &self.env_names())
            .field("cwd", &self.cwd)
            .finish()
    }
}

/// What a finished git call printed.
#[derive(Debug, Clone)]
pub struct GitOutput {
    /// The exit code; `None` when a signal ended the process.
    pub code: Option<i32>,
    /// Standard output, lossily decoded.
    pub stdout: String,
    /// Standard error, lossily decoded.
    pub stderr: String,
}

impl GitOutput {
    /// Whether git exited with status 0.
    pub fn success(&self) -> bool {
        self.code == Some(0)
    }

    /// Turns this (unsuccessful) output into [`CommandError::Failed`].
    pub fn into_error(self, subcommand: &str) -> CommandError {
        let status = match self.code {
            Some(code) => format!("exit status {code}"),
            None => "killed by a signal".to_owned(),
        };
        let text = if self.stderr.trim().is_empty() {
            &self.stdout
        } else {
            &self.stderr
        };
        CommandError::Failed {
            subcommand: subcommand.to_owned(),
            status,
            output: redact::for_message(text),
        }
    }
}

/// Why a git call did not succeed.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    /// The private home directory could not be created.
    #[error("cannot create the private git home directory")]
    Home {
        /// The cause.
        #[source]
        source: io::Error,
    },
    /// The process could not be started.
    #[error("cannot start `{program}` for `git {subcommand}`")]
    Spawn {
        /// The executable.
        program: String,
        /// The subcommand.
        subcommand: String,
        /// The cause.
        #[source]
        source: io::Error,
    },
    /// Reading the output or waiting for the process failed.
    #[error("cannot collect the result of `git {subcommand}`")]
    Wait {
        /// The subcommand.
        subcommand: String,
        /// The cause.
        #[source]
        source: io::Error,
    },
    /// The call exceeded the timeout; its process group was killed.
    #[error("`git {subcommand}` did not finish within {timeout:?} and was killed")]
    TimedOut {
        /// The subcommand.
        subcommand: String,
        /// The limit.
        timeout: Duration,
    },
    /// Git exited unsuccessfully.
    #[error("`git {subcommand}` failed with {status}: {output}")]
    Failed {
        /// The subcommand.
        subcommand: String,
        /// The exit status, in words.
        status: String,
        /// Standard error (standard output when that is empty), redacted and bounded.
        output: String,
    },
}

impl CommandError {
    /// The redacted output of a failed call, empty for other errors.
    pub fn output(&self) -> &str {
        match self {
            Self::Failed { output, .. } => output,
            _ => "",
        }
    }
}

/// How many times each git subcommand ran, for cost assertions and logs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Invocations(BTreeMap<String, u32>);

impl Invocations {
    /// Counts one call of `subcommand`.
    pub fn record(&mut self, subcommand: &str) {
        *self.0.entry(subcommand.to_owned()).or_default() += 1;
    }

    /// How often `subcommand` ran.
    pub fn count(&self, subcommand: &str) -> u32 {
        self.0.get(subcommand).copied().unwrap_or(0)
    }

    /// All calls together.
    pub fn total(&self) -> u32 {
        self.0.values().sum()
    }

    /// Each subcommand with its count, in name order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, u32)> {
        self.0.iter().map(|(name, count)| (name.as_str(), *count))
    }
}

/// Runs git commands with [`GitOptions`] and a private `HOME` whose global config is empty.
#[derive(Debug)]
pub struct GitRunner {
    options: GitOptions,
    home: TempDir,
    global_config: PathBuf,
}

impl GitRunner {
    /// Creates the private home directory (removed when the runner is dropped).
    pub fn new(options: GitOptions) -> Result<Self, CommandError> {
        let home = tempfile::Builder::new()
            .prefix("updater-git-home-")
            .tempdir()
            .map_err(|source| CommandError::Home { source })?;
        let global_config = home.path().join("gitconfig");
        std::fs::write(&global_config, b"").map_err(|source| CommandError::Home { source })?;
        Ok(Self {
            options,
            home,
            global_config,
        })
    }

    /// The options this runner uses.
    pub fn options(&self) -> &GitOptions {
        &self.options
    }

    /// The private directory, also used for short-lived files (messages, keys).
    pub fn scratch_dir(&self) -> &Path {
        self.home.path()
    }

    /// Runs `command`; a non-zero exit is not an error here (see [`GitRunner::run_ok`]).
    pub async fn run(&self, command: &GitCommand) -> Result<GitOutput, CommandError> {
        process::run(self, command).await
    }

    /// Runs `command` and turns a non-zero exit into [`CommandError::Failed`].
    pub async fn run_ok(&self, command: &GitCommand) -> Result<GitOutput, CommandError> {
        let output = self.run(command).await?;
        match output.success() {
            true => Ok(output),
            false => Err(output.into_error(command.subcommand())),
        }
    }
}
