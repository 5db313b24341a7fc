//! `--manifests`: a local directory, or a Git repository `URL[#ref[:path]]` (`#:path` for the
//! default branch).

use std::path::PathBuf;

use anyhow::{Context, bail};

/// Where the Application and ImageUpdater manifests are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ManifestsLocation {
    /// A directory, read in place; the `argocd` method edits its files without committing.
    Dir(PathBuf),
    /// A Git repository; the `argocd` method commits and pushes to it.
    Git {
        /// The clone URL.
        url: String,
        /// The branch; `None` for the remote's default.
        reference: Option<String>,
        /// The directory inside the repository (`""` for the root).
        path: String,
    },
}

impl ManifestsLocation {
    /// Parses the flag: anything with a URL scheme or in scp form (`user@host:path`) is Git.
    pub fn parse(text: &str) -> anyhow::Result<Self> {
        let text = text.trim();
        if text.is_empty() {
            bail!("--manifests is empty");
        }
        if !looks_like_git(text) {
            let dir = PathBuf::from(text);
            if !dir.is_dir() {
                bail!("--manifests `{text}` is neither a directory nor a Git URL");
            }
            return Ok(Self::Dir(
                dir.canonicalize().context("cannot resolve --manifests")?,
            ));
        }
        let (url, fragment) = text.split_once('#').unwrap_or((text, ""));
        let (reference, path) = fragment.split_once(':').unwrap_or((fragment, ""));
        let path = path.trim_matches('/');
        if path.split('/').any(|part| part == "..") {
            bail!("--manifests path `{path}` leaves the repository");
        }
        Ok(Self::Git {
            url: url.to_owned(),
            reference: Some(reference.to_owned()).filter(|r| !r.is_empty()),
            path: path.to_owned(),
        })
    }
}

fn looks_like_git(text: &str) -> bool {
    if text.contains("://") {
        return true;
    }
    // scp-like `git@host:org/repo.git`: a `user@host:` before any slash.
    let before_slash = text.split('/').next().unwrap_or("");
    before_slash.contains('@') && before_slash.contains(':')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn git(url: &str, reference: Option<&str>, path: &str) -> ManifestsLocation {
        ManifestsLocation::Git {
            url: url.into(),
            reference: reference.map(str::to_owned),
            path: path.into(),
        }
    }

    #[test]
    fn git_urls_take_an_optional_reference_and_path() {
        let parse = |text| ManifestsLocation::parse(text).unwrap();
        assert_eq!(
            parse("https://git.test/gitops.git"),
            git("https://git.test/gitops.git", None, "")
        );
        assert_eq!(
            parse("git://h/r.git#main"),
            git("git://h/r.git", Some("main"), "")
        );
        assert_eq!(
            parse("git://h/r.git#main:apps/"),
            git("git://h/r.git", Some("main"), "apps")
        );
        assert_eq!(
            parse("file:///srv/r.git#:apps/prod"),
            git("file:///srv/r.git", None, "apps/prod")
        );
        assert_eq!(
            parse("git@github.com:acme/gitops.git#v2:apps"),
            git("git@github.com:acme/gitops.git", Some("v2"), "apps")
        );
    }

    #[test]
    fn directories_must_exist_and_paths_stay_inside() {
        let dir = tempfile::tempdir().unwrap();
        let parsed = ManifestsLocation::parse(dir.path().to_str().unwrap()).unwrap();
        assert_eq!(
            parsed,
            ManifestsLocation::Dir(dir.path().canonicalize().unwrap())
        );
        let missing = dir.path().join("nope");
        let error = ManifestsLocation::parse(missing.to_str().unwrap()).unwrap_err();
        assert!(
            error
                .to_string()
                .contains("neither a directory nor a Git URL"),
            "{error}"
        );
        assert!(ManifestsLocation::parse("git://h/r.git#main:../x").is_err());
        assert!(ManifestsLocation::parse(" ").is_err());
    }
}
