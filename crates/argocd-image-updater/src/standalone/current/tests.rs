//! Reading the current version back from each write-back file format.

use std::collections::BTreeMap;

use updater_core::application::HelmParams;

use super::*;

struct Tree(BTreeMap<&'static str, &'static str>);

impl Files for Tree {
    fn read(&self, path: &str) -> anyhow::Result<Option<String>> {
        Ok(self.0.get(path).map(|text| (*text).to_owned()))
    }
}

fn image(text: &str) -> ImageRef {
    ImageRef::parse(text).unwrap()
}

fn helm(name: &str, tag: &str) -> SpecTarget {
    SpecTarget::Helm(HelmParams {
        name: Some(name.into()),
        tag: Some(tag.into()),
        spec: None,
    })
}

fn read(
    files: &[(&'static str, &'static str)],
    file: ResolvedTarget,
    target: SpecTarget,
) -> Option<String> {
    let tree = Tree(files.iter().copied().collect());
    let configured = image("ghcr.io/acme/web:~1");
    from_file(&tree, &file, &target, &configured)
        .unwrap()
        .map(|found| found.full_name_with_tag())
}

#[test]
fn values_files_are_read_at_the_configured_paths() {
    let values = "# the web image\nimage:\n  repository: ghcr.io/acme/web # where\n  tag: \"1.2.0\"\nreplicas: 2\n";
    let file = ResolvedTarget::HelmValues {
        file: "chart/values.yaml".into(),
    };
    let found = read(
        &[("chart/values.yaml", values)],
        file.clone(),
        helm("image.repository", "image.tag"),
    );
    assert_eq!(found.as_deref(), Some("ghcr.io/acme/web:1.2.0"));
    let missing_key = read(
        &[("chart/values.yaml", values)],
        file.clone(),
        helm("image.repository", "web.tag"),
    );
    assert_eq!(missing_key, None);
    assert_eq!(read(&[], file, helm("image.repository", "image.tag")), None);
}

#[test]
fn kustomizations_are_read_from_the_element_of_the_image() {
    let text = "images:\n- name: ghcr.io/acme/api\n  newTag: 9.9.9\n- name: ghcr.io/acme/web\n  newTag: 1.1.0\n";
    let file = ResolvedTarget::Kustomization {
        dir: "overlay".into(),
    };
    let target = SpecTarget::Kustomize { name: None };
    let found = read(
        &[("overlay/kustomization.yml", text)],
        file.clone(),
        target.clone(),
    );
    assert_eq!(
        found.as_deref(),
        Some("ghcr.io/acme/web:1.1.0"),
        "kustomization.yml is found too"
    );
    let renamed = "images:\n- name: web\n  newName: ghcr.io/acme/web\n  newTag: 1.0.1\n";
    let named = SpecTarget::Kustomize {
        name: Some("web".into()),
    };
    let found = read(&[("overlay/kustomization.yaml", renamed)], file, named);
    assert_eq!(found.as_deref(), Some("ghcr.io/acme/web:1.0.1"));
}

#[test]
fn override_files_are_read_like_argo_cd_merges_them() {
    let text = "helm:\n  parameters:\n  - name: image.name\n    value: ghcr.io/acme/web\n    forcestring: true\n  - name: image.tag\n    value: 1.0.3\n    forcestring: true\n";
    let file = ResolvedTarget::OverrideFile {
        path: "web/.argocd-source-web.yaml".into(),
    };
    let found = read(
        &[("web/.argocd-source-web.yaml", text)],
        file.clone(),
        helm("image.name", "image.tag"),
    );
    assert_eq!(found.as_deref(), Some("ghcr.io/acme/web:1.0.3"));
    let kustomize = "kustomize:\n  images:\n  - ghcr.io/acme/web:1.0.4\n";
    let target = SpecTarget::Kustomize { name: None };
    let found = read(
        &[("web/.argocd-source-web.yaml", kustomize)],
        file.clone(),
        target,
    );
    assert_eq!(found.as_deref(), Some("ghcr.io/acme/web:1.0.4"));
    assert_eq!(
        read(&[], file, helm("image.name", "image.tag")),
        None,
        "no file yet"
    );
}

#[test]
fn broken_yaml_is_an_error_naming_the_file() {
    let tree = Tree([("values.yaml", "image: [unclosed")].into_iter().collect());
    let file = ResolvedTarget::HelmValues {
        file: "values.yaml".into(),
    };
    let error = from_file(
        &tree,
        &file,
        &helm("image.name", "image.tag"),
        &image("web"),
    )
    .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("`values.yaml` is not valid YAML"),
        "{error:#}"
    );
}
