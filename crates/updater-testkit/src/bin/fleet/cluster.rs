//! Cluster mode: the fleet's Applications and ImageUpdaters, parsed from the very manifests
//! standalone mode reads from the monorepo, served by the testkit's fake kube-apiserver (no
//! kube-apiserver runs on these machines); and Argo CD's part, played before every pass:
//! each Application's `status.summary.images` is set to what its Git target pins, as an
//! automated sync would. Without that, every pass would see the images from before the last
//! write-back and update them again.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use serde_json::{Value, json};
use updater_testkit::kube::{FakeApiServer, LoggedRequest};

use crate::gitops::NAMESPACE;
use crate::model::{App, Fleet, Kind};

/// The Applications' apiVersion.
const APPS: &str = "argoproj.io/v1alpha1";

/// The fake API server holding the fleet, and the kubeconfig pointing at it.
pub struct Cluster {
    /// The server.
    pub api: FakeApiServer,
    /// `<dir>/kubeconfig`.
    pub kubeconfig: PathBuf,
}

impl Cluster {
    /// Starts the server, writes the kubeconfig into `dir` and stores every document of
    /// `manifests` (multi-document YAML texts); Applications get the `status` Argo CD would
    /// give them, with no running images until [`Self::sync`].
    pub fn start(dir: &Path, fleet: &Fleet, manifests: &[&str]) -> anyhow::Result<Self> {
        let api = FakeApiServer::start().context("cannot start the fake API server")?;
        let kubeconfig = api
            .write_kubeconfig(dir)
            .context("cannot write the kubeconfig")?;
        let kinds: HashMap<&str, Kind> = fleet
            .apps
            .iter()
            .map(|app| (app.name.as_str(), app.kind))
            .collect();
        for text in manifests {
            let documents: Vec<Value> =
                serde_saphyr::from_multiple(text).context("a generated manifest is not YAML")?;
            for mut object in documents {
                let (api_version, kind) = (object["apiVersion"].clone(), object["kind"].clone());
                let (Some(api_version), Some(kind)) = (api_version.as_str(), kind.as_str()) else {
                    bail!("a generated manifest has no apiVersion or kind");
                };
                if kind == "Application" {
                    let name = object["metadata"]["name"].as_str().unwrap_or_default();
                    let app_kind = kinds
                        .get(name)
                        .with_context(|| format!("Application `{name}` is not in the fleet"))?;
                    object["status"] = status(*app_kind);
                }
                api.insert(api_version, kind, object)
                    .with_context(|| format!("cannot store a {kind}"))?;
            }
        }
        Ok(Self { api, kubeconfig })
    }

    /// Argo CD's sync: sets each Application's running images to what its write-back file
    /// (`targets`, by Application name; a missing one runs nothing) pins. Returns how many
    /// Applications changed.
    pub fn sync(&self, fleet: &Fleet, targets: &HashMap<String, String>) -> anyhow::Result<usize> {
        let mut changed = 0;
        for app in &fleet.apps {
            let text = targets.get(&app.name).map_or("", String::as_str);
            let images = json!(running_images(app, text)?);
            let mut object = self
                .api
                .get(APPS, "applications", Some(NAMESPACE), &app.name)
                .with_context(|| format!("Application `{}` is gone", app.name))?;
            let summary = &mut object["status"]["summary"]["images"];
            if *summary == images {
                continue;
            }
            *summary = images;
            self.api
                .insert(APPS, "applications", object)
                .with_context(|| format!("cannot sync Application `{}`", app.name))?;
            changed += 1;
        }
        Ok(changed)
    }

    /// How many requests the server has logged so far.
    pub fn request_count(&self) -> usize {
        self.api.request_log().len()
    }

    /// The requests after the first `since`, counted by kind.
    pub fn requests_since(&self, since: usize) -> ApiCounts {
        let log = self.api.request_log();
        ApiCounts::of(log.get(since..).unwrap_or_default())
    }
}

/// An Application's status as Argo CD keeps it: synced, healthy, of the app's source type.
fn status(kind: Kind) -> Value {
    let source_type = match kind {
        Kind::Kustomize => "Kustomize",
        Kind::Helm => "Helm",
    };
    json!({
        "sourceType": source_type,
        "sync": {"status": "Synced"},
        "health": {"status": "Healthy"},
        "summary": {"images": []},
    })
}

/// The images `app` runs once Argo CD has synced `text`, its write-back file: a
/// kustomization's `images` rendered as kustomize does (`name:tag@digest`), or a values file's
/// `<alias>.repository:<alias>.tag` per image.
pub fn running_images(app: &App, text: &str) -> anyhow::Result<Vec<String>> {
    if text.is_empty() {
        return Ok(Vec::new());
    }
    let yaml: Value = serde_saphyr::from_str(text)
        .with_context(|| format!("`{}`'s write-back file is not YAML", app.name))?;
    let images = match app.kind {
        Kind::Kustomize => yaml["images"]
            .as_array()
            .map(|images| images.iter().filter_map(kustomize_image).collect())
            .unwrap_or_default(),
        Kind::Helm => app
            .images
            .iter()
            .filter_map(|image| {
                let values = &yaml[image.alias];
                let repository = values["repository"].as_str()?;
                let tag = scalar(&values["tag"])?;
                Some(format!("{repository}:{tag}"))
            })
            .collect(),
    };
    Ok(images)
}

