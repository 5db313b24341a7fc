//! The v1 ref walk of spec §3.11 over realistic ImageUpdaters and sets of apps.

use super::*;
use crate::annotations::AnnotationError;
use crate::crd::ImagesVerification;
use crate::writeback::WriteBackError;

/// Several refs of different specificity, global settings, one broken ref and one without
/// images (the CEL rule would reject it, but discovery must cope with unvalidated input).
const PLATFORM: &str = r#"
apiVersion: argocd-image-updater.argoproj.io/v1alpha1
kind: ImageUpdater
metadata:
  name: platform
  namespace: argocd
spec:
  commonUpdateSettings:
    updateStrategy: semver
    ignoreTags: ["latest"]
    pullSecret: pullsecret:argocd/ghcr
  writeBackConfig:
    method: git:secret:argocd/git-creds
    gitConfig:
      repository: https://git.example.com/deploy.git
      branch: main
  imagesVerification:
    cosignKey:
      secretName: cosign
      key: cosign.pub
  applicationRefs:
    - namePattern: "*"
      images:
        - alias: app
          imageName: ghcr.io/example/app:1.x
    - namePattern: "web-*"
      commonUpdateSettings:
        updateStrategy: digest
        ignoreTags: []
      writeBackConfig:
        gitConfig:
          writeBackTarget: helmvalues:values-staging.yaml
      images:
        - alias: web
          imageName: ghcr.io/example/web:main
          commonUpdateSettings:
            pullSecret: secret:argocd/registry#creds
          manifestTargets:
            helm:
              name: image.repository
              tag: image.tag
        - alias: proxy
          imageName: docker.io/envoyproxy/envoy:~1.30
          commonUpdateSettings:
            pullSecret: pullsecret:kube-system/dockerhub
          imagesVerification:
            enabled: false
    - namePattern: "web-prod-*"
      labelSelectors:
        matchLabels:
          env: prod
      writeBackConfig:
        method: argocd
      images:
        - alias: web
          imageName: ghcr.io/example/web:^2.0
          commonUpdateSettings:
            allowTags: "regexp:^2\\."
            platforms: [linux/amd64]
    - namePattern: web-frontend
      useAnnotations: true
      imagesVerification:
        enabled: false
    - namePattern: "legacy-[a-m]*"
      writeBackConfig:
        gitConfig:
          branch: "main:a:b"
      images:
        - alias: legacy
          imageName: quay.io/example/legacy
    - namePattern: "empty-*"
"#;

fn platform_apps() -> Vec<AppMeta> {
    vec![
        app(
            "argocd",
            "web-frontend",
            &[("env", "prod")],
            &[
                ("image-list", "fe=ghcr.io/example/frontend:~3, nginx"),
                ("fe.update-strategy", "newest-build"),
                ("fe.helm.image-spec", "frontend.image"),
                ("force-update", "true"),
            ],
        ),
        app("argocd", "web-prod-eu", &[("env", "prod")], &[]),
        app("argocd", "web-prod-us", &[("env", "canary")], &[]),
        app("argocd", "legacy-billing", &[], &[]),
        app("argocd", "empty-box", &[], &[]),
        app("argocd", "zeta", &[], &[]),
        app("team-a", "web-frontend", &[("env", "prod")], &[]),
        app("team-a", "anything", &[], &[]),
    ]
}

fn platform_selection() -> Selection {
    select_targets(&updater(PLATFORM), &platform_apps()).expect("selection runs")
}

