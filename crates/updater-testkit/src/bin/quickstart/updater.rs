//! Running the argocd-image-updater binary: a `run --once` pass over the demo's manifests, and
//! `test` to have it explain its choice tag by tag. Each call has a timeout, the child is
//! killed if the call is dropped, and it sees only PATH and an isolated git HOME.

use std::{
    ffi::OsString,
    path::{Path, PathBuf},
    time::Duration,
};

use anyhow::{Context, bail};
use serde::Deserialize;
use tokio::process::Command;
use updater_testkit::git::GitEnv;

use crate::scenario::DemoImage;

/// A pass over three images takes a few seconds; this only bounds a hung one.
const PASS_TIMEOUT: Duration = Duration::from_secs(180);
/// `test` and `--help` answer in well under a second.
const QUERY_TIMEOUT: Duration = Duration::from_secs(60);

/// The updater binary and the environment it runs in.
#[derive(Debug)]
pub struct Updater {
    program: PathBuf,
    /// A temporary HOME with no user or system git configuration: the user's settings (a
    /// global commit signing key, say) must not change the demo.
    env: GitEnv,
}

/// What one run printed and how it ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    /// The exit code, `None` when killed by a signal.
    pub code: Option<i32>,
    /// Everything on stdout.
    pub stdout: String,
    /// Everything on stderr (the log).
    pub stderr: String,
}

impl Output {
    /// Whether it exited with 0.
    pub fn success(&self) -> bool {
        self.code == Some(0)
    }
}

/// `test --output json`: the choice and why each tag won or lost.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Explanation {
    /// The chosen tag, if any.
    pub chosen: Option<String>,
    /// Whether the chosen tag differs from the current one.
    pub update_needed: bool,
    /// Every tag considered.
    pub candidates: Vec<Candidate>,
}

/// One tag of [`Explanation`].
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Candidate {
    /// The tag.
    pub tag: String,
    /// Whether it is the chosen one.
    pub accepted: bool,
    /// Why it lost, when it did.
    pub reason: Option<String>,
}

/// Where a pass reads and keeps things.
#[derive(Debug, Clone)]
pub struct PassConfig<'a> {
    /// `<repo URL>#<branch>:<folder>`.
    pub manifests: String,
    /// The demo's `registries.conf`.
    pub registries_conf: &'a Path,
    /// The updater's cache directory.
    pub cache_dir: &'a Path,
}

impl Updater {
    /// The updater at `program`, which must exist.
    pub fn new(program: PathBuf) -> anyhow::Result<Self> {
        if !program.is_file() {
            bail!("no updater binary at `{}`", program.display());
        }
        Ok(Self {
            program,
            env: GitEnv::new().context("cannot make a git HOME for the updater")?,
        })
    }

    /// The binary's path.
    pub fn program(&self) -> &Path {
        &self.program
    }

    /// Whether `run` has standalone mode (`--manifests`).
    pub async fn has_standalone_mode(&self) -> anyhow::Result<bool> {
        let help = self
            .call(&["run".into(), "--help".into()], QUERY_TIMEOUT)
            .await?;
        Ok(help.stdout.contains("--manifests"))
    }

    /// One `run --once` pass.
    pub async fn pass(&self, config: &PassConfig<'_>) -> anyhow::Result<Output> {
        self.call(&pass_args(config), PASS_TIMEOUT).await
    }

    /// `test … --output json` for `image` as the demo configures it.
    pub async fn explain(
        &self,
        image: &DemoImage,
        registry: &str,
        config: &PassConfig<'_>,
    ) -> anyhow::Result<Explanation> {
        let mut args = image.test_args(registry);
        args.extend(["--output".to_owned(), "json".to_owned()]);
        args.extend(["--loglevel".to_owned(), "warn".to_owned()]);
        args.extend(path_arg("--registries-conf-path", config.registries_conf));
        args.extend(path_arg("--cache-dir", config.cache_dir));
        let output = self.call(&args, QUERY_TIMEOUT).await?;
        if !output.success() {
            bail!(
                "`argocd-image-updater test` failed ({:?}): {}",
                output.code,
                output.stderr.trim()
            );
        }
        serde_json::from_str(&output.stdout).context("cannot read the output of `test`")
    }

