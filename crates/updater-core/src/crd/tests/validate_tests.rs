//! One test per validation rule: the error names the offending value and its path.

use super::super::*;
use crate::writeback::WriteBackError;

fn image(alias: &str, name: &str) -> ImageConfig {
    ImageConfig {
        alias: alias.into(),
        image_name: name.into(),
        ..ImageConfig::default()
    }
}

fn app_ref(pattern: &str, images: Vec<ImageConfig>) -> ApplicationRef {
    ApplicationRef {
        name_pattern: pattern.into(),
        images,
        ..ApplicationRef::default()
    }
}

fn spec_with(refs: Vec<ApplicationRef>) -> ImageUpdaterSpec {
    ImageUpdaterSpec {
        application_refs: refs,
        ..ImageUpdaterSpec::default()
    }
}

fn valid_ref() -> ApplicationRef {
    app_ref("app-*", vec![image("web", "nginx")])
}

/// Validates and returns the errors with their full text (message and source).
fn errors_of(spec: &ImageUpdaterSpec) -> Vec<(CrdError, String)> {
    let Err(errors) = spec.validate() else {
        return Vec::new();
    };
    errors
        .errors
        .into_iter()
        .map(|e| {
            let text = e.to_string();
            (e, text)
        })
        .collect()
}

/// Asserts exactly one error, whose text names `path` and `value`.
fn single_error(spec: &ImageUpdaterSpec, path: &str, value: &str) -> CrdError {
    let mut errors = errors_of(spec);
    assert_eq!(errors.len(), 1, "{errors:?}");
    let (error, text) = errors.remove(0);
    assert!(
        text.contains(&format!("`{path}`")),
        "path {path} not in: {text}"
    );
    assert!(text.contains(value), "value {value} not in: {text}");
    error
}

fn with_image(img: ImageConfig) -> ImageUpdaterSpec {
    spec_with(vec![app_ref("app", vec![img])])
}

fn with_ref_write_back(wbc: WriteBackConfig) -> ImageUpdaterSpec {
    spec_with(vec![ApplicationRef {
        write_back_config: Some(wbc),
        ..valid_ref()
    }])
}

fn git(config: GitConfig) -> WriteBackConfig {
    WriteBackConfig {
        method: Some("git".into()),
        git_config: Some(config),
    }
}

fn github_pr(labels: Option<Vec<String>>) -> PullRequest {
    PullRequest {
        github: Some(GitHubPullRequest {}),
        gitlab: None,
        labels,
    }
}

#[test]
fn valid_minimal_spec_passes() {
    assert!(spec_with(vec![valid_ref()]).validate().is_ok());
}

#[test]
fn empty_application_refs_is_an_error() {
    let error = single_error(&spec_with(vec![]), "spec.applicationRefs", "at least one");
    assert!(matches!(error, CrdError::NoApplicationRefs { .. }));
}

#[test]
fn duplicate_name_pattern_is_an_error() {
    let spec = spec_with(vec![valid_ref(), valid_ref()]);
    let error = single_error(&spec, "spec.applicationRefs[1].namePattern", "`app-*`");
    assert!(matches!(error, CrdError::DuplicateNamePattern { .. }));
}

#[test]
fn malformed_name_pattern_is_an_error_with_injected_checker() {
    let spec = spec_with(vec![app_ref("app-[", vec![image("web", "nginx")])]);
    let error = single_error(&spec, "spec.applicationRefs[0].namePattern", "`app-[`");
    assert!(matches!(error, CrdError::BadNamePattern { .. }));
}

#[test]
fn ref_without_images_is_an_error_unless_use_annotations() {
    let spec = spec_with(vec![app_ref("a", vec![])]);
    let error = single_error(&spec, "spec.applicationRefs[0].images", "useAnnotations");
    assert!(matches!(error, CrdError::NoImages { .. }));
    let annotated = spec_with(vec![ApplicationRef {
        use_annotations: Some(true),
        ..app_ref("a", vec![])
    }]);
    assert!(errors_of(&annotated).is_empty());
}

