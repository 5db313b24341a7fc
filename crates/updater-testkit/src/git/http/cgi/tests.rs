//! CGI environment and output parsing.

use super::*;
use crate::git::http::request::read_head;

fn head_of(text: &str) -> Head {
    read_head(&mut text.as_bytes()).unwrap()
}

fn value<'a>(env: &'a [(String, String)], name: &str) -> Option<&'a str> {
    env.iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
}

#[test]
fn cgi_env_carries_the_request_and_optional_fields() {
    let head = head_of(
        "POST /a%20b.git/git-receive-pack?x=1 HTTP/1.1\r\n\
         Content-Type: application/x-git-receive-pack-request\r\n\
         Content-Encoding: gzip\r\nGit-Protocol: version=2\r\n\r\n",
    );
    let env = cgi_env(Path::new("/srv/repos"), &head, 42, Some("testuser"));
    assert_eq!(value(&env, "GIT_PROJECT_ROOT"), Some("/srv/repos"));
    assert_eq!(value(&env, "REQUEST_METHOD"), Some("POST"));
    assert_eq!(value(&env, "PATH_INFO"), Some("/a b.git/git-receive-pack"));
    assert_eq!(value(&env, "QUERY_STRING"), Some("x=1"));
    assert_eq!(value(&env, "CONTENT_LENGTH"), Some("42"));
    assert_eq!(
        value(&env, "CONTENT_TYPE"),
        Some("application/x-git-receive-pack-request")
    );
    assert_eq!(value(&env, "REMOTE_USER"), Some("testuser"));
    assert_eq!(value(&env, "HTTP_CONTENT_ENCODING"), Some("gzip"));
    assert_eq!(value(&env, "HTTP_GIT_PROTOCOL"), Some("version=2"));
    assert_eq!(value(&env, "GIT_CONFIG_VALUE_0"), Some("true"));

    let plain = head_of("GET /r.git/info/refs HTTP/1.1\r\n\r\n");
    let env = cgi_env(Path::new("/srv"), &plain, 0, None);
    for absent in ["REMOTE_USER", "HTTP_CONTENT_ENCODING", "HTTP_GIT_PROTOCOL"] {
        assert_eq!(value(&env, absent), None, "{absent}");
    }
    assert_eq!(value(&env, "QUERY_STRING"), Some(""));
}

#[test]
fn cgi_output_status_headers_and_body() {
    let out = b"Status: 404 Not Found\r\nContent-Type: text/plain\r\n\r\nnope\r\n\r\nx";
    let response = parse_cgi_output(out);
    assert_eq!(
        (response.status, response.reason.as_str()),
        (404, "Not Found")
    );
    assert_eq!(
        response.headers,
        [("Content-Type".to_owned(), "text/plain".to_owned())]
    );
    assert_eq!(response.body, b"nope\r\n\r\nx");
}

#[test]
fn cgi_output_with_bare_newlines_defaults_to_200() {
    let response = parse_cgi_output(b"Content-Type: a/b\n\nbody\r\n\r\n");
    assert_eq!(response.status, 200);
    assert_eq!(response.body, b"body\r\n\r\n");
    assert_eq!(parse_cgi_output(b"").status, 500);
    assert_eq!(parse_cgi_output(b"Status: 403 Forbidden").status, 403);
}

#[test]
fn response_is_written_with_length_and_close() {
    let mut out = Vec::new();
    HttpResponse::text(401, "Unauthorized", "no")
        .write_to(&mut out)
        .unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "HTTP/1.1 401 Unauthorized\r\nContent-Type: text/plain\r\n\
         Content-Length: 2\r\nConnection: close\r\n\r\nno"
    );
}
