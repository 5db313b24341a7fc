//! Standalone mode (`run --manifests`): Applications and ImageUpdaters are read from manifests
//! in a directory or a Git repository instead of the Kubernetes API. Everything after
//! discovery is the cluster's code path; what differs is here:
//!
//! - without Application status, a configured image counts as running, at the version its
//!   write-back target holds now ([`current`]);
//! - the `argocd` method edits the Application manifest where it is defined, in place: in a Git
//!   repository as a Git write-back of that file (batched and committed with the others), in a
//!   directory as an atomic rewrite of the file;
//! - there are no events and no ImageUpdater status to write.

mod current;
mod location;
mod manifests;
mod snapshot;
mod source_type;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use anyhow::{Context, anyhow};
use updater_argocd::secrets::SecretStore;
use updater_core::application::{
    Application, SpecTarget, helm_parameters, kustomize_images, plugin_env,
};
use updater_core::crd::ImageUpdaterStatus;
use updater_core::discover::AppKey;
use updater_core::image::ImageRef;
use updater_core::plan::ImageChange;
use updater_core::render::app_manifest::{ManifestTarget, SourceLists, edit_application};
use updater_core::writeback::GitCredentials;
use updater_git::{GitAuth, GitCredentialSource};

pub use location::ManifestsLocation;

use crate::adapters::AppGitCredentials;
use crate::pipeline::source::{AppEdit, AppSource, Inventory, UpdaterKey, Written};
use crate::pipeline::target::{AppPlan, GitPlan, GitTarget, ManifestFile};
use manifests::FoundApp;
use snapshot::{Checkout, Snapshots};

/// Where Git credentials come from (the `--secrets-dir` files, read like a cluster's secrets).
pub struct GitAccess {
    /// The secrets.
    pub store: Arc<dyn SecretStore>,
    /// Argo CD's namespace (repository secrets).
    pub argocd_namespace: String,
    /// SSH `known_hosts` content.
    pub known_hosts: Option<String>,
}

impl GitAccess {
    /// The credentials for `url`, as the write-back resolves them for an Application of
    /// `namespace` and `project` (repository secrets when nothing else is configured).
    async fn auth(
        &self,
        url: &str,
        reference: &GitCredentials,
        namespace: &str,
        project: &str,
    ) -> anyhow::Result<GitAuth> {
        let credentials = AppGitCredentials {
            store: self.store.clone(),
            argocd_namespace: self.argocd_namespace.clone(),
            app_namespace: namespace.to_owned(),
            project: project.to_owned(),
            known_hosts: self.known_hosts.clone(),
        };
        Ok(credentials.credentials(url, reference).await?)
    }
}

/// Manifests as the pipeline's source.
pub struct StandaloneSource {
    location: ManifestsLocation,
    default_namespace: String,
    snapshots: Snapshots,
    git: GitAccess,
    /// The Applications of the last load, by key: where each manifest is.
    found: Mutex<HashMap<AppKey, FoundApp>>,
}

impl StandaloneSource {
    /// A source reading `location`; objects without a namespace get `default_namespace`;
    /// Git checkouts are kept under `cache_dir`.
    pub fn new(
        location: ManifestsLocation,
        default_namespace: &str,
        cache_dir: &Path,
        git: GitAccess,
    ) -> anyhow::Result<Self> {
        Ok(Self {
            location,
            default_namespace: default_namespace.to_owned(),
            snapshots: Snapshots::new(cache_dir)?,
            git,
            found: Mutex::new(HashMap::new()),
        })
    }

    /// The repository root and the manifests directory inside it.
    async fn manifests_root(&self) -> anyhow::Result<(PathBuf, &str)> {
        match &self.location {
            ManifestsLocation::Dir(dir) => Ok((dir.clone(), "")),
            ManifestsLocation::Git {
                url,
                reference,
                path,
            } => {
                let root = self.fetch(url, reference.as_deref()).await;
                let root =
                    root.with_context(|| format!("cannot fetch the manifests from `{url}`"))?;
                Ok((root, path.as_str()))
            }
        }
    }

    /// `app` with the source types Argo CD would have recorded in its status; a source whose
    /// files cannot be fetched stays without a type (the Application is then skipped with a
    /// warning saying so).
    async fn with_source_types(&self, app: &Application) -> Application {
        let mut json = app.as_json().clone();
        let sources = sources_json(&json);
        let mut types = Vec::new();
        for source in &sources {
            let kind = match source_type::from_block(source) {
                Some(kind) => Some(kind),
                None => self.detect(source).await,
            };
            match kind {
                Some(kind) => types.push(kind),
                None => return app.clone(),
            }
        }
        source_type::record(&mut json, &types, app.is_multi_source());
        Application::from_json(json).unwrap_or_else(|_| app.clone())
    }