#[test]
fn alias_with_slash_is_an_error_naming_the_alias() {
    let error = single_error(
        &with_image(image("argoproj/argocd", "quay.io/argoproj/argocd")),
        "spec.applicationRefs[0].images[0].alias",
        "`argoproj/argocd`",
    );
    assert!(matches!(error, CrdError::BadAlias { .. }));
}

#[test]
fn alias_pattern_edges() {
    for bad in ["", "-web", ".web", "_web", "web app", "wéb"] {
        let errors = errors_of(&with_image(image(bad, "nginx")));
        assert!(
            matches!(errors.as_slice(), [(CrdError::BadAlias { alias, .. }, _)] if alias == bad),
            "{bad:?}: {errors:?}"
        );
    }
    for good in ["w", "0", "web-1.2_x", "A.b-C_d"] {
        assert!(
            errors_of(&with_image(image(good, "nginx"))).is_empty(),
            "{good}"
        );
    }
}

#[test]
fn duplicate_alias_within_a_ref_is_an_error() {
    let spec = spec_with(vec![app_ref(
        "a",
        vec![
            image("web", "nginx"),
            image("db", "pg"),
            image("web", "httpd"),
        ],
    )]);
    let error = single_error(&spec, "spec.applicationRefs[0].images[2].alias", "`web`");
    assert!(matches!(error, CrdError::DuplicateAlias { .. }));
}

#[test]
fn same_alias_in_different_refs_is_fine() {
    let spec = spec_with(vec![valid_ref(), app_ref("other", vec![image("web", "x")])]);
    assert!(errors_of(&spec).is_empty());
}

#[test]
fn empty_image_name_is_an_error() {
    let error = single_error(
        &with_image(image("web", "  ")),
        "spec.applicationRefs[0].images[0].imageName",
        "must not be empty",
    );
    assert!(matches!(error, CrdError::EmptyImageName { .. }));
}

fn with_targets(targets: ManifestTarget) -> ImageUpdaterSpec {
    with_image(ImageConfig {
        manifest_targets: Some(targets),
        ..image("web", "nginx")
    })
}

#[test]
fn manifest_targets_must_set_exactly_one() {
    let path = "spec.applicationRefs[0].images[0].manifestTargets";
    let none = single_error(&with_targets(ManifestTarget::default()), path, "found 0");
    assert!(matches!(
        none,
        CrdError::ManifestTargetCount { count: 0, .. }
    ));
    let two = ManifestTarget {
        helm: Some(HelmTarget::default()),
        kustomize: Some(KustomizeTarget {
            name: Some("web".into()),
        }),
        plugin: None,
    };
    let error = single_error(&with_targets(two), path, "found 2");
    assert!(matches!(
        error,
        CrdError::ManifestTargetCount { count: 2, .. }
    ));
}

#[test]
fn kustomize_target_requires_name() {
    let targets = ManifestTarget {
        kustomize: Some(KustomizeTarget { name: None }),
        ..ManifestTarget::default()
    };
    let error = single_error(
        &with_targets(targets),
        "spec.applicationRefs[0].images[0].manifestTargets.kustomize.name",
        "is required",
    );
    assert!(matches!(error, CrdError::MissingKustomizeName { .. }));
}

fn plugin(name: Option<&str>, tag: Option<&str>, spec: Option<&str>) -> ManifestTarget {
    ManifestTarget {
        plugin: Some(PluginTarget {
            name: name.map(str::to_owned),
            tag: tag.map(str::to_owned),
            spec: spec.map(str::to_owned),
        }),
        ..ManifestTarget::default()
    }
}

#[test]
fn plugin_target_requires_name_or_spec() {
    let error = single_error(
        &with_targets(plugin(None, Some("TAG"), None)),
        "spec.applicationRefs[0].images[0].manifestTargets.plugin",
        "spec or name",
    );
    assert!(matches!(error, CrdError::PluginWithoutNameOrSpec { .. }));
    assert!(errors_of(&with_targets(plugin(None, None, Some("IMAGE")))).is_empty());
    assert!(errors_of(&with_targets(plugin(Some("NAME"), None, None))).is_empty());
}

