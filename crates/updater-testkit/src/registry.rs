//! [`RegistryServer`]: a real distribution 2.8 registry (`docker-registry`) on a free loopback
//! port, with optional htpasswd or token auth and optional TLS, gone when dropped.

mod requests;

use std::{
    fs::{self, File},
    net::{Ipv4Addr, TcpListener},
    path::{Path, PathBuf},
    process::{Command, Stdio},
    thread,
    time::{Duration, Instant},
};

use tempfile::TempDir;

pub use requests::RegistryRequest;

use crate::{
    certs::{TlsFiles, make_htpasswd, make_signing_key, make_tls},
    config::{AuthConfig, ConfigParams, render},
    error::{TestkitError, file_error},
    jwt::Issuer,
    probe::Probe,
    process::{KillOnDrop, tail},
    seed::{SeedError, Seeder},
    store::StoreSeeder,
    token::{Policy, TokenServer},
};

/// The user of `AuthMode::Htpasswd` and `AuthMode::Token`.
pub const USERNAME: &str = "testuser";
/// The password of [`USERNAME`].
pub const PASSWORD: &str = "testpass";
/// The `service` of token mode: the registry's `auth.token.service` and the tokens' `aud`.
pub const TOKEN_SERVICE: &str = crate::config::TOKEN_SERVICE;
/// The `issuer` of token mode: the registry's `auth.token.issuer` and the tokens' `iss`.
pub const TOKEN_ISSUER: &str = crate::config::TOKEN_ISSUER;

/// How long the registry may take to answer `/v2/`; it normally takes well under a second.
const READY_TIMEOUT: Duration = Duration::from_secs(10);
/// Launch attempts when another process takes the chosen port in between.
const BIND_ATTEMPTS: usize = 5;
/// Lines of the registry log in errors and [`RegistryServer::log_tail`].
const LOG_TAIL_LINES: usize = 20;

/// How the registry authenticates clients.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AuthMode {
    /// No authentication: anyone may pull and push.
    #[default]
    Anonymous,
    /// HTTP Basic against an htpasswd file holding [`USERNAME`] / [`PASSWORD`].
    Htpasswd,
    /// Bearer tokens from a token service started alongside (see [`RegistryServer::token_realm`]).
    Token,
}

/// What kind of registry to start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistryOptions {
    /// Authentication mode.
    pub auth: AuthMode,
    /// Serve HTTPS with a certificate signed by a fresh test CA ([`RegistryServer::ca_pem`]).
    pub tls: bool,
    /// Token mode only: whether requests without credentials get pull-only tokens; when false
    /// the token service answers them 401.
    pub anonymous_pull: bool,
    /// Where the registry's temporary directory (config, storage, log) is made; the system's
    /// temporary directory when `None`.
    pub parent: Option<PathBuf>,
}

impl Default for RegistryOptions {
    fn default() -> Self {
        Self {
            auth: AuthMode::Anonymous,
            tls: false,
            anonymous_pull: true,
            parent: None,
        }
    }
}

impl RegistryOptions {
    /// Plain HTTP with the given authentication mode and anonymous pull allowed.
    pub fn new(auth: AuthMode) -> Self {
        Self {
            auth,
            ..Self::default()
        }
    }

    /// The same options served over HTTPS.
    pub fn with_tls(self) -> Self {
        Self { tls: true, ..self }
    }

    /// The same options with the registry's directory made inside `parent`, e.g. a tmpfs so
    /// that seeding many tags straight into the storage is not bound by the disk.
    pub fn in_dir(self, parent: impl Into<PathBuf>) -> Self {
        Self {
            parent: Some(parent.into()),
            ..self
        }
    }

    /// The same options with anonymous token requests refused (token mode).
    pub fn without_anonymous_pull(self) -> Self {
        Self {
            anonymous_pull: false,
            ..self
        }
    }
}

/// A running registry. Dropping it kills the registry and the token service and deletes the
/// temporary directory; do not keep one in a `static`, which is never dropped.
#[derive(Debug)]
pub struct RegistryServer {
    // Fields drop in declaration order: the processes stop before their directory is deleted.
    child: KillOnDrop,
    token: Option<TokenServer>,
    port: u16,
    options: RegistryOptions,
    ca_pem: Option<PathBuf>,
    log: PathBuf,
    dir: TempDir,
}

