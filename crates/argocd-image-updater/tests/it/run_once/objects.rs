//! Builders of the Kubernetes objects the tests seed: Applications as Argo CD stores them
//! (spec plus the `status` the updater reads live images from, §5.2), `ImageUpdater`
//! resources (§3) and Secrets.

use base64::{Engine, engine::general_purpose::STANDARD};
use serde_json::{Value, json};

/// The prefix of every updater annotation (§4).
pub const ANNOTATION_PREFIX: &str = "argocd-image-updater.argoproj.io/";
/// The apiVersion of Applications.
pub const APPS: &str = "argoproj.io/v1alpha1";
/// The apiVersion of ImageUpdaters.
pub const UPDATERS: &str = "argocd-image-updater.argoproj.io/v1alpha1";
/// A repository URL for apps written back with the `argocd` method: never contacted.
pub const UNUSED_REPO: &str = "https://git.example.com/org/deploy.git";

/// An Application under construction.
#[derive(Debug, Clone)]
pub struct App(Value);

impl App {
    /// A Helm app (`status.sourceType: Helm`) whose source is `apps/<name>` of
    /// [`UNUSED_REPO`] on `main`, with an empty `helm` block.
    pub fn helm(namespace: &str, name: &str) -> Self {
        Self::single_source(namespace, name, "Helm", json!({"helm": {}}))
    }

    /// A Kustomize app (`status.sourceType: Kustomize`), otherwise like [`App::helm`].
    pub fn kustomize(namespace: &str, name: &str) -> Self {
        Self::single_source(namespace, name, "Kustomize", json!({"kustomize": {}}))
    }

    /// A multi-source app: `spec.sources` as given, `status.sourceTypes` aligned with them.
    pub fn multi_source(namespace: &str, name: &str, sources: Value, types: &[&str]) -> Self {
        let mut app = Self::base(namespace, name);
        app.0["spec"]["sources"] = sources;
        app.0["status"]["sourceTypes"] = json!(types);
        app
    }

    /// Points the (single) source at `repo_url`, `path` on `revision`.
    pub fn source(mut self, repo_url: &str, path: &str, revision: &str) -> Self {
        let source = &mut self.0["spec"]["source"];
        source["repoURL"] = json!(repo_url);
        source["path"] = json!(path);
        source["targetRevision"] = json!(revision);
        self
    }

    /// The images the app runs (`status.summary.images`).
    pub fn running(mut self, images: &[&str]) -> Self {
        self.0["status"]["summary"]["images"] = json!(images);
        self
    }

    /// Appends a Helm parameter to the single source.
    pub fn helm_parameter(self, name: &str, value: &str) -> Self {
        self.push(
            &["spec", "source", "helm", "parameters"],
            json!({"name": name, "value": value}),
        )
    }

    /// Appends a Kustomize image entry (`old=new:tag` or `new:tag`) to the single source.
    pub fn kustomize_image(self, entry: &str) -> Self {
        self.push(&["spec", "source", "kustomize", "images"], json!(entry))
    }

    /// Sets an updater annotation: `key` gets [`ANNOTATION_PREFIX`].
    pub fn updater_annotation(self, key: &str, value: &str) -> Self {
        self.annotation(&format!("{ANNOTATION_PREFIX}{key}"), value)
    }

    /// Sets an annotation.
    pub fn annotation(mut self, key: &str, value: &str) -> Self {
        self.0["metadata"]["annotations"][key] = json!(value);
        self
    }

    /// Sets a label.
    pub fn label(mut self, key: &str, value: &str) -> Self {
        self.0["metadata"]["labels"][key] = json!(value);
        self
    }

    /// Sets a top-level spec field, e.g. one from a newer Argo CD the updater does not know.
    pub fn spec_field(mut self, key: &str, value: Value) -> Self {
        self.0["spec"][key] = value;
        self
    }

    /// The object.
    pub fn build(self) -> Value {
        self.0
    }

    /// An app with project, destination and sync policy, and no source yet.
    fn base(namespace: &str, name: &str) -> Self {
        Self(json!({
            "apiVersion": APPS,
            "kind": "Application",
            "metadata": {"name": name, "namespace": namespace, "labels": {}, "annotations": {}},
            "spec": {
                "project": "default",
                "destination": {"server": "https://kubernetes.default.svc", "namespace": name},
                "syncPolicy": {"automated": {"prune": true}},
            },
            "status": {
                "sync": {"status": "Synced"},
                "health": {"status": "Healthy"},
                "summary": {"images": []},
            },
        }))
    }

