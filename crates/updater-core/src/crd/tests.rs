//! Tests of the `ImageUpdater` types: parsing, validation, merges and ordering.

mod merge_tests;
mod validate_tests;

use super::*;

const SAMPLE: &str = r#"
apiVersion: argocd-image-updater.argoproj.io/v1alpha1
kind: ImageUpdater
metadata:
  name: web-updater
  namespace: argocd
  generation: 3
  uid: 0b7c6f2e-1111-2222-3333-444455556666
  resourceVersion: "81234"
  labels:
    team: web
  annotations:
    note: managed by platform
spec:
  commonUpdateSettings:
    updateStrategy: semver
    ignoreTags: ["latest", "*-rc*"]
    pullSecret: pullsecret:argocd/ghcr
  writeBackConfig:
    method: git:secret:argocd/git-creds
    gitConfig:
      repository: https://github.com/example/deploy.git
      branch: main
      pullRequest:
        github: {}
        labels: [image-updater, automated]
  imagesVerification:
    enabled: false
  applicationRefs:
    - namePattern: "web-*"
      labelSelectors:
        matchLabels:
          tier: frontend
        matchExpressions:
          - key: env
            operator: In
            values: [prod, staging]
      commonUpdateSettings:
        updateStrategy: digest
        platforms: [linux/amd64, linux/arm64]
        allowDowngrade: true
      writeBackConfig:
        gitConfig:
          writeBackTarget: helmvalues:/charts/web/values-prod.yaml
      images:
        - alias: web
          imageName: ghcr.io/example/web:main
          manifestTargets:
            helm:
              name: image.repository
              tag: image.tag
        - alias: sidecar.proxy
          imageName: docker.io/envoyproxy/envoy:~1.30
          commonUpdateSettings:
            allowTags: "regexp:^v?1\\.30\\.[0-9]+$"
            forceUpdate: true
          imagesVerification:
            cosignKey:
              secretName: cosign-pub
              key: cosign.pub
    - namePattern: api
      useAnnotations: false
      writeBackConfig:
        method: git
        gitConfig:
          branch: release
          writeBackTarget: kustomization:../overlays/prod
          pullRequest:
            gitlab: {}
      images:
        - alias: api
          imageName: registry.example.com/team/api:1.x
          manifestTargets:
            kustomize:
              name: example/api
status:
  observedGeneration: 3
  lastCheckedAt: "2026-08-20T10:00:00Z"
  applicationsMatched: 2
  imagesManaged: 3
  conditions:
    - type: Ready
      status: "True"
      reason: ReconcileSucceeded
      message: Reconciled 2 applications, 0 images updated.
      lastTransitionTime: "2026-08-20T10:00:00Z"
"#;

fn sample() -> ImageUpdater {
    ImageUpdater::from_yaml(SAMPLE).unwrap()
}

#[test]
fn sample_parses_metadata() {
    let cr = sample();
    assert_eq!(cr.api_version, API_VERSION);
    assert_eq!(cr.kind, KIND);
    assert_eq!(cr.metadata.name.as_deref(), Some("web-updater"));
    assert_eq!(cr.metadata.namespace.as_deref(), Some("argocd"));
    assert_eq!(cr.metadata.generation, Some(3));
    assert_eq!(
        cr.metadata.labels.get("team").map(String::as_str),
        Some("web")
    );
    assert_eq!(
        cr.metadata.annotations.get("note").map(String::as_str),
        Some("managed by platform")
    );
}

#[test]
fn sample_parses_global_settings() {
    let spec = sample().spec;
    let settings = spec.common_update_settings.unwrap();
    assert_eq!(settings.update_strategy.as_deref(), Some("semver"));
    assert_eq!(
        settings.ignore_tags,
        Some(vec!["latest".to_owned(), "*-rc*".to_owned()])
    );
    let wbc = spec.write_back_config.unwrap();
    assert_eq!(wbc.method.as_deref(), Some("git:secret:argocd/git-creds"));
    let git = wbc.git_config.unwrap();
    assert_eq!(git.branch.as_deref(), Some("main"));
    let pr = git.pull_request.unwrap();
    assert_eq!(pr.github, Some(GitHubPullRequest {}));
    assert_eq!(pr.gitlab, None);
    assert_eq!(
        pr.labels,
        Some(vec!["image-updater".to_owned(), "automated".to_owned()])
    );
    assert_eq!(spec.images_verification.unwrap().enabled, Some(false));
}

#[test]
fn sample_parses_first_ref_with_helm_target() {
    let spec = sample().spec;
    let web = &spec.application_refs[0];
    assert_eq!(web.name_pattern, "web-*");
    let selector = web.label_selectors.as_ref().unwrap();
    assert_eq!(selector.match_labels.as_ref().unwrap().len(), 1);
    let expr = &selector.match_expressions.as_ref().unwrap()[0];
    assert_eq!((expr.key.as_str(), expr.operator.as_str()), ("env", "In"));
    assert_eq!(expr.values.as_ref().unwrap().len(), 2);
    let settings = web.common_update_settings.as_ref().unwrap();
    assert_eq!(settings.allow_downgrade, Some(true));
    let helm = web.images[0]
        .manifest_targets
        .as_ref()
        .unwrap()
        .helm
        .as_ref()
        .unwrap();
    assert_eq!(helm.name.as_deref(), Some("image.repository"));
    assert_eq!(helm.spec, None);
    let proxy = &web.images[1];
    assert_eq!(proxy.alias, "sidecar.proxy");
    let proxy_settings = proxy.common_update_settings.as_ref().unwrap();
    assert_eq!(
        proxy_settings.allow_tags.as_deref(),
        Some(r"regexp:^v?1\.30\.[0-9]+$")
    );
    let key = proxy
        .images_verification
        .as_ref()
        .unwrap()
        .cosign_key
        .as_ref()
        .unwrap();
    assert_eq!(
        (key.secret_name.as_str(), key.key.as_str()),
        ("cosign-pub", "cosign.pub")
    );
}

