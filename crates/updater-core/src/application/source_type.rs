//! Which kind of source an Application is and which of its sources gets written (spec §7.0).

use std::fmt;

use super::{Application, SourceView};
use crate::writeback::ResolvedTarget;

/// The Argo CD source types the updater distinguishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SourceType {
    /// A Helm chart.
    Helm,
    /// A Kustomize directory.
    Kustomize,
    /// A config management plugin.
    Plugin,
    /// Plain manifests (not supported by the `argocd` method; usable with a Helm values or
    /// kustomization git target).
    Directory,
}

impl SourceType {
    /// Parses Argo CD's `ApplicationSourceType` names (`Helm`, `Kustomize`, `Plugin`,
    /// `Directory`), case-sensitively as the API does.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "Helm" => Some(Self::Helm),
            "Kustomize" => Some(Self::Kustomize),
            "Plugin" => Some(Self::Plugin),
            "Directory" => Some(Self::Directory),
            _ => None,
        }
    }

    /// Argo CD's name of the type.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Helm => "Helm",
            Self::Kustomize => "Kustomize",
            Self::Plugin => "Plugin",
            Self::Directory => "Directory",
        }
    }

    /// True for the types the updater can write (Helm, Kustomize, Plugin).
    pub fn is_supported(self) -> bool {
        !matches!(self, Self::Directory)
    }
}

impl fmt::Display for SourceType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The type the write-back treats `app` as; `write_back` is the resolved git target (`None` for
/// the `argocd` method). `None` when nothing says (a single source without `status.sourceType`).
///
/// In order: a kustomization target means Kustomize; a `.yaml`/`.yml` target whose file name
/// does not start with `.argocd-source-` means Helm (so Directory apps can use Helm values);
/// a multi-source app takes the first Helm, Kustomize or Plugin of `status.sourceTypes`, else
/// Directory; a source-hydrator app takes its dry source's `helm`/`kustomize`/`plugin` block;
/// anything else `status.sourceType`. A Plugin app written through git is treated as Helm, the
/// original's backward-compatible "Helm hack".
pub fn source_type(app: &Application, write_back: Option<&ResolvedTarget>) -> Option<SourceType> {
    if let Some(forced) = write_back.and_then(target_type) {
        return Some(forced);
    }
    let detected = detected_type(app)?;
    let helm_hack = write_back.is_some() && detected == SourceType::Plugin;
    Some(if helm_hack {
        SourceType::Helm
    } else {
        detected
    })
}

/// The type a git write-back target imposes, if any.
fn target_type(target: &ResolvedTarget) -> Option<SourceType> {
    if let ResolvedTarget::Kustomization { .. } = target {
        return Some(SourceType::Kustomize);
    }
    let path = target.path();
    let base = path.rsplit('/').next().unwrap_or(path);
    let yaml = path.ends_with(".yaml") || path.ends_with(".yml");
    (yaml && !base.starts_with(".argocd-source-")).then_some(SourceType::Helm)
}

/// The type from the Application alone.
fn detected_type(app: &Application) -> Option<SourceType> {
    if app.is_multi_source() {
        let first_tool = app
            .status_source_types()
            .into_iter()
            .flatten()
            .find(|t| t.is_supported());
        return Some(first_tool.unwrap_or(SourceType::Directory));
    }
    if app.is_hydrated() {
        let dry = app.sources().into_iter().next();
        if let Some(block) = dry.as_ref().and_then(block_type) {
            return Some(block);
        }
    }
    app.status_source_type()
}

/// The type of a source's explicit block, Helm before Kustomize before Plugin.
fn block_type(source: &SourceView) -> Option<SourceType> {
    [SourceType::Helm, SourceType::Kustomize, SourceType::Plugin]
        .into_iter()
        .find(|&t| source.has_block(t))
}

/// The index (into [`Application::sources`]) of the source a write of `source_type` goes to.
///
/// Single-source and source-hydrator apps have one source, index 0. For multi-source apps: the
/// first source with an explicit block of the type; else the first whose index-aligned
/// `status.sourceTypes` entry is the type (implicit Kustomize); else the first with any
/// `helm`/`kustomize`/`plugin` block; else the first source. When `write_repo` (the git
/// write-back repository) is given and some sources have that `repoURL` (compared without a
/// trailing `/` or `.git`), only those are considered, so the file lands in the repository that
/// is written.
pub fn write_source_index(
    app: &Application,
    source_type: SourceType,
    write_repo: Option<&str>,
) -> usize {
    if !app.is_multi_source() {
        return 0;
    }
    let sources = app.sources();
    let candidates = candidate_indices(&sources, write_repo);
    let status = app.status_source_types();
    let explicit = || {
        candidates
            .iter()
            .copied()
            .find(|&i| sources[i].has_block(source_type))
    };
    let aligned = || {
        candidates
            .iter()
            .copied()
            .find(|&i| status.get(i).copied().flatten() == Some(source_type))
    };
    let any_block = || {
        candidates
            .iter()
            .copied()
            .find(|&i| sources[i].has_tool_block())
    };
    explicit()
        .or_else(aligned)
        .or_else(any_block)
        .or_else(|| candidates.first().copied())
        .unwrap_or(0)
}

/// The indices of the sources in `write_repo`, or all when none is (or no repository is given).
fn candidate_indices(sources: &[SourceView], write_repo: Option<&str>) -> Vec<usize> {
    let all: Vec<usize> = (0..sources.len()).collect();
    let Some(repo) = write_repo.map(normalize_repo) else {
        return all;
    };
    let in_repo: Vec<usize> = all
        .iter()
        .copied()
        .filter(|&i| sources[i].repo_url.as_deref().map(normalize_repo) == Some(repo))
        .collect();
    if in_repo.is_empty() { all } else { in_repo }
}

fn normalize_repo(url: &str) -> &str {
    let url = url.trim_end_matches('/');
    url.strip_suffix(".git").unwrap_or(url)
}
