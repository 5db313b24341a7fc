//! Just enough HTTP/1.1 for the token service: read one GET request head, write one response.

use std::io::{self, Read, Write};

/// A request head is a few hundred bytes; anything past this is not a client of ours.
const MAX_HEAD: usize = 16 * 1024;

/// The parts of a request the token service looks at.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Request {
    /// `GET`, `POST`, …
    pub(crate) method: String,
    /// The path without the query.
    pub(crate) path: String,
    /// Decoded query parameters in order; keys may repeat (`scope`).
    pub(crate) query: Vec<(String, String)>,
    /// The `Authorization` header value.
    pub(crate) authorization: Option<String>,
}

impl Request {
    /// All values of the query parameter `key`.
    pub(crate) fn query_values<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a str> {
        self.query
            .iter()
            .filter(move |(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// A response with a small body; connections are closed after it.
#[derive(Debug)]
pub(crate) struct Response {
    /// Status code.
    pub(crate) status: u16,
    /// Extra headers besides the length, type and `Connection: close`.
    pub(crate) headers: Vec<(&'static str, String)>,
    /// JSON body.
    pub(crate) body: String,
}

impl Response {
    /// A response with a JSON body and no extra headers.
    pub(crate) fn json(status: u16, body: String) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body,
        }
    }

    /// Writes the response to `out`.
    pub(crate) fn write_to(&self, out: &mut impl Write) -> io::Result<()> {
        let mut head = format!(
            "HTTP/1.1 {} {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
             Connection: close\r\n",
            self.status,
            reason(self.status),
            self.body.len()
        );
        for (name, value) in &self.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        out.write_all(head.as_bytes())?;
        out.write_all(self.body.as_bytes())?;
        out.flush()
    }
}

/// The reason phrase of the few statuses the token service sends.
fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        405 => "Method Not Allowed",
        _ => "Internal Server Error",
    }
}

/// Reads bytes until the blank line that ends the request head.
pub(crate) fn read_head(input: &mut impl Read) -> io::Result<String> {
    let mut head = Vec::new();
    let mut chunk = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = input.read(&mut chunk)?;
        if n == 0 || head.len() + n > MAX_HEAD {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "incomplete request head",
            ));
        }
        head.extend_from_slice(&chunk[..n]);
    }
    Ok(String::from_utf8_lossy(&head).into_owned())
}

/// Parses a request head; `None` when the request line is malformed.
pub(crate) fn parse_request(head: &str) -> Option<Request> {
    let mut lines = head.split("\r\n");
    let mut parts = lines.next()?.split(' ');
    let (method, target) = (parts.next()?, parts.next()?);
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let authorization = lines
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("authorization"))
        .map(|(_, value)| value.trim().to_owned());
    Some(Request {
        method: method.to_owned(),
        path: percent_decode(path),
        query: parse_query(query),
        authorization,
    })
}

/// Splits and decodes `a=1&b=2` (form encoding: `+` is a space).
fn parse_query(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (form_decode(key), form_decode(value))
        })
        .collect()
}

/// Decodes a query component.
fn form_decode(text: &str) -> String {
    percent_decode(&text.replace('+', " "))
}

/// Decodes `%XX` escapes; malformed escapes are kept literally.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = bytes
            .get(i + 1..i + 3)
            .filter(|_| bytes[i] == b'%')
            .and_then(|hex| u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok());
        match escaped {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_repeated_scopes_and_authorization() {
        let head = "GET /token?service=test-registry&scope=repository%3Aa%2Fb%3Apull&scope=x+y \
                    HTTP/1.1\r\nHost: h\r\nauthorization: Basic abc\r\n\r\n";
        let req = parse_request(head).unwrap();
        assert_eq!(req.method, "GET");
        assert_eq!(req.path, "/token");
        let scopes: Vec<_> = req.query_values("scope").collect();
        assert_eq!(scopes, ["repository:a/b:pull", "x y"]);
        assert_eq!(req.authorization.as_deref(), Some("Basic abc"));
    }

    #[test]
    fn malformed_escapes_are_kept() {
        assert_eq!(percent_decode("a%2"), "a%2");
        assert_eq!(percent_decode("%zz%41"), "%zzA");
    }

    #[test]
    fn read_head_stops_at_blank_line_and_rejects_truncation() {
        let mut input: &[u8] = b"GET / HTTP/1.1\r\n\r\nbody";
        assert!(read_head(&mut input).unwrap().starts_with("GET / "));
        let mut short: &[u8] = b"GET / HTTP/1.1\r\n";
        assert!(read_head(&mut short).is_err());
    }
}
