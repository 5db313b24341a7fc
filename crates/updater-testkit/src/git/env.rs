//! [`GitEnv`] and [`git_env`]: an isolated environment for the git CLI in tests: an empty HOME
//! of its own, no system config, no prompts, and credentials passed through the environment,
//! never through arguments.

use std::{fmt, fs, path::Path, process::Command};

use tempfile::TempDir;

use super::{
    command::{Captured, capture},
    error::{GitError, file_error},
};

/// Name of the identity in [`GitEnv`]'s `~/.gitconfig`.
pub const TEST_USER_NAME: &str = "testkit";
/// Email of the identity in [`GitEnv`]'s `~/.gitconfig`.
pub const TEST_USER_EMAIL: &str = "testkit@example.com";
/// The variable the credential helper of [`GitEnv::with_http_credentials`] reads the user from.
pub const USERNAME_VAR: &str = "TESTKIT_GIT_USERNAME";
/// The variable the credential helper of [`GitEnv::with_http_credentials`] reads the password
/// from.
pub const PASSWORD_VAR: &str = "TESTKIT_GIT_PASSWORD";

/// A credential helper answering `get` from [`USERNAME_VAR`] and [`PASSWORD_VAR`]; git appends
/// the operation as `$1`.
pub const ENV_CREDENTIAL_HELPER: &str = "!f() { test \"$1\" = get || exit 0; \
     printf 'username=%s\\npassword=%s\\n' \"$TESTKIT_GIT_USERNAME\" \"$TESTKIT_GIT_PASSWORD\"; }; f";

/// Inherited variables that would redirect, configure or authenticate git or ssh behind a
/// test's back; [`GitEnv::apply`] removes them.
pub const SCRUBBED_VARS: &[&str] = &[
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_NAMESPACE",
    "GIT_CONFIG",
    "GIT_CONFIG_PARAMETERS",
    "GIT_CONFIG_COUNT",
    "GIT_CONFIG_SYSTEM",
    "GIT_AUTHOR_NAME",
    "GIT_AUTHOR_EMAIL",
    "GIT_COMMITTER_NAME",
    "GIT_COMMITTER_EMAIL",
    "GIT_SSH",
    "GIT_SSH_COMMAND",
    "GIT_SSH_VARIANT",
    "GIT_ASKPASS",
    "SSH_ASKPASS",
    "SSH_AUTH_SOCK",
    "GIT_PROTOCOL",
];

/// The variables that isolate git from the machine's and the user's configuration, with `home`
/// as HOME: no system config, `home/.gitconfig` as global config, no terminal prompts, and
/// messages in English so tests can match them.
///
/// Pair it with [`SCRUBBED_VARS`] removed, as [`GitEnv::apply`] does.
pub fn git_env(home: &Path) -> Vec<(String, String)> {
    let home_text = home.to_string_lossy().into_owned();
    vec![
        ("HOME".to_owned(), home_text.clone()),
        ("XDG_CONFIG_HOME".to_owned(), format!("{home_text}/.config")),
        ("GIT_CONFIG_NOSYSTEM".to_owned(), "1".to_owned()),
        (
            "GIT_CONFIG_GLOBAL".to_owned(),
            format!("{home_text}/.gitconfig"),
        ),
        ("GIT_TERMINAL_PROMPT".to_owned(), "0".to_owned()),
        ("SSH_ASKPASS_REQUIRE".to_owned(), "never".to_owned()),
        ("LC_ALL".to_owned(), "C".to_owned()),
    ]
}

/// An isolated git environment: a temporary HOME whose `.gitconfig` holds only the test
/// identity ([`TEST_USER_NAME`]), plus optional SSH command and HTTP credentials.
///
/// The identity sits in the global config, the weakest place after the system config, so a
/// program under test that sets its own author with `-c user.name=…` still wins.
pub struct GitEnv {
    home: TempDir,
    config: Vec<(String, String)>,
    vars: Vec<(String, String)>,
}

/// The result of a git command that may fail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitOutput {
    /// Whether it exited with 0.
    pub success: bool,
    /// Its exit code, `None` when killed by a signal.
    pub code: Option<i32>,
    /// Its stdout.
    pub stdout: String,
    /// Its stderr.
    pub stderr: String,
}