    /// Runs the updater with `args`, killed after `timeout`.
    async fn call(&self, args: &[String], timeout: Duration) -> anyhow::Result<Output> {
        let mut command = Command::new(&self.program);
        command
            .args(args)
            .env_clear()
            .env(
                "PATH",
                std::env::var_os("PATH").unwrap_or_else(default_path),
            )
            .envs(self.env.vars())
            .stdin(std::process::Stdio::null())
            .kill_on_drop(true);
        let run = tokio::time::timeout(timeout, command.output());
        let output = run
            .await
            .with_context(|| format!("the updater did not finish in {timeout:?} and was killed"))?
            .with_context(|| format!("cannot run `{}`", self.program.display()))?;
        Ok(Output {
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        })
    }
}

/// The arguments of one standalone pass (after the program name).
pub fn pass_args(config: &PassConfig<'_>) -> Vec<String> {
    let mut args: Vec<String> = ["run", "--once", "--manifests", &config.manifests]
        .map(str::to_owned)
        .to_vec();
    args.extend(path_arg("--registries-conf-path", config.registries_conf));
    args.extend(path_arg("--cache-dir", config.cache_dir));
    args.extend(
        [
            "--git-commit-user",
            "quickstart",
            "--git-commit-email",
            "quickstart@example.com",
            "--loglevel",
            "info",
        ]
        .map(str::to_owned),
    );
    args
}

fn path_arg(flag: &str, path: &Path) -> [String; 2] {
    [flag.to_owned(), path.display().to_string()]
}

fn default_path() -> OsString {
    OsString::from("/usr/local/bin:/usr/bin:/bin")
}

/// `program args…` as a shell would need it typed.
pub fn shell_line(program: &str, args: &[String]) -> String {
    std::iter::once(program)
        .chain(args.iter().map(String::as_str))
        .map(shell_quote)
        .collect::<Vec<_>>()
        .join(" ")
}

/// `word`, single-quoted unless every character is safe unquoted.
fn shell_quote(word: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "-_./:=@%+,".contains(c);
    if !word.is_empty() && word.chars().all(safe) {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pass_args_follow_the_standalone_contract() {
        let config = PassConfig {
            manifests: "git://127.0.0.1:1/gitops.git#main:apps".to_owned(),
            registries_conf: Path::new("/d/registries.conf"),
            cache_dir: Path::new("/d/cache"),
        };
        assert_eq!(
            pass_args(&config).join(" "),
            "run --once --manifests git://127.0.0.1:1/gitops.git#main:apps \
             --registries-conf-path /d/registries.conf --cache-dir /d/cache \
             --git-commit-user quickstart --git-commit-email quickstart@example.com \
             --loglevel info"
        );
    }

    #[test]
    fn shell_line_quotes_what_a_shell_would_misread() {
        let args = ["run", "a#b:c", "~1", "it's", "/x/y"].map(str::to_owned);
        assert_eq!(
            shell_line("updater", &args),
            r"updater run 'a#b:c' '~1' 'it'\''s' /x/y"
        );
    }

    #[test]
    fn explanation_reads_the_json_of_test() {
        let json = r#"{"image":"r/demo/guestbook","strategy":"semver","constraint":"~1",
            "current":"1.0.0","chosen":"1.1.0","chosen_digest":null,"update_needed":true,
            "candidates":[{"tag":"1.1.0","accepted":true,"reason":null},
            {"tag":"2.0.0","accepted":false,"reason":"outside the constraint"}]}"#;
        let explanation: Explanation = serde_json::from_str(json).unwrap();
        assert_eq!(explanation.chosen.as_deref(), Some("1.1.0"));
        assert!(explanation.update_needed);
        assert_eq!(
            explanation.candidates[1].reason.as_deref(),
            Some("outside the constraint")
        );
    }
}