#[test]
fn plugin_fields_must_be_1_to_253_chars() {
    let long = "X".repeat(254);
    let error = single_error(
        &with_targets(plugin(Some("NAME"), Some(&long), None)),
        "spec.applicationRefs[0].images[0].manifestTargets.plugin.tag",
        &long,
    );
    assert!(matches!(
        error,
        CrdError::PluginFieldLength { len: 254, .. }
    ));
    let error = single_error(
        &with_targets(plugin(None, None, Some(""))),
        "spec.applicationRefs[0].images[0].manifestTargets.plugin.spec",
        "has 0",
    );
    assert!(matches!(error, CrdError::PluginFieldLength { len: 0, .. }));
    let max = "Y".repeat(253);
    assert!(errors_of(&with_targets(plugin(Some(&max), None, None))).is_empty());
}

#[test]
fn write_back_method_must_match_schema_pattern() {
    for bad in ["kubectl", "git:", "git:-x", "git:a b", " git", "argocd:x"] {
        let wbc = WriteBackConfig {
            method: Some(bad.into()),
            git_config: None,
        };
        let error = single_error(
            &with_ref_write_back(wbc),
            "spec.applicationRefs[0].writeBackConfig.method",
            &format!("`{bad}`"),
        );
        assert!(
            matches!(error, CrdError::BadWriteBackMethod { .. }),
            "{bad}"
        );
    }
    for good in [
        "argocd",
        "git",
        "git:repocreds",
        "git:secret:ns/name",
        "git:a.b-c_d:e",
    ] {
        let wbc = WriteBackConfig {
            method: Some(good.into()),
            git_config: None,
        };
        assert!(errors_of(&with_ref_write_back(wbc)).is_empty(), "{good}");
    }
}

#[test]
fn global_write_back_method_is_checked_with_its_path() {
    let spec = ImageUpdaterSpec {
        write_back_config: Some(WriteBackConfig {
            method: Some("svn".into()),
            git_config: None,
        }),
        ..spec_with(vec![valid_ref()])
    };
    single_error(&spec, "spec.writeBackConfig.method", "`svn`");
}

#[test]
fn branch_with_two_colons_is_an_error() {
    let wbc = git(GitConfig {
        branch: Some("a:b:c".into()),
        ..GitConfig::default()
    });
    let error = single_error(
        &with_ref_write_back(wbc),
        "spec.applicationRefs[0].writeBackConfig.gitConfig.branch",
        "`a:b:c`",
    );
    assert!(matches!(
        error,
        CrdError::BadBranch {
            source: WriteBackError::BranchTooManyColons { .. },
            ..
        }
    ));
}

#[test]
fn branch_with_colon_and_pull_request_is_an_error() {
    let wbc = git(GitConfig {
        branch: Some("main:update".into()),
        pull_request: Some(github_pr(None)),
        ..GitConfig::default()
    });
    let error = single_error(
        &with_ref_write_back(wbc),
        "spec.applicationRefs[0].writeBackConfig.gitConfig.branch",
        "`main:update`",
    );
    assert!(matches!(
        error,
        CrdError::BadBranch {
            source: WriteBackError::BranchWriteWithPullRequest { .. },
            ..
        }
    ));
}

#[test]
fn bare_kustomization_file_target_is_an_error() {
    let wbc = git(GitConfig {
        write_back_target: Some("overlays/kustomization.yaml".into()),
        ..GitConfig::default()
    });
    let error = single_error(
        &with_ref_write_back(wbc),
        "spec.applicationRefs[0].writeBackConfig.gitConfig.writeBackTarget",
        "`overlays/kustomization.yaml`",
    );
    assert!(matches!(error, CrdError::BadWriteBackTarget { .. }));
}

#[test]
fn pull_request_needs_exactly_one_provider() {
    let path = "spec.applicationRefs[0].writeBackConfig.gitConfig.pullRequest";
    let neither = git(GitConfig {
        pull_request: Some(PullRequest::default()),
        ..GitConfig::default()
    });
    let error = single_error(&with_ref_write_back(neither), path, "found 0");
    assert!(matches!(
        error,
        CrdError::PullRequestProviderCount { count: 0, .. }
    ));
    let both = git(GitConfig {
        pull_request: Some(PullRequest {
            github: Some(GitHubPullRequest {}),
            gitlab: Some(GitLabPullRequest {}),
            labels: None,
        }),
        ..GitConfig::default()
    });
    let error = single_error(&with_ref_write_back(both), path, "found 2");
    assert!(matches!(
        error,
        CrdError::PullRequestProviderCount { count: 2, .. }
    ));
}

