//! [`SshGitServer`]: OpenSSH's sshd on a free loopback port with its own host key, accepting
//! only a client key pair it generated, serving git over `ssh://` as the current user.

use std::{
    fmt, fs,
    path::{Path, PathBuf},
    process::Command,
};

use tempfile::TempDir;

use super::{
    command::run,
    error::{GitError, file_error},
    launch::{Launch, ServerProcess, start_on_free_port},
};

/// sshd re-executes itself and so must be started by absolute path.
const SSHD: &str = "/usr/sbin/sshd";
/// The privilege separation directory sshd insists on, even when it does not chroot.
const PRIVSEP_DIR: &str = "/run/sshd";

/// A running sshd. Dropping it kills sshd and its sessions and deletes its temporary directory
/// (keys, config, log), not the repositories.
pub struct SshGitServer {
    // Fields drop in declaration order: the process stops before its directory is deleted.
    process: ServerProcess,
    port: u16,
    root: PathBuf,
    user: String,
    host_public_key: String,
    client_key_pem: String,
    dir: TempDir,
}

impl SshGitServer {
    /// Makes the host and client keys, starts sshd and waits until it listens; repositories
    /// below `repos_root` are reachable by absolute path.
    pub fn start(repos_root: &Path) -> Result<Self, GitError> {
        let root = repos_root.canonicalize().map_err(file_error(repos_root))?;
        let dir = tempfile::Builder::new()
            .prefix("updater-testkit-sshd-")
            .tempdir()
            .map_err(GitError::TempDir)?;
        let privsep = Path::new(PRIVSEP_DIR);
        fs::create_dir_all(privsep).map_err(file_error(privsep))?;
        let host_key = generate_key_pair(dir.path(), "host_ed25519")?;
        let client_key = generate_key_pair(dir.path(), "client_ed25519")?;
        let authorized = dir.path().join("authorized_keys");
        let client_public = public_key_of(&client_key)?;
        fs::write(&authorized, format!("{client_public}\n")).map_err(file_error(&authorized))?;
        let (process, port) = launch_sshd(dir.path(), &host_key, &authorized)?;
        let host_public_key = public_key_of(&host_key)?;
        let known_hosts = format!("[127.0.0.1]:{port} {host_public_key}\n");
        let known_hosts_path = dir.path().join("known_hosts");
        fs::write(&known_hosts_path, known_hosts).map_err(file_error(&known_hosts_path))?;
        Ok(Self {
            process,
            port,
            root,
            user: current_user()?,
            host_public_key,
            client_key_pem: fs::read_to_string(&client_key).map_err(file_error(&client_key))?,
            dir,
        })
    }

    /// `ssh://<user>@127.0.0.1:<port><root>/<repo>`.
    pub fn url(&self, repo: &str) -> String {
        let root = self.root.display();
        format!("ssh://{}@127.0.0.1:{}{root}/{repo}", self.user, self.port)
    }

    /// The user it logs in as (the current user).
    pub fn user(&self) -> &str {
        &self.user
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// sshd's pid.
    pub fn pid(&self) -> u32 {
        self.process.pid()
    }

    /// The private key sshd accepts (OpenSSH format, mode 0600).
    pub fn client_key_path(&self) -> PathBuf {
        self.dir.path().join("client_ed25519")
    }

    /// The content of [`SshGitServer::client_key_path`].
    pub fn client_key_pem(&self) -> &str {
        &self.client_key_pem
    }

    /// A known_hosts file holding `[127.0.0.1]:<port> <host key>`.
    pub fn known_hosts_path(&self) -> PathBuf {
        self.dir.path().join("known_hosts")
    }

    /// The host public key, `ssh-ed25519 AAAA…`.
    pub fn host_public_key(&self) -> &str {
        &self.host_public_key
    }

    /// A `GIT_SSH_COMMAND` authenticating with the accepted client key.
    pub fn git_ssh_command(&self) -> String {
        self.git_ssh_command_with_key(&self.client_key_path())
    }

    /// A `GIT_SSH_COMMAND` authenticating with `key` only: no agent, no user config, batch
    /// mode, and the host checked strictly against [`SshGitServer::known_hosts_path`].
    pub fn git_ssh_command_with_key(&self, key: &Path) -> String {
        format!(
            "ssh -F /dev/null -i {} -o IdentitiesOnly=yes -o IdentityAgent=none -o BatchMode=yes \
             -o UserKnownHostsFile={} -o GlobalKnownHostsFile=/dev/null \
             -o StrictHostKeyChecking=yes",
            shell_quote(&key.to_string_lossy()),
            shell_quote(&self.known_hosts_path().to_string_lossy()),
        )
    }

    /// Also accepts `public_key` (`ssh-ed25519 AAAA…`), e.g. a key the code under test made.
    pub fn authorize_key(&self, public_key: &str) -> Result<(), GitError> {
        let path = self.dir.path().join("authorized_keys");
        let mut keys = fs::read_to_string(&path).map_err(file_error(&path))?;
        keys.push_str(public_key.trim());
        keys.push('\n');
        fs::write(&path, keys).map_err(file_error(&path))
    }

    /// The last lines of sshd's log, for assertion messages.
    pub fn log_tail(&self) -> String {
        self.process.log_tail()
    }

    /// Its temporary directory (keys, config, log).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }
}

impl fmt::Debug for SshGitServer {
    /// Without the private key.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SshGitServer")
            .field("port", &self.port)
            .field("root", &self.root)
            .field("user", &self.user)
            .field("dir", &self.dir.path())
            .finish_non_exhaustive()
    }
}

