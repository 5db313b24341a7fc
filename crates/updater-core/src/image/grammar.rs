//! The docker distribution reference grammar (`github.com/distribution/reference` v0.6):
//! `ParseNormalizedNamed`, `splitDockerDomain` and `Parse`, with the same regular expressions.

use std::sync::LazyLock;

use regex::Regex;

use super::{DOCKER_HUB, LIBRARY_PREFIX};

/// `legacyDefaultDomain`, rewritten to `docker.io`.
const LEGACY_DOCKER_HUB: &str = "index.docker.io";
/// `RepositoryNameTotalLengthMax` (v0.6 limits the path, not domain + path).
const PATH_LENGTH_MAX: usize = 255;

const ALPHANUMERIC: &str = "[a-z0-9]+";
const SEPARATOR: &str = "(?:[._]|__|[-]+)";
const DOMAIN_NAME_COMPONENT: &str = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const OPTIONAL_PORT: &str = "(?::[0-9]+)?";
const IPV6_ADDRESS: &str = r"\[(?:[a-fA-F0-9:]+)\]";
/// Go's `\w` is ASCII-only; Rust's is Unicode, hence the explicit class.
const TAG: &str = "[0-9A-Za-z_][0-9A-Za-z_.-]{0,127}";
const DIGEST: &str = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][[:xdigit:]]{32,}";

fn domain_and_port() -> String {
    let domain_name = format!(r"{DOMAIN_NAME_COMPONENT}(?:\.{DOMAIN_NAME_COMPONENT})*");
    format!("(?:{domain_name}|{IPV6_ADDRESS}){OPTIONAL_PORT}")
}

fn remote_name() -> String {
    let path_component = format!("{ALPHANUMERIC}(?:{SEPARATOR}{ALPHANUMERIC})*");
    format!("{path_component}(?:/{path_component})*")
}

fn compile(pattern: &str) -> Regex {
    // The patterns are constants; a failure here is a bug caught by every test run.
    Regex::new(pattern).expect("constant reference pattern compiles")
}

/// `ReferenceRegexp`: name, optional tag, optional digest.
static REFERENCE: LazyLock<Regex> = LazyLock::new(|| {
    let name = format!("(?:{}/)?{}", domain_and_port(), remote_name());
    compile(&format!("^({name})(?::({TAG}))?(?:@({DIGEST}))?$"))
});

/// `anchoredNameRegexp`: splits a name into domain and path.
static ANCHORED_NAME: LazyLock<Regex> = LazyLock::new(|| {
    compile(&format!(
        "^(?:({})/)?({})$",
        domain_and_port(),
        remote_name()
    ))
});

/// `anchoredIdentifierRegexp`: a bare image ID, which is not a name.
static IDENTIFIER: LazyLock<Regex> = LazyLock::new(|| compile("^[a-f0-9]{64}$"));

/// A successfully parsed named reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Named {
    /// The domain; empty only when the first segment is no valid domain but a valid path.
    pub(super) domain: String,
    pub(super) path: String,
    pub(super) tag: Option<String>,
    pub(super) digest: Option<String>,
}

/// `reference.ParseNormalizedNamed`; `None` wherever Go returns an error.
pub(super) fn parse_normalized_named(input: &str) -> Option<Named> {
    if IDENTIFIER.is_match(input) {
        return None;
    }
    let (domain, remainder) = split_docker_domain(input);
    let remote_name = remainder.split(':').next().unwrap_or_default();
    if remote_name.to_lowercase() != remote_name {
        return None;
    }
    parse(&format!("{domain}/{remainder}"))
}