/// What is made once, before the first launch attempt.
#[derive(Debug)]
struct Prepared {
    tls: Option<TlsFiles>,
    htpasswd: Option<PathBuf>,
    /// The token service and the certificate of its signing key.
    token: Option<(TokenServer, PathBuf)>,
    probe: Probe,
}

impl RegistryServer {
    /// Makes the key material, starts the registry (and token service) and waits until `/v2/`
    /// answers.
    pub fn start(options: RegistryOptions) -> Result<Self, TestkitError> {
        let mut builder = tempfile::Builder::new();
        builder.prefix("updater-testkit-registry-");
        let dir = match &options.parent {
            Some(parent) => builder.tempdir_in(parent),
            None => builder.tempdir(),
        }
        .map_err(TestkitError::TempDir)?;
        let prepared = prepare(dir.path(), &options)?;
        let (child, port) = launch_with_retries(dir.path(), &prepared, free_port)?;
        Ok(Self {
            child,
            port,
            options,
            ca_pem: prepared.tls.map(|tls| tls.ca_pem),
            token: prepared.token.map(|(server, _)| server),
            log: log_path(dir.path()),
            dir,
        })
    }

    /// Base URL, `http://127.0.0.1:PORT` or `https://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        let scheme = if self.options.tls { "https" } else { "http" };
        format!("{scheme}://{}", self.host())
    }

    /// `127.0.0.1:PORT`, the registry part of image references.
    pub fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// The port the registry listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The options it was started with.
    pub fn options(&self) -> &RegistryOptions {
        &self.options
    }

    /// PEM of the CA to trust in TLS mode (the served certificate is signed by it).
    pub fn ca_pem(&self) -> Option<PathBuf> {
        self.ca_pem.clone()
    }

    /// [`USERNAME`] in htpasswd and token modes.
    pub fn username(&self) -> Option<&'static str> {
        self.has_users().then_some(USERNAME)
    }

    /// [`PASSWORD`] in htpasswd and token modes.
    pub fn password(&self) -> Option<&'static str> {
        self.has_users().then_some(PASSWORD)
    }

    /// The token endpoint in token mode, `http://127.0.0.1:PORT/token` (plain HTTP even when
    /// the registry serves TLS).
    pub fn token_realm(&self) -> Option<String> {
        self.token.as_ref().map(TokenServer::realm)
    }

    /// Requests that reached the token endpoint so far (0 outside token mode).
    ///
    /// Includes the [`Seeder`]'s own requests: compare counts before and after the code under
    /// test rather than against zero.
    pub fn token_requests(&self) -> usize {
        self.token.as_ref().map_or(0, TokenServer::requests)
    }

    /// The last lines of the registry's log, for assertion messages.
    pub fn log_tail(&self) -> String {
        read_log_tail(&self.log)
    }

    /// Every request the registry answered so far, oldest first, read from its log (the
    /// [`Seeder`]'s own requests included). The registry logs a request just after answering
    /// it: read this once the client under test is done.
    pub fn requests(&self) -> Result<Vec<RegistryRequest>, TestkitError> {
        let bytes = fs::read(&self.log).map_err(file_error(&self.log))?;
        Ok(requests::parse_log(&String::from_utf8_lossy(&bytes)))
    }

    /// How many `method` requests of exactly `path` (query ignored) the registry answered,
    /// e.g. `("GET", "/v2/org/app/tags/list")`.
    pub fn count_requests(&self, method: &str, path: &str) -> Result<usize, TestkitError> {
        let requests = self.requests()?;
        Ok(requests
            .iter()
            .filter(|r| r.method == method && r.path() == path)
            .count())
    }

    /// The temporary directory holding config, data, keys and log.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// A [`Seeder`] that pushes to this registry with its credentials and CA.
    pub fn seeder(&self) -> Result<Seeder, SeedError> {
        Seeder::new(self)
    }

    /// The storage's `rootdirectory` (filesystem driver), under which distribution keeps
    /// `docker/registry/v2`.
    pub fn storage_root(&self) -> PathBuf {
        data_path(self.dir.path())
    }

    /// A [`StoreSeeder`] that writes straight into this registry's storage, bypassing HTTP.
    pub fn store_seeder(&self) -> StoreSeeder {
        StoreSeeder::new(self)
    }

    /// The process id of the registry, e.g. to check it is gone.
    pub fn pid(&self) -> u32 {
        self.child.0.id()
    }

    fn has_users(&self) -> bool {
        self.options.auth != AuthMode::Anonymous
    }
}

