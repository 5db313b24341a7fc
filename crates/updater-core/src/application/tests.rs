//! Unit tests of the Application model: realistic manifests, accessors and round trips; the
//! rules of §5.2, §7.0 and §7.1 are tested in the child files.

use serde_json::{Value, json};

use super::*;

mod edit;
mod live;
mod patch;
mod source_type;

/// A single-source Helm app as `kubectl get -o yaml` shows it, with fields this crate never
/// reads (and one no Argo CD version has) that must survive every edit.
const HELM_SINGLE: &str = r#"
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: guestbook
  namespace: argocd
  resourceVersion: "184467"
  uid: 0c1f5a2e-6e6b-4d0e-9d4e-3f4f3cf0d2a1
  finalizers: [resources-finalizer.argocd.argoproj.io]
  labels:
    team: web
    tier: "3"
  annotations:
    argocd-image-updater.argoproj.io/image-list: gb=ghcr.io/acme/guestbook:~1.2
    notified.notifications.argoproj.io: '{"on-sync":"1700000000"}'
spec:
  project: default
  destination:
    server: https://kubernetes.default.svc
    namespace: guestbook
  source:
    repoURL: https://charts.acme.io
    chart: guestbook
    targetRevision: 4.2.0
    helm:
      releaseName: gb
      valuesObject:
        replicas: 2
      parameters:
        - name: replicas
          value: "2"
        - name: image.name
          value: ghcr.io/acme/guestbook
          forceString: true
        - name: image.tag
          value: 1.2.0
          forceString: true
          futureField: keep-me
  syncPolicy:
    automated: {prune: true, selfHeal: true}
    syncOptions: [CreateNamespace=true]
  xUnknownSpecField: {nested: [1, 2, 3]}
status:
  sourceType: Helm
  sync: {status: Synced, revision: 4.2.0}
  summary:
    images:
      - ghcr.io/acme/guestbook:1.2.0
      - docker.io/library/redis:7.2
      - ""
      - 42
"#;

/// A Kustomize app with aliased and plain images.
const KUSTOMIZE: &str = r#"
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: shop
  namespace: team-a
  resourceVersion: "99"
spec:
  project: shop
  source:
    repoURL: https://git.acme.io/shop/deploy.git
    path: overlays/prod
    targetRevision: main
    kustomize:
      namePrefix: prod-
      images:
        - web=registry.acme.io/shop/web:1.0.0
        - registry.acme.io/shop/worker:2.0.0
        - redis:6
  destination: {server: https://kubernetes.default.svc, namespace: shop}
status:
  sourceType: Kustomize
  summary:
    images: [registry.acme.io/shop/web:1.0.0, registry.acme.io/shop/worker:2.0.0, redis:6]
"#;

/// A config-management-plugin app.
const PLUGIN: &str = r#"
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: cmp-app, namespace: argocd, resourceVersion: "7"}
spec:
  source:
    repoURL: https://git.acme.io/cmp.git
    path: app
    targetRevision: HEAD
    plugin:
      name: envsubst-v1.0
      env:
        - {name: IMAGE, value: quay.io/acme/api:0.9}
        - {name: LOG_LEVEL, value: debug}
status:
  sourceType: Plugin
"#;

/// A multi-source app: a values-only ref source, an implicit Kustomize directory and an
/// explicit Helm chart.
const MULTI: &str = r#"
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: multi, namespace: argocd, resourceVersion: "500"}
spec:
  sources:
    - repoURL: https://git.acme.io/values.git
      targetRevision: main
      ref: values
    - repoURL: https://git.acme.io/infra.git
      path: kustomize/base
      targetRevision: release-1
    - repoURL: https://charts.acme.io
      chart: api
      targetRevision: 1.0.0
      helm:
        valueFiles: [$values/api/values.yaml]
status:
  sourceTypes: [Directory, Kustomize, Helm]
"#;

/// A source-hydrator app whose dry source is Kustomize.
const HYDRATOR: &str = r#"
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: hydrated, namespace: argocd}
spec:
  sourceHydrator:
    drySource:
      repoURL: https://git.acme.io/dry.git
      path: apps/web
      targetRevision: HEAD
      kustomize:
        images: [web=ghcr.io/acme/web:3.0]
    syncSource:
      targetBranch: environments/prod
      path: apps/web
