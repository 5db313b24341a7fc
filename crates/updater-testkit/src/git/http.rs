//! [`HttpGitServer`]: git's smart HTTP protocol on a free loopback port, `git http-backend` run
//! as CGI per request behind optional Basic authentication, like `git-http-server.py`.

mod cgi;
mod request;

use std::{
    fmt,
    io::{BufReader, Write},
    net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream},
    path::{Path, PathBuf},
    sync::{
        Arc, Mutex, PoisonError,
        atomic::{AtomicBool, AtomicUsize, Ordering},
    },
    thread::{self, JoinHandle},
    time::Duration,
};

use base64::{Engine, engine::general_purpose::STANDARD};
use tempfile::TempDir;

use self::{
    cgi::{Backend, HttpResponse, run_backend},
    request::{Head, read_body, read_head},
};
use super::{
    command::git_program,
    error::{GitError, file_error},
};

/// A silent client must not pin a connection thread, nor delay drop, for long.
const IO_TIMEOUT: Duration = Duration::from_secs(10);

/// A running smart-HTTP git server. Dropping it stops accepting, joins every connection
/// thread (their backends are killed after a timeout) and deletes its temporary directory.
pub struct HttpGitServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    accept: Option<JoinHandle<()>>,
    dir: TempDir,
}

/// State shared by the accept loop and the connection threads.
struct Shared {
    program: PathBuf,
    root: PathBuf,
    home: PathBuf,
    basic: Option<(String, String)>,
    requests: AtomicUsize,
    rejected: AtomicUsize,
    unauthenticated: AtomicUsize,
    chunked: AtomicUsize,
    gzipped: AtomicUsize,
    stop: AtomicBool,
    connections: Mutex<Vec<JoinHandle<()>>>,
}

/// The outcome of checking a request's credentials.
#[derive(Debug, PartialEq, Eq)]
enum Auth {
    /// No authentication configured.
    Open,
    /// The right user and password; the user.
    User(String),
    /// No Basic credentials sent.
    Missing,
    /// Wrong credentials sent.
    Wrong,
}

impl HttpGitServer {
    /// Serves every repository below `repos_root`, requiring `basic` (user, password) when
    /// given; push works either way.
    pub fn start(repos_root: &Path, basic: Option<(&str, &str)>) -> Result<Self, GitError> {
        let root = repos_root.canonicalize().map_err(file_error(repos_root))?;
        let dir = tempfile::Builder::new()
            .prefix("updater-testkit-git-http-")
            .tempdir()
            .map_err(GitError::TempDir)?;
        // Bound for good before the thread starts, so this port cannot be taken meanwhile.
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).map_err(GitError::Bind)?;
        let addr = listener.local_addr().map_err(GitError::Bind)?;
        let shared = Arc::new(Shared {
            program: git_program("git-http-backend")?,
            root,
            home: dir.path().to_path_buf(),
            basic: basic.map(|(user, password)| (user.to_owned(), password.to_owned())),
            requests: AtomicUsize::new(0),
            rejected: AtomicUsize::new(0),
            unauthenticated: AtomicUsize::new(0),
            chunked: AtomicUsize::new(0),
            gzipped: AtomicUsize::new(0),
            stop: AtomicBool::new(false),
            connections: Mutex::new(Vec::new()),
        });
        let accept_shared = Arc::clone(&shared);
        let accept = thread::spawn(move || accept_loop(&listener, &accept_shared));
        Ok(Self {
            addr,
            shared,
            accept: Some(accept),
            dir,
        })
    }

    /// `http://127.0.0.1:<port>/<repo>`, without credentials.
    pub fn url(&self, repo: &str) -> String {
        format!("http://{}/{repo}", self.addr)
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// The user Basic authentication requires, if any.
    pub fn username(&self) -> Option<&str> {
        self.shared.basic.as_ref().map(|(user, _)| user.as_str())
    }

    /// Requests received so far, answered or refused.
    pub fn requests(&self) -> usize {
        self.shared.requests.load(Ordering::SeqCst)
    }

    /// Requests refused because they carried wrong credentials.
    pub fn rejected_credentials(&self) -> usize {
        self.shared.rejected.load(Ordering::SeqCst)
    }

    /// Requests refused because they carried no credentials (git sends its first request
    /// without, so this counts challenges, not failures).
    pub fn unauthenticated_requests(&self) -> usize {
        self.shared.unauthenticated.load(Ordering::SeqCst)
    }

    /// Requests whose body came chunked (git does so past `http.postBuffer`).
    pub fn chunked_requests(&self) -> usize {
        self.shared.chunked.load(Ordering::SeqCst)
    }

    /// Requests whose body came gzip-compressed (passed through to the backend).
    pub fn gzipped_requests(&self) -> usize {
        self.shared.gzipped.load(Ordering::SeqCst)
    }

    /// Its temporary directory (the backend's HOME).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }
}

impl fmt::Debug for HttpGitServer {
    /// Without the password.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpGitServer")
            .field("addr", &self.addr)
            .field("root", &self.shared.root)
            .field("username", &self.username())
            .field("requests", &self.requests())
            .finish_non_exhaustive()
    }
}