fn strs(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

#[test]
fn realistic_selection_snapshot() {
    insta::assert_debug_snapshot!(platform_selection());
}

#[test]
fn each_app_gets_its_most_specific_working_ref() {
    let selection = platform_selection();
    let expected = [
        ("web-frontend", "web-frontend"),
        ("web-prod-eu", "web-prod-*"),
        ("web-prod-us", "web-*"),
        ("legacy-billing", "*"),
        ("zeta", "*"),
    ];
    let expected: Vec<_> = expected
        .iter()
        .map(|(app, pattern)| ((*app).to_owned(), Some((*pattern).to_owned())))
        .collect();
    assert_eq!(picks(&selection), expected);
    assert!(
        selection
            .targets
            .iter()
            .all(|t| t.app.namespace == "argocd")
    );
}

#[test]
fn merge_chain_global_then_ref_then_image() {
    let selection = platform_selection();
    let web = &target(&selection, "web-prod-us").images[0];
    assert_eq!(web.alias.as_deref(), Some("web"));
    assert_eq!(web.image_name, "ghcr.io/example/web:main");
    assert_eq!(web.settings.update_strategy.as_deref(), Some("digest"));
    // The ref's empty list overrides the global one.
    assert_eq!(web.settings.ignore_tags, Some(vec![]));
    assert_eq!(
        web.settings.pull_secret.as_deref(),
        Some("secret:argocd/registry#creds")
    );
    assert_eq!(web.error, None);

    let prod = &target(&selection, "web-prod-eu").images[0];
    assert_eq!(prod.settings.update_strategy.as_deref(), Some("semver"));
    assert_eq!(prod.settings.ignore_tags, Some(strs(&["latest"])));
    assert_eq!(prod.settings.allow_tags.as_deref(), Some("regexp:^2\\."));
    assert_eq!(prod.settings.platforms, Some(strs(&["linux/amd64"])));
    assert_eq!(
        prod.settings.pull_secret.as_deref(),
        Some("pullsecret:argocd/ghcr")
    );
}

#[test]
fn write_back_and_verification_are_merged_per_level() {
    let selection = platform_selection();
    let web = target(&selection, "web-prod-us");
    let write_back = web.write_back.as_ref().expect("write-back");
    assert_eq!(
        write_back.method.as_deref(),
        Some("git:secret:argocd/git-creds")
    );
    let git = write_back.git_config.as_ref().expect("git config");
    assert_eq!(git.branch.as_deref(), Some("main"));
    assert_eq!(
        git.write_back_target.as_deref(),
        Some("helmvalues:values-staging.yaml")
    );
    let verified = web.images[0].verification.as_ref().expect("verification");
    assert!(verified.is_enabled());
    assert_eq!(
        web.images[1]
            .verification
            .as_ref()
            .map(ImagesVerification::is_enabled),
        Some(false)
    );
    let prod = target(&selection, "web-prod-eu");
    assert_eq!(
        prod.write_back.as_ref().and_then(|w| w.method.as_deref()),
        Some("argocd")
    );
}

#[test]
fn use_annotations_ignores_global_settings_and_write_back() {
    let selection = platform_selection();
    let frontend = target(&selection, "web-frontend");
    assert!(frontend.annotation_mode);
    assert_eq!(frontend.write_back, None);
    let fe = &frontend.images[0];
    assert_eq!(fe.alias.as_deref(), Some("fe"));
    assert_eq!(fe.image_name, "ghcr.io/example/frontend:~3");
    assert_eq!(fe.settings.update_strategy.as_deref(), Some("newest-build"));
    assert_eq!(fe.settings.force_update, Some(true));
    assert_eq!(fe.settings.ignore_tags, None);
    assert_eq!(fe.settings.pull_secret, None);
    assert!(
        fe.manifest_target
            .as_ref()
            .and_then(|m| m.helm.as_ref())
            .is_some()
    );
    let nginx = &frontend.images[1];
    assert_eq!(
        (nginx.alias.as_deref(), nginx.image_name.as_str()),
        (None, "nginx")
    );
    assert_eq!(nginx.settings.force_update, Some(true));
    // Only the ref-level verification applies, not the global cosign block.
    let verification = ImagesVerification {
        enabled: Some(false),
        cosign_key: None,
    };
    assert!(
        frontend
            .images
            .iter()
            .all(|i| i.verification.as_ref() == Some(&verification))
    );
}

#[test]
fn ref_config_error_falls_through_to_the_next_ref() {
    let selection = platform_selection();
    assert_eq!(
        target(&selection, "legacy-billing").from_ref.as_deref(),
        Some("*")
    );
    let skipped: Vec<_> = selection
        .warnings
        .iter()
        .filter_map(|w| match w {
            DiscoverWarning::RefSkipped {
                app,
                name_pattern,
                source,
            } => Some((app.to_string(), name_pattern.as_str(), source)),
            _ => None,
        })
        .collect();
    assert_eq!(skipped.len(), 1, "{:#?}", selection.warnings);
    let (app, pattern, source) = &skipped[0];
    assert_eq!(
        (app.as_str(), *pattern),
        ("argocd/legacy-billing", "legacy-[a-m]*")
    );
    assert!(matches!(
        source,
        ConfigError::GitBranch { branch, source: WriteBackError::BranchTooManyColons { .. } }
            if branch == "main:a:b"
    ));
    assert_eq!(
        selection.warnings[0].to_string(),
        "skipping applicationRef `legacy-[a-m]*` for application `argocd/legacy-billing`"
    );
}

#[test]
fn apps_with_zero_images_are_dropped_without_trying_other_refs() {
    let selection = platform_selection();
    assert!(selection.targets.iter().all(|t| t.app.name != "empty-box"));
    assert!(selection.targets.iter().all(|t| !t.images.is_empty()));
}

#[test]
fn apps_of_other_namespaces_are_ignored() {
    let selection = platform_selection();
    assert!(
        selection
            .targets
            .iter()
            .all(|t| t.app.namespace == "argocd")
    );
    assert!(selection.targets.iter().all(|t| t.app.name != "anything"));
    let only_foreign = [app("team-a", "zeta", &[], &[])];
    let empty = select_targets(&updater(PLATFORM), &only_foreign).unwrap();
    assert_eq!(empty, Selection::default());
}

#[test]
fn foreign_pull_secret_marks_only_that_image() {
    let selection = platform_selection();
    let web = target(&selection, "web-prod-us");
    assert_eq!(web.images.len(), 2);
    assert_eq!(web.images[0].error, None);
    let error = web.images[1]
        .error
        .as_ref()
        .expect("proxy image is an error");
    assert_eq!(
        error,
        &CredentialError::ForeignNamespace {
            reference: "pullsecret:kube-system/dockerhub".into(),
            namespace: "kube-system".into(),
            app_namespace: "argocd".into(),
        }
    );
    let usable: Vec<_> = web.usable_images().map(|i| i.image_name.as_str()).collect();
    assert_eq!(usable, ["ghcr.io/example/web:main"]);
}

const SECRETS: &str = r#"
apiVersion: argocd-image-updater.argoproj.io/v1alpha1
kind: ImageUpdater
metadata: {name: secrets, namespace: apps}
spec:
  applicationRefs:
    - namePattern: "*"
      images:
        - {alias: a, imageName: a, commonUpdateSettings: {pullSecret: "secret:other/creds#auth"}}
        - {alias: b, imageName: b, commonUpdateSettings: {pullSecret: " pullsecret:apps/ok "}}
        - {alias: c, imageName: c, commonUpdateSettings: {pullSecret: "env:REGISTRY_CREDS"}}
        - {alias: d, imageName: d, commonUpdateSettings: {pullSecret: "ext:/bin/creds"}}
        - {alias: e, imageName: e, commonUpdateSettings: {pullSecret: "registry.io=SECRET:other/x#f"}}
        - {alias: f, imageName: f, commonUpdateSettings: {pullSecret: "not a reference"}}
"#;

#[test]
fn pull_secret_namespace_rule_covers_pullsecret_and_secret_only() {
    let selection = select_targets(&updater(SECRETS), &[app("apps", "x", &[], &[])]).unwrap();
    let flagged: Vec<_> = selection.targets[0]
        .images
        .iter()
        .map(|i| (i.image_name.as_str(), i.error.is_some()))
        .collect();
    // Unparsable references are left for policy resolution to report.
    let expected = [
        ("a", true),
        ("b", false),
        ("c", false),
        ("d", false),
        ("e", true),
        ("f", false),
    ];
    assert_eq!(flagged, expected);
}

#[test]
fn annotation_pull_secret_follows_the_namespace_rule() {
    let yaml = r#"
apiVersion: argocd-image-updater.argoproj.io/v1alpha1
kind: ImageUpdater
metadata: {name: u, namespace: apps}
spec:
  applicationRefs:
    - {namePattern: "*", useAnnotations: true}
"#;
    let annotations = [
        ("image-list", "a=img-a, b=img-b"),
        ("pull-secret", "pullsecret:apps/default"),
        ("b.pull-secret", "pullsecret:other/secret"),
    ];
    let selection = select_targets(&updater(yaml), &[app("apps", "x", &[], &annotations)]).unwrap();
    let errors: Vec<_> = selection.targets[0]
        .images
        .iter()
        .map(|i| i.error.is_some())
        .collect();
    assert_eq!(errors, [false, true]);
}

const FALL_THROUGH: &str = r#"
apiVersion: argocd-image-updater.argoproj.io/v1alpha1
kind: ImageUpdater
metadata: {name: u, namespace: apps}
spec:
  writeBackConfig:
    method: git
    gitConfig: {branch: "main"}
  applicationRefs:
    - namePattern: "*"
      writeBackConfig: {method: argocd, gitConfig: {branch: "a:b:c"}}
      images: [{alias: fallback, imageName: fallback}]
    - namePattern: "annotated"
      useAnnotations: true
    - namePattern: "bad-method"
      writeBackConfig: {method: svn}
      images: [{alias: x, imageName: x}]
    - namePattern: "foreign-git"
      writeBackConfig: {method: "git:secret:elsewhere/creds"}
      images: [{alias: x, imageName: x}]
    - namePattern: "kustomization-file"
      writeBackConfig: {gitConfig: {writeBackTarget: overlays/prod/kustomization.yaml}}
      images: [{alias: x, imageName: x}]
    - namePattern: "pr-with-write-branch"
      writeBackConfig: {gitConfig: {branch: "main:update-{{.SHA256}}", pullRequest: {github: {}}}}
      images: [{alias: x, imageName: x}]
    - namePattern: "own-git-secret"
      writeBackConfig: {method: "git:secret:apps/creds"}
      images: [{alias: own, imageName: own}]
"#;

fn fall_through(app_meta: AppMeta) -> (Option<String>, Vec<ConfigError>) {
    let selection = select_targets(&updater(FALL_THROUGH), &[app_meta]).unwrap();
    let from = selection.targets.first().and_then(|t| t.from_ref.clone());
    let errors = selection
        .warnings
        .into_iter()
        .map(|w| match w {
            DiscoverWarning::RefSkipped { source, .. } => source,
            other => panic!("unexpected warning {other:?}"),
        })
        .collect();
    (from, errors)
}

#[test]
fn every_kind_of_config_error_falls_through() {
    let annotated = app(
        "apps",
        "annotated",
        &[],
        &[("image-list", "x"), ("force-update", "yes")],
    );
    let (from, errors) = fall_through(annotated);
    assert_eq!(from.as_deref(), Some("*"));
    assert!(matches!(
        &errors[..],
        [ConfigError::Annotations { source: AnnotationError::InvalidBool { value, .. } }] if value == "yes"
    ));

    let (from, errors) = fall_through(app("apps", "bad-method", &[], &[]));
    assert_eq!(from.as_deref(), Some("*"));
    assert!(matches!(
        &errors[..],
        [ConfigError::WriteBackMethod {
            source: WriteBackError::InvalidMethod { .. },
            ..
        }]
    ));

    let (_, errors) = fall_through(app("apps", "foreign-git", &[], &[]));
    assert!(matches!(
        &errors[..],
        [ConfigError::WriteBackMethod {
            source: WriteBackError::SecretNamespaceMismatch { .. },
            ..
        }]
    ));

    let (_, errors) = fall_through(app("apps", "kustomization-file", &[], &[]));
    assert!(matches!(
        &errors[..],
        [ConfigError::WriteBackTarget {
            source: WriteBackError::KustomizationFileTarget { .. },
            ..
        }]
    ));

    let (_, errors) = fall_through(app("apps", "pr-with-write-branch", &[], &[]));
    assert!(matches!(
        &errors[..],
        [ConfigError::GitBranch {
            source: WriteBackError::BranchWriteWithPullRequest { .. },
            ..
        }]
    ));
}

#[test]
fn git_settings_are_not_checked_for_the_argocd_method() {
    // The catch-all ref has a broken branch but the argocd method, which never reads it.
    let (from, errors) = fall_through(app("apps", "plain", &[], &[]));
    assert_eq!((from.as_deref(), errors), (Some("*"), vec![]));
}

#[test]
fn git_secret_in_the_app_namespace_is_accepted() {
    let (from, errors) = fall_through(app("apps", "own-git-secret", &[], &[]));
    assert_eq!((from.as_deref(), errors), (Some("own-git-secret"), vec![]));
}

#[test]
fn an_app_whose_every_ref_fails_is_not_selected() {
    let yaml = r#"
apiVersion: argocd-image-updater.argoproj.io/v1alpha1
kind: ImageUpdater
metadata: {name: u, namespace: apps}
spec:
  applicationRefs:
    - {namePattern: "a*", useAnnotations: true}
    - {namePattern: "*", useAnnotations: true}
"#;
    let selection = select_targets(&updater(yaml), &[app("apps", "abc", &[], &[])]).unwrap();
    assert!(selection.targets.is_empty());
    let patterns: Vec<_> = selection
        .warnings
        .iter()
        .map(|w| match w {
            DiscoverWarning::RefSkipped {
                name_pattern,
                source,
                ..
            } => {
                assert!(matches!(
                    source,
                    ConfigError::Annotations {
                        source: AnnotationError::ImageListMissing
                    }
                ));
                name_pattern.as_str()
            }
            other => panic!("unexpected warning {other:?}"),
        })
        .collect();
    assert_eq!(patterns, ["a*", "*"]);
}

const ORDER: &str = r#"
apiVersion: argocd-image-updater.argoproj.io/v1alpha1
kind: ImageUpdater
metadata: {name: order, namespace: apps}
spec:
  applicationRefs:
    - {namePattern: "a?", images: [{alias: x, imageName: x}]}
    - {namePattern: "?a", images: [{alias: x, imageName: x}]}
    - {namePattern: "web-*", images: [{alias: x, imageName: x}]}
    - namePattern: "*-eu"
      labelSelectors: {matchLabels: {region: eu}}
      images: [{alias: x, imageName: x}]
    - namePattern: "*"
      labelSelectors:
        matchExpressions:
          - {key: tier, operator: In, values: [frontend]}
          - {key: frozen, operator: DoesNotExist}
      images: [{alias: x, imageName: x}]
    - {namePattern: "[wx]eb-main", images: [{alias: x, imageName: x}]}
    - {namePattern: "web-main", images: [{alias: x, imageName: x}]}
"#;

#[test]
fn specificity_orders_the_refs() {
    let apps = [
        app(
            "apps",
            "web-main",
            &[("region", "eu"), ("tier", "frontend")],
            &[],
        ),
        app("apps", "web-eu", &[("region", "eu")], &[]),
        app("apps", "web-us", &[("tier", "frontend")], &[]),
        app(
            "apps",
            "api-eu",
            &[("region", "eu"), ("tier", "frontend")],
            &[],
        ),
        app(
            "apps",
            "web-ch",
            &[("tier", "frontend"), ("frozen", "1")],
            &[],
        ),
        app("apps", "aa", &[], &[]),
        app("apps", "xeb-main", &[], &[]),
    ];
    let selection = select_targets(&updater(ORDER), &apps).unwrap();
    let expected = [
        // Exact name beats everything, selectors included.
        ("web-main", "web-main"),
        // A selector (10 000 + 100 per entry) beats a longer glob without one.
        ("web-eu", "*-eu"),
        // A selector on `*` beats a name glob without one.
        ("web-us", "*"),
        // Two expressions (10 200) outscore one label plus three literals (10 103).
        ("api-eu", "*"),
        // A selector that does not match is passed over.
        ("web-ch", "web-*"),
        // Equal scores keep document order (a stable sort).
        ("aa", "a?"),
        ("xeb-main", "[wx]eb-main"),
    ];
    let expected: Vec<_> = expected
        .iter()
        .map(|(a, p)| ((*a).to_owned(), Some((*p).to_owned())))
        .collect();
    assert_eq!(picks(&selection), expected);
}

#[test]
fn invalid_selector_matches_nothing_and_is_reported_once() {
    let yaml = r#"
apiVersion: argocd-image-updater.argoproj.io/v1alpha1
kind: ImageUpdater
metadata: {name: u, namespace: apps}
spec:
  applicationRefs:
    - namePattern: "*"
      labelSelectors:
        matchExpressions: [{key: env, operator: Equals, values: [prod]}]
      images: [{alias: strict, imageName: strict}]
    - {namePattern: "b*", images: [{alias: loose, imageName: loose}]}
"#;
    let apps = [
        app("apps", "a", &[("env", "prod")], &[]),
        app("apps", "b", &[("env", "prod")], &[]),
    ];
    let selection = select_targets(&updater(yaml), &apps).unwrap();
    assert_eq!(picks(&selection), [("b".to_owned(), Some("b*".to_owned()))]);
    assert_eq!(selection.warnings.len(), 1);
    assert!(matches!(
        &selection.warnings[0],
        DiscoverWarning::InvalidSelector { name_pattern, source: SelectorError::UnknownOperator { .. } }
            if name_pattern == "*"
    ));
}

#[test]
fn a_malformed_pattern_fails_the_whole_run() {
    let yaml = r#"
apiVersion: argocd-image-updater.argoproj.io/v1alpha1
kind: ImageUpdater
metadata: {name: broken, namespace: apps}
spec:
  applicationRefs:
    - {namePattern: "*", images: [{alias: x, imageName: x}]}
    - {namePattern: "web-[a-", images: [{alias: x, imageName: x}]}
"#;
    let error = select_targets(&updater(yaml), &[app("apps", "zzz", &[], &[])]).unwrap_err();
    assert!(
        matches!(&error, DiscoverError::BadNamePattern { pattern, .. } if pattern == "web-[a-")
    );
    assert_eq!(
        error.to_string(),
        "invalid namePattern `web-[a-` in ImageUpdater `broken`"
    );
    // Even with no apps at all: the patterns are checked first.
    assert!(select_targets(&updater(yaml), &[]).is_err());
}

#[test]
fn an_updater_without_namespace_is_an_error() {
    let yaml = r#"
apiVersion: argocd-image-updater.argoproj.io/v1alpha1
kind: ImageUpdater
metadata: {name: nowhere}
spec:
  applicationRefs: [{namePattern: "*", images: [{alias: x, imageName: x}]}]
"#;
    let error = select_targets(&updater(yaml), &[app("", "x", &[], &[])]).unwrap_err();
    assert_eq!(
        error,
        DiscoverError::MissingNamespace {
            updater: "nowhere".into()
        }
    );
}
