//! Running `git http-backend` as a CGI program for one request and turning its output into an
//! HTTP response, as `git-http-server.py` does.

use std::{
    io::{self, Write},
    path::Path,
    process::Command,
};

use super::request::Head;
use crate::git::{command::capture, env::git_env, error::GitError};

/// What the backend needs besides the request.
#[derive(Debug)]
pub(crate) struct Backend<'a> {
    /// `git-http-backend` in git's exec path.
    pub(crate) program: &'a Path,
    /// `GIT_PROJECT_ROOT`.
    pub(crate) root: &'a Path,
    /// HOME of the backend, so no user config applies.
    pub(crate) home: &'a Path,
}

/// A complete response; connections are closed after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct HttpResponse {
    /// Status code.
    pub(crate) status: u16,
    /// Reason phrase.
    pub(crate) reason: String,
    /// Header fields besides `Content-Length` and `Connection`.
    pub(crate) headers: Vec<(String, String)>,
    /// Body.
    pub(crate) body: Vec<u8>,
}

impl HttpResponse {
    /// A response with a plain-text body.
    pub(crate) fn text(status: u16, reason: &str, body: &str) -> Self {
        Self {
            status,
            reason: reason.to_owned(),
            headers: vec![("Content-Type".to_owned(), "text/plain".to_owned())],
            body: body.as_bytes().to_vec(),
        }
    }

    /// Writes the response to `out`.
    pub(crate) fn write_to(&self, out: &mut impl Write) -> io::Result<()> {
        let mut head = format!("HTTP/1.1 {} {}\r\n", self.status, self.reason);
        for (name, value) in &self.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str(&format!(
            "Content-Length: {}\r\nConnection: close\r\n\r\n",
            self.body.len()
        ));
        out.write_all(head.as_bytes())?;
        out.write_all(&self.body)?;
        out.flush()
    }
}

/// Runs the backend for `head` with `body` (already de-chunked, still gzip if it was) and
/// returns its response.
pub(crate) fn run_backend(
    backend: &Backend<'_>,
    head: &Head,
    body: &[u8],
    remote_user: Option<&str>,
) -> Result<HttpResponse, GitError> {
    let mut command = Command::new(backend.program);
    // A clean slate: nothing of the test process's git or ssh setup reaches the server side.
    command.current_dir(backend.home).env_clear();
    if let Some(path) = std::env::var_os("PATH") {
        command.env("PATH", path);
    }
    command.envs(git_env(backend.home));
    command.envs(cgi_env(backend.root, head, body.len(), remote_user));
    let captured = capture(&mut command, body, true)?;
    Ok(parse_cgi_output(&captured.stdout))
}

/// The CGI variables of a request, plus receive-pack forced on as the Python recipe does.
pub(crate) fn cgi_env(
    root: &Path,
    head: &Head,
    content_length: usize,
    remote_user: Option<&str>,
) -> Vec<(String, String)> {
    let mut env: Vec<(String, String)> = [
        ("GIT_PROJECT_ROOT", root.to_string_lossy().as_ref()),
        ("GIT_HTTP_EXPORT_ALL", "1"),
        ("GATEWAY_INTERFACE", "CGI/1.1"),
        ("SERVER_PROTOCOL", "HTTP/1.1"),
        ("REQUEST_METHOD", head.method.as_str()),
        ("PATH_INFO", head.path.as_str()),
        ("QUERY_STRING", head.query.as_str()),
        ("REMOTE_ADDR", "127.0.0.1"),
        (
            "CONTENT_TYPE",
            head.header("content-type").unwrap_or_default(),
        ),
        ("CONTENT_LENGTH", content_length.to_string().as_str()),
        ("GIT_CONFIG_COUNT", "1"),
        ("GIT_CONFIG_KEY_0", "http.receivepack"),
        ("GIT_CONFIG_VALUE_0", "true"),
    ]
    .into_iter()
    .map(|(name, value)| (name.to_owned(), value.to_owned()))
    .collect();
    let optional = [
        ("REMOTE_USER", remote_user),
        ("HTTP_CONTENT_ENCODING", head.header("content-encoding")),
        ("HTTP_GIT_PROTOCOL", head.header("git-protocol")),
        // Older backends only read this one.
        ("GIT_PROTOCOL", head.header("git-protocol")),
    ];
    for (name, value) in optional {
        if let Some(value) = value {
            env.push((name.to_owned(), value.to_owned()));
        }
    }
    env
}

/// Splits CGI output into header fields and body; `Status:` sets the status (default 200).
pub(crate) fn parse_cgi_output(stdout: &[u8]) -> HttpResponse {
    if stdout.is_empty() {
        let why = "git http-backend produced no output";
        return HttpResponse::text(500, "Internal Server Error", why);
    }
    let (head, body) = split_cgi_head(stdout);
    let mut response = HttpResponse {
        status: 200,
        reason: "OK".to_owned(),
        headers: Vec::new(),
        body: body.to_vec(),
    };
    for line in String::from_utf8_lossy(head).lines() {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        if name.eq_ignore_ascii_case("status") {
            let (code, reason) = value.split_once(' ').unwrap_or((value, ""));
            response.status = code.parse().unwrap_or(500);
            response.reason = reason.trim().to_owned();
        } else {
            response
                .headers
                .push((name.trim().to_owned(), value.to_owned()));
        }
    }
    response
}

/// The header block and the body, split at the first blank line (CRLF or LF); all header when
/// there is none, as in the Python recipe.
fn split_cgi_head(stdout: &[u8]) -> (&[u8], &[u8]) {
    let crlf = stdout.windows(4).position(|w| w == b"\r\n\r\n");
    let lf = stdout.windows(2).position(|w| w == b"\n\n");
    match (crlf, lf) {
        (Some(c), Some(l)) if l < c => (&stdout[..l], &stdout[l + 2..]),
        (Some(c), _) => (&stdout[..c], &stdout[c + 4..]),
        (None, Some(l)) => (&stdout[..l], &stdout[l + 2..]),
        (None, None) => (stdout, &[]),
    }
}

#[cfg(test)]
mod tests;
