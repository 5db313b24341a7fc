//! Making URLs safe to show: userinfo (`user:password@`) removed from every `scheme://` URL in a
//! text. Pure string work shared by every crate that prints repository or registry URLs.

#[cfg(test)]
mod tests;

/// Returns `url` without userinfo: `https://user:pw@host/x` becomes `https://host/x`.
///
/// Text that is not a `scheme://` URL (such as scp-like `git@host:org/repo`, whose user part
/// is never a secret) is returned unchanged.
pub fn strip_userinfo(url: &str) -> String {
    redact_urls(url)
}

/// Strips the userinfo of every `scheme://…@host` URL inside `text`.
///
/// The authority ends where a URL parser ends it (`/`, `?`, `#`), or at whitespace and quotes,
/// which git puts around URLs in its messages.
pub fn redact_urls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find("://") {
        let (head, tail) = rest.split_at(pos + 3);
        out.push_str(head);
        let end = tail.find(ends_authority).unwrap_or(tail.len());
        let authority = &tail[..end];
        match authority.rfind('@') {
            Some(at) => out.push_str(&authority[at + 1..]),
            None => out.push_str(authority),
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

fn ends_authority(c: char) -> bool {
    matches!(c, '/' | '?' | '#' | '\'' | '"' | '<' | '>' | '`') || c.is_whitespace()
}