/// Makes TLS files, the htpasswd file and the token service as the options ask.
fn prepare(dir: &Path, options: &RegistryOptions) -> Result<Prepared, TestkitError> {
    let tls = options.tls.then(|| make_tls(dir)).transpose()?;
    let probe = match &tls {
        Some(files) => Probe::https(&files.ca_der)?,
        None => Probe::Http,
    };
    let htpasswd = (options.auth == AuthMode::Htpasswd)
        .then(|| make_htpasswd(dir, USERNAME, PASSWORD))
        .transpose()?;
    let token = (options.auth == AuthMode::Token)
        .then(|| start_token_server(dir, options.anonymous_pull))
        .transpose()?;
    Ok(Prepared {
        tls,
        htpasswd,
        token,
        probe,
    })
}

/// Makes the signing key and starts the token service; returns it with the key's certificate.
fn start_token_server(
    dir: &Path,
    anonymous_pull: bool,
) -> Result<(TokenServer, PathBuf), TestkitError> {
    let files = make_signing_key(dir)?;
    let issuer = Issuer::new(&files.pkcs8_der, &files.spki_der)?;
    let policy = Policy {
        username: USERNAME,
        password: PASSWORD,
        anonymous_pull,
    };
    Ok((TokenServer::start(issuer, policy)?, files.cert_pem))
}

/// Launches on ports from `pick_port` until one is not taken by someone else in the meantime.
fn launch_with_retries(
    dir: &Path,
    prepared: &Prepared,
    mut pick_port: impl FnMut() -> Result<u16, TestkitError>,
) -> Result<(KillOnDrop, u16), TestkitError> {
    let mut attempt = 1;
    loop {
        let port = pick_port()?;
        match launch(dir, prepared, port) {
            Err(e) if attempt < BIND_ATTEMPTS && is_port_conflict(&e) => attempt += 1,
            result => return result.map(|child| (child, port)),
        }
    }
}

/// A loopback port that was free a moment ago. The machine is shared: never a fixed port.
fn free_port() -> Result<u16, TestkitError> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).map_err(TestkitError::Bind)?;
    Ok(listener.local_addr().map_err(TestkitError::Bind)?.port())
}

/// Whether the registry died because its port was taken.
fn is_port_conflict(error: &TestkitError) -> bool {
    matches!(error, TestkitError::RegistryExited { log_tail, .. }
        if log_tail.contains("address already in use"))
}

/// Writes the config for `port`, starts the registry and waits until it answers.
fn launch(dir: &Path, prepared: &Prepared, port: u16) -> Result<KillOnDrop, TestkitError> {
    let config = write_config(dir, prepared, port)?;
    let log = log_path(dir);
    let stdout = File::create(&log).map_err(file_error(&log))?;
    let stderr = stdout.try_clone().map_err(file_error(&log))?;
    let child = Command::new("docker-registry")
        .arg("serve")
        .arg(&config)
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(stderr)
        .spawn()
        .map_err(|source| TestkitError::Spawn {
            program: "docker-registry".to_owned(),
            source,
        })?;
    // Wrapped at once: any early return below kills the process.
    let mut child = KillOnDrop(child);
    wait_ready(&mut child, &prepared.probe, port, &log)?;
    Ok(child)
}

/// Renders and writes `config.yml`; returns its path.
fn write_config(dir: &Path, prepared: &Prepared, port: u16) -> Result<PathBuf, TestkitError> {
    let data_dir = data_path(dir);
    fs::create_dir_all(&data_dir).map_err(file_error(&data_dir))?;
    let realm = prepared.token.as_ref().map(|(server, _)| server.realm());
    let auth = match (&prepared.htpasswd, &prepared.token, &realm) {
        (Some(path), _, _) => AuthConfig::Htpasswd { path },
        (_, Some((_, cert)), Some(realm)) => AuthConfig::Token {
            realm,
            rootcertbundle: cert,
        },
        _ => AuthConfig::None,
    };
    let tls = prepared
        .tls
        .as_ref()
        .map(|t| (t.cert_pem.as_path(), t.key_pem.as_path()));
    let yaml = render(&ConfigParams {
        data_dir: &data_dir,
        port,
        tls,
        auth,
    });
    let path = dir.join("config.yml");
    fs::write(&path, yaml).map_err(file_error(&path))?;
    Ok(path)
}

