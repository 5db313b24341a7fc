//! Tests of the write-back and verification merges, label normalisation and ref ordering.

use std::collections::BTreeMap;

use super::super::*;

fn strs(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

fn global_wbc() -> WriteBackConfig {
    WriteBackConfig {
        method: Some("git:secret:creds".into()),
        git_config: Some(GitConfig {
            repository: Some("https://git.example/deploy.git".into()),
            branch: Some("main".into()),
            write_back_target: Some("helmvalues".into()),
            pull_request: Some(PullRequest {
                github: Some(GitHubPullRequest {}),
                gitlab: None,
                labels: Some(strs(&["global-label"])),
            }),
        }),
    }
}

#[test]
fn write_back_absent_levels() {
    assert_eq!(merged_write_back(None, None), None);
    assert_eq!(
        merged_write_back(Some(&global_wbc()), None),
        Some(global_wbc())
    );
    assert_eq!(
        merged_write_back(None, Some(&global_wbc())),
        Some(global_wbc())
    );
}

#[test]
fn write_back_method_inherited_when_ref_method_is_none() {
    let app = WriteBackConfig::default();
    let merged = merged_write_back(Some(&global_wbc()), Some(&app)).unwrap();
    assert_eq!(merged.method.as_deref(), Some("git:secret:creds"));
    assert_eq!(merged.git_config, global_wbc().git_config);
}

#[test]
fn write_back_ref_method_wins() {
    let app = WriteBackConfig {
        method: Some("argocd".into()),
        git_config: None,
    };
    let merged = merged_write_back(Some(&global_wbc()), Some(&app)).unwrap();
    assert_eq!(merged.method.as_deref(), Some("argocd"));
}

#[test]
fn write_back_git_fields_merge_field_by_field() {
    let app = WriteBackConfig {
        method: None,
        git_config: Some(GitConfig {
            branch: Some("release:update-{{.SHA256}}".into()),
            ..GitConfig::default()
        }),
    };
    let merged = merged_write_back(Some(&global_wbc()), Some(&app)).unwrap();
    let git = merged.git_config.unwrap();
    assert_eq!(git.branch.as_deref(), Some("release:update-{{.SHA256}}"));
    assert_eq!(
        git.repository.as_deref(),
        Some("https://git.example/deploy.git")
    );
    assert_eq!(git.write_back_target.as_deref(), Some("helmvalues"));
    assert_eq!(
        git.pull_request,
        global_wbc().git_config.unwrap().pull_request
    );
}

#[test]
fn write_back_ref_git_config_alone_is_kept() {
    let global = WriteBackConfig {
        method: Some("git".into()),
        git_config: None,
    };
    let app = WriteBackConfig {
        method: None,
        git_config: Some(GitConfig {
            repository: Some("r".into()),
            ..GitConfig::default()
        }),
    };
    let merged = merged_write_back(Some(&global), Some(&app)).unwrap();
    assert_eq!(merged.method.as_deref(), Some("git"));
    assert_eq!(merged.git_config.unwrap().repository.as_deref(), Some("r"));
}

#[test]
fn write_back_pull_request_replaced_wholesale_dropping_global_labels() {
    let app = WriteBackConfig {
        method: None,
        git_config: Some(GitConfig {
            pull_request: Some(PullRequest {
                github: None,
                gitlab: Some(GitLabPullRequest {}),
                labels: None,
            }),
            ..GitConfig::default()
        }),
    };
    let merged = merged_write_back(Some(&global_wbc()), Some(&app)).unwrap();
    let pr = merged.git_config.unwrap().pull_request.unwrap();
    assert_eq!(pr.gitlab, Some(GitLabPullRequest {}));
    assert_eq!(
        pr.github, None,
        "the global github provider must not leak in"
    );
    assert_eq!(pr.labels, None, "the global labels must be dropped");
}

fn key(name: &str) -> Option<SecretRef> {
    Some(SecretRef {
        secret_name: name.into(),
        key: "cosign.pub".into(),
    })
}

#[test]
fn verification_all_absent_means_none() {
    assert_eq!(merged_verification(None, None, None), None);
}

#[test]
fn verification_merges_field_wise_in_order() {
    let global = ImagesVerification {
        enabled: Some(true),
        cosign_key: key("global"),
    };
    let app_ref = ImagesVerification {
        enabled: None,
        cosign_key: key("team"),
    };
    let image = ImagesVerification {
        enabled: Some(false),
        cosign_key: None,
    };
    let merged = merged_verification(Some(&global), Some(&app_ref), Some(&image)).unwrap();
    assert_eq!(merged.enabled, Some(false));
    assert_eq!(merged.cosign_key, key("team"));
    let no_image = merged_verification(Some(&global), Some(&app_ref), None).unwrap();
    assert_eq!(no_image.enabled, Some(true));
    assert_eq!(no_image.cosign_key, key("team"));
}

#[test]
fn verification_single_block_defaults_enabled() {
    let only_key = ImagesVerification {
        enabled: None,
        cosign_key: key("k"),
    };
    let merged = merged_verification(None, None, Some(&only_key)).unwrap();
    assert_eq!(merged, only_key);
    assert!(merged.is_enabled());
}

#[test]
fn labels_are_trimmed_deduplicated_and_ordered() {
    let labels = strs(&[" b ", "a", "", "  ", "b", "c", "a ", "c\t"]);
    assert_eq!(normalize_labels(&labels), strs(&["b", "a", "c"]));
    assert!(normalize_labels(&[]).is_empty());
}

fn pattern_ref(pattern: &str) -> ApplicationRef {
    ApplicationRef {
        name_pattern: pattern.into(),
        ..ApplicationRef::default()
    }
}

fn selector(labels: usize, expressions: usize) -> Option<LabelSelector> {
    let match_labels: BTreeMap<String, String> = (0..labels)
        .map(|i| (format!("k{i}"), "v".to_owned()))
        .collect();
    let match_expressions = (0..expressions)
        .map(|i| LabelSelectorRequirement {
            key: format!("e{i}"),
            operator: "Exists".into(),
            values: None,
        })
        .collect();
    Some(LabelSelector {
        match_labels: Some(match_labels),
        match_expressions: Some(match_expressions),
    })
}

#[test]
fn specificity_scores() {
    assert_eq!(pattern_ref("").specificity(), 1_000_000);
    assert_eq!(pattern_ref("web").specificity(), 1_000_003);
    assert_eq!(pattern_ref("web-*").specificity(), 4);
    assert_eq!(pattern_ref("*").specificity(), 0);
    assert_eq!(pattern_ref("w?b-[a-z]x*").specificity(), 4);
    assert_eq!(
        pattern_ref("app-[ab").specificity(),
        7,
        "unclosed [ counts as literal"
    );
    assert_eq!(
        pattern_ref("a]b").specificity(),
        3,
        "a stray ] is literal but not exact"
    );
}

#[test]
fn specificity_counts_label_selectors() {
    let with = |labels, exprs| ApplicationRef {
        label_selectors: selector(labels, exprs),
        ..pattern_ref("web-*")
    };
    assert_eq!(with(0, 0).specificity(), 10_004);
    assert_eq!(with(2, 1).specificity(), 10_304);
    let empty_selector = ApplicationRef {
        label_selectors: Some(LabelSelector::default()),
        ..pattern_ref("*")
    };
    assert_eq!(empty_selector.specificity(), 10_000);
}

#[test]
fn refs_sorted_descending_and_stable() {
    let refs = vec![
        pattern_ref("*"),
        pattern_ref("web-*"),
        pattern_ref("web"),
        pattern_ref("api-*"),
        ApplicationRef {
            label_selectors: selector(1, 0),
            ..pattern_ref("*")
        },
    ];
    let order: Vec<(&str, u64)> = sort_refs_by_specificity(&refs)
        .into_iter()
        .map(|r| (r.name_pattern.as_str(), r.specificity()))
        .collect();
    assert_eq!(
        order,
        [
            ("web", 1_000_003),
            ("*", 10_100),
            ("web-*", 4),
            ("api-*", 4),
            ("*", 0)
        ]
    );
}
