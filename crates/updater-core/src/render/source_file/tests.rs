//! Unit and snapshot tests of override-file rendering (§7.2.4). Snapshots show the current
//! file, the update and the result, so a reader can check each merge rule.

use super::{EnvEntry, HelmParameter, SourceOverride, read, render_source_file};

fn render(current: &str, update: &SourceOverride) -> String {
    match render_source_file(current, update) {
        Ok(text) => text,
        Err(never) => match never {},
    }
}

/// The current file, the update and the rendered file, for a snapshot.
fn show(current: &str, update: &SourceOverride) -> String {
    let out = render(current, update);
    assert_eq!(
        render(&out, update),
        out,
        "rendering again changes the file"
    );
    format!("--- current\n{current}--- update\n{update:#?}\n--- rendered\n{out}")
}

fn param(name: &str, value: &str, force_string: bool) -> HelmParameter {
    HelmParameter {
        name: name.into(),
        value: value.into(),
        force_string,
    }
}

fn helm(parameters: &[HelmParameter]) -> SourceOverride {
    SourceOverride::Helm {
        parameters: parameters.to_vec(),
    }
}

fn kustomize(images: &[&str]) -> SourceOverride {
    SourceOverride::Kustomize {
        images: images.iter().map(|i| (*i).to_owned()).collect(),
    }
}

fn plugin(env: &[(&str, &str)]) -> SourceOverride {
    SourceOverride::Plugin {
        env: env
            .iter()
            .map(|(name, value)| EnvEntry {
                name: (*name).into(),
                value: (*value).into(),
            })
            .collect(),
    }
}

const HELM_FILE: &str = "\
helm:
  parameters:
  - name: image.tag
    value: 1.25.0
    forcestring: true
  - name: image.name
    value: nginx
    forcestring: true
  - name: replicaCount
    value: \"3\"
    forcestring: false
";

#[test]
fn helm_new_file_is_sorted_and_quotes_like_go_yaml() {
    let update = helm(&[
        param("image.tag", "1.10", true),
        param("image.name", "registry.local/nginx", true),
        param("feature.enabled", "true", false),
        param("image.spec", "nginx:1.10@sha256:abcd", true),
    ]);
    insta::assert_snapshot!(show("", &update));
}

#[test]
fn helm_merge_replaces_by_name_appends_and_sorts() {
    let update = helm(&[
        param("image.tag", "1.26.1", true),
        param("backend.image.tag", "v2", true),
    ]);
    insta::assert_snapshot!(show(HELM_FILE, &update));
}

#[test]
fn helm_empty_managed_set_keeps_existing_or_writes_empty_list() {
    assert_eq!(render("", &helm(&[])), "helm:\n  parameters: []\n");
    assert_eq!(
        render("helm:\n  parameters: null\n", &helm(&[])),
        "helm:\n  parameters: []\n"
    );
    let kept = render(HELM_FILE, &helm(&[]));
    assert_eq!(read::helm_parameters(&kept).len(), 3, "{kept}");
}

#[test]
fn helm_only_writes_the_helm_block() {
    let current = "kustomize:\n  images:\n  - nginx:1.0\nhelm:\n  valueFiles: [a.yaml]\n  parameters:\n  - {name: a, value: b, forcestring: false, extra: x}\n";
    insta::assert_snapshot!(show(current, &helm(&[param("image.tag", "2", true)])));
}

#[test]
fn helm_reading_is_as_lenient_as_go_yaml() {
    let current = "helm:\n  parameters:\n  - name: a\n    value: 1.10\n    forcestring: yes\n  - name: b\n    value: ~\n    forceString: true\n  - null\n  - name: c\n    value: 0x1F\n";
    assert_eq!(
        read::helm_parameters(current),
        vec![
            param("a", "1.10", true),
            param("b", "", false),
            param("", "", false),
            param("c", "0x1F", false),
        ]
    );
}

#[test]
fn kustomize_replaces_an_entry_whose_tag_differs() {
    let current = "kustomize:\n  images:\n  - nginx:1.25.0\n  - ghcr.io/org/api:v1\n";
    insta::assert_snapshot!(show(current, &kustomize(&["nginx:1.26.1"])));
}

#[test]
fn kustomize_keeps_an_entry_already_at_the_tag_or_when_the_new_has_none() {
    let current = "kustomize:\n  images:\n  - nginx:1.25.0@sha256:aaaa\n  - ghcr.io/org/api:v1\n";
    let update = kustomize(&["nginx:other@sha256:aaaa", "ghcr.io/org/api"]);
    assert_eq!(
        render(current, &update),
        "kustomize:\n  images:\n  - nginx:1.25.0@sha256:aaaa\n  - ghcr.io/org/api:v1\n"
    );
}

#[test]
fn kustomize_replaces_an_entry_without_tag_and_compares_digests_first() {
    let current = "kustomize:\n  images:\n  - nginx\n  - ghcr.io/org/api:v1@sha256:aaaa\n";
    let update = kustomize(&["nginx:1.0", "ghcr.io/org/api:v1@sha256:bbbb"]);
    assert_eq!(
        read::kustomize_images(&render(current, &update)),
        ["nginx:1.0", "ghcr.io/org/api:v1@sha256:bbbb"]
    );
}

