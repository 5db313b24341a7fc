//! Branch names: validating the ones we pass to git (a rendered template must not become an
//! option or an invalid ref) and reading the remote's default branch.

#[cfg(test)]
mod tests;

/// Whether `name` is a branch name git accepts and that cannot be read as an option: the
/// rules of `git check-ref-format --branch`, checked without running git.
pub fn is_valid_branch(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with(['-', '/', '.'])
        && !name.ends_with(['/', '.'])
        && !name.ends_with(".lock")
        && name != "@"
        && !name.contains("..")
        && !name.contains("//")
        && !name.contains("@{")
        && !name.contains("/.")
        && !name.contains(".lock/")
        && !name.chars().any(forbidden_char)
}

fn forbidden_char(c: char) -> bool {
    c.is_ascii_control() || matches!(c, ' ' | '~' | '^' | ':' | '?' | '*' | '[' | '\\' | '\u{7f}')
}

/// Whether a base branch setting asks for the remote's default branch.
pub fn means_default(base: Option<&str>) -> bool {
    matches!(base.map(str::trim), None | Some("" | "HEAD"))
}

/// The branch `HEAD` points to in `git ls-remote --symref <remote> HEAD` output
/// (`ref: refs/heads/main<TAB>HEAD`).
pub fn parse_symref_head(ls_remote: &str) -> Option<String> {
    ls_remote.lines().find_map(|line| {
        let (target, name) = line.strip_prefix("ref: ")?.split_once('\t')?;
        let branch = target.strip_prefix("refs/heads/")?;
        (name.trim() == "HEAD" && is_valid_branch(branch)).then(|| branch.to_owned())
    })
}

/// The remote-tracking ref a fetch of `branch` updates.
pub fn remote_ref(branch: &str) -> String {
    format!("refs/remotes/origin/{branch}")
}

/// The refspec that fetches `branch` into [`remote_ref`], forced (the remote may be rewritten).
pub fn fetch_refspec(branch: &str) -> String {
    format!("+refs/heads/{branch}:{}", remote_ref(branch))
}