/// One `images` entry of a kustomization, as kustomize renders it into the manifests.
fn kustomize_image(entry: &Value) -> Option<String> {
    let name = entry["newName"].as_str().or(entry["name"].as_str())?;
    let mut image = name.to_owned();
    if let Some(tag) = scalar(&entry["newTag"]) {
        image.push(':');
        image.push_str(&tag);
    }
    if let Some(digest) = entry["digest"].as_str() {
        image.push('@');
        image.push_str(digest);
    }
    Some(image)
}

/// A YAML scalar as text (`1.2` may have been read as a number).
fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

/// API requests of one pass, from the fake server's log, by `METHOD resource part`
/// (e.g. `GET applications list`, `PATCH imageupdaters status`, `POST events list`).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ApiCounts {
    /// Requests by kind.
    pub by_kind: BTreeMap<String, usize>,
}

impl ApiCounts {
    /// Counts `requests` by kind.
    pub fn of(requests: &[LoggedRequest]) -> Self {
        let mut by_kind = BTreeMap::new();
        for request in requests {
            *by_kind.entry(kind_of(request)).or_default() += 1;
        }
        Self { by_kind }
    }

    /// Every request.
    pub fn total(&self) -> usize {
        self.by_kind.values().sum()
    }

    /// Requests other than GET: what changed something (or tried to).
    pub fn writes(&self) -> usize {
        let writes = self
            .by_kind
            .iter()
            .filter(|(kind, _)| !kind.starts_with("GET "));
        writes.map(|(_, count)| count).sum()
    }
}

/// `METHOD resource part` of a request: part is `list` (or `watch`) for a collection,
/// `object` for one object, `status` for its subresource; `- discovery` for paths that
/// address no resource.
fn kind_of(request: &LoggedRequest) -> String {
    let method = &request.method;
    let Some(target) = request.target() else {
        return format!("{method} - discovery");
    };
    let watch = request.query.as_deref().is_some_and(|query| {
        query
            .split('&')
            .any(|pair| pair == "watch=true" || pair == "watch=1")
    });
    let part = match (&target.name, target.status) {
        (None, _) if watch => "watch",
        (None, _) => "list",
        (Some(_), false) => "object",
        (Some(_), true) => "status",
    };
    format!("{method} {} {part}", target.plural)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Image;

    fn app(kind: Kind) -> App {
        let image = |alias| Image {
            alias,
            repo: 0,
            constraint: None,
            stale: false,
        };
        App {
            name: "app-0001".to_owned(),
            team: None,
            kind,
            images: vec![image("main"), image("sidecar")],
        }
    }

    #[test]
    fn a_kustomization_runs_its_images_as_kustomize_renders_them() {
        let text = "resources:\n- deployment.yaml\nimages:\n- name: 127.0.0.1:5000/a # main\n  \
                    newTag: 1.2.0\n- name: 127.0.0.1:5000/b\n  newTag: stable\n  \
                    digest: sha256:abc\n- name: c\n  newName: 127.0.0.1:5000/c\n  newTag: 1.0\n";
        assert_eq!(
            running_images(&app(Kind::Kustomize), text).unwrap(),
            [
                "127.0.0.1:5000/a:1.2.0",
                "127.0.0.1:5000/b:stable@sha256:abc",
                "127.0.0.1:5000/c:1.0"
            ]
        );
    }

    #[test]
    fn helm_values_run_repository_and_tag_per_alias() {
        let text = "replicaCount: 2\nmain:\n  repository: 127.0.0.1:5000/a\n  tag: \"v1.2\"\n\
                    sidecar:\n  repository: 127.0.0.1:5000/b\n  tag: stable@sha256:abc\n\
                    other:\n  repository: x\n  tag: y\n";
        assert_eq!(
            running_images(&app(Kind::Helm), text).unwrap(),
            [
                "127.0.0.1:5000/a:v1.2",
                "127.0.0.1:5000/b:stable@sha256:abc"
            ]
        );
        assert!(running_images(&app(Kind::Helm), "").unwrap().is_empty());
        let error = running_images(&app(Kind::Helm), "main: [").unwrap_err();
        assert!(format!("{error:#}").contains("app-0001"), "{error:#}");
    }

    #[test]
    fn requests_are_counted_by_method_resource_and_part() {
        let request = |method: &str, path: &str, query: Option<&str>| LoggedRequest {
            method: method.to_owned(),
            path: path.to_owned(),
            query: query.map(str::to_owned),
            content_type: None,
            body: None,
        };
        let apps = "/apis/argoproj.io/v1alpha1/namespaces/argocd/applications";
        let log = [
            request("GET", apps, Some("limit=500")),
            request("GET", apps, Some("watch=true&resourceVersion=4")),
            request("GET", &format!("{apps}/app-1"), None),
            request(
                "PATCH",
                "/apis/argocd-image-updater.argoproj.io/v1alpha1/namespaces/argocd/imageupdaters/u/status",
                None,
            ),
            request("POST", "/api/v1/namespaces/argocd/events", None),
            request("POST", "/api/v1/namespaces/argocd/events", None),
            request("GET", "/api/v1/namespaces/argocd/secrets/repo", None),
            request("GET", "/apis/argoproj.io/v1alpha1", None),
        ];
        let counts = ApiCounts::of(&log);
        let expected: BTreeMap<String, usize> = [
            ("GET applications list", 1),
            ("GET applications watch", 1),
            ("GET applications object", 1),
            ("PATCH imageupdaters status", 1),
            ("POST events list", 2),
            ("GET secrets object", 1),
            ("GET - discovery", 1),
        ]
        .into_iter()
        .map(|(kind, n)| (kind.to_owned(), n))
        .collect();
        assert_eq!(counts.by_kind, expected);
        assert_eq!((counts.total(), counts.writes()), (8, 3));
    }
}
