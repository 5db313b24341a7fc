//! Lexical path handling with the semantics of Go's `path/filepath` on Unix (`Clean`, `Join`,
//! `Base`), so targets resolve exactly where the original would put them.

/// Go's `filepath.Clean`: collapses `//`, drops `.`, resolves `..` against the preceding element
/// (never above a leading `/`), and returns `.` for an empty result.
pub fn clean_path(input: &str) -> String {
    let rooted = input.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for element in input.split('/') {
        match element {
            "" | "." => {}
            ".." => match parts.last() {
                Some(&last) if last != ".." => {
                    parts.pop();
                }
                _ if rooted => {}
                _ => parts.push(".."),
            },
            other => parts.push(other),
        }
    }
    let body = parts.join("/");
    match (rooted, body.is_empty()) {
        (true, _) => format!("/{body}"),
        (false, true) => ".".to_owned(),
        (false, false) => body,
    }
}

/// Go's `filepath.Join`: the non-empty elements joined by `/` and cleaned; `""` when all are
/// empty.
pub(super) fn join(elements: &[&str]) -> String {
    let present: Vec<&str> = elements.iter().copied().filter(|e| !e.is_empty()).collect();
    if present.is_empty() {
        return String::new();
    }
    clean_path(&present.join("/"))
}

/// Go's `filepath.Base`: the last element after trailing slashes are removed.
pub(super) fn base_name(path: &str) -> &str {
    if path.is_empty() {
        return ".";
    }
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        return "/";
    }
    trimmed.rsplit('/').next().unwrap_or(trimmed)
}