#[test]
fn sample_parses_second_ref_with_kustomize_target() {
    let spec = sample().spec;
    let api = &spec.application_refs[1];
    assert_eq!(api.use_annotations, Some(false));
    let git = api
        .write_back_config
        .as_ref()
        .unwrap()
        .git_config
        .as_ref()
        .unwrap();
    assert_eq!(git.branch.as_deref(), Some("release"));
    assert!(git.pull_request.as_ref().unwrap().gitlab.is_some());
    let kustomize = api.images[0]
        .manifest_targets
        .as_ref()
        .unwrap()
        .kustomize
        .as_ref();
    assert_eq!(kustomize.unwrap().name.as_deref(), Some("example/api"));
}

#[test]
fn sample_parses_status() {
    let status = sample().status.unwrap();
    assert_eq!(status.observed_generation, Some(3));
    assert_eq!(
        status.last_checked_at,
        Some("2026-08-20T10:00:00Z".parse().unwrap())
    );
    assert_eq!(status.last_updated_at, None);
    assert_eq!(status.applications_matched, 2);
    assert_eq!(status.conditions[0].status, ConditionStatus::True);
    assert_eq!(status.conditions[0].type_, "Ready");
}

#[test]
fn sample_is_valid() {
    let result = sample().spec.validate();
    assert!(result.is_ok(), "{result:?}");
}

#[test]
fn spec_namespace_is_rejected() {
    let text = SAMPLE.replace("spec:\n", "spec:\n  namespace: argocd\n");
    let err = ImageUpdater::from_yaml(&text).unwrap_err();
    assert!(matches!(err, CrdError::Yaml { .. }), "{err}");
    let source = std::error::Error::source(&err).unwrap().to_string();
    assert!(source.contains("namespace"), "{source}");
}

#[test]
fn unknown_nested_spec_field_is_rejected() {
    let text = SAMPLE.replace("          branch: release", "          brnach: release");
    assert_ne!(text, SAMPLE);
    let err = ImageUpdater::from_yaml(&text).unwrap_err();
    let source = std::error::Error::source(&err).unwrap().to_string();
    assert!(source.contains("brnach"), "{source}");
}

#[test]
fn wrong_api_version_and_kind_are_rejected() {
    let text = SAMPLE.replace("/v1alpha1", "/v1beta9");
    let err = ImageUpdater::from_yaml(&text).unwrap_err();
    assert!(
        err.to_string()
            .contains("argocd-image-updater.argoproj.io/v1beta9"),
        "{err}"
    );
    let text = SAMPLE.replace("kind: ImageUpdater", "kind: Application");
    let err = ImageUpdater::from_yaml(&text).unwrap_err();
    assert_eq!(
        err.to_string(),
        "unsupported kind `Application` (expected `ImageUpdater`)"
    );
}

#[test]
fn malformed_yaml_is_an_error_not_a_panic() {
    for text in ["", "[", "apiVersion: [", "spec: 3", "\t- :"] {
        assert!(ImageUpdater::from_yaml(text).is_err(), "{text:?}");
    }
}

#[test]
fn status_round_trips_through_json() {
    let status = ImageUpdaterStatus {
        observed_generation: Some(7),
        last_checked_at: Some("2026-08-20T10:00:00Z".parse().unwrap()),
        last_updated_at: Some("2026-08-20T09:59:58.5Z".parse().unwrap()),
        applications_matched: 4,
        images_managed: 9,
        recent_updates: vec![RecentUpdate {
            alias: "web".into(),
            image: "ghcr.io/example/web".into(),
            new_version: "1.2.3".into(),
            applications_updated: 2,
            updated_at: "2026-08-20T09:59:58Z".parse().unwrap(),
            message: "Updated from 1.2.2 to 1.2.3.".into(),
        }],
        conditions: vec![Condition {
            type_: "Error".into(),
            status: ConditionStatus::False,
            reason: "NoErrors".into(),
            message: "No errors during last reconciliation.".into(),
            last_transition_time: "2026-08-20T10:00:00Z".parse().unwrap(),
            observed_generation: Some(7),
        }],
    };
    let json = serde_json::to_value(&status).unwrap();
    assert_eq!(json["recentUpdates"][0]["newVersion"], "1.2.3");
    assert_eq!(json["recentUpdates"][0]["applicationsUpdated"], 2);
    assert_eq!(json["conditions"][0]["type"], "Error");
    assert_eq!(json["conditions"][0]["status"], "False");
    assert_eq!(
        json["conditions"][0]["lastTransitionTime"],
        "2026-08-20T10:00:00Z"
    );
    assert_eq!(json["lastCheckedAt"], "2026-08-20T10:00:00Z");
    let back: ImageUpdaterStatus = serde_json::from_value(json).unwrap();
    assert_eq!(back, status);
}

#[test]
fn whole_resource_round_trips_through_json() {
    let cr = sample();
    let json = serde_json::to_string(&cr).unwrap();
    assert!(json.contains("\"namePattern\":\"web-*\""), "{json}");
    assert!(json.contains("\"writeBackTarget\""), "{json}");
    let back: ImageUpdater = serde_json::from_str(&json).unwrap();
    assert_eq!(back, cr);
}
