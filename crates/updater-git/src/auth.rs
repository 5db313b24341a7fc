//! Git credentials: the values ([`GitAuth`]), where they come from ([`GitCredentialSource`]),
//! and how one batch hands them to git without argv or URLs: a credential helper reading this
//! call's environment (HTTPS), or a key and `known_hosts` in private temporary files (SSH).

#[cfg(test)]
mod tests;

use std::future::Future;
use std::io::{self, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;
use std::pin::Pin;

use tempfile::TempDir;
use updater_core::writeback::GitCredentials;

use crate::command::GitCommand;
use updater_core::secret::Secret;

/// Environment variable carrying the HTTPS username to the credential helper.
pub const USERNAME_VARIABLE: &str = "UPDATER_GIT_USERNAME";
/// Environment variable carrying the HTTPS password to the credential helper.
pub const PASSWORD_VARIABLE: &str = "UPDATER_GIT_PASSWORD";

/// A helper that answers `get` from the environment of the git call that runs it, so the
/// password is never in an argument list, a URL, or a file.
const CREDENTIAL_HELPER: &str = "!f() { test \"$1\" = get || return 0; \
     printf 'username=%s\\npassword=%s\\n' \"$UPDATER_GIT_USERNAME\" \"$UPDATER_GIT_PASSWORD\"; }; f";

/// Credentials for one repository.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum GitAuth {
    /// No credentials (public repositories, local paths, `git://`).
    #[default]
    None,
    /// HTTP(S) basic authentication.
    Https {
        /// The username.
        username: String,
        /// The password or token.
        password: Secret,
    },
    /// SSH with a private key.
    Ssh {
        /// The private key in PEM / OpenSSH format.
        private_key: Secret,
        /// `known_hosts` content to verify the server with; `None` leaves only the system's.
        known_hosts: Option<String>,
        /// Skip host-key verification (`StrictHostKeyChecking=no`).
        insecure_ignore_host_key: bool,
    },
}

/// A boxed future, so credential sources can be trait objects.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Resolves a write-back credentials reference (`git:repocreds`, `git:secret:…`) into values;
/// the Kubernetes crate implements it over Argo CD's repository secrets.
pub trait GitCredentialSource: Send + Sync {
    /// The credentials for `repo_url` named by `reference`.
    fn credentials<'a>(
        &'a self,
        repo_url: &'a str,
        reference: &'a GitCredentials,
    ) -> BoxFuture<'a, Result<GitAuth, CredentialError>>;
}

/// Why a [`GitCredentialSource`] could not produce credentials.
#[derive(Debug, thiserror::Error)]
pub enum CredentialError {
    /// Reading the referenced credentials failed.
    #[error("cannot read git credentials `{reference}` for `{repo}`")]
    Read {
        /// The repository URL, userinfo stripped.
        repo: String,
        /// The reference, as in [`describe_reference`].
        reference: String,
        /// The cause.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The credentials were found but cannot be used for this repository.
    #[error("git credentials `{reference}` for `{repo}` are unusable: {reason}")]
    Unusable {
        /// The repository URL, userinfo stripped.
        repo: String,
        /// The reference.
        reference: String,
        /// What is missing or wrong.
        reason: String,
    },
}

/// Renders a credentials reference the way users write it (`repocreds`, `secret:ns/name`).
pub fn describe_reference(reference: &GitCredentials) -> String {
    match reference {
        GitCredentials::RepoCreds => "repocreds".to_owned(),
        GitCredentials::Secret {
            namespace: Some(ns),
            name,
        } => format!("secret:{ns}/{name}"),
        GitCredentials::Secret {
            namespace: None,
            name,
        } => format!("secret:{name}"),
    }
}

/// The kind of a repository URL, which decides the credential fields a secret must carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RepoUrlKind {
    /// `ssh://…`, `git+ssh://…` or scp-like `user@host:path`.
    Ssh,
    /// `https://…`.
    Https,
    /// `http://…` (plain text; the original rejects it for secret credentials).
    Http,
    /// Anything else: local paths, `file://`, `git://`.
    Other,
}

impl RepoUrlKind {
    /// Classifies `url`.
    pub fn of(url: &str) -> Self {
        let lower = url.to_ascii_lowercase();
        if lower.starts_with("ssh://") || lower.starts_with("git+ssh://") {
            Self::Ssh
        } else if lower.starts_with("https://") {
            Self::Https
        } else if lower.starts_with("http://") {
            Self::Http
        } else if is_scp_like(url) {
            Self::Ssh
        } else {
            Self::Other
        }
    }
}

/// `user@host:path`: an `@` before the first `:`, no `/` before that `:`, and no `://`.
fn is_scp_like(url: &str) -> bool {
    let Some(colon) = url.find(':') else {
        return false;
    };
    let host_part = &url[..colon];
    !url.contains("://") && host_part.contains('@') && !host_part.contains('/')
}

