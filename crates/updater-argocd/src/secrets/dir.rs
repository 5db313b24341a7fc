//! Secrets as a directory tree, for standalone mode: `<root>/<namespace>/<name>/<field>`, the
//! layout of Kubernetes secret volume mounts under a per-namespace folder, with the secret's
//! labels (`key=value` lines) in an optional `<root>/<namespace>/<name>/.labels` file so that
//! Argo CD repository secrets (`argocd.argoproj.io/secret-type=repository`) can be listed.
//! Files are read on every request, so a rotated secret is picked up at once.

use std::path::{Path, PathBuf};

use super::{BoxError, BoxFuture, Secret, SecretStore, StoreError};

/// The file holding a secret's labels.
pub const LABELS_FILE: &str = ".labels";

/// Secrets read from files below a root directory.
#[derive(Debug, Clone)]
pub struct DirSecrets {
    root: PathBuf,
}

impl DirSecrets {
    /// Serves the secrets below `root`.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    fn read(&self, namespace: &str, name: &str) -> Result<Option<Secret>, BoxError> {
        if !plain(namespace) || !plain(name) {
            return Ok(None);
        }
        let dir = self.root.join(namespace).join(name);
        if !dir.is_dir() {
            return Ok(None);
        }
        let mut secret = Secret::new(namespace, name);
        for entry in std::fs::read_dir(&dir)? {
            let entry = entry?;
            let field = entry.file_name().to_string_lossy().into_owned();
            if !entry.file_type()?.is_file() || field.starts_with("..") {
                continue;
            }
            let bytes = std::fs::read(entry.path())?;
            if field == LABELS_FILE {
                secret.labels = parse_labels(&String::from_utf8_lossy(&bytes));
            } else {
                secret.data.insert(field, bytes);
            }
        }
        Ok(Some(secret))
    }

    fn list(&self, namespace: &str, (key, value): (&str, &str)) -> Result<Vec<Secret>, BoxError> {
        let dir = self.root.join(namespace);
        if !plain(namespace) || !dir.is_dir() {
            return Ok(Vec::new());
        }
        let mut names: Vec<String> = std::fs::read_dir(&dir)?
            .filter_map(Result::ok)
            .filter(|entry| entry.path().is_dir())
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        let mut found = Vec::new();
        for name in names {
            if let Some(secret) = self.read(namespace, &name)?
                && secret.has_label(key, value)
            {
                found.push(secret);
            }
        }
        Ok(found)
    }

    /// The root directory.
    pub fn root(&self) -> &Path {
        &self.root
    }
}

/// One path segment, not a way out of the root.
fn plain(part: &str) -> bool {
    !part.is_empty() && !part.contains('/') && part != "." && part != ".."
}

fn parse_labels(text: &str) -> std::collections::BTreeMap<String, String> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .filter_map(|line| line.split_once('='))
        .map(|(key, value)| (key.trim().to_owned(), value.trim().to_owned()))
        .collect()
}

impl SecretStore for DirSecrets {
    fn get<'a>(
        &'a self,
        namespace: &'a str,
        name: &'a str,
    ) -> BoxFuture<'a, Result<Option<Secret>, StoreError>> {
        Box::pin(async move {
            self.read(namespace, name)
                .map_err(|source| StoreError::Get {
                    namespace: namespace.to_owned(),
                    name: name.to_owned(),
                    source,
                })
        })
    }

    fn list_labeled<'a>(
        &'a self,
        namespace: &'a str,
        label: (&'a str, &'a str),
    ) -> BoxFuture<'a, Result<Vec<Secret>, StoreError>> {
        Box::pin(async move {
            self.list(namespace, label)
                .map_err(|source| StoreError::List {
                    namespace: namespace.to_owned(),
                    key: label.0.to_owned(),
                    value: label.1.to_owned(),
                    source,
                })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(root: &Path, path: &str, text: &str) {
        let file = root.join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, text).unwrap();
    }

    #[tokio::test]
    async fn secrets_are_read_from_their_folders_with_labels() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "argocd/repo-a/url", "https://git.test/a.git");
        write(root, "argocd/repo-a/password", "s3cret");
        write(
            root,
            "argocd/repo-a/.labels",
            "# Argo CD's\nargocd.argoproj.io/secret-type=repository\n",
        );
        write(root, "argocd/other/token", "x");
        let store = DirSecrets::new(root);
        let secret = store.get("argocd", "repo-a").await.unwrap().unwrap();
        assert_eq!(secret.data["password"], b"s3cret");
        assert!(!secret.data.contains_key(LABELS_FILE));
        assert!(secret.has_label("argocd.argoproj.io/secret-type", "repository"));
        let listed = store
            .list_labeled("argocd", ("argocd.argoproj.io/secret-type", "repository"))
            .await
            .unwrap();
        assert_eq!(
            listed.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(),
            ["repo-a"]
        );
        assert!(store.get("argocd", "missing").await.unwrap().is_none());
        assert!(
            store.get("argocd", "..").await.unwrap().is_none(),
            "no way out of the root"
        );
        assert!(store.get("..", "argocd").await.unwrap().is_none());
        assert!(
            store
                .list_labeled("nowhere", ("a", "b"))
                .await
                .unwrap()
                .is_empty()
        );
    }
}