#[test]
fn kustomize_appends_unmatched_and_keeps_unrelated() {
    let current = "kustomize:\n  images:\n  - quay.io/other/tool:3\n  - nginx:1.25.0\n";
    insta::assert_snapshot!(show(
        current,
        &kustomize(&["nginx:1.26.1", "ghcr.io/org/new:v2"])
    ));
}

#[test]
fn kustomize_treats_an_implicit_registry_as_docker_hub() {
    let current = "kustomize:\n  images:\n  - nginx:1.25.0\n  - docker.io/org/app:1\n";
    insta::assert_snapshot!(show(
        current,
        &kustomize(&["docker.io/nginx:1.26.1", "org/app:2"])
    ));
}

#[test]
fn kustomize_docker_library_prefix_is_dropped_but_explicit_library_is_another_name() {
    let current = "kustomize:\n  images:\n  - nginx:1.25.0\n  - library/redis:7.0\n";
    insta::assert_snapshot!(show(
        current,
        &kustomize(&["docker.io/library/nginx:1.26.1", "redis:7.2"])
    ));
}

#[test]
fn kustomize_two_aliases_of_one_image_are_separate_entries() {
    let current = "kustomize:\n  images:\n  - nginx:0.9\n  - admin=nginx:1.0\n  - web=nginx:1.0\n";
    insta::assert_snapshot!(show(
        current,
        &kustomize(&["web=nginx:1.1", "admin=nginx:1.2"])
    ));
}

#[test]
fn kustomize_alias_replaces_an_entry_without_alias_when_none_matches_exactly() {
    let current = "kustomize:\n  images:\n  - nginx:1.0\n  - other=nginx:1.0\n";
    let update = kustomize(&["web=nginx:1.1", "admin=nginx:1.2"]);
    assert_eq!(
        read::kustomize_images(&render(current, &update)),
        ["web=nginx:1.1", "other=nginx:1.0", "admin=nginx:1.2"]
    );
}

#[test]
fn kustomize_quotes_entries_go_yaml_would_misread() {
    let update = kustomize(&["nginx:1.25", "*weird", "010", ""]);
    assert_eq!(
        render("", &update),
        "kustomize:\n  images:\n  - nginx:1.25\n  - '*weird'\n  - \"010\"\n  - \"\"\n"
    );
}

#[test]
fn plugin_merges_by_name_without_sorting() {
    let current =
        "plugin:\n  env:\n  - name: ZETA\n    value: keep\n  - name: IMAGE_TAG\n    value: 1.0.0\n";
    let update = plugin(&[
        ("IMAGE_TAG", "1.1.0"),
        ("IMAGE_NAME", "ghcr.io/org/app"),
        ("ALPHA", "true"),
    ]);
    insta::assert_snapshot!(show(current, &update));
}

#[test]
fn document_start_prefix_is_kept_verbatim() {
    let current =
        "# Managed by argocd-image-updater\n\n%YAML 1.2\n--- # start\nhelm:\n  parameters: []\n";
    insta::assert_snapshot!(show(current, &helm(&[param("image.tag", "v1", true)])));
}

#[test]
fn document_start_prefix_needs_a_marker_at_column_zero() {
    for (current, prefix) in [
        ("---\nhelm: {}\n", "---\n"),
        ("---", "---\n"),
        ("\r\n---\r\n", "\r\n---\r\n"),
        ("# c\n  # d\n---\t\nhelm: {}\n", "# c\n  # d\n---\t\n"),
        ("# c\nhelm: {}\n---\n", ""),
        (" ---\n", ""),
        ("--- helm: {}\n", ""),
        ("---#x\n", ""),
        ("# only a comment\n", ""),
        ("", ""),
    ] {
        assert_eq!(read::document_start_prefix(current), prefix, "{current:?}");
    }
}

#[test]
fn empty_and_comment_only_files_are_written_fresh() {
    let update = plugin(&[("IMAGE_TAG", "1.1.0")]);
    let fresh = "plugin:\n  env:\n  - name: IMAGE_TAG\n    value: 1.1.0\n";
    assert_eq!(render("", &update), fresh);
    assert_eq!(render("\n\n", &update), fresh);
    assert_eq!(render("# nothing yet\n", &update), fresh);
}

#[test]
fn unparsable_original_is_regenerated() {
    let current = "helm:\n  parameters:\n  - name: [unclosed\n    value: x\n";
    insta::assert_snapshot!(show(current, &helm(&[param("image.tag", "v2", true)])));
}

#[test]
fn wrongly_shaped_original_is_regenerated() {
    let update = kustomize(&["nginx:1.1"]);
    let fresh = "kustomize:\n  images:\n  - nginx:1.1\n";
    for current in [
        "- a\n- b\n",
        "just text\n",
        "kustomize: 3\n",
        "kustomize:\n  images: {a: b}\n",
        "a: 1\na: 2\n",
    ] {
        assert_eq!(render(current, &update), fresh, "{current:?}");
    }
}

#[test]
fn deeply_nested_input_does_not_overflow_the_stack() {
    let update = kustomize(&["nginx:1.1"]);
    let fresh = "kustomize:\n  images:\n  - nginx:1.1\n";
    let deep = format!("kustomize: {}{}\n", "[".repeat(50_000), "]".repeat(50_000));
    assert_eq!(render(&deep, &update), fresh);
}