    /// The type detected from the files at the source's path.
    async fn detect(&self, source: &serde_json::Value) -> Option<&'static str> {
        let text = |key: &str| source.get(key).and_then(serde_json::Value::as_str);
        let url = text("repoURL")?;
        let revision = text("targetRevision").filter(|r| !r.is_empty() && *r != "HEAD");
        match self.fetch(url, revision).await {
            Ok(root) => Some(source_type::from_files(&root, text("path").unwrap_or(""))),
            Err(error) => {
                tracing::warn!("cannot detect the source type of `{url}`: {error:#}");
                None
            }
        }
    }

    /// A read-only checkout of a repository no Application names credentials for: Argo CD's
    /// repository secrets decide, as for the `default` project.
    async fn fetch(&self, url: &str, branch: Option<&str>) -> anyhow::Result<PathBuf> {
        let namespace = &self.git.argocd_namespace;
        let auth = self
            .git
            .auth(url, &GitCredentials::RepoCreds, namespace, "default");
        self.snapshots.checkout(url, branch, auth).await
    }

    fn found(&self) -> std::sync::MutexGuard<'_, HashMap<AppKey, FoundApp>> {
        self.found
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl AppSource for StandaloneSource {
    async fn load(&self) -> anyhow::Result<Inventory> {
        self.snapshots.forget();
        let (root, dir) = self.manifests_root().await?;
        let found = manifests::read_tree(&root, dir, &self.default_namespace);
        let mut by_key = HashMap::new();
        let mut apps = Vec::new();
        let mut problems = found.problems;
        for entry in found.apps {
            let key = AppKey {
                namespace: entry.app.namespace().unwrap_or_default().to_owned(),
                name: entry.app.name().to_owned(),
            };
            if let Some(first) = by_key.get(&key).map(|f: &FoundApp| f.path.clone()) {
                problems.push(format!(
                    "Application {key} is defined twice (`{first}` and `{}`): the second is ignored",
                    entry.path
                ));
                continue;
            }
            let mut entry = entry;
            entry.app = self.with_source_types(&entry.app).await;
            apps.push(entry.app.clone());
            by_key.insert(key, entry);
        }
        *self.found() = by_key;
        Ok(Inventory {
            updaters: found.updaters,
            apps,
            problems,
        })
    }

    /// The `argocd` method on a directory: the manifest file rewritten atomically.
    async fn write_app(&self, app: &AppKey, edit: &AppEdit<'_>) -> anyhow::Result<Written> {
        let ManifestsLocation::Dir(root) = &self.location else {
            return Err(anyhow!(
                "Application {app} is written through Git in this mode"
            ));
        };
        let entry = self
            .found()
            .get(app)
            .cloned()
            .ok_or_else(|| anyhow!("Application {app} is not among the manifests"))?;
        let mut edited = entry.app.clone();
        edit(&mut edited)?;
        let file = root.join(&entry.path);
        let text = std::fs::read_to_string(&file)
            .with_context(|| format!("cannot read `{}`", entry.path))?;
        let mut new_text = text.clone();
        for index in changed_sources(&entry.app, &edited) {
            let target = ManifestTarget {
                name: entry.app.name(),
                namespace: entry.namespace.as_deref(),
                source_index: edited.is_multi_source().then_some(index),
            };
            let lists = source_lists(&entry.app, &edited, index);
            new_text = edit_application(&new_text, &target, &lists)
                .with_context(|| format!("cannot edit `{}`", entry.path))?;
        }
        if new_text == text {
            return Ok(Written::Unchanged);
        }
        write_atomically(&file, &new_text)
            .with_context(|| format!("cannot write `{}`", entry.path))?;
        Ok(Written::Changed)
    }

    async fn app_updated(
        &self,
        _app: &Application,
        _changes: &[ImageChange],
    ) -> anyhow::Result<()> {
        Ok(())
    }

    /// ImageUpdater status is not written back to manifests.
    async fn write_status(
        &self,
        _updater: &UpdaterKey,
        _mutate: &(dyn Fn(&mut ImageUpdaterStatus) + Send + Sync),
    ) -> anyhow::Result<()> {
        Ok(())
    }

    fn argocd_as_git(&self, app: &AppKey) -> Option<GitPlan> {
        let ManifestsLocation::Git { url, reference, .. } = &self.location else {
            return None;
        };
        let entry = self.found().get(app)?.clone();
        Some(GitPlan {
            credentials: GitCredentials::RepoCreds,
            repository: url.clone(),
            base_branch: reference.clone(),
            write_template: None,
            target: GitTarget::Manifest(ManifestFile {
                path: entry.path,
                name: entry.app.name().to_owned(),
                namespace: entry.namespace,
            }),
            pull_request: false,
        })
    }

    async fn current_image(
        &self,
        app: &Application,
        plan: &AppPlan,
        target: &SpecTarget,
        image: &ImageRef,
    ) -> Option<anyhow::Result<Option<ImageRef>>> {
        let read = async {
            let Some(git) = plan.git.as_ref() else {
                return Ok(current::from_spec(app, plan.source_index, target, image));
            };
            let file = match &git.target {
                GitTarget::Manifest(_) => {
                    return Ok(current::from_spec(app, plan.source_index, target, image));
                }
                GitTarget::File(file) => file,
            };
            let namespace = app.namespace().unwrap_or_default();
            let project = app
                .as_json()
                .pointer("/spec/project")
                .and_then(|p| p.as_str());
            let auth = self.git.auth(
                &git.repository,
                &git.credentials,
                namespace,
                project.unwrap_or("default"),
            );
            let root = self
                .snapshots
                .checkout(&git.repository, git.base_branch.as_deref(), auth)
                .await
                .with_context(|| format!("cannot fetch `{}`", git.repository))?;
            current::from_file(&Checkout(&root), file, target, image)
        };
        // A configured image counts as running; with nothing written yet, at no version.
        let configured = || ImageRef {
            tag: None,
            digest: None,
            ..image.clone()
        };
        Some(
            read.await
                .map(|found| Some(found.unwrap_or_else(configured))),
        )
    }
}

