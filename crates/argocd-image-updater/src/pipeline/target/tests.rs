//! Planning the write of an Application: method, type, source, repository, branch and file.

use serde_json::json;
use updater_core::application::{Application, SourceType, SpecTarget};
use updater_core::crd::{GitConfig, ManifestTarget, PluginTarget, WriteBackConfig};
use updater_core::discover::TargetImage;
use updater_core::policy::UpdateSettings;
use updater_core::writeback::ResolvedTarget;

use super::{AppPlan, GitTarget, PlanOutcome, plan as plan_write, spec_target};

fn app(spec: serde_json::Value, status: serde_json::Value) -> Application {
    Application::from_json(json!({
        "apiVersion": "argoproj.io/v1alpha1", "kind": "Application",
        "metadata": {"name": "web", "namespace": "team-a"},
        "spec": spec, "status": status,
    }))
    .unwrap()
}

fn git_config(target: &str, branch: &str, repository: Option<&str>) -> WriteBackConfig {
    WriteBackConfig {
        method: Some("git".to_owned()),
        git_config: Some(GitConfig {
            repository: repository.map(str::to_owned),
            branch: Some(branch.to_owned()),
            write_back_target: Some(target.to_owned()),
            pull_request: None,
        }),
    }
}

fn ready(outcome: PlanOutcome) -> AppPlan {
    match outcome {
        PlanOutcome::Ready(plan) => plan,
        PlanOutcome::Unsupported(reason) => panic!("unsupported: {reason}"),
    }
}

fn helm_app() -> Application {
    app(
        json!({"source": {"repoURL": "https://git.test/apps.git", "path": "web", "targetRevision": "HEAD", "helm": {}}}),
        json!({"sourceType": "Helm"}),
    )
}

#[test]
fn argocd_method_follows_the_status_source_type() {
    let plan = ready(plan_write(&helm_app(), None, "argocd").unwrap());
    assert_eq!(plan.source_type, SourceType::Helm);
    assert_eq!(plan.source_index, 0);
    assert!(plan.git.is_none());
}

#[test]
fn directory_and_unknown_types_are_skipped_not_failed() {
    let directory = app(
        json!({"source": {"repoURL": "r", "path": "p"}}),
        json!({"sourceType": "Directory"}),
    );
    let unknown = app(json!({"source": {"repoURL": "r", "path": "p"}}), json!({}));
    for app in [directory, unknown] {
        let outcome = plan_write(&app, None, "argocd").unwrap();
        assert!(
            matches!(outcome, PlanOutcome::Unsupported(ref reason) if reason.contains("cannot write")),
            "{outcome:?}"
        );
    }
}

#[test]
fn git_defaults_to_the_override_file_the_source_repo_and_the_remote_default_branch() {
    let plan = ready(plan_write(&helm_app(), Some(&git_config("", "", None)), "team-a").unwrap());
    let git = plan.git.unwrap();
    assert_eq!(git.repository, "https://git.test/apps.git");
    assert_eq!(
        git.base_branch, None,
        "HEAD means the remote's default branch"
    );
    assert_eq!(
        git.target,
        GitTarget::File(ResolvedTarget::OverrideFile {
            path: "web/.argocd-source-web.yaml".to_owned()
        })
    );

    let qualified =
        ready(plan_write(&helm_app(), Some(&git_config("", "", None)), "argocd").unwrap());
    let path = qualified.git.unwrap().target.path().to_owned();
    assert_eq!(path, "web/.argocd-source-team-a_web.yaml");
}