/// `splitDockerDomain`: the first segment is a domain only if it looks like one (`.`, `:`,
/// `localhost`, or upper case); Docker Hub gets its canonical domain and `library/`.
fn split_docker_domain(name: &str) -> (String, String) {
    let (domain, remainder) = match name.split_once('/') {
        Some((first, rest)) if looks_like_domain(first) => (first, rest.to_owned()),
        _ => (DOCKER_HUB, name.to_owned()),
    };
    let domain = if domain == LEGACY_DOCKER_HUB {
        DOCKER_HUB
    } else {
        domain
    };
    if domain == DOCKER_HUB && !remainder.contains('/') {
        return (domain.to_owned(), format!("{LIBRARY_PREFIX}{remainder}"));
    }
    (domain.to_owned(), remainder)
}

fn looks_like_domain(segment: &str) -> bool {
    segment.contains(['.', ':']) || segment == "localhost" || segment.to_lowercase() != segment
}

/// `reference.Parse` restricted to what `ParseNormalizedNamed` needs.
fn parse(input: &str) -> Option<Named> {
    let captures = REFERENCE.captures(input)?;
    let name = captures.get(1)?.as_str();
    let name_parts = ANCHORED_NAME.captures(name)?;
    let path = name_parts.get(2)?.as_str();
    if path.len() > PATH_LENGTH_MAX {
        return None;
    }
    let digest = match captures.get(3) {
        Some(digest) => Some(validate_digest(digest.as_str())?),
        None => None,
    };
    Some(Named {
        domain: name_parts.get(1).map_or("", |d| d.as_str()).to_owned(),
        path: path.to_owned(),
        tag: captures.get(2).map(|t| t.as_str().to_owned()),
        digest,
    })
}

/// go-digest `Parse`: a known algorithm with exactly its length in lower-case hex.
fn validate_digest(digest: &str) -> Option<String> {
    let (algorithm, encoded) = digest.split_once(':')?;
    let hex_len = match algorithm {
        "sha256" => 64,
        "sha384" => 96,
        "sha512" => 128,
        _ => return None,
    };
    let lower_hex = encoded
        .bytes()
        .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    (encoded.len() == hex_len && lower_hex).then(|| digest.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_compile() {
        assert!(REFERENCE.is_match("docker.io/library/nginx:1.0"));
        assert!(ANCHORED_NAME.is_match("docker.io/library/nginx"));
        assert!(IDENTIFIER.is_match(&"a".repeat(64)));
    }

    #[test]
    fn split_docker_domain_follows_go() {
        let split = |s: &str| split_docker_domain(s);
        assert_eq!(split("nginx"), ("docker.io".into(), "library/nginx".into()));
        assert_eq!(split("a/b"), ("docker.io".into(), "a/b".into()));
        assert_eq!(
            split("index.docker.io/x"),
            ("docker.io".into(), "library/x".into())
        );
        assert_eq!(split("localhost/x"), ("localhost".into(), "x".into()));
        assert_eq!(split("host:5000/x"), ("host:5000".into(), "x".into()));
        assert_eq!(split("Upper/x"), ("Upper".into(), "x".into()));
    }

    #[test]
    fn invalid_first_domain_segment_becomes_part_of_the_path() {
        // `a_b.c` is no host name but is a path component, so Go's regexp puts it in the path.
        let named = parse_normalized_named("a_b.c/x").expect("valid reference");
        assert_eq!(named.domain, "");
        assert_eq!(named.path, "a_b.c/x");
    }

    #[test]
    fn digest_needs_known_algorithm_and_exact_lower_hex() {
        let hex = "0123456789abcdef".repeat(4);
        assert!(validate_digest(&format!("sha256:{hex}")).is_some());
        assert!(validate_digest(&format!("sha256:{}", hex.to_uppercase())).is_none());
        assert!(validate_digest(&format!("sha256:{hex}00")).is_none());
        assert!(validate_digest(&format!("sha512:{hex}{hex}")).is_some());
        assert!(validate_digest(&format!("md5:{hex}")).is_none());
    }

    #[test]
    fn path_length_is_limited_to_255() {
        let ok = format!("quay.io/{}", "a".repeat(255));
        let long = format!("quay.io/{}", "a".repeat(256));
        assert!(parse_normalized_named(&ok).is_some());
        assert!(parse_normalized_named(&long).is_none());
    }
}