/// The JSON of each source: `spec.sources`, else `spec.source`.
fn sources_json(app: &serde_json::Value) -> Vec<serde_json::Value> {
    if let Some(list) = app
        .pointer("/spec/sources")
        .and_then(serde_json::Value::as_array)
    {
        return list.clone();
    }
    app.pointer("/spec/source").cloned().into_iter().collect()
}

/// The indices of the sources `edited` changed.
fn changed_sources(before: &Application, edited: &Application) -> Vec<usize> {
    let (old, new) = (before.sources(), edited.sources());
    (0..new.len())
        .filter(|&i| {
            let lists = |app: &Application| {
                (
                    helm_parameters(app, i),
                    kustomize_images(app, i),
                    plugin_env(app, i),
                )
            };
            i >= old.len() || lists(before) != lists(edited)
        })
        .collect()
}

/// What the manifest of source `index` must now hold: the Helm parameters and plugin env
/// entries `edited` added or changed against `before` (entries the updater did not touch are
/// not passed, so the editor leaves them exactly as written), and the whole `kustomize.images`
/// list when it changed.
pub fn source_lists(before: &Application, edited: &Application, index: usize) -> SourceLists {
    let old_parameters = helm_parameters(before, index);
    let parameters: Vec<_> = helm_parameters(edited, index)
        .into_iter()
        .filter(|p| !old_parameters.contains(p))
        .collect();
    let old_env = plugin_env(before, index);
    let env: Vec<_> = plugin_env(edited, index)
        .into_iter()
        .filter(|e| !old_env.contains(e))
        .collect();
    let images = kustomize_images(edited, index);
    let images_changed = images != kustomize_images(before, index);
    SourceLists {
        helm_parameters: Some(parameters).filter(|l| !l.is_empty()),
        kustomize_images: images_changed.then_some(images),
        plugin_env: Some(env).filter(|l| !l.is_empty()),
    }
}

/// Writes `text` to a temporary file beside `file` and renames it over `file`: the file is
/// either fully updated or untouched.
fn write_atomically(file: &Path, text: &str) -> std::io::Result<()> {
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = file.with_file_name(format!(".{name}.argocd-image-updater.tmp"));
    std::fs::write(&temporary, text)?;
    std::fs::rename(&temporary, file).inspect_err(|_| {
        let _ = std::fs::remove_file(&temporary);
    })
}