#[test]
fn a_kustomization_target_makes_a_directory_app_kustomize_and_branches_parse() {
    let directory = app(
        json!({"source": {"repoURL": "https://git.test/apps.git", "path": "overlays/prod", "targetRevision": "release"}}),
        json!({"sourceType": "Directory"}),
    );
    let config = git_config(
        "kustomization:../base",
        ":image-updater-{{.SHA256}}",
        Some("https://git.test/other.git"),
    );
    let plan = ready(plan_write(&directory, Some(&config), "argocd").unwrap());
    assert_eq!(plan.source_type, SourceType::Kustomize);
    let git = plan.git.unwrap();
    assert_eq!(
        git.target,
        GitTarget::File(ResolvedTarget::Kustomization {
            dir: "overlays/base".to_owned()
        })
    );
    assert_eq!(git.repository, "https://git.test/other.git");
    assert_eq!(git.base_branch.as_deref(), Some("release"));
    assert_eq!(
        git.write_template.as_deref(),
        Some("image-updater-{{.SHA256}}")
    );
}

#[test]
fn multi_source_git_writes_go_to_the_source_of_the_written_repository() {
    let multi = app(
        json!({"sources": [
            {"repoURL": "https://charts.test/repo", "chart": "web", "targetRevision": "1.0.0", "helm": {}},
            {"repoURL": "https://git.test/values.git", "path": "envs/prod", "targetRevision": "main", "helm": {}}
        ]}),
        json!({"sourceTypes": ["Helm", "Helm"]}),
    );
    let config = git_config(
        "helmvalues:values.yaml",
        "",
        Some("https://git.test/values.git"),
    );
    let plan = ready(plan_write(&multi, Some(&config), "argocd").unwrap());
    assert_eq!(plan.source_index, 1);
    let git = plan.git.unwrap();
    assert_eq!(git.base_branch.as_deref(), Some("main"));
    assert_eq!(
        git.target,
        GitTarget::File(ResolvedTarget::HelmValues {
            file: "envs/prod/values.yaml".to_owned()
        })
    );
}

#[test]
fn bad_method_branch_and_missing_repository_are_errors_naming_the_value() {
    let bad_method = WriteBackConfig {
        method: Some("svn".to_owned()),
        git_config: None,
    };
    let error = plan_write(&helm_app(), Some(&bad_method), "argocd").unwrap_err();
    assert!(format!("{error:#}").contains("`svn`"), "{error:#}");
    let error =
        plan_write(&helm_app(), Some(&git_config("", "a:b:c", None)), "argocd").unwrap_err();
    assert!(format!("{error:#}").contains("`a:b:c`"), "{error:#}");
    let no_repo = app(
        json!({"source": {"path": "web", "helm": {}}}),
        json!({"sourceType": "Helm"}),
    );
    let error = plan_write(&no_repo, Some(&git_config("", "", None)), "argocd").unwrap_err();
    assert!(
        format!("{error:#}").contains("no git repository"),
        "{error:#}"
    );
}

fn image(targets: Option<ManifestTarget>) -> TargetImage {
    TargetImage {
        alias: Some("web".to_owned()),
        image_name: "ghcr.io/org/web:~1".to_owned(),
        settings: UpdateSettings::default(),
        manifest_target: targets,
        verification: None,
        error: None,
    }
}

#[test]
fn images_are_written_by_type_unless_they_name_plugin_targets() {
    assert!(matches!(
        spec_target(&image(None), SourceType::Helm).unwrap(),
        SpecTarget::Helm(_)
    ));
    assert!(matches!(
        spec_target(&image(None), SourceType::Kustomize).unwrap(),
        SpecTarget::Kustomize { name: None }
    ));
    let plugin = ManifestTarget {
        plugin: Some(PluginTarget {
            name: None,
            tag: None,
            spec: Some("IMAGE".to_owned()),
        }),
        ..ManifestTarget::default()
    };
    assert!(matches!(
        spec_target(&image(Some(plugin)), SourceType::Helm).unwrap(),
        SpecTarget::Plugin(_)
    ));
    let error = spec_target(&image(None), SourceType::Plugin).unwrap_err();
    assert!(
        error.to_string().contains("manifestTargets.plugin"),
        "{error}"
    );
}