/// Makes an unencrypted ed25519 key pair `dir/name` and `dir/name.pub`; returns the private
/// key's path. Tests use it for keys the server does not accept.
pub fn generate_key_pair(dir: &Path, name: &str) -> Result<PathBuf, GitError> {
    let path = dir.join(name);
    run(Command::new("ssh-keygen")
        .args([
            "-q",
            "-t",
            "ed25519",
            "-N",
            "",
            "-C",
            "updater-testkit",
            "-f",
        ])
        .arg(&path))?;
    Ok(path)
}

/// `type base64` of the key pair whose private key is `key` (the comment dropped).
fn public_key_of(key: &Path) -> Result<String, GitError> {
    let mut path = key.as_os_str().to_owned();
    path.push(".pub");
    let path = PathBuf::from(path);
    let text = fs::read_to_string(&path).map_err(file_error(&path))?;
    Ok(text
        .split_whitespace()
        .take(2)
        .collect::<Vec<_>>()
        .join(" "))
}

/// Writes the config and starts sshd on a free port.
fn launch_sshd(
    dir: &Path,
    host_key: &Path,
    authorized: &Path,
) -> Result<(ServerProcess, u16), GitError> {
    let config = dir.join("sshd_config");
    let command = |port| {
        let text = sshd_config(port, dir, host_key, authorized);
        fs::write(&config, text).map_err(file_error(&config))?;
        let mut command = Command::new(SSHD);
        command.arg("-D").arg("-e").arg("-f").arg(&config);
        Ok(command)
    };
    let ready_line = |port| format!("Server listening on 127.0.0.1 port {port}");
    start_on_free_port(&Launch {
        server: "sshd",
        log: dir.join("sshd.log"),
        command: &command,
        ready_line: &ready_line,
    })
}

/// The sshd configuration: key authentication only, root allowed, no forwarding; sessions see
/// neither the system's nor the user's git config.
fn sshd_config(port: u16, dir: &Path, host_key: &Path, authorized: &Path) -> String {
    let pid_file = dir.join("sshd.pid");
    format!(
        "Port {port}\n\
         ListenAddress 127.0.0.1\n\
         HostKey \"{}\"\n\
         PidFile \"{}\"\n\
         AuthorizedKeysFile \"{}\"\n\
         PubkeyAuthentication yes\n\
         PasswordAuthentication no\n\
         KbdInteractiveAuthentication no\n\
         PermitRootLogin prohibit-password\n\
         UsePAM no\n\
         StrictModes no\n\
         AllowTcpForwarding no\n\
         X11Forwarding no\n\
         PermitTTY no\n\
         AcceptEnv GIT_PROTOCOL\n\
         SetEnv GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null\n\
         LogLevel INFO\n",
        host_key.display(),
        pid_file.display(),
        authorized.display(),
    )
}

/// The login name of the current user.
fn current_user() -> Result<String, GitError> {
    let out = run(Command::new("id").arg("-un"))?;
    Ok(String::from_utf8_lossy(&out).trim().to_owned())
}

/// `text` in single quotes for `sh`.
fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}
