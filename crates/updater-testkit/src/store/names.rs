//! Distribution 2.8's grammar for repository names and tags, checked before a name becomes a
//! path under the registry's storage: a name that passes cannot escape it (no `..`, no empty
//! or absolute component, no `/` in a tag).

/// distribution's `NameTotalLengthMax`.
const REPOSITORY_MAX_LEN: usize = 255;
/// A tag is one word character then at most 127 more.
const TAG_MAX_LEN: usize = 128;

/// Why `repo` is not a repository name distribution accepts, or `None` when it is one.
///
/// Components separated by `/`, each `[a-z0-9]+(?:(?:[._]|__|[-]*)[a-z0-9]+)*` (the reference
/// package's path component; the optional `host[:port]/` prefix of a full reference is not a
/// repository name and is refused).
pub(crate) fn repository_problem(repo: &str) -> Option<&'static str> {
    if repo.is_empty() {
        return Some("it is empty");
    }
    if repo.len() > REPOSITORY_MAX_LEN {
        return Some("it is longer than 255 characters");
    }
    repo.split('/').find_map(component_problem)
}

/// Why one `/`-separated component of a repository name is invalid.
fn component_problem(component: &str) -> Option<&'static str> {
    let allowed = |b: u8| is_lower_alnum(b) || matches!(b, b'.' | b'_' | b'-');
    if component.is_empty() {
        return Some("it has an empty path component");
    }
    if !component.bytes().all(allowed) {
        return Some("only lowercase letters, digits, `.`, `_`, `-` and `/` are allowed");
    }
    let bytes = component.as_bytes();
    if !is_lower_alnum(bytes[0]) || !is_lower_alnum(bytes[bytes.len() - 1]) {
        return Some("a path component must start and end with a lowercase letter or digit");
    }
    let separators = component.split(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit());
    let bad = |run: &&str| !is_separator(run);
    separators
        .filter(|run| !run.is_empty())
        .find(bad)
        .map(|_| "letters and digits may be separated only by `.`, `_`, `__` or dashes")
}

/// One separator between alphanumeric runs: `.`, `_`, `__` or one or more `-`.
fn is_separator(run: &str) -> bool {
    matches!(run, "." | "_" | "__") || run.bytes().all(|b| b == b'-')
}

fn is_lower_alnum(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit()
}

/// Why `tag` is not a tag distribution accepts (`[A-Za-z0-9_][A-Za-z0-9._-]{0,127}`), or
/// `None` when it is one.
pub(crate) fn tag_problem(tag: &str) -> Option<&'static str> {
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let Some(&first) = tag.as_bytes().first() else {
        return Some("it is empty");
    };
    if tag.len() > TAG_MAX_LEN {
        return Some("it is longer than 128 characters");
    }
    if !word(first) {
        return Some("it must start with a letter, digit or `_`");
    }
    if !tag.bytes().all(|b| word(b) || b == b'.' || b == b'-') {
        return Some("only letters, digits, `_`, `.` and `-` are allowed");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repository_names_follow_distribution() {
        for good in [
            "app",
            "org/app",
            "a/b/c/d",
            "my.org/app_1",
            "a__b",
            "a--b",
            "a-b.c_d",
            "0",
            &"a".repeat(255),
        ] {
            assert_eq!(repository_problem(good), None, "{good}");
        }
        for bad in [
            "",
            "/app",
            "app/",
            "org//app",
            "../app",
            "org/../app",
            "org/./app",
            ".app",
            "app.",
            "-app",
            "App",
            "org/App",
            "a___b",
            "a._b",
            "a-_b",
            "a..b",
            "a b",
            "a\\b",
            "127.0.0.1:5000/app",
            "ap\u{e9}",
            &"a".repeat(256),
        ] {
            assert!(repository_problem(bad).is_some(), "{bad:?} accepted");
        }
    }

    #[test]
    fn tags_follow_distribution() {
        let longest = format!("_{}", "a".repeat(127));
        for good in ["v1", "1.0.0", "_x", "latest", "A-b_c.D", longest.as_str()] {
            assert_eq!(tag_problem(good), None, "{good}");
        }
        let too_long = format!("{longest}a");
        for bad in [
            "",
            ".",
            "..",
            ".hidden",
            "-x",
            "a/b",
            "../x",
            "a:b",
            "a b",
            "v1\n",
            too_long.as_str(),
        ] {
            assert!(tag_problem(bad).is_some(), "{bad:?} accepted");
        }
    }
}