status:
  sourceType: Directory
"#;

fn app(text: &str) -> Application {
    match Application::from_yaml(text) {
        Ok(app) => app,
        Err(error) => panic!("fixture does not parse: {error}"),
    }
}

fn image(text: &str) -> ImageRef {
    match ImageRef::parse(text) {
        Ok(image) => image,
        Err(error) => panic!("`{text}` does not parse: {error}"),
    }
}

#[test]
fn from_json_requires_an_object_of_kind_application_with_a_name() {
    let not_object = Application::from_json(json!(["x"]));
    assert!(matches!(
        not_object,
        Err(ApplicationError::NotAnObject { found: "an array" })
    ));
    let wrong_kind =
        Application::from_json(json!({"kind": "Deployment", "metadata": {"name": "x"}}));
    assert!(
        matches!(wrong_kind, Err(ApplicationError::WrongKind { found }) if found == "Deployment")
    );
    let no_kind = Application::from_json(json!({"metadata": {"name": "x"}}));
    assert!(matches!(no_kind, Err(ApplicationError::WrongKind { found }) if found.is_empty()));
    for metadata in [
        json!({}),
        json!({"name": ""}),
        json!({"name": 3}),
        json!("x"),
    ] {
        let result = Application::from_json(json!({"kind": "Application", "metadata": metadata}));
        assert!(
            matches!(result, Err(ApplicationError::MissingName)),
            "{metadata}"
        );
    }
    let minimal = Application::from_json(json!({"kind": "Application", "metadata": {"name": "a"}}));
    assert_eq!(
        minimal.map(|a| a.name().to_owned()).ok().as_deref(),
        Some("a")
    );
}

#[test]
fn from_yaml_reports_bad_yaml() {
    let error = Application::from_yaml("kind: [unclosed").err();
    assert!(matches!(error, Some(ApplicationError::Yaml { .. })));
    assert_eq!(
        error.map(|e| e.to_string()).as_deref(),
        Some("invalid Application document")
    );
}

#[test]
fn metadata_accessors() {
    let app = app(HELM_SINGLE);
    assert_eq!(app.name(), "guestbook");
    assert_eq!(app.namespace(), Some("argocd"));
    assert_eq!(app.resource_version(), Some("184467"));
    let labels: Vec<(String, String)> = app.labels().into_iter().collect();
    assert_eq!(
        labels,
        [("team".into(), "web".into()), ("tier".into(), "3".into())]
    );
    let annotations = app.annotations();
    assert_eq!(annotations.len(), 2);
    assert_eq!(
        annotations["argocd-image-updater.argoproj.io/image-list"],
        "gb=ghcr.io/acme/guestbook:~1.2"
    );
    let hydrated = self::app(HYDRATOR);
    assert_eq!(hydrated.resource_version(), None);
    assert!(hydrated.labels().is_empty());
}

#[test]
fn labels_that_are_not_strings_are_left_out() {
    let json = json!({"kind": "Application", "metadata": {"name": "a", "labels": {"a": "1", "b": 2, "c": null}}});
    let app = Application::from_json(json).ok();
    let labels = app.map(|a| a.labels()).unwrap_or_default();
    assert_eq!(labels.keys().collect::<Vec<_>>(), ["a"]);
}

#[test]
fn single_source_view() {
    let sources = app(HELM_SINGLE).sources();
    assert_eq!(
        sources,
        [SourceView {
            location: SourceLocation::Single,
            repo_url: Some("https://charts.acme.io".into()),
            path: None,
            target_revision: Some("4.2.0".into()),
            chart: Some("guestbook".into()),
            has_helm: true,
            has_kustomize: false,
            has_plugin: false,
            has_directory: false,
        }]
    );
}

#[test]
fn multi_source_views_keep_their_indices() {
    let app = app(MULTI);
    assert!(app.is_multi_source());
    assert!(!app.is_hydrated());
    let sources = app.sources();
    let locations: Vec<SourceLocation> = sources.iter().map(|s| s.location).collect();
    assert_eq!(
        locations,
        [0, 1, 2].map(|index| SourceLocation::Multi { index })
    );
    assert_eq!(sources[1].path.as_deref(), Some("kustomize/base"));
    assert_eq!(
        sources.iter().map(|s| s.has_helm).collect::<Vec<_>>(),
        [false, false, true]
    );
    assert_eq!(
        app.status_source_types(),
        [
            Some(SourceType::Directory),
            Some(SourceType::Kustomize),
            Some(SourceType::Helm)
        ]
    );
}

