//! §7.0: the source type and the source that gets written.

use serde_json::json;

use super::{HELM_SINGLE, HYDRATOR, KUSTOMIZE, MULTI, PLUGIN, app};
use crate::application::{Application, SourceType, source_type, write_source_index};
use crate::writeback::ResolvedTarget;

fn kustomization(dir: &str) -> ResolvedTarget {
    ResolvedTarget::Kustomization { dir: dir.into() }
}

fn values(file: &str) -> ResolvedTarget {
    ResolvedTarget::HelmValues { file: file.into() }
}

fn override_file(path: &str) -> ResolvedTarget {
    ResolvedTarget::OverrideFile { path: path.into() }
}

fn from_json(json: serde_json::Value) -> Application {
    Application::from_json(json).expect("valid application")
}

#[test]
fn status_source_type_for_single_source_apps() {
    assert_eq!(source_type(&app(HELM_SINGLE), None), Some(SourceType::Helm));
    assert_eq!(
        source_type(&app(KUSTOMIZE), None),
        Some(SourceType::Kustomize)
    );
    assert_eq!(source_type(&app(PLUGIN), None), Some(SourceType::Plugin));
    let directory = from_json(json!({"kind": "Application", "metadata": {"name": "d"},
        "spec": {"source": {"repoURL": "r", "path": "p"}}, "status": {"sourceType": "Directory"}}));
    assert_eq!(source_type(&directory, None), Some(SourceType::Directory));
    let unknown = from_json(json!({"kind": "Application", "metadata": {"name": "d"},
        "spec": {"source": {"repoURL": "r"}}}));
    assert_eq!(source_type(&unknown, None), None);
}

#[test]
fn kustomization_target_means_kustomize_whatever_the_app_is() {
    for fixture in [HELM_SINGLE, PLUGIN, MULTI, HYDRATOR] {
        let target = kustomization("overlays/prod");
        assert_eq!(
            source_type(&app(fixture), Some(&target)),
            Some(SourceType::Kustomize)
        );
    }
}

#[test]
fn yaml_target_not_named_argocd_source_means_helm() {
    let kustomize_app = app(KUSTOMIZE);
    for target in [
        values("charts/web/values.yaml"),
        values("values-prod.yml"),
        override_file("deploy/custom.yaml"),
    ] {
        assert_eq!(
            source_type(&kustomize_app, Some(&target)),
            Some(SourceType::Helm),
            "{target:?}"
        );
    }
    for target in [
        override_file("overlays/prod/.argocd-source-shop.yaml"),
        override_file(".argocd-source-team-a_shop.yml"),
        values("values.json"),
        override_file("params.txt"),
    ] {
        assert_eq!(
            source_type(&kustomize_app, Some(&target)),
            Some(SourceType::Kustomize),
            "{target:?}"
        );
    }
}

#[test]
fn the_argocd_source_prefix_is_tested_on_the_file_name_only() {
    let target = values(".argocd-source-dir/values.yaml");
    assert_eq!(
        source_type(&app(KUSTOMIZE), Some(&target)),
        Some(SourceType::Helm)
    );
}

#[test]
fn multi_source_takes_the_first_tool_type_of_status() {
    // status.sourceTypes is [Directory, Kustomize, Helm]: Kustomize comes first.
    assert_eq!(source_type(&app(MULTI), None), Some(SourceType::Kustomize));
    let only_directories = from_json(json!({"kind": "Application", "metadata": {"name": "m"},
        "spec": {"sources": [{"repoURL": "a", "helm": {}}, {"repoURL": "b"}]},
        "status": {"sourceType": "Helm", "sourceTypes": ["Directory", "Directory"]}}));
    assert_eq!(
        source_type(&only_directories, None),
        Some(SourceType::Directory)
    );
    let not_reconciled = from_json(json!({"kind": "Application", "metadata": {"name": "m"},
        "spec": {"sources": [{"repoURL": "a", "helm": {}}]}}));
    assert_eq!(
        source_type(&not_reconciled, None),
        Some(SourceType::Directory)
    );
}