impl Drop for HttpGitServer {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        // `accept` blocks; one throwaway connection wakes it up to see the flag. Should that
        // connection fail, the thread is left detached rather than hanging the test on join.
        let woken = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1)).is_ok();
        if let Some(thread) = self.accept.take().filter(|_| woken) {
            let _ = thread.join();
        }
        let connections = std::mem::take(&mut *self.shared.connections());
        for connection in connections {
            let _ = connection.join();
        }
    }
}

impl Shared {
    /// The connection threads; a panicked thread does not make the list unusable.
    fn connections(&self) -> std::sync::MutexGuard<'_, Vec<JoinHandle<()>>> {
        self.connections
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Counts a request and the body encodings it uses.
    fn count(&self, head: &Head) {
        self.requests.fetch_add(1, Ordering::SeqCst);
        if head.is_chunked() {
            self.chunked.fetch_add(1, Ordering::SeqCst);
        }
        if head
            .header("content-encoding")
            .is_some_and(|encoding| encoding.eq_ignore_ascii_case("gzip"))
        {
            self.gzipped.fetch_add(1, Ordering::SeqCst);
        }
    }

    /// Checks the `Authorization` value against the configured credentials and counts refusals.
    fn authenticate(&self, authorization: Option<&str>) -> Auth {
        let Some((user, password)) = &self.basic else {
            return Auth::Open;
        };
        let auth = match authorization.and_then(|value| value.strip_prefix("Basic ")) {
            None => Auth::Missing,
            Some(encoded) if decode_basic(encoded) == Some((user.clone(), password.clone())) => {
                Auth::User(user.clone())
            }
            Some(_) => Auth::Wrong,
        };
        match auth {
            Auth::Missing => self.unauthenticated.fetch_add(1, Ordering::SeqCst),
            Auth::Wrong => self.rejected.fetch_add(1, Ordering::SeqCst),
            _ => 0,
        };
        auth
    }
}

/// Accepts connections until the stop flag is set, one thread each.
fn accept_loop(listener: &TcpListener, shared: &Arc<Shared>) {
    for stream in listener.incoming() {
        if shared.stop.load(Ordering::SeqCst) {
            return;
        }
        let Ok(stream) = stream else {
            // Out of descriptors, say: back off instead of spinning.
            thread::sleep(Duration::from_millis(10));
            continue;
        };
        let connection_shared = Arc::clone(shared);
        let handle = thread::spawn(move || serve_connection(stream, &connection_shared));
        let mut connections = shared.connections();
        connections.retain(|handle| !handle.is_finished());
        connections.push(handle);
    }
}

/// Answers one request and closes the connection.
fn serve_connection(stream: TcpStream, shared: &Shared) {
    let _ = stream.set_read_timeout(Some(IO_TIMEOUT));
    let _ = stream.set_write_timeout(Some(IO_TIMEOUT));
    let Ok(reader) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(reader);
    let mut writer = stream;
    let Ok(head) = read_head(&mut reader) else {
        let _ = HttpResponse::text(400, "Bad Request", "malformed request").write_to(&mut writer);
        return;
    };
    shared.count(&head);
    let response = respond(&head, &mut reader, &mut writer, shared);
    let _ = response.write_to(&mut writer);
}

/// Authenticates, reads the body and runs the backend.
fn respond(
    head: &Head,
    reader: &mut BufReader<TcpStream>,
    writer: &mut TcpStream,
    shared: &Shared,
) -> HttpResponse {
    if head.method != "GET" && head.method != "POST" {
        return HttpResponse::text(405, "Method Not Allowed", "only GET and POST");
    }
    let user = match shared.authenticate(head.authorization.as_deref()) {
        Auth::Open => None,
        Auth::User(user) => Some(user),
        Auth::Missing | Auth::Wrong => return unauthorized(head, reader),
    };
    if head.expects_continue() && writer.write_all(b"HTTP/1.1 100 Continue\r\n\r\n").is_err() {
        return HttpResponse::text(400, "Bad Request", "connection lost");
    }
    let Ok(body) = read_body(reader, head) else {
        return HttpResponse::text(400, "Bad Request", "malformed body");
    };
    let backend = Backend {
        program: &shared.program,
        root: &shared.root,
        home: &shared.home,
    };
    run_backend(&backend, head, &body, user.as_deref()).unwrap_or_else(|e| {
        HttpResponse::text(
            500,
            "Internal Server Error",
            &format!("git http-backend: {e}"),
        )
    })
}

/// A 401 challenge. A body the client sends anyway is read first: closing a socket with
/// unread data resets it, and the client might never see the 401.
fn unauthorized(head: &Head, reader: &mut BufReader<TcpStream>) -> HttpResponse {
    if !head.expects_continue() {
        let _ = read_body(reader, head);
    }
    let mut response = HttpResponse::text(401, "Unauthorized", "authentication required");
    response.headers.push((
        "WWW-Authenticate".to_owned(),
        "Basic realm=\"git\"".to_owned(),
    ));
    response
}

/// `user:password` from a Basic credential; `None` when it is not valid base64 UTF-8 with a
/// colon.
fn decode_basic(encoded: &str) -> Option<(String, String)> {
    let decoded = String::from_utf8(STANDARD.decode(encoded.trim()).ok()?).ok()?;
    let (user, password) = decoded.split_once(':')?;
    Some((user.to_owned(), password.to_owned()))
}