#[test]
fn hydrator_view_is_the_dry_source() {
    let app = app(HYDRATOR);
    assert!(app.is_hydrated());
    let sources = app.sources();
    assert_eq!(sources.len(), 1);
    assert_eq!(sources[0].location, SourceLocation::DrySource);
    assert_eq!(sources[0].path.as_deref(), Some("apps/web"));
    assert!(sources[0].has_kustomize);
    assert_eq!(app.status_source_type(), Some(SourceType::Directory));
}

#[test]
fn empty_sources_list_falls_back_to_single_source() {
    let json = json!({"kind": "Application", "metadata": {"name": "a"},
        "spec": {"sources": [], "source": {"repoURL": "r", "kustomize": {}}}});
    let app = Application::from_json(json).ok();
    let sources = app.map(|a| a.sources()).unwrap_or_default();
    assert_eq!(sources.len(), 1);
    assert_eq!(sources[0].location, SourceLocation::Single);
    assert!(sources[0].has_kustomize);
}

#[test]
fn app_without_source_has_no_views() {
    let json = json!({"kind": "Application", "metadata": {"name": "a"}, "spec": {"source": "x"}});
    let app = Application::from_json(json).ok();
    assert_eq!(app.map(|a| a.sources().len()), Some(0));
}

#[test]
fn status_source_types_of_odd_shapes() {
    let json = json!({"kind": "Application", "metadata": {"name": "a"},
        "status": {"sourceType": "helm", "sourceTypes": ["Helm", 3, "Nope"]}});
    let app = Application::from_json(json).ok();
    assert_eq!(app.as_ref().and_then(Application::status_source_type), None);
    assert_eq!(
        app.map(|a| a.status_source_types()).unwrap_or_default(),
        [Some(SourceType::Helm), None, None]
    );
}

#[test]
fn live_images_parse_and_report_the_rest() {
    let live = app(HELM_SINGLE).live_images();
    assert_eq!(
        live.images,
        [
            image("ghcr.io/acme/guestbook:1.2.0"),
            image("docker.io/library/redis:7.2")
        ]
    );
    assert_eq!(live.images[1].registry, "docker.io");
    assert_eq!(live.images[1].name, "redis");
    assert_eq!(live.unparsable, ["\"\"", "42"]);
}

#[test]
fn unknown_fields_survive_a_yaml_to_json_round_trip() {
    let app = app(HELM_SINGLE);
    let json = app.as_json();
    assert_eq!(
        json["spec"]["xUnknownSpecField"],
        json!({"nested": [1, 2, 3]})
    );
    assert_eq!(
        json["metadata"]["uid"],
        "0c1f5a2e-6e6b-4d0e-9d4e-3f4f3cf0d2a1"
    );
    assert_eq!(
        json["spec"]["source"]["helm"]["valuesObject"],
        json!({"replicas": 2})
    );
    let again = Application::from_json(app.clone().into_json()).ok();
    assert_eq!(again.as_ref(), Some(&app));
}

#[test]
fn error_messages_name_app_and_field() {
    let errors = [
        ApplicationError::NoSource { app: "a".into() },
        ApplicationError::SourceIndex {
            app: "a".into(),
            index: 3,
            count: 2,
        },
        ApplicationError::FieldType {
            app: "a".into(),
            field: "spec.source.helm".into(),
            found: "a string",
            expected: "an object",
        },
    ];
    let messages: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        messages,
        [
            "application `a` has no source",
            "application `a` has 2 sources, no source at index 3",
            "field `spec.source.helm` of application `a` is a string, expected an object",
        ]
    );
}

/// Helper shared by the child test files: the JSON at a pointer, or null.
fn at<'a>(app: &'a Application, pointer: &str) -> &'a Value {
    app.as_json().pointer(pointer).unwrap_or(&Value::Null)
}
