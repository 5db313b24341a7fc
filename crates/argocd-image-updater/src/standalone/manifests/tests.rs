//! Reading a tree of manifests: kinds, namespaces, and problems that do not stop the rest.

use super::*;

const APP: &str = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: web\nspec:\n  source:\n    repoURL: https://git.test/r.git\n    path: web\n";

fn write(root: &Path, path: &str, text: &str) {
    let file = root.join(path);
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(file, text).unwrap();
}

#[test]
fn applications_and_image_updaters_are_read_recursively_other_kinds_ignored() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let updater = "apiVersion: argocd-image-updater.argoproj.io/v1alpha1\nkind: ImageUpdater\nmetadata:\n  name: u\n  namespace: team\nspec:\n  applicationRefs:\n  - namePattern: web\n    images:\n    - alias: web\n      imageName: ghcr.io/acme/web:~1\n";
    let other = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n";
    write(root, "apps/web.yml", &format!("{APP}---\n{other}"));
    write(root, "apps/nested/updater.yaml", updater);
    write(root, "apps/README.md", "not yaml");
    write(root, "apps/.hidden/ignored.yaml", APP);
    let found = read_tree(root, "apps", "argocd");
    assert!(found.problems.is_empty(), "{:?}", found.problems);
    assert_eq!(found.apps.len(), 1);
    let web = &found.apps[0];
    assert_eq!(
        (web.path.as_str(), web.app.namespace()),
        ("apps/web.yml", Some("argocd"))
    );
    assert_eq!(web.namespace, None, "the manifest itself has none");
    assert_eq!(found.updaters.len(), 1);
    assert_eq!(
        found.updaters[0].metadata.namespace.as_deref(),
        Some("team")
    );
}

#[test]
fn a_broken_file_or_document_is_a_problem_and_the_rest_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "a-broken.yaml", "kind: [unclosed");
    let nameless = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {}\n";
    write(root, "b-mixed.yaml", &format!("{nameless}---\n{APP}"));
    let found = read_tree(root, "", "argocd");
    assert_eq!(found.apps.len(), 1);
    assert_eq!(found.problems.len(), 2, "{:?}", found.problems);
    assert!(
        found.problems[0].starts_with("`a-broken.yaml` is not valid YAML"),
        "{:?}",
        found.problems
    );
    assert_eq!(
        found.problems[1],
        "`b-mixed.yaml` document 1: no metadata.name"
    );
}

#[test]
fn a_missing_directory_is_a_problem() {
    let dir = tempfile::tempdir().unwrap();
    let found = read_tree(dir.path(), "nope", "argocd");
    assert_eq!(found.problems.len(), 1);
    assert!(
        found.problems[0].starts_with("cannot read"),
        "{:?}",
        found.problems
    );
}