    /// A single-source app of `source_type` whose source carries `block`.
    fn single_source(namespace: &str, name: &str, source_type: &str, block: Value) -> Self {
        let mut app = Self::base(namespace, name);
        let mut source = json!({
            "repoURL": UNUSED_REPO, "path": format!("apps/{name}"), "targetRevision": "main",
        });
        merge(&mut source, block);
        app.0["spec"]["source"] = source;
        app.0["status"]["sourceType"] = json!(source_type);
        app
    }

    /// Appends `item` to the array at `path`, creating it.
    fn push(mut self, path: &[&str], item: Value) -> Self {
        let mut node = &mut self.0;
        for key in path {
            node = &mut node[*key];
        }
        if !node.is_array() {
            *node = json!([]);
        }
        node.as_array_mut().expect("an array").push(item);
        self
    }
}

/// An `ImageUpdater` in `namespace` with `spec`.
pub fn image_updater(namespace: &str, name: &str, spec: Value) -> Value {
    json!({
        "apiVersion": UPDATERS,
        "kind": "ImageUpdater",
        "metadata": {"name": name, "namespace": namespace},
        "spec": spec,
    })
}

/// An `applicationRefs` entry selecting `pattern` with `images`.
pub fn app_ref(pattern: &str, images: Vec<Value>) -> Value {
    json!({"namePattern": pattern, "images": images})
}

/// An `images` entry without manifest targets (Helm defaults `image.name` / `image.tag`).
pub fn image(alias: &str, image_name: &str) -> Value {
    json!({"alias": alias, "imageName": image_name})
}

/// An `images` entry written to the Helm parameters `name` and `tag`.
pub fn helm_image(alias: &str, image_name: &str, name: &str, tag: &str) -> Value {
    json!({
        "alias": alias, "imageName": image_name,
        "manifestTargets": {"helm": {"name": name, "tag": tag}},
    })
}

/// An `images` entry written to the Kustomize image `kustomize_name`.
pub fn kustomize_image(alias: &str, image_name: &str, kustomize_name: &str) -> Value {
    json!({
        "alias": alias, "imageName": image_name,
        "manifestTargets": {"kustomize": {"name": kustomize_name}},
    })
}

/// A Secret with `labels` and `data` (base64-encoded, as the API server stores it).
pub fn secret(
    namespace: &str,
    name: &str,
    labels: &[(&str, &str)],
    data: &[(&str, &str)],
) -> Value {
    let labels: serde_json::Map<String, Value> = labels
        .iter()
        .map(|(k, v)| ((*k).to_owned(), json!(v)))
        .collect();
    let data: serde_json::Map<String, Value> = data
        .iter()
        .map(|(k, v)| ((*k).to_owned(), json!(STANDARD.encode(v))))
        .collect();
    json!({
        "apiVersion": "v1",
        "kind": "Secret",
        "type": "Opaque",
        "metadata": {"name": name, "namespace": namespace, "labels": labels},
        "data": data,
    })
}

/// An Argo CD repository secret (`argocd.argoproj.io/secret-type: repository`) for `url`.
pub fn repository_secret(
    namespace: &str,
    name: &str,
    url: &str,
    username: &str,
    password: &str,
) -> Value {
    let labels = [("argocd.argoproj.io/secret-type", "repository")];
    let data = [
        ("type", "git"),
        ("url", url),
        ("username", username),
        ("password", password),
    ];
    secret(namespace, name, &labels, &data)
}

/// The parameter `name` of the Helm block `helm` (an object with `parameters`).
pub fn parameter<'a>(helm: &'a Value, name: &str) -> Option<&'a Value> {
    helm["parameters"]
        .as_array()?
        .iter()
        .find(|parameter| parameter["name"] == name)
}

/// The names of the parameters of the Helm block `helm`, in order.
pub fn parameter_names(helm: &Value) -> Vec<String> {
    let parameters = helm["parameters"].as_array().cloned().unwrap_or_default();
    let names = parameters
        .iter()
        .map(|p| p["name"].as_str().unwrap_or("").to_owned());
    names.collect()
}

/// Merges the fields of `patch` into `target` (objects only, one level deep).
fn merge(target: &mut Value, patch: Value) {
    if let (Some(target), Value::Object(fields)) = (target.as_object_mut(), patch) {
        target.extend(fields);
    }
}