impl GitEnv {
    /// Makes the temporary HOME and its `.gitconfig`.
    pub fn new() -> Result<Self, GitError> {
        let home = tempfile::Builder::new()
            .prefix("updater-testkit-home-")
            .tempdir()
            .map_err(GitError::TempDir)?;
        let gitconfig = home.path().join(".gitconfig");
        let text = format!(
            "[user]\n\tname = {TEST_USER_NAME}\n\temail = {TEST_USER_EMAIL}\n\
             [init]\n\tdefaultBranch = main\n[commit]\n\tgpgSign = false\n"
        );
        fs::write(&gitconfig, text).map_err(file_error(&gitconfig))?;
        Ok(Self {
            home,
            config: Vec::new(),
            vars: Vec::new(),
        })
    }

    /// The temporary HOME.
    pub fn home(&self) -> &Path {
        self.home.path()
    }

    /// Adds a config entry passed through `GIT_CONFIG_COUNT`, not arguments.
    pub fn with_config(mut self, key: &str, value: &str) -> Self {
        self.config.push((key.to_owned(), value.to_owned()));
        self
    }

    /// Adds an environment variable.
    pub fn with_var(mut self, name: &str, value: &str) -> Self {
        self.vars.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Sets `GIT_SSH_COMMAND`, e.g. from `SshGitServer::git_ssh_command`.
    pub fn with_ssh_command(self, command: &str) -> Self {
        self.with_var("GIT_SSH_COMMAND", command)
    }

    /// Answers HTTP credential requests with `username`/`password` through
    /// [`ENV_CREDENTIAL_HELPER`], so they appear in no URL and no argument.
    pub fn with_http_credentials(self, username: &str, password: &str) -> Self {
        self.with_config("credential.helper", ENV_CREDENTIAL_HELPER)
            .with_var(USERNAME_VAR, username)
            .with_var(PASSWORD_VAR, password)
    }

    /// Every variable to set: [`git_env`], the config entries, and the added variables.
    pub fn vars(&self) -> Vec<(String, String)> {
        let mut vars = git_env(self.home());
        if !self.config.is_empty() {
            vars.push(("GIT_CONFIG_COUNT".to_owned(), self.config.len().to_string()));
        }
        for (index, (key, value)) in self.config.iter().enumerate() {
            vars.push((format!("GIT_CONFIG_KEY_{index}"), key.clone()));
            vars.push((format!("GIT_CONFIG_VALUE_{index}"), value.clone()));
        }
        vars.extend(self.vars.iter().cloned());
        vars
    }

    /// Removes [`SCRUBBED_VARS`] from `command` and sets [`GitEnv::vars`].
    pub fn apply<'a>(&self, command: &'a mut Command) -> &'a mut Command {
        for name in SCRUBBED_VARS {
            command.env_remove(name);
        }
        command.envs(self.vars())
    }

    /// `git` in directory `dir` with this environment.
    pub fn git(&self, dir: &Path) -> Command {
        let mut command = Command::new("git");
        command.current_dir(dir);
        self.apply(&mut command);
        command
    }

    /// Runs `git args…` in `dir` (with a timeout) and returns its output, failed or not.
    pub fn run(&self, dir: &Path, args: &[&str]) -> Result<GitOutput, GitError> {
        let captured = capture(self.git(dir).args(args), b"", false)?;
        Ok(GitOutput::from(captured))
    }

    /// Runs `git args…` in `dir` and returns its trimmed stdout; fails unless it exits with 0.
    pub fn run_ok(&self, dir: &Path, args: &[&str]) -> Result<String, GitError> {
        let mut command = self.git(dir);
        command.args(args);
        let captured = capture(&mut command, b"", false)?;
        if !captured.status.success() {
            return Err(captured.failure(&command));
        }
        Ok(String::from_utf8_lossy(&captured.stdout).trim().to_owned())
    }
}

impl From<Captured> for GitOutput {
    fn from(captured: Captured) -> Self {
        Self {
            success: captured.status.success(),
            code: captured.status.code(),
            stdout: String::from_utf8_lossy(&captured.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&captured.stderr).into_owned(),
        }
    }
}

impl fmt::Debug for GitEnv {
    /// Names only: values may be passwords.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.vars.iter().map(|(name, _)| name.as_str()).collect();
        let keys: Vec<&str> = self.config.iter().map(|(key, _)| key.as_str()).collect();
        f.debug_struct("GitEnv")
            .field("home", &self.home.path())
            .field("config", &keys)
            .field("vars", &names)
            .finish()
    }
}
