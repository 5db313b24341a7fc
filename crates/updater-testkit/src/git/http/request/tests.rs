//! Request heads and bodies as git sends them.

use super::*;

fn head_of(text: &str) -> Head {
    read_head(&mut text.as_bytes()).unwrap()
}

#[test]
fn head_keeps_the_raw_query_and_decodes_the_path() {
    let head = head_of(
        "GET /my%20repo.git/info/refs?service=git-upload-pack&x=a%2Fb HTTP/1.1\r\n\
         Host: 127.0.0.1\r\nGit-Protocol: version=2\r\nauthorization: Basic dTpw\r\n\r\nrest",
    );
    assert_eq!(head.method, "GET");
    assert_eq!(head.path, "/my repo.git/info/refs");
    assert_eq!(head.query, "service=git-upload-pack&x=a%2Fb");
    assert_eq!(head.authorization.as_deref(), Some("Basic dTpw"));
    assert_eq!(head.header("git-protocol"), Some("version=2"));
    assert!(!head.expects_continue());
}

#[test]
fn bare_newlines_and_leading_blank_lines_are_accepted() {
    let head = head_of("\r\nPOST /r.git/git-receive-pack HTTP/1.1\nExpect: 100-continue\n\n");
    assert_eq!(head.method, "POST");
    assert_eq!(head.query, "");
    assert!(head.expects_continue());
}

#[test]
fn truncated_or_malformed_heads_are_errors() {
    for text in ["GET / HTTP/1.1\r\nHost: x\r\n", "", "GARBAGE\r\n\r\n"] {
        let error = read_head(&mut text.as_bytes()).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::InvalidData, "{text:?}");
    }
    let huge = format!("GET /{} HTTP/1.1\r\n\r\n", "a".repeat(70_000));
    assert!(read_head(&mut huge.as_bytes()).is_err());
}

#[test]
fn content_length_body_is_read_exactly() {
    let head = head_of("POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\n");
    let mut input: &[u8] = b"hello, and more";
    assert_eq!(read_body(&mut input, &head).unwrap(), b"hello");
    assert_eq!(input, b", and more");
    let mut short: &[u8] = b"hi";
    assert!(read_body(&mut short, &head).is_err());
    let none = head_of("GET / HTTP/1.1\r\n\r\n");
    assert_eq!(read_body(&mut &b"x"[..], &none).unwrap(), b"");
}

#[test]
fn chunked_body_with_extensions_and_trailers_is_joined() {
    let head = head_of("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n");
    let mut input: &[u8] = b"5;name=x\r\nhello\r\n7\r\n, world\r\n0\r\nTrailer: t\r\n\r\nNEXT";
    assert_eq!(read_body(&mut input, &head).unwrap(), b"hello, world");
    assert_eq!(input, b"NEXT");
}

#[test]
fn broken_chunks_are_errors() {
    let head = head_of("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n");
    for body in [&b"zz\r\nhello\r\n0\r\n\r\n"[..], b"a\r\nshort", b""] {
        assert!(read_body(&mut &body[..], &head).is_err(), "{body:?}");
    }
}
