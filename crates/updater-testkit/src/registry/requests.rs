//! The requests a [`super::RegistryServer`] answered, read back from its log: distribution logs
//! one `response completed` line (or `response completed with error`) per request at info
//! level, with the method, URI and status as logrus `key=value` fields.

/// One request the registry answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistryRequest {
    /// The HTTP method, e.g. `GET`.
    pub method: String,
    /// The request URI, query included, e.g. `/v2/org/app/tags/list?n=100`.
    pub uri: String,
    /// The HTTP status answered.
    pub status: u16,
}

impl RegistryRequest {
    /// The URI without its query, e.g. `/v2/org/app/tags/list`.
    pub fn path(&self) -> &str {
        self.uri.split_once('?').map_or(&self.uri, |(path, _)| path)
    }
}

/// Every request line of a registry log, oldest first.
pub(crate) fn parse_log(log: &str) -> Vec<RegistryRequest> {
    log.lines().filter_map(parse_line).collect()
}

/// The request of one `response completed` line.
fn parse_line(line: &str) -> Option<RegistryRequest> {
    let message = field(line, "msg")?;
    if !message.starts_with("response completed") {
        return None;
    }
    Some(RegistryRequest {
        method: field(line, "http.request.method")?,
        uri: field(line, "http.request.uri")?,
        status: field(line, "http.response.status")?.parse().ok()?,
    })
}

/// The value of ` key=` in a logrus text line: bare up to the next space, or a Go-quoted
/// string.
fn field(line: &str, key: &str) -> Option<String> {
    let start = line.find(&format!(" {key}="))? + key.len() + 2;
    let rest = &line[start..];
    match rest.strip_prefix('"') {
        Some(quoted) => Some(unquote(quoted)),
        None => Some(rest.split(' ').next().unwrap_or_default().to_owned()),
    }
}

/// The text of a Go-quoted string up to its closing quote (`\"` and `\\` unescaped; the
/// fields read here hold nothing else that Go would escape).
fn unquote(quoted: &str) -> String {
    let mut text = String::new();
    let mut chars = quoted.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => break,
            '\\' => text.extend(chars.next()),
            c => text.push(c),
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOG: &str = r#"time="2026-11-22T02:19:22.259653548Z" level=info msg="listening on 127.0.0.1:45871" go.version=go1.19.8
time="2026-11-22T02:19:23.736315949Z" level=error msg="response completed with error" err.code="name unknown" http.request.host="127.0.0.1:45871" http.request.method=GET http.request.uri="/v2/org/web/tags/list?n=10" http.request.useragent=curl/7.88.1 http.response.status=404 vars.name=org/web
time="2026-11-22T02:19:23.743927688Z" level=info msg="response completed" go.version=go1.19.8 http.request.method=HEAD http.request.uri=/v2/ http.request.useragent="a \"quoted\" agent" http.response.status=200
time="2026-11-22T02:19:23.8Z" level=info msg="authorized request" http.request.method=GET http.request.uri=/v2/"#;

    #[test]
    fn response_lines_become_requests_and_others_are_skipped() {
        let requests = parse_log(LOG);
        assert_eq!(
            requests,
            [
                RegistryRequest {
                    method: "GET".to_owned(),
                    uri: "/v2/org/web/tags/list?n=10".to_owned(),
                    status: 404,
                },
                RegistryRequest {
                    method: "HEAD".to_owned(),
                    uri: "/v2/".to_owned(),
                    status: 200,
                },
            ]
        );
        assert_eq!(requests[0].path(), "/v2/org/web/tags/list");
        assert_eq!(requests[1].path(), "/v2/");
    }

    #[test]
    fn quoted_values_are_unescaped() {
        let line = r#"x msg="response completed" http.request.method=GET http.request.uri="/v2/a\"b\\c" http.response.status=200"#;
        assert_eq!(parse_line(line).unwrap().uri, r#"/v2/a"b\c"#);
    }
}
