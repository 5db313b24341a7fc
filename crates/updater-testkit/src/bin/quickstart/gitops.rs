//! The demo's GitOps repository as text: an app-of-apps folder (three Applications and the
//! ImageUpdater), a Kustomize app and two Helm charts, plus the `registries.conf` beside it.
//! Pure: the caller writes the files.

/// Placeholder for `127.0.0.1:PORT`, the registry.
const REGISTRY: &str = "@REGISTRY@";
/// Placeholder for the repository's clone URL.
const REPO_URL: &str = "@REPO_URL@";

/// One file of the repository and what it is, for the listing shown to people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepoFile {
    /// Path inside the repository.
    pub path: &'static str,
    /// One line saying what it is.
    pub about: &'static str,
    /// The content, placeholders filled in.
    pub content: String,
}

/// Every file of the repository for a registry at `registry` (`127.0.0.1:PORT`) and a
/// repository cloned from `repo_url`.
pub fn files(registry: &str, repo_url: &str) -> Vec<RepoFile> {
    TEMPLATES
        .iter()
        .map(|(path, about, template)| RepoFile {
            path,
            about,
            content: template
                .replace(REGISTRY, registry)
                .replace(REPO_URL, repo_url),
        })
        .collect()
}

/// `registries.conf` declaring the local registry as plain HTTP, with an explicit rate limit
/// (without one the updater warns that it picks a default, noise in a first run).
pub fn registries_conf(registry: &str) -> String {
    format!(
        "# The quick start's registry: plain HTTP on the loopback interface.\n\
         registries:\n- name: demo\n  prefix: {registry}\n  api_url: http://{registry}\n\
         \x20 limit: 50\n"
    )
}

/// Path, description and template of each file.
const TEMPLATES: [(&str, &str, &str); 13] = [
    (
        "apps/guestbook.yaml",
        "Application guestbook (Kustomize, kustomize/guestbook)",
        APP_GUESTBOOK,
    ),
    ("apps/web.yaml", "Application web (Helm, helm/web)", APP_WEB),
    (
        "apps/api.yaml",
        "Application api (Helm, helm/api; its image is set by parameters here)",
        APP_API,
    ),
    (
        "apps/image-updater.yaml",
        "ImageUpdater demo: which images to follow, and how",
        IMAGE_UPDATER,
    ),
    (
        "kustomize/guestbook/kustomization.yaml",
        "the guestbook's images: entry (newTag: 1.0.0)",
        KUSTOMIZATION,
    ),
    (
        "kustomize/guestbook/deployment.yaml",
        "the guestbook Deployment",
        GUESTBOOK_DEPLOYMENT,
    ),
    ("helm/web/Chart.yaml", "the web chart", WEB_CHART),
    (
        "helm/web/values.yaml",
        "the web chart's values (image.tag: build-a)",
        WEB_VALUES,
    ),
    (
        "helm/web/templates/deployment.yaml",
        "the web Deployment template",
        WEB_TEMPLATE,
    ),
    ("helm/api/Chart.yaml", "the api chart", API_CHART),
    (
        "helm/api/values.yaml",
        "the api chart's defaults",
        API_VALUES,
    ),
    (
        "helm/api/templates/deployment.yaml",
        "the api Deployment template",
        API_TEMPLATE,
    ),
    ("README.md", "what this repository is", REPO_README),
];

const APP_GUESTBOOK: &str = r"# The guestbook: plain manifests assembled by Kustomize. Its image tag lives in
# kustomize/guestbook/kustomization.yaml, which argocd-image-updater edits with a Git commit.
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: guestbook
  namespace: argocd
spec:
  project: default
  source:
    repoURL: @REPO_URL@
    targetRevision: main
    path: kustomize/guestbook
  destination:
    server: https://kubernetes.default.svc
    namespace: guestbook
";

const APP_WEB: &str = r"# The web front end: a Helm chart whose image is set in helm/web/values.yaml.
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: web
  namespace: argocd
spec:
  project: default
  source:
    repoURL: @REPO_URL@
    targetRevision: main
    path: helm/web
    helm:
      valueFiles:
        - values.yaml
  destination:
    server: https://kubernetes.default.svc
    namespace: web
";

const APP_API: &str = r"# The API: a Helm chart whose image is set by parameters right here. Its write-back
# method is `argocd` (the default), so the updater edits this file in place and keeps
# these comments.
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: api
  namespace: argocd
spec:
  project: default
  source:
    repoURL: @REPO_URL@
    targetRevision: main
    path: helm/api
    helm:
      parameters:
        # Where the image comes from.
        - name: image.name
          value: @REGISTRY@/demo/api
        # The version that runs; argocd-image-updater moves it.
        - name: image.tag
          value: 2.0.0
  destination:
    server: https://kubernetes.default.svc
    namespace: api
";

const IMAGE_UPDATER: &str = r"# What to update, and how. In a cluster this resource sits next to the Applications;
# in standalone mode (`run --manifests`) it is read from this folder.
apiVersion: argocd-image-updater.argoproj.io/v1alpha1
kind: ImageUpdater
metadata:
  name: demo
  namespace: argocd