/// Polls `/v2/` until it answers, the process exits, or [`READY_TIMEOUT`] passes.
fn wait_ready(
    child: &mut KillOnDrop,
    probe: &Probe,
    port: u16,
    log: &Path,
) -> Result<(), TestkitError> {
    let deadline = Instant::now() + READY_TIMEOUT;
    loop {
        let probed = probe.check(port);
        // Checked after probing: an answer from a process that is not ours (the port was
        // taken before the registry bound it) must not count as ready.
        let exited = child.0.try_wait().map_err(|source| TestkitError::Spawn {
            program: "docker-registry".to_owned(),
            source,
        })?;
        if let Some(status) = exited {
            let log_tail = read_log_tail(log);
            return Err(TestkitError::RegistryExited { status, log_tail });
        }
        let last_error = match probed {
            Ok(()) => return Ok(()),
            Err(e) => e.to_string(),
        };
        if Instant::now() >= deadline {
            let url = format!("127.0.0.1:{port}/v2/");
            let log_tail = read_log_tail(log);
            return Err(TestkitError::RegistryNotReady {
                url,
                last_error,
                log_tail,
            });
        }
        thread::sleep(Duration::from_millis(20));
    }
}

/// The storage root under the server's directory.
fn data_path(dir: &Path) -> PathBuf {
    dir.join("data")
}

/// Where the registry's stdout and stderr go.
fn log_path(dir: &Path) -> PathBuf {
    dir.join("registry.log")
}

/// The last [`LOG_TAIL_LINES`] lines of the log, or a note why it cannot be read.
fn read_log_tail(log: &Path) -> String {
    match fs::read(log) {
        Ok(bytes) => tail(&String::from_utf8_lossy(&bytes), LOG_TAIL_LINES),
        Err(e) => format!("(cannot read `{}`: {e})", log.display()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_taken_port_is_retried_with_another() {
        let dir = tempfile::tempdir().unwrap();
        let prepared = prepare(dir.path(), &RegistryOptions::default()).unwrap();
        let taken = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        let taken_port = taken.local_addr().unwrap().port();
        let mut ports = vec![taken_port];
        let pick = || ports.pop().map_or_else(free_port, Ok);
        let (_child, port) = launch_with_retries(dir.path(), &prepared, pick).unwrap();
        assert_ne!(port, taken_port);
        assert!(Probe::Http.check(port).is_ok());
    }

    #[tokio::test]
    async fn answered_requests_are_read_back_from_the_log() {
        crate::install_crypto();
        let server = RegistryServer::start(RegistryOptions::default()).unwrap();
        server
            .seeder()
            .unwrap()
            .push_tags("org/app", &["1.0.0"])
            .await
            .unwrap();
        let client = reqwest::Client::new();
        let list = format!("{}/v2/org/app/tags/list?n=5", server.url());
        for _ in 0..2 {
            client.get(&list).send().await.unwrap();
        }
        let missing = format!("{}/v2/org/none/tags/list", server.url());
        client.get(&missing).send().await.unwrap();
        // The registry logs just after answering.
        tokio::time::sleep(Duration::from_millis(100)).await;

        let count = |path| server.count_requests("GET", path).unwrap();
        assert_eq!(count("/v2/org/app/tags/list"), 2, "{}", server.log_tail());
        assert_eq!(count("/v2/org/none/tags/list"), 1);
        let requests = server.requests().unwrap();
        let last = requests.last().unwrap();
        assert_eq!(
            (last.uri.as_str(), last.status),
            ("/v2/org/none/tags/list", 404)
        );
        assert!(
            requests.iter().any(|r| r.method == "PUT"),
            "the seeder's pushes"
        );
    }

    #[test]
    fn other_failures_are_not_retried() {
        let dir = tempfile::tempdir().unwrap();
        let mut prepared = prepare(dir.path(), &RegistryOptions::default()).unwrap();
        // A missing certificate makes the registry exit at start-up.
        let missing = dir.path().join("missing.pem");
        prepared.tls = Some(TlsFiles {
            ca_pem: missing.clone(),
            ca_der: Vec::new(),
            cert_pem: missing.clone(),
            key_pem: missing,
        });
        let mut picks = 0;
        let pick = || {
            picks += 1;
            free_port()
        };
        let error = launch_with_retries(dir.path(), &prepared, pick).unwrap_err();
        assert!(
            matches!(error, TestkitError::RegistryExited { .. }),
            "{error}"
        );
        assert!(
            error.to_string().contains("missing.pem"),
            "log tail in message: {error}"
        );
        assert_eq!(picks, 1);
    }
}
