//! The fleet's Git repositories as text: the monorepo holds every Application and ImageUpdater
//! manifest (under `argocd/`) and nine in ten apps' folders; each team repository holds the
//! folders of its apps. Kustomize apps are written back through their kustomization, Helm apps
//! through their values file. Pure: the caller creates the repositories.

use crate::expect::{Digests, Pin, pinned};
use crate::model::{App, Class, Fleet, Image, Kind, TRACKED_TAG};

/// The monorepo's name on the git server.
pub const MONOREPO: &str = "monorepo.git";

/// The branch everything lives on.
pub const BRANCH: &str = "main";

/// Where the manifests live in the monorepo.
pub const MANIFESTS_DIR: &str = "argocd";

/// The namespace of every Application and ImageUpdater (Argo CD's).
pub const NAMESPACE: &str = "argocd";

/// Applications per manifest file.
const APPS_PER_FILE: usize = 50;

/// One repository's files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepoFiles {
    /// The repository's name on the git server, e.g. `team-03.git`.
    pub name: String,
    /// `(path, content)`.
    pub files: Vec<(String, String)>,
}

/// Everything the renderers need besides the fleet.
pub struct Context<'a> {
    /// The registry, `127.0.0.1:PORT`.
    pub host: &'a str,
    /// The clone URL of a repository by name.
    pub url: &'a dyn Fn(&str) -> String,
    /// Manifest digests by image content.
    pub digests: &'a Digests,
}

/// The name of team repository `team`.
pub fn team_repo(team: usize) -> String {
    format!("team-{team:02}.git")
}

/// The repository `app` lives in.
pub fn repo_of(app: &App) -> String {
    app.team.map_or_else(|| MONOREPO.to_owned(), team_repo)
}

/// The file `app`'s versions are written to, relative to its repository.
pub fn target_path(app: &App) -> String {
    match app.kind {
        Kind::Kustomize => format!("apps/{}/kustomization.yaml", app.name),
        Kind::Helm => format!("apps/{}/values.yaml", app.name),
    }
}

/// The monorepo and every team repository.
pub fn repos(fleet: &Fleet, context: &Context<'_>) -> Vec<RepoFiles> {
    let mut monorepo = RepoFiles {
        name: MONOREPO.to_owned(),
        files: vec![(
            "README.md".to_owned(),
            "The fleet benchmark's monorepo.\n".to_owned(),
        )],
    };
    for (n, chunk) in fleet.apps.chunks(APPS_PER_FILE).enumerate() {
        let apps: Vec<String> = chunk.iter().map(|app| application(app, context)).collect();
        let updaters: Vec<String> = chunk
            .iter()
            .map(|app| image_updater(fleet, app, context))
            .collect();
        monorepo.files.push((
            format!("{MANIFESTS_DIR}/applications-{n:02}.yaml"),
            apps.join("---\n"),
        ));
        monorepo.files.push((
            format!("{MANIFESTS_DIR}/image-updaters-{n:02}.yaml"),
            updaters.join("---\n"),
        ));
    }
    let mut teams: Vec<RepoFiles> = (0..fleet.size.team_repos)
        .map(|team| RepoFiles {
            name: team_repo(team),
            files: vec![("README.md".to_owned(), format!("Team {team}'s apps.\n"))],
        })
        .collect();
    for app in &fleet.apps {
        let files = app_files(fleet, app, context);
        match app.team {
            Some(team) => teams[team].files.extend(files),
            None => monorepo.files.extend(files),
        }
    }
    std::iter::once(monorepo).chain(teams).collect()
}

/// An Argo CD Application whose source is the app's folder.
fn application(app: &App, context: &Context<'_>) -> String {
    let url = (context.url)(&repo_of(app));
    let name = &app.name;
    let helm = match app.kind {
        Kind::Kustomize => String::new(),
        Kind::Helm => format!("    helm:\n      releaseName: {name}\n"),
    };
    format!(
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: {name}\n  \
         namespace: {NAMESPACE}\nspec:\n  project: default\n  source:\n    repoURL: {url}\n    \
         path: apps/{name}\n    targetRevision: {BRANCH}\n{helm}  destination:\n    server: \
         https://kubernetes.default.svc\n    namespace: {name}\n"
    )
}

/// One ImageUpdater per Application, writing back to Git.
fn image_updater(fleet: &Fleet, app: &App, context: &Context<'_>) -> String {
    let name = &app.name;
    let target = match app.kind {
        Kind::Kustomize => "kustomization".to_owned(),
        Kind::Helm => "helmvalues:values.yaml".to_owned(),
    };
    let images: String = app
        .images
        .iter()
        .map(|image| image_config(fleet, app, image, context))
        .collect();
    format!(
        "apiVersion: argocd-image-updater.argoproj.io/v1alpha1\nkind: ImageUpdater\nmetadata:\n  \
         name: {name}\n  namespace: {NAMESPACE}\nspec:\n  applicationRefs:\n  - namePattern: {name}\n    \
         writeBackConfig:\n      method: git\n      gitConfig:\n        branch: {BRANCH}\n        \
         writeBackTarget: {target}\n    images:\n{images}"
    )
}