#[test]
fn hydrator_takes_the_dry_source_block() {
    assert_eq!(
        source_type(&app(HYDRATOR), None),
        Some(SourceType::Kustomize)
    );
    let helm_and_plugin = from_json(json!({"kind": "Application", "metadata": {"name": "h"},
        "spec": {"sourceHydrator": {"drySource": {"repoURL": "r", "plugin": {}, "helm": {}}}},
        "status": {"sourceType": "Directory"}}));
    assert_eq!(source_type(&helm_and_plugin, None), Some(SourceType::Helm));
    let no_block = from_json(json!({"kind": "Application", "metadata": {"name": "h"},
        "spec": {"sourceHydrator": {"drySource": {"repoURL": "r", "path": "p"}}},
        "status": {"sourceType": "Directory"}}));
    assert_eq!(source_type(&no_block, None), Some(SourceType::Directory));
}

#[test]
fn plugin_with_git_write_back_is_treated_as_helm() {
    let plugin = app(PLUGIN);
    assert_eq!(source_type(&plugin, None), Some(SourceType::Plugin));
    let git = override_file("app/.argocd-source-cmp-app.yaml");
    assert_eq!(source_type(&plugin, Some(&git)), Some(SourceType::Helm));
    // The hack only rewrites Plugin: Kustomize written through git stays Kustomize.
    let kustomize_git = override_file("overlays/prod/.argocd-source-shop.yaml");
    assert_eq!(
        source_type(&app(KUSTOMIZE), Some(&kustomize_git)),
        Some(SourceType::Kustomize)
    );
}

#[test]
fn single_and_hydrator_apps_write_source_zero() {
    for fixture in [HELM_SINGLE, KUSTOMIZE, PLUGIN, HYDRATOR] {
        for source_type in [SourceType::Helm, SourceType::Kustomize, SourceType::Plugin] {
            assert_eq!(write_source_index(&app(fixture), source_type, None), 0);
        }
    }
}

#[test]
fn rule_1_explicit_block_of_the_type() {
    assert_eq!(write_source_index(&app(MULTI), SourceType::Helm, None), 2);
}

#[test]
fn rule_2_index_aligned_status_type_finds_implicit_kustomize() {
    assert_eq!(
        write_source_index(&app(MULTI), SourceType::Kustomize, None),
        1
    );
}

#[test]
fn rule_1_wins_over_rule_2() {
    let app = from_json(json!({"kind": "Application", "metadata": {"name": "m"},
        "spec": {"sources": [{"repoURL": "a"}, {"repoURL": "b", "kustomize": {"images": []}}]},
        "status": {"sourceTypes": ["Kustomize", "Kustomize"]}}));
    assert_eq!(write_source_index(&app, SourceType::Kustomize, None), 1);
}

#[test]
fn rule_3_any_source_with_a_block() {
    // Plugin: no plugin block, no Plugin status entry; source 2 has a helm block.
    assert_eq!(write_source_index(&app(MULTI), SourceType::Plugin, None), 2);
}

#[test]
fn rule_4_first_source() {
    let app = from_json(json!({"kind": "Application", "metadata": {"name": "m"},
        "spec": {"sources": [{"repoURL": "a"}, {"repoURL": "b"}]},
        "status": {"sourceTypes": ["Directory", "Directory"]}}));
    assert_eq!(write_source_index(&app, SourceType::Helm, None), 0);
}

#[test]
fn write_repo_restricts_the_candidates() {
    let app = app(MULTI);
    // infra.git holds only the implicit Kustomize source; rule 3/4 stay inside it.
    let infra = Some("https://git.acme.io/infra");
    assert_eq!(write_source_index(&app, SourceType::Helm, infra), 1);
    let values = Some("https://git.acme.io/values.git/");
    assert_eq!(write_source_index(&app, SourceType::Kustomize, values), 0);
    // A repository no source uses does not restrict anything.
    let elsewhere = Some("https://git.acme.io/other.git");
    assert_eq!(write_source_index(&app, SourceType::Helm, elsewhere), 2);
}

#[test]
fn source_type_names_round_trip() {
    for source_type in [
        SourceType::Helm,
        SourceType::Kustomize,
        SourceType::Plugin,
        SourceType::Directory,
    ] {
        assert_eq!(SourceType::parse(source_type.as_str()), Some(source_type));
        assert_eq!(source_type.to_string(), source_type.as_str());
    }
    assert_eq!(SourceType::parse("helm"), None);
    assert!(!SourceType::Directory.is_supported());
    assert!(SourceType::Plugin.is_supported());
}