#[test]
fn more_than_100_labels_is_an_error() {
    let labels: Vec<String> = (0..101).map(|i| format!("l{i}")).collect();
    let wbc = git(GitConfig {
        pull_request: Some(github_pr(Some(labels.clone()))),
        ..GitConfig::default()
    });
    let error = single_error(
        &with_ref_write_back(wbc),
        "spec.applicationRefs[0].writeBackConfig.gitConfig.pullRequest.labels",
        "101 labels",
    );
    assert!(matches!(error, CrdError::TooManyLabels { count: 101, .. }));
    let hundred = git(GitConfig {
        pull_request: Some(github_pr(Some(labels[..100].to_vec()))),
        ..GitConfig::default()
    });
    assert!(errors_of(&with_ref_write_back(hundred)).is_empty());
}

#[test]
fn label_length_must_be_1_to_255() {
    let long = "l".repeat(256);
    let wbc = git(GitConfig {
        pull_request: Some(github_pr(Some(vec![
            "ok".into(),
            String::new(),
            long.clone(),
        ]))),
        ..GitConfig::default()
    });
    let errors = errors_of(&with_ref_write_back(wbc));
    let path = "spec.applicationRefs[0].writeBackConfig.gitConfig.pullRequest.labels";
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(errors[0].1.contains(&format!("`{path}[1]`")) && errors[0].1.contains("``"));
    assert!(errors[1].1.contains(&format!("`{path}[2]`")) && errors[1].1.contains(&long));
    assert!(
        errors
            .iter()
            .all(|(e, _)| matches!(e, CrdError::BadLabelLength { .. }))
    );
}

#[test]
fn enabled_verification_requires_cosign_key_at_every_level() {
    let block = || {
        Some(ImagesVerification {
            enabled: None,
            cosign_key: None,
        })
    };
    let spec = ImageUpdaterSpec {
        images_verification: block(),
        ..spec_with(vec![ApplicationRef {
            images_verification: block(),
            ..app_ref(
                "a",
                vec![ImageConfig {
                    images_verification: block(),
                    ..image("web", "nginx")
                }],
            )
        }])
    };
    let texts: Vec<String> = errors_of(&spec).into_iter().map(|(_, t)| t).collect();
    assert_eq!(
        texts,
        [
            "`spec.applicationRefs[0].images[0].imagesVerification.cosignKey` is required when verification is enabled",
            "`spec.applicationRefs[0].imagesVerification.cosignKey` is required when verification is enabled",
            "`spec.imagesVerification.cosignKey` is required when verification is enabled",
        ]
    );
}

#[test]
fn disabled_verification_needs_no_key() {
    let spec = ImageUpdaterSpec {
        images_verification: Some(ImagesVerification {
            enabled: Some(false),
            cosign_key: None,
        }),
        ..spec_with(vec![valid_ref()])
    };
    assert!(errors_of(&spec).is_empty());
}

#[test]
fn all_errors_are_collected_and_displayed_together() {
    let spec = spec_with(vec![
        app_ref("a", vec![image("x/y", ""), image("x/y", "n")]),
        app_ref("a", vec![]),
    ]);
    let err = spec.validate().unwrap_err();
    assert_eq!(err.errors.len(), 6, "{err}");
    let text = err.to_string();
    assert!(
        text.starts_with("invalid ImageUpdater (6 error(s)); "),
        "{text}"
    );
    assert!(text.contains("spec.applicationRefs[1].images"), "{text}");
}

/// The real `filter::glob_match` syntax check rejects an unclosed class.
#[test]
fn validate_glob_rejects_unclosed_bracket() {
    let spec = spec_with(vec![app_ref("app-[a", vec![image("web", "nginx")])]);
    let errors = spec.validate().unwrap_err().errors;
    assert!(
        matches!(errors.as_slice(), [CrdError::BadNamePattern { pattern, .. }] if pattern == "app-[a")
    );
    assert!(spec_with(vec![valid_ref()]).validate().is_ok());
}