fn image_config(fleet: &Fleet, app: &App, image: &Image, context: &Context<'_>) -> String {
    let repo = &fleet.repos[image.repo];
    let base = format!("{}/{}", context.host, repo.name);
    let (name, strategy, allow) = match repo.class {
        Class::Semver { .. } => {
            let constraint = image.constraint.as_deref().unwrap_or_default();
            (format!("{base}:{constraint}"), "semver", None)
        }
        Class::Build => (base, "newest-build", Some("regexp:^build-[0-9]+$")),
        Class::Alpha => (base, "alphabetical", Some("regexp:^release-")),
        Class::Digest => (format!("{base}:{TRACKED_TAG}"), "digest", None),
    };
    let allow = allow.map_or_else(String::new, |a| format!("\n        allowTags: \"{a}\""));
    let helm = match app.kind {
        Kind::Kustomize => String::new(),
        Kind::Helm => format!(
            "\n      manifestTargets:\n        helm:\n          name: {0}.repository\n          \
             tag: {0}.tag",
            image.alias
        ),
    };
    format!(
        "    - alias: {}\n      imageName: {name}\n      commonUpdateSettings:\n        \
         updateStrategy: {strategy}{allow}{helm}\n",
        image.alias
    )
}

/// The app's folder: a kustomization and a Deployment, or a chart with its values.
fn app_files(fleet: &Fleet, app: &App, context: &Context<'_>) -> Vec<(String, String)> {
    let dir = format!("apps/{}", app.name);
    match app.kind {
        Kind::Kustomize => vec![
            (target_path(app), kustomization(fleet, app, context)),
            (format!("{dir}/deployment.yaml"), deployment(app)),
        ],
        Kind::Helm => vec![
            (
                format!("{dir}/Chart.yaml"),
                format!("apiVersion: v2\nname: {}\nversion: 0.1.0\n", app.name),
            ),
            (target_path(app), values(fleet, app, context)),
        ],
    }
}

fn kustomization(fleet: &Fleet, app: &App, context: &Context<'_>) -> String {
    let mut text = format!(
        "# {}: pinned by the image updater\nresources:\n- deployment.yaml\nimages:\n",
        app.name
    );
    for image in &app.images {
        let repo = &fleet.repos[image.repo];
        text.push_str(&format!(
            "- name: {}/{} # {}\n",
            context.host, repo.name, image.alias
        ));
        match pinned(repo, image) {
            Some(Pin::Tag(tag)) => text.push_str(&format!("  newTag: {tag}\n")),
            Some(pin @ Pin::Tracked { .. }) => {
                let value = pin.value(context.digests);
                let (tag, digest) = value.split_once('@').unwrap_or((&value, ""));
                text.push_str(&format!("  newTag: {tag}\n  digest: {digest}\n"));
            }
            None => text.push_str("  newTag: none\n"),
        }
    }
    text
}

fn values(fleet: &Fleet, app: &App, context: &Context<'_>) -> String {
    let mut text = format!("# Values for {}.\nreplicaCount: 2\n", app.name);
    for image in &app.images {
        let repo = &fleet.repos[image.repo];
        let tag =
            pinned(repo, image).map_or_else(|| "none".to_owned(), |pin| pin.value(context.digests));
        text.push_str(&format!(
            "\n{}:\n  # where the image comes from\n  repository: {}/{}\n  tag: \"{tag}\" # bumped by the updater\n",
            image.alias, context.host, repo.name
        ));
    }
    text
}

fn deployment(app: &App) -> String {
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {0}\nspec:\n  template:\n    \
         spec:\n      containers:\n      - name: {0}\n        image: placeholder\n",
        app.name
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Size;

    fn rendered() -> (Fleet, Vec<RepoFiles>) {
        let fleet = Fleet::generate(Size::SMALL, 0.5);
        let url = |name: &str| format!("git://127.0.0.1:9418/{name}");
        let digests = Digests::new();
        let context = Context {
            host: "127.0.0.1:5000",
            url: &url,
            digests: &digests,
        };
        let repos = repos(&fleet, &context);
        (fleet, repos)
    }

    #[test]
    fn every_app_has_its_manifests_and_its_target() {
        let (fleet, repos) = rendered();
        assert_eq!(repos.len(), 1 + Size::SMALL.team_repos);
        let manifests: String = repos[0]
            .files
            .iter()
            .filter(|(path, _)| path.starts_with(MANIFESTS_DIR))
            .map(|(_, text)| text.as_str())
            .collect();
        assert_eq!(
            manifests.matches("kind: Application\n").count(),
            fleet.apps.len()
        );
        assert_eq!(
            manifests.matches("kind: ImageUpdater\n").count(),
            fleet.apps.len()
        );
        for app in &fleet.apps {
            let repo = repos.iter().find(|r| r.name == repo_of(app)).unwrap();
            assert!(
                repo.files.iter().any(|(p, _)| *p == target_path(app)),
                "{}",
                app.name
            );
        }
    }

    #[test]
    fn targets_pin_the_expected_versions() {
        let (fleet, repos) = rendered();
        let app = fleet
            .apps
            .iter()
            .find(|a| a.kind == Kind::Helm && a.team.is_none())
            .unwrap();
        let (_, text) = repos[0]
            .files
            .iter()
            .find(|(p, _)| *p == target_path(app))
            .unwrap();
        let image = &app.images[0];
        let Some(Pin::Tag(tag)) = pinned(&fleet.repos[image.repo], image) else {
            return;
        };
        assert!(text.contains(&format!("tag: \"{tag}\"")), "{text}");
    }
}
