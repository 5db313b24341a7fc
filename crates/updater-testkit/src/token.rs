//! The token service of `AuthMode::Token`: `GET /token` on a loopback port, one thread per
//! connection, like `token-server.py`.

use std::{
    net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream},
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicUsize, Ordering},
    },
    thread,
    time::Duration,
};

use base64::{Engine, engine::general_purpose::STANDARD};
use jiff::{Timestamp, Unit};

use crate::{
    error::TestkitError,
    jwt::{Access, Issuer, TOKEN_TTL_SECONDS},
    minihttp::{Request, Response, parse_request, read_head},
};

/// Who may get tokens, and with which rights.
#[derive(Debug)]
pub(crate) struct Policy {
    /// The one known user.
    pub(crate) username: &'static str,
    /// Their password.
    pub(crate) password: &'static str,
    /// Whether requests without credentials get pull-only tokens (else 401).
    pub(crate) anonymous_pull: bool,
}

/// State shared by the accept loop and the connection threads.
#[derive(Debug)]
struct Shared {
    issuer: Issuer,
    policy: Policy,
    requests: AtomicUsize,
    stop: AtomicBool,
}

/// A running token service; stopped and joined on drop.
#[derive(Debug)]
pub(crate) struct TokenServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    thread: Option<thread::JoinHandle<()>>,
}

impl TokenServer {
    /// Binds a free loopback port and serves tokens signed by `issuer`.
    pub(crate) fn start(issuer: Issuer, policy: Policy) -> Result<Self, TestkitError> {
        // The listener stays bound from here on, so unlike the registry's port this one cannot race.
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).map_err(TestkitError::Bind)?;
        let addr = listener.local_addr().map_err(TestkitError::Bind)?;
        let shared = Arc::new(Shared {
            issuer,
            policy,
            requests: AtomicUsize::new(0),
            stop: AtomicBool::new(false),
        });
        let accept_shared = Arc::clone(&shared);
        let thread = thread::spawn(move || accept_loop(&listener, &accept_shared));
        Ok(Self {
            addr,
            shared,
            thread: Some(thread),
        })
    }

    /// The token endpoint, `http://127.0.0.1:<port>/token`.
    pub(crate) fn realm(&self) -> String {
        format!("http://{}/token", self.addr)
    }

    /// How many requests reached `/token` so far, answered or refused.
    pub(crate) fn requests(&self) -> usize {
        self.shared.requests.load(Ordering::SeqCst)
    }
}

impl Drop for TokenServer {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        // `accept` blocks; one throwaway connection wakes it up to see the flag. Should that
        // connection fail, the thread is left detached rather than hanging the test on join.
        let woken = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1)).is_ok();
        if let Some(thread) = self.thread.take().filter(|_| woken) {
            let _ = thread.join();
        }
    }
}

/// Accepts connections until the stop flag is set.
fn accept_loop(listener: &TcpListener, shared: &Arc<Shared>) {
    for stream in listener.incoming() {
        if shared.stop.load(Ordering::SeqCst) {
            return;
        }
        if let Ok(stream) = stream {
            let shared = Arc::clone(shared);
            thread::spawn(move || serve_connection(stream, &shared));
        }
    }
}

/// Answers one request and closes the connection.
fn serve_connection(mut stream: TcpStream, shared: &Shared) {
    // A client that connects and goes quiet must not pin a thread forever.
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let Ok(head) = read_head(&mut stream) else {
        return;
    };
    let response = match parse_request(&head) {
        Some(request) => respond(&request, shared),
        None => error_response(400, "malformed request"),
    };
    let _ = response.write_to(&mut stream);
}

/// Routes a request: only `GET /token` exists.
fn respond(request: &Request, shared: &Shared) -> Response {
    if request.path != "/token" {
        return error_response(404, "not found");
    }
    shared.requests.fetch_add(1, Ordering::SeqCst);
    if request.method != "GET" {
        return error_response(405, "only GET is supported");
    }
    match authenticate(request.authorization.as_deref(), &shared.policy) {
        Ok(subject) => issue(request, subject, &shared.issuer),
        Err(()) => unauthorized(),
    }
}