/// Why credentials could not be prepared for git.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    /// A username or password contains a line break or NUL, which would corrupt the
    /// credential helper protocol.
    #[error("the https {field} contains a line break or NUL character")]
    BadCharacter {
        /// `username` or `password`.
        field: &'static str,
    },
    /// The temporary key or `known_hosts` file could not be written.
    #[error("cannot write the temporary ssh {file} file")]
    TempFile {
        /// `key` or `known_hosts`.
        file: &'static str,
        /// The cause.
        #[source]
        source: io::Error,
    },
}

/// Credentials prepared for the git calls of one batch; temporary files are removed on drop.
#[derive(Debug)]
pub struct AuthSetup {
    config: Vec<(&'static str, String)>,
    env: Vec<(&'static str, Secret)>,
    _files: Option<TempDir>,
}

impl AuthSetup {
    /// Prepares `auth`, writing SSH files under `scratch`.
    pub fn prepare(auth: &GitAuth, scratch: &Path) -> Result<Self, AuthError> {
        match auth {
            GitAuth::None => Ok(Self::empty()),
            GitAuth::Https { username, password } => https(username, password),
            GitAuth::Ssh {
                private_key,
                known_hosts,
                insecure_ignore_host_key,
            } => ssh(
                private_key,
                known_hosts.as_deref(),
                *insecure_ignore_host_key,
                scratch,
            ),
        }
    }

    fn empty() -> Self {
        Self {
            config: vec![("credential.helper", String::new())],
            env: Vec::new(),
            _files: None,
        }
    }

    /// Adds the configuration and environment to a command that talks to the remote.
    pub fn apply(&self, mut command: GitCommand) -> GitCommand {
        for (key, value) in &self.config {
            command = command.config(key, value);
        }
        for (name, value) in &self.env {
            command = command.env(name, value.clone());
        }
        command
    }
}

fn https(username: &str, password: &Secret) -> Result<AuthSetup, AuthError> {
    let bad = |s: &str| s.contains(['\n', '\r', '\0']);
    if bad(username) {
        return Err(AuthError::BadCharacter { field: "username" });
    }
    if bad(password.expose()) {
        return Err(AuthError::BadCharacter { field: "password" });
    }
    let mut setup = AuthSetup::empty();
    setup
        .config
        .push(("credential.helper", CREDENTIAL_HELPER.to_owned()));
    setup.env = vec![
        (USERNAME_VARIABLE, Secret::new(username)),
        (PASSWORD_VARIABLE, password.clone()),
    ];
    Ok(setup)
}

fn ssh(
    key: &Secret,
    known_hosts: Option<&str>,
    insecure: bool,
    scratch: &Path,
) -> Result<AuthSetup, AuthError> {
    let temp = |source| AuthError::TempFile {
        file: "key",
        source,
    };
    let dir = tempfile::Builder::new()
        .prefix("ssh-")
        .tempdir_in(scratch)
        .map_err(temp)?;
    let key_file = dir.path().join("id");
    write_private(&key_file, &with_final_newline(key.expose())).map_err(temp)?;
    let hosts_file = match known_hosts {
        Some(content) => {
            let path = dir.path().join("known_hosts");
            write_private(&path, content).map_err(|source| AuthError::TempFile {
                file: "known_hosts",
                source,
            })?;
            Some(path)
        }
        None => None,
    };
    let mut setup = AuthSetup::empty();
    let command = ssh_command(&key_file, hosts_file.as_deref(), insecure);
    setup.env = vec![("GIT_SSH_COMMAND", Secret::new(command))];
    setup._files = Some(dir);
    Ok(setup)
}

/// The `GIT_SSH_COMMAND`: only our key, only our `known_hosts` (plus the system's), strict
/// host checking unless asked otherwise, never a prompt, and no user `~/.ssh/config`.
pub fn ssh_command(key: &Path, known_hosts: Option<&Path>, insecure: bool) -> String {
    let hosts = known_hosts.map_or_else(|| "/dev/null".to_owned(), shell_quote);
    let strict = if insecure { "no" } else { "yes" };
    format!(
        "ssh -F /dev/null -i {} -o IdentitiesOnly=yes -o UserKnownHostsFile={hosts} \
         -o StrictHostKeyChecking={strict} -o BatchMode=yes",
        shell_quote(key)
    )
}

fn shell_quote(path: &Path) -> String {
    format!("'{}'", path.display().to_string().replace('\'', r"'\''"))
}

/// OpenSSH refuses a key file whose last line is not terminated.
fn with_final_newline(text: &str) -> String {
    let mut text = text.to_owned();
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

fn write_private(path: &Path, content: &str) -> io::Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(content.as_bytes())
}