spec:
  applicationRefs:
    # Any 1.x release (never a pre-release), committed to the kustomization.
    - namePattern: guestbook
      images:
        - alias: guestbook
          imageName: @REGISTRY@/demo/guestbook:~1
      writeBackConfig:
        method: git
        gitConfig:
          branch: main
          writeBackTarget: kustomization
    # Whichever tag was built last, whatever its name, committed to values.yaml.
    - namePattern: web
      commonUpdateSettings:
        updateStrategy: newest-build
      images:
        - alias: web
          imageName: @REGISTRY@/demo/web
          manifestTargets:
            helm:
              name: image.repository
              tag: image.tag
      writeBackConfig:
        method: git
        gitConfig:
          branch: main
          writeBackTarget: helmvalues:values.yaml
    # Any 2.x release published for linux/arm64, written into the Application's Helm
    # parameters (write-back method `argocd`, the default).
    - namePattern: api
      commonUpdateSettings:
        platforms:
          - linux/arm64
      images:
        - alias: api
          imageName: @REGISTRY@/demo/api:^2
";

const KUSTOMIZATION: &str = r"# Kustomize entry point of the guestbook.
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - deployment.yaml
images:
  # argocd-image-updater rewrites newTag below and leaves everything else alone.
  - name: @REGISTRY@/demo/guestbook
    newTag: 1.0.0
";

const GUESTBOOK_DEPLOYMENT: &str = r"apiVersion: apps/v1
kind: Deployment
metadata:
  name: guestbook
spec:
  replicas: 1
  selector:
    matchLabels:
      app: guestbook
  template:
    metadata:
      labels:
        app: guestbook
    spec:
      containers:
        - name: guestbook
          # The tag comes from kustomization.yaml.
          image: @REGISTRY@/demo/guestbook
          ports:
            - containerPort: 80
";

const WEB_CHART: &str = r"apiVersion: v2
name: web
description: The quick start's web front end
version: 0.1.0
";

const WEB_VALUES: &str = r"# Values of the web chart.
replicaCount: 1

image:
  # Where the image comes from.
  repository: @REGISTRY@/demo/web
  # Which build runs; argocd-image-updater moves it to the newest build.
  tag: build-a  # build tags sort by name, not by age
  pullPolicy: IfNotPresent

service:
  port: 80
";

const WEB_TEMPLATE: &str = r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
spec:
  replicas: {{ .Values.replicaCount }}
  selector:
    matchLabels:
      app: {{ .Release.Name }}
  template:
    metadata:
      labels:
        app: {{ .Release.Name }}
    spec:
      containers:
        - name: web
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
          imagePullPolicy: {{ .Values.image.pullPolicy }}
          ports:
            - containerPort: {{ .Values.service.port }}
"#;

const API_CHART: &str = r"apiVersion: v2
name: api
description: The quick start's API
version: 0.1.0
";

const API_VALUES: &str = r"# Defaults; the Application apps/api.yaml sets image.name and image.tag.
image:
  name: example.invalid/api
  tag: latest
";

const API_TEMPLATE: &str = r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
spec:
  replicas: 1
  selector:
    matchLabels:
      app: {{ .Release.Name }}
  template:
    metadata:
      labels:
        app: {{ .Release.Name }}
    spec:
      containers:
        - name: api
          image: "{{ .Values.image.name }}:{{ .Values.image.tag }}"
"#;

const REPO_README: &str = r"# Quick start GitOps repository

Made by `scripts/quickstart.sh` of argocd-image-updater (Rust). `apps/` holds the Argo CD
Applications and the ImageUpdater (an app-of-apps folder); `kustomize/` and `helm/` hold
what they deploy. Images come from a registry at @REGISTRY@ that lived only while the
quick start ran.
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_all_filled() {
        for file in files("127.0.0.1:5000", "git://127.0.0.1:9418/gitops.git") {
            assert!(!file.content.contains('@'), "{}", file.path);
        }
    }

    #[test]
    fn applications_point_at_the_repository_and_the_registry() {
        let all = files("127.0.0.1:5000", "git://h/r.git");
        let api = all.iter().find(|f| f.path == "apps/api.yaml").unwrap();
        assert!(api.content.contains("repoURL: git://h/r.git\n"));
        assert!(api.content.contains("value: 127.0.0.1:5000/demo/api\n"));
        let updater = all
            .iter()
            .find(|f| f.path == "apps/image-updater.yaml")
            .unwrap();
        assert!(
            updater
                .content
                .contains("imageName: 127.0.0.1:5000/demo/guestbook:~1\n")
        );
    }

    #[test]
    fn yaml_is_indented_with_spaces_only() {
        for file in files("r", "u") {
            assert!(!file.content.contains('\t'), "{}", file.path);
            assert!(file.content.ends_with('\n'), "{}", file.path);
        }
    }

    #[test]
    fn registries_conf_names_the_registry_as_plain_http() {
        let conf = registries_conf("127.0.0.1:5000");
        assert!(conf.contains("  prefix: 127.0.0.1:5000\n"));
        assert!(conf.contains("  api_url: http://127.0.0.1:5000\n"));
        assert!(conf.ends_with("\n  limit: 50\n"), "{conf}");
    }
}
