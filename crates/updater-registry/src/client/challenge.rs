//! `WWW-Authenticate` challenge lists (RFC 9110 §11.6.1): several challenges per header,
//! parameters with quoted values that may hold commas and escapes, and token68 forms.

/// One challenge: a scheme and its parameters (names lowercased).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Challenge {
    /// The scheme, lowercased (`bearer`, `basic`, …).
    pub scheme: String,
    /// `(name, value)` pairs in order.
    pub params: Vec<(String, String)>,
}

impl Challenge {
    /// The value of parameter `name` (lowercase).
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }
}

/// Every challenge in one header value; unparseable trailing text is dropped.
pub(super) fn parse_challenges(header: &str) -> Vec<Challenge> {
    let mut parser = Parser {
        text: header.as_bytes(),
        pos: 0,
    };
    let mut challenges = Vec::new();
    while let Some(challenge) = parser.challenge() {
        challenges.push(challenge);
    }
    challenges
}

struct Parser<'a> {
    text: &'a [u8],
    pos: usize,
}

impl Parser<'_> {
    fn challenge(&mut self) -> Option<Challenge> {
        self.skip_separators();
        let scheme = self.token()?.to_ascii_lowercase();
        let mut challenge = Challenge {
            scheme,
            params: Vec::new(),
        };
        self.skip_spaces();
        if self.token68() {
            return Some(challenge);
        }
        while let Some(param) = self.param() {
            challenge.params.push(param);
        }
        Some(challenge)
    }

    /// One `name = value` followed by a comma or the end; `None` (without consuming) when
    /// the next item is the next challenge's scheme.
    fn param(&mut self) -> Option<(String, String)> {
        let start = self.pos;
        self.skip_separators();
        let Some(name) = self.token() else {
            self.pos = start;
            return None;
        };
        self.skip_spaces();
        if self.peek() != Some(b'=') {
            self.pos = start;
            return None;
        }
        self.pos += 1;
        self.skip_spaces();
        let value = self.value();
        Some((name.to_ascii_lowercase(), value))
    }

    /// Consumes a token68 (`abc==`) when it is the whole credential part.
    fn token68(&mut self) -> bool {
        let start = self.pos;
        while matches!(self.peek(), Some(c) if c.is_ascii_alphanumeric() || b"-._~+/".contains(&c))
        {
            self.pos += 1;
        }
        let body_end = self.pos;
        while self.peek() == Some(b'=') {
            self.pos += 1;
        }
        self.skip_spaces();
        let at_boundary = matches!(self.peek(), None | Some(b','));
        // `name=` followed by a value is a parameter; padding at a boundary, or a bare token
        // there, is a token68.
        if body_end > start && at_boundary {
            return true;
        }
        self.pos = start;
        false
    }

    fn value(&mut self) -> String {
        if self.peek() == Some(b'"') {
            self.quoted()
        } else {
            self.token().unwrap_or_default()
        }
    }

    fn quoted(&mut self) -> String {
        self.pos += 1;
        let mut value = Vec::new();
        while let Some(c) = self.peek() {
            self.pos += 1;
            match c {
                b'"' => break,
                b'\\' => {
                    if let Some(escaped) = self.peek() {
                        value.push(escaped);
                        self.pos += 1;
                    }
                }
                _ => value.push(c),
            }
        }
        String::from_utf8_lossy(&value).into_owned()
    }

    fn token(&mut self) -> Option<String> {
        let start = self.pos;
        while matches!(self.peek(), Some(c) if is_tchar(c)) {
            self.pos += 1;
        }
        (self.pos > start).then(|| String::from_utf8_lossy(&self.text[start..self.pos]).into())
    }

    fn skip_spaces(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.pos += 1;
        }
    }

    fn skip_separators(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b',')) {
            self.pos += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.text.get(self.pos).copied()
    }
}

/// RFC 9110 `tchar`.
fn is_tchar(c: u8) -> bool {
    c.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(challenge: &Challenge) -> Vec<(&str, &str)> {
        challenge
            .params
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect()
    }

    #[test]
    fn docker_bearer_challenge() {
        let header = r#"Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull""#;
        let challenges = parse_challenges(header);
        assert_eq!(challenges.len(), 1);
        assert_eq!(challenges[0].scheme, "bearer");
        assert_eq!(
            params(&challenges[0]),
            [
                ("realm", "https://auth.docker.io/token"),
                ("service", "registry.docker.io"),
                ("scope", "repository:library/nginx:pull"),
            ]
        );
    }

    #[test]
    fn several_challenges_with_commas_in_quotes() {
        let header = r#"Basic realm="a, b", Bearer realm="https://t/x",scope="repository:a:pull,push", error=insufficient_scope"#;
        let challenges = parse_challenges(header);
        assert_eq!(challenges.len(), 2, "{challenges:?}");
        assert_eq!(challenges[0].scheme, "basic");
        assert_eq!(challenges[0].param("realm"), Some("a, b"));
        assert_eq!(challenges[1].param("scope"), Some("repository:a:pull,push"));
        assert_eq!(challenges[1].param("error"), Some("insufficient_scope"));
    }

    #[test]
    fn escapes_spaces_case_and_token68() {
        let header = r#"Negotiate abc+/==, BASIC Realm = "say \"hi\"" , Bearer"#;
        let challenges = parse_challenges(header);
        assert_eq!(challenges.len(), 3, "{challenges:?}");
        assert_eq!(challenges[0].scheme, "negotiate");
        assert!(challenges[0].params.is_empty());
        assert_eq!(challenges[1].param("realm"), Some(r#"say "hi""#));
        assert_eq!(challenges[2].scheme, "bearer");
    }

    #[test]
    fn garbage_does_not_panic() {
        for text in [
            "",
            ",,,",
            "=",
            "\"",
            "Bearer realm=\"unterminated",
            "Bearer ,=,",
        ] {
            let _ = parse_challenges(text);
        }
    }
}
