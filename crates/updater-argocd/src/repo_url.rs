//! Repository URL handling shared by the credential lookups: the normal form used to compare
//! URLs, template prefix matching, the SSH / HTTPS classification, and a display form without
//! userinfo.
//!
//! Normalisation follows Argo CD's `NormalizeGitURL`: trimmed, lower-cased as a whole (not just
//! the host, so `Org/Repo` and `org/repo` are one repository, as Argo CD treats them), scp-like
//! `user@host:path` rewritten to `user@host/path`, the `ssh://` scheme dropped, and trailing `/`
//! and `.git` ignored.

#[cfg(test)]
mod tests;

/// The kind of a repository URL, which decides the credential fields a secret must carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RepoUrlKind {
    /// `ssh://…`, `git+ssh://…` or scp-like `user@host:path`.
    Ssh,
    /// `https://…`.
    Https,
    /// Anything else: `http://`, `git://`, `file://`, local paths.
    Other,
}

impl RepoUrlKind {
    /// Classifies `url` (the scheme is case-insensitive).
    pub fn of(url: &str) -> Self {
        let url = url.trim();
        let lower = url.to_ascii_lowercase();
        if lower.starts_with("ssh://") || lower.starts_with("git+ssh://") || is_scp_like(url) {
            Self::Ssh
        } else if lower.starts_with("https://") {
            Self::Https
        } else {
            Self::Other
        }
    }
}

/// `user@host:path`: no scheme, and an `@` before the first `:` with no `/` before it.
pub fn is_scp_like(url: &str) -> bool {
    let Some(colon) = url.find(':') else {
        return false;
    };
    let before = &url[..colon];
    !url.contains("://") && before.contains('@') && !before.contains('/')
}

/// The normal form used to compare repository URLs; empty for an empty URL.
pub fn normalise(url: &str) -> String {
    let mut url = url.trim().to_lowercase();
    if is_scp_like(&url) {
        url = url.replacen(':', "/", 1);
    }
    if let Some(rest) = url.strip_prefix("ssh://") {
        url = rest.to_owned();
    }
    let url = url.trim_end_matches('/');
    let url = url.strip_suffix(".git").unwrap_or(url);
    url.trim_end_matches('/').to_owned()
}

/// True when both URLs normalise to the same non-empty form.
pub fn same_repository(left: &str, right: &str) -> bool {
    let left = normalise(left);
    !left.is_empty() && left == normalise(right)
}

/// True when the normalised `prefix` covers the normalised `repo` at a path boundary: equal, or
/// followed by `/` or `:` (a port).
///
/// Argo CD uses a bare string prefix, so a template for `https://git.example.com` also hands its
/// credentials to `https://git.example.com.attacker.net/x`, and `…/org` to `…/organisation/x`.
/// Requiring a boundary closes that; templates written as a directory or host keep working.
pub fn prefix_covers(prefix: &str, repo: &str) -> bool {
    if prefix.is_empty() {
        return false;
    }
    match repo.strip_prefix(prefix) {
        Some(rest) => rest.is_empty() || rest.starts_with(['/', ':']),
        None => false,
    }
}

/// `url` without userinfo (`https://user:token@host/x` → `https://host/x`), for errors and logs.
/// scp-like URLs keep their user, which is a login name (`git`), not a credential.
pub fn display(url: &str) -> String {
    let url = url.trim();
    if url.contains("://") {
        return updater_core::redact::strip_userinfo(url);
    }
    match url.find('@') {
        Some(at) if url[..at].contains(':') => url[at + 1..].to_owned(),
        _ => url.to_owned(),
    }
}