/// The subject the request authenticates as: the user, `None` for anonymous, or `Err` to refuse.
///
/// Non-Basic authorization counts as anonymous, as in `token-server.py`.
fn authenticate(authorization: Option<&str>, policy: &Policy) -> Result<Option<String>, ()> {
    let Some(encoded) = authorization.and_then(|a| a.strip_prefix("Basic ")) else {
        return if policy.anonymous_pull {
            Ok(None)
        } else {
            Err(())
        };
    };
    let decoded = STANDARD.decode(encoded.trim()).map_err(|_| ())?;
    let decoded = String::from_utf8(decoded).map_err(|_| ())?;
    match decoded.split_once(':') {
        Some((user, password)) if user == policy.username && password == policy.password => {
            Ok(Some(user.to_owned()))
        }
        _ => Err(()),
    }
}

/// Mints a token for the requested scopes; anonymous subjects keep only `pull`.
fn issue(request: &Request, subject: Option<String>, issuer: &Issuer) -> Response {
    let mut access = match parse_scopes(request) {
        Some(access) => access,
        None => return error_response(400, "malformed scope"),
    };
    if subject.is_none() {
        for entry in &mut access {
            entry.actions.retain(|action| action == "pull");
        }
    }
    let now = Timestamp::now();
    let subject = subject.as_deref().unwrap_or("anonymous");
    match issuer.mint(subject, &access, now) {
        Ok(token) => Response::json(200, token_body(&token, now)),
        Err(_) => error_response(500, "signing failed"),
    }
}

/// All `scope` parameters; each may hold several space-separated scopes.
fn parse_scopes(request: &Request) -> Option<Vec<Access>> {
    request
        .query_values("scope")
        .flat_map(|value| value.split(' '))
        .filter(|scope| !scope.is_empty())
        .map(parse_scope)
        .collect()
}

/// `repository:myorg/app:pull,push` → access entry (only the name may contain `:`).
fn parse_scope(scope: &str) -> Option<Access> {
    let (kind, rest) = scope.split_once(':')?;
    let (name, actions) = rest.rsplit_once(':')?;
    Some(Access {
        kind: kind.to_owned(),
        name: name.to_owned(),
        actions: actions
            .split(',')
            .filter(|a| !a.is_empty())
            .map(str::to_owned)
            .collect(),
    })
}

/// The JSON body Docker clients expect from a token endpoint.
fn token_body(token: &str, now: Timestamp) -> String {
    serde_json::json!({
        "token": token,
        "access_token": token,
        "expires_in": TOKEN_TTL_SECONDS,
        "issued_at": now.round(Unit::Second).unwrap_or(now).to_string(),
    })
    .to_string()
}

/// 401 with a Basic challenge, so clients know to send credentials.
fn unauthorized() -> Response {
    let mut response = error_response(401, "authentication required");
    response
        .headers
        .push(("WWW-Authenticate", "Basic realm=\"token\"".to_owned()));
    response
}

/// A distribution-style error body.
fn error_response(status: u16, message: &str) -> Response {
    let code = if status == 401 {
        "UNAUTHORIZED"
    } else {
        "ERROR"
    };
    let body = serde_json::json!({"errors": [{"code": code, "message": message}]});
    Response::json(status, body.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: Policy = Policy {
        username: "u",
        password: "p",
        anonymous_pull: true,
    };

    #[test]
    fn scope_name_may_contain_colons() {
        let access = parse_scope("registry:catalog:*").unwrap();
        assert_eq!(
            (access.kind.as_str(), access.name.as_str()),
            ("registry", "catalog")
        );
        let access = parse_scope("repository:a/b:pull,push").unwrap();
        assert_eq!(access.actions, ["pull", "push"]);
        assert!(parse_scope("nonsense").is_none());
    }

    #[test]
    fn authentication_rules() {
        let basic = |creds: &str| format!("Basic {}", STANDARD.encode(creds));
        assert_eq!(
            authenticate(Some(&basic("u:p")), &POLICY),
            Ok(Some("u".into()))
        );
        assert_eq!(authenticate(Some(&basic("u:x")), &POLICY), Err(()));
        assert_eq!(authenticate(None, &POLICY), Ok(None));
        assert_eq!(authenticate(Some("Bearer t"), &POLICY), Ok(None));
        let strict = Policy {
            anonymous_pull: false,
            ..POLICY
        };
        assert_eq!(authenticate(None, &strict), Err(()));
    }
}
