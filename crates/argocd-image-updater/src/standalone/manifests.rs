//! Reading Argo CD `Application` and `ImageUpdater` manifests from a directory tree:
//! multi-document YAML files (`*.yaml`, `*.yml`), recursively, other kinds ignored. A file or
//! document that cannot be read is a problem of the pass; the others are still used.

use std::path::{Path, PathBuf};

use serde_json::Value;
use updater_core::application::Application;
use updater_core::crd::ImageUpdater;

/// An Application and where its manifest is.
#[derive(Debug, Clone)]
pub struct FoundApp {
    /// The Application (its namespace defaulted when the manifest has none).
    pub app: Application,
    /// The file, relative to the repository (or directory) root, `/`-separated.
    pub path: String,
    /// The manifest's own `metadata.namespace`, if any.
    pub namespace: Option<String>,
}

/// Everything read.
#[derive(Debug, Default)]
pub struct Found {
    /// The ImageUpdaters.
    pub updaters: Vec<ImageUpdater>,
    /// The Applications.
    pub apps: Vec<FoundApp>,
    /// What could not be read, one message each.
    pub problems: Vec<String>,
}

/// Reads every manifest under `root/dir`; paths are reported relative to `root`. Objects
/// without a namespace get `default_namespace`.
pub fn read_tree(root: &Path, dir: &str, default_namespace: &str) -> Found {
    let mut found = Found::default();
    let mut files = Vec::new();
    let start = if dir.is_empty() {
        root.to_path_buf()
    } else {
        root.join(dir)
    };
    if let Err(error) = collect(&start, &mut files) {
        found
            .problems
            .push(format!("cannot read `{}`: {error}", start.display()));
    }
    files.sort();
    for file in files {
        let relative = relative(root, &file);
        match std::fs::read_to_string(&file) {
            Ok(text) => read_file(&relative, &text, default_namespace, &mut found),
            Err(error) => found
                .problems
                .push(format!("cannot read `{relative}`: {error}")),
        }
    }
    found
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        let kind = entry.file_type()?;
        if kind.is_dir() && !hidden {
            collect(&path, files)?;
        } else if kind.is_file() && is_yaml(&path) {
            files.push(path);
        }
    }
    Ok(())
}

fn is_yaml(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml")
    )
}

fn relative(root: &Path, file: &Path) -> String {
    let relative = file.strip_prefix(root).unwrap_or(file);
    let parts: Vec<String> = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.join("/")
}

/// Reads one file's documents into `found`.
pub fn read_file(path: &str, text: &str, default_namespace: &str, found: &mut Found) {
    let documents: Vec<Value> = match serde_saphyr::from_multiple(text) {
        Ok(documents) => documents,
        Err(error) => {
            found
                .problems
                .push(format!("`{path}` is not valid YAML: {error}"));
            return;
        }
    };
    for (index, document) in documents.into_iter().enumerate() {
        let at = || format!("`{path}` document {}", index + 1);
        match kind_of(&document) {
            Some(Kind::Application) => match application(document, path, default_namespace) {
                Ok(app) => found.apps.push(app),
                Err(error) => found.problems.push(format!("{}: {error}", at())),
            },
            Some(Kind::ImageUpdater) => match image_updater(document, default_namespace) {
                Ok(updater) => found.updaters.push(updater),
                Err(error) => found.problems.push(format!("{}: {error}", at())),
            },
            None => {}
        }
    }
}

enum Kind {
    Application,
    ImageUpdater,
}

fn kind_of(document: &Value) -> Option<Kind> {
    let api_version = document.get("apiVersion")?.as_str()?;
    let group = api_version.split('/').next()?;
    match (group, document.get("kind")?.as_str()?) {
        ("argoproj.io", "Application") => Some(Kind::Application),
        ("argocd-image-updater.argoproj.io", "ImageUpdater") => Some(Kind::ImageUpdater),
        _ => None,
    }
}

fn application(
    mut document: Value,
    path: &str,
    default_namespace: &str,
) -> anyhow::Result<FoundApp> {
    let namespace = default_metadata(&mut document, default_namespace)?;
    let app = Application::from_json(document)?;
    Ok(FoundApp {
        app,
        path: path.to_owned(),
        namespace,
    })
}

fn image_updater(mut document: Value, default_namespace: &str) -> anyhow::Result<ImageUpdater> {
    default_metadata(&mut document, default_namespace)?;
    Ok(serde_json::from_value(document)?)
}

/// Checks `metadata.name` and fills a missing namespace; returns the manifest's own namespace.
fn default_metadata(
    document: &mut Value,
    default_namespace: &str,
) -> anyhow::Result<Option<String>> {
    let metadata = document
        .get_mut("metadata")
        .and_then(Value::as_object_mut)
        .ok_or_else(|| anyhow::anyhow!("no metadata"))?;
    let named = metadata
        .get("name")
        .and_then(Value::as_str)
        .is_some_and(|n| !n.is_empty());
    if !named {
        anyhow::bail!("no metadata.name");
    }
    let own = metadata
        .get("namespace")
        .and_then(Value::as_str)
        .filter(|ns| !ns.is_empty())
        .map(str::to_owned);
    if own.is_none() {
        metadata.insert("namespace".into(), default_namespace.into());
    }
    Ok(own)
}

#[cfg(test)]
mod tests;
