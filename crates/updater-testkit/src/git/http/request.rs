//! Reading one HTTP/1.1 request from a git client: the head (through `minihttp`'s parser), and
//! a body sent with `Content-Length` or chunked, as git does for pushes past `http.postBuffer`.

use std::io::{self, BufRead, Read};

use crate::minihttp::parse_request;

/// A request head is a few hundred bytes; anything past this is not a git client.
const MAX_HEAD: u64 = 64 * 1024;
/// Test pushes are tiny; this only bounds memory against a runaway client.
const MAX_BODY: u64 = 256 * 1024 * 1024;

/// A request head.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Head {
    /// `GET`, `POST`, …
    pub(crate) method: String,
    /// The percent-decoded path, the CGI `PATH_INFO`.
    pub(crate) path: String,
    /// The raw query, the CGI `QUERY_STRING`.
    pub(crate) query: String,
    /// The `Authorization` value.
    pub(crate) authorization: Option<String>,
    /// All header fields, names as sent.
    pub(crate) headers: Vec<(String, String)>,
}

impl Head {
    /// The first value of header `name`, compared case-insensitively.
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// Whether the client waits for `100 Continue` before sending the body.
    pub(crate) fn expects_continue(&self) -> bool {
        self.header("expect")
            .is_some_and(|value| value.eq_ignore_ascii_case("100-continue"))
    }

    /// Whether the body comes in chunks.
    pub(crate) fn is_chunked(&self) -> bool {
        self.header("transfer-encoding")
            .is_some_and(|value| value.to_ascii_lowercase().contains("chunked"))
    }
}

/// Reads a request head up to its blank line; `InvalidData` when it is malformed.
pub(crate) fn read_head(input: &mut impl BufRead) -> io::Result<Head> {
    let mut head = String::new();
    loop {
        let line = read_line(input, MAX_HEAD.saturating_sub(head.len() as u64))?;
        if line.is_empty() {
            return Err(invalid("connection closed inside the request head"));
        }
        let text = line.trim_end_matches(['\r', '\n']);
        if text.is_empty() && head.is_empty() {
            // RFC 9112 lets servers ignore empty lines before the request line.
            continue;
        }
        head.push_str(text);
        head.push_str("\r\n");
        if text.is_empty() {
            return parse_head(&head);
        }
    }
}

/// Reads the body the head announces: chunked, `Content-Length`, or none.
pub(crate) fn read_body(input: &mut impl BufRead, head: &Head) -> io::Result<Vec<u8>> {
    if head.is_chunked() {
        return read_chunked(input);
    }
    let length = match head.header("content-length") {
        Some(value) => value
            .trim()
            .parse::<u64>()
            .map_err(|_| invalid("bad Content-Length"))?,
        None => 0,
    };
    if length > MAX_BODY {
        return Err(invalid("body too large"));
    }
    let mut body = Vec::new();
    input.take(length).read_to_end(&mut body)?;
    if (body.len() as u64) < length {
        return Err(invalid("body shorter than its Content-Length"));
    }
    Ok(body)
}

/// Splits the head into its parts.
fn parse_head(head: &str) -> io::Result<Head> {
    let request = parse_request(head).ok_or_else(|| invalid("malformed request line"))?;
    let target = head.split(' ').nth(1).unwrap_or_default();
    let query = target.split_once('?').map_or("", |(_, query)| query);
    let headers = head
        .split("\r\n")
        .skip(1)
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_owned(), value.trim().to_owned()))
        .collect();
    Ok(Head {
        method: request.method,
        path: request.path,
        query: query.to_owned(),
        authorization: request.authorization,
        headers,
    })
}

/// Reads `size\r\n data\r\n` chunks up to the zero chunk and its trailers.
fn read_chunked(input: &mut impl BufRead) -> io::Result<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let line = read_line(input, MAX_HEAD)?;
        let size = line.split(';').next().unwrap_or_default().trim();
        let size = u64::from_str_radix(size, 16).map_err(|_| invalid("bad chunk size"))?;
        if size == 0 {
            skip_trailers(input)?;
            return Ok(body);
        }
        if body.len() as u64 + size > MAX_BODY {
            return Err(invalid("body too large"));
        }
        let start = body.len();
        input.take(size).read_to_end(&mut body)?;
        if ((body.len() - start) as u64) < size {
            return Err(invalid("connection closed inside a chunk"));
        }
        read_line(input, MAX_HEAD)?;
    }
}

/// Skips trailer fields up to the blank line (or the end of input).
fn skip_trailers(input: &mut impl BufRead) -> io::Result<()> {
    loop {
        let line = read_line(input, MAX_HEAD)?;
        if line.is_empty() || line == "\r\n" || line == "\n" {
            return Ok(());
        }
    }
}

/// Reads one line including its end of line, at most `limit` bytes; empty at end of input.
fn read_line(input: &mut impl BufRead, limit: u64) -> io::Result<String> {
    let mut line = Vec::new();
    input.take(limit).read_until(b'\n', &mut line)?;
    if !line.is_empty() && !line.ends_with(b"\n") {
        return Err(invalid("line too long or cut short"));
    }
    Ok(String::from_utf8_lossy(&line).into_owned())
}

/// An `InvalidData` error.
fn invalid(why: &'static str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, why)
}

#[cfg(test)]
mod tests;
