//! `run` (mostly `--once`) end to end: the binary against the fake kube API server, a real registry
//! (`docker-registry`) and real git servers. Each test starts its own servers; each reads as a
//! scenario: what is in the cluster, the registry and git, the run, and what must have changed
//! (spec sections of `upstream-behaviour.md` cited where the expectation is not obvious).

pub(crate) mod fixture;
pub(crate) mod objects;

use serde_json::{Value, json};
use updater_testkit::git::{BareRepo, HttpGitServer, SshGitServer};

use fixture::{
    ARGOCD_NS, COMMIT_EMAIL, COMMIT_USER, Cluster, GitHost, Summary, TAGS, app_path, changed_files,
    condition, file_on_main, last_author,
};
use objects::{
    App, app_ref, helm_image, image, image_updater, kustomize_image, parameter, parameter_names,
    repository_secret, secret,
};

/// What §7.2.4 writes for a Helm app managing `image.name` / `image.tag`: only the managed
/// parameters, sorted by name, go-yaml v3 layout (compact sequences, lower-case `forcestring`).
fn helm_override(image: &str, tag: &str) -> String {
    format!(
        "helm:\n  parameters:\n  - name: image.name\n    value: {image}\n    forcestring: true\n  \
         - name: image.tag\n    value: {tag}\n    forcestring: true\n"
    )
}

/// The default commit message (§7.2.9) for one app and one change, as `log_messages` trims it.
fn default_message(app: &str, image: &str, old: &str, new: &str) -> String {
    format!("build: automatic update of {app}\n\nupdates image {image} tag '{old}' to '{new}'")
}

/// The Helm parameter `name` = `value` as the `argocd` method writes it (§7.1: forceString).
pub(crate) fn forced(name: &str, value: &str) -> Value {
    json!({"name": name, "value": value, "forceString": true})
}

/// `team-a/web`: a Helm app running `org/web:1.0.0` with an unrelated parameter and a spec
/// field from a newer Argo CD, next to `team-a/other` which the pattern does not select; the
/// ImageUpdater `team-a/web-updater` follows `org/web:~1`. The registry has [`TAGS`].
pub(crate) async fn seed_web_in_team_a(cluster: &Cluster) -> Value {
    cluster.seed_tags("org/web", &TAGS).await;
    let web = cluster.image("org/web");
    let app = App::helm("team-a", "web")
        .helm_parameter("replicaCount", "2")
        .helm_parameter("image.tag", "1.0.0")
        .spec_field("someFutureField", json!({"introducedIn": "argo-cd 9"}))
        .running(&[&format!("{web}:1.0.0")])
        .build();
    let other = App::helm("team-a", "other")
        .running(&[&format!("{web}:1.0.0")])
        .build();
    cluster.add_app(other);
    let image = helm_image("web", &format!("{web}:~1"), "image.name", "image.tag");
    let spec = json!({"applicationRefs": [app_ref("web", vec![image])]});
    cluster.add_updater(image_updater("team-a", "web-updater", spec));
    cluster.add_app(app)
}

fn summary(applications: u64, images: u64, updated: u64) -> Summary {
    Summary {
        applications,
        images,
        updated,
        skipped: 0,
        errors: 0,
    }
}

#[tokio::test]
async fn fixture_seeds_the_cluster_the_registry_and_git() {
    // Passes without `run`: proves the servers, seeding and helpers the other tests rely on.
    let cluster = Cluster::start();
    let seeded = seed_web_in_team_a(&cluster).await;
    assert_eq!(cluster.app("team-a", "web"), seeded);
    let helm = &seeded["spec"]["source"]["helm"];
    assert_eq!(parameter_names(helm), ["replicaCount", "image.tag"]);
    assert_eq!(seeded["status"]["sourceType"], "Helm");
    let updater = cluster.updater("team-a", "web-updater");
    assert_eq!(updater["metadata"]["generation"], 1);
    assert!(updater.get("status").is_none());
    assert!(cluster.writes().is_empty());

    let kubeconfig = std::fs::read_to_string(cluster.kubeconfig()).unwrap();
    assert!(kubeconfig.contains(&cluster.api.url()), "{kubeconfig}");

    // The registries.conf and the tags, through the binary's `test` command.
    let image = cluster.image("org/web");
    let output = crate::updater()
        .args([
            "test",
            &image,
            "--semver-constraint",
            "~1",
            "--output",
            "json",
        ])
        .arg("--registries-conf-path")
        .arg(cluster.registries_conf())
        .args(["--loglevel", "error"])
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["chosen"], "1.2.0", "{report}");
    assert_eq!(cluster.tag_listings("org/web"), 1);

    let git = GitHost::start();
    let repo = git.create_repo("deploy.git", &[("apps/web/Chart.yaml", "name: web\n")]);
    assert_eq!(file_on_main(&repo, "apps/web/Chart.yaml"), "name: web\n");
    assert_eq!(repo.commit_count("main").unwrap(), 1);
    assert_eq!(changed_files(&repo, "main"), ["apps/web/Chart.yaml"]);
    assert_eq!(last_author(&repo, "main"), "seed <seed@example.com>");
    assert!(git.url("deploy.git").starts_with("git://127.0.0.1:"));
    assert!(git.root().join("deploy.git").is_dir());

    assert_eq!(
        Summary::parse("summary: applications=1 images=2 updated=3 skipped=4 errors=5"),
        Some(Summary {
            applications: 1,
            images: 2,
            updated: 3,
            skipped: 4,
            errors: 5
        })
    );
    assert_eq!(Summary::parse("summary: applications=1 images=2"), None);
    assert_eq!(
        Summary::parse("applications=1 images=2 updated=3 skipped=4 errors=5"),
        None
    );
}

#[tokio::test]
async fn helm_app_gets_the_newest_allowed_tag_through_a_merge_patch() {
    let cluster = Cluster::start();
    let seeded = seed_web_in_team_a(&cluster).await;
    let other = cluster.app("team-a", "other");

    let run = cluster.run(&["--watch-namespaces", "team-a"]);
    assert_eq!(run.success(), summary(1, 1, 1), "{run}");

    let app = cluster.app("team-a", "web");
    let helm = &app["spec"]["source"]["helm"];
    let web = cluster.image("org/web");
    // §7.1: existing parameters are replaced in place, new ones appended; both forceString.
    assert_eq!(
        parameter_names(helm),
        ["replicaCount", "image.tag", "image.name"]
    );
    assert_eq!(
        parameter(helm, "image.tag"),
        Some(&forced("image.tag", "1.2.0"))
    );
    assert_eq!(
        parameter(helm, "image.name"),
        Some(&forced("image.name", &web))
    );
    assert_eq!(
        parameter(helm, "replicaCount"),
        Some(&json!({"name": "replicaCount", "value": "2"}))
    );
    assert_eq!(
        app["spec"]["someFutureField"],
        json!({"introducedIn": "argo-cd 9"})
    );
    for kept in ["project", "destination", "syncPolicy"] {
        assert_eq!(app["spec"][kept], seeded["spec"][kept], "spec.{kept}");
    }
    assert_eq!(app["status"], seeded["status"]);
    assert_eq!(
        cluster.app("team-a", "other"),
        other,
        "not selected by `web`"
    );

    // One merge patch carrying the resourceVersion it was computed from (contract).
    let writes = cluster.app_writes("team-a", "web");
    assert_eq!(writes.len(), 1, "{writes:#?}");
    assert_eq!(writes[0].method, "PATCH");
    let content_type = writes[0].content_type.as_deref().unwrap_or_default();
    assert!(
        content_type.starts_with("application/merge-patch+json"),
        "{content_type}"
    );
    let body: Value = serde_json::from_str(writes[0].body.as_deref().unwrap()).unwrap();
    assert_eq!(
        body["metadata"]["resourceVersion"],
        seeded["metadata"]["resourceVersion"]
    );

    // §7.4: one Normal event about the app, with one annotation set per change.
    let events = cluster.events("ImagesUpdated");
    assert_eq!(events.len(), 1, "{events:#?}");
    let event = &events[0];
    assert_eq!(event["metadata"]["namespace"], "team-a");
    assert_eq!(event["type"], "Normal");
    assert_eq!(event["message"], "Successfully updated application 'web'");
    assert_eq!(event["source"]["component"], "ArgocdImageUpdater");
    assert_eq!(event["involvedObject"]["kind"], "Application");
    assert_eq!(event["involvedObject"]["name"], "web");
    assert_eq!(event["involvedObject"]["namespace"], "team-a");
    let annotations = &event["metadata"]["annotations"];
    let key = |field: &str| format!("argocd-image-updater.image-0/{field}");
    assert_eq!(annotations[key("full-image-name")], web);
    assert_eq!(annotations[key("image-name")], "org/web");
    assert_eq!(annotations[key("old-tag")], "1.0.0");
    assert_eq!(annotations[key("new-tag")], "1.2.0");
    assert!(
        event["metadata"]["name"]
            .as_str()
            .unwrap()
            .starts_with("web.")
    );

    // §3.10: the status of a clean run that updated one image.
    let updater = cluster.updater("team-a", "web-updater");
    let status = &updater["status"];
    let ready = condition(&updater, "Ready");
    assert_eq!(
        (&ready["status"], &ready["reason"]),
        (&json!("True"), &json!("ReconcileSucceeded"))
    );
    assert_eq!(
        ready["message"],
        "Reconciled 1 applications, 1 images updated."
    );
    let error = condition(&updater, "Error");
    assert_eq!(
        (&error["status"], &error["reason"]),
        (&json!("False"), &json!("NoErrors"))
    );
    let reconciling = condition(&updater, "Reconciling");
    assert_eq!(
        (&reconciling["status"], &reconciling["reason"]),
        (&json!("False"), &json!("Idle"))
    );
    assert_eq!(status["applicationsMatched"], 1);
    assert_eq!(status["imagesManaged"], 1);
    assert_eq!(
        status["observedGeneration"],
        updater["metadata"]["generation"]
    );
    assert!(status["lastCheckedAt"].is_string(), "{status}");
    assert!(status["lastUpdatedAt"].is_string(), "{status}");
    let updates = status["recentUpdates"].as_array().expect("recentUpdates");
    assert_eq!(updates.len(), 1, "{status}");
    assert_eq!(updates[0]["alias"], "web");
    assert_eq!(updates[0]["image"], web);
    assert_eq!(updates[0]["newVersion"], "1.2.0");
    assert_eq!(updates[0]["applicationsUpdated"], 1);
    assert_eq!(updates[0]["message"], "Updated from 1.0.0 to 1.2.0.");
    assert!(updates[0]["updatedAt"].is_string());
}

#[tokio::test]
async fn kustomize_app_gets_its_named_image_entry_replaced() {
    let cluster = Cluster::start();
    cluster
        .seed_tags("org/api", &["1.0.0", "1.3.0", "2.1.0"])
        .await;
    let api = cluster.image("org/api");
    let app = App::kustomize("team-a", "api")
        .kustomize_image(&format!("api={api}:1.0.0"))
        .kustomize_image("sidecar=docker.io/library/busybox:1.36")
        .running(&[&format!("{api}:1.0.0"), "docker.io/library/busybox:1.36"])
        .build();
    cluster.add_app(app);
    // The kustomize name `api` is the "old name" of the entry (§3.8); it matches no running
    // image, so the live image is found by the configured name (§5.2).
    let image = kustomize_image("api", &format!("{api}:~1"), "api");
    let spec = json!({"applicationRefs": [app_ref("api", vec![image])]});
    cluster.add_updater(image_updater("team-a", "api-updater", spec));

    let run = cluster.run(&["--watch-namespaces", "team-a"]);
    assert_eq!(run.success(), summary(1, 1, 1), "{run}");

    // §7.1 Kustomize: `<kustomize.name>=<full name with tag>`, the entry with the same image
    // name overwritten in place, the unrelated one kept.
    let app = cluster.app("team-a", "api");
    assert_eq!(
        app["spec"]["source"]["kustomize"]["images"],
        json!([
            format!("api={api}:1.3.0"),
            "sidecar=docker.io/library/busybox:1.36"
        ])
    );
    assert_eq!(cluster.app_writes("team-a", "api").len(), 1);
}

#[tokio::test]
async fn multi_source_app_gets_parameters_on_its_helm_source_only() {
    let cluster = Cluster::start();
    cluster.seed_tags("org/web", &TAGS).await;
    let web = cluster.image("org/web");
    let values_source = json!({
        "repoURL": "https://git.example.com/org/values.git", "targetRevision": "main", "ref": "values",
    });
    let chart_source = json!({
        "repoURL": "https://charts.example.com", "chart": "web", "targetRevision": "1.4.0",
        "helm": {"valueFiles": ["$values/web/values.yaml"]},
    });
    let sources = json!([values_source, chart_source]);
    let app = App::multi_source("team-a", "web", sources, &["Directory", "Helm"])
        .running(&[&format!("{web}:1.0.0")])
        .build();
    cluster.add_app(app);
    let spec =
        json!({"applicationRefs": [app_ref("web", vec![image("web", &format!("{web}:~1"))])]});
    cluster.add_updater(image_updater("team-a", "web-updater", spec));

    let run = cluster.run(&["--watch-namespaces", "team-a"]);
    assert_eq!(run.success(), summary(1, 1, 1), "{run}");

    // §7.0: the type is the first Helm/Kustomize/Plugin of `status.sourceTypes`, and the source
    // written is the first whose explicit block matches it: the chart source.
    let app = cluster.app("team-a", "web");
    let sources = app["spec"]["sources"].as_array().unwrap();
    assert_eq!(sources.len(), 2);
    assert_eq!(sources[0], values_source, "the git source is left alone");
    let helm = &sources[1]["helm"];
    assert_eq!(helm["valueFiles"], json!(["$values/web/values.yaml"]));
    assert_eq!(
        parameter(helm, "image.name"),
        Some(&forced("image.name", &web))
    );
    assert_eq!(
        parameter(helm, "image.tag"),
        Some(&forced("image.tag", "1.2.0"))
    );
    assert!(
        app["spec"].get("source").is_none(),
        "no single source is invented"
    );
}

#[tokio::test]
async fn image_updaters_select_applications_of_their_own_namespace_only() {
    let cluster = Cluster::start();
    cluster.seed_tags("org/web", &TAGS).await;
    let web = cluster.image("org/web");
    let running = format!("{web}:1.0.0");
    // Three namespaces, each with an app called `web` and an updater selecting `*`; team-b
    // wants the next major version; team-c is not watched.
    let constraints = [("team-a", "~1"), ("team-b", "^2"), ("team-c", "~1")];
    for (namespace, constraint) in constraints {
        cluster.add_app(App::helm(namespace, "web").running(&[&running]).build());
        let image = image("web", &format!("{web}:{constraint}"));
        let spec = json!({"applicationRefs": [app_ref("*", vec![image])]});
        cluster.add_updater(image_updater(namespace, "updater", spec));
    }
    let unwatched = cluster.app("team-c", "web");

    let run = cluster.run(&["--watch-namespaces", "team-a,team-b"]);
    assert_eq!(run.success(), summary(2, 2, 2), "{run}");

    let tag_of = |namespace: &str| {
        let app = cluster.app(namespace, "web");
        parameter(&app["spec"]["source"]["helm"], "image.tag").cloned()
    };
    assert_eq!(tag_of("team-a"), Some(forced("image.tag", "1.2.0")));
    assert_eq!(tag_of("team-b"), Some(forced("image.tag", "2.0.0")));
    // §3.11 step 2: a CR lists the Applications of its own namespace. Had one CR selected the
    // other namespace's `web`, that app would have been written twice.
    assert_eq!(cluster.app_writes("team-a", "web").len(), 1);
    assert_eq!(cluster.app_writes("team-b", "web").len(), 1);
    for namespace in ["team-a", "team-b"] {
        let status = &cluster.updater(namespace, "updater")["status"];
        assert_eq!(status["applicationsMatched"], 1, "{namespace}: {status}");
    }
    assert_eq!(cluster.app("team-c", "web"), unwatched);
    assert!(cluster.app_writes("team-c", "web").is_empty());
    assert!(cluster.updater("team-c", "updater").get("status").is_none());
}

#[tokio::test]
async fn git_method_writes_the_override_files_and_leaves_the_applications_alone() {
    let cluster = Cluster::start();
    cluster.seed_tags("org/web", &TAGS).await;
    cluster
        .seed_tags("org/api", &["1.0.0", "1.3.0", "2.1.0"])
        .await;
    let git = GitHost::start();
    let repo = git.create_repo(
        "deploy.git",
        &[
            (
                "apps/web/Chart.yaml",
                "apiVersion: v2\nname: web\nversion: 0.1.0\n",
            ),
            ("apps/web/values.yaml", "image:\n  tag: 1.0.0\n"),
            (
                "apps/api/kustomization.yaml",
                "resources:\n- deployment.yaml\n",
            ),
        ],
    );
    let url = git.url("deploy.git");
    let (web, api) = (cluster.image("org/web"), cluster.image("org/api"));
    // `web` lives in the Argo CD namespace, `api` in another one (§7.2.3 file names).
    let web_app = App::helm(ARGOCD_NS, "web")
        .source(&url, "apps/web", "main")
        .helm_parameter("image.tag", "1.0.0")
        .running(&[&format!("{web}:1.0.0")])
        .build();
    let api_app = App::kustomize("team-a", "api")
        .source(&url, "apps/api", "main")
        .running(&[&format!("{api}:1.0.0")])
        .build();
    let web_seeded = cluster.add_app(web_app);
    let api_seeded = cluster.add_app(api_app);
    let git_method = json!({"method": "git"});
    for (namespace, name, image_name) in [(ARGOCD_NS, "web", &web), ("team-a", "api", &api)] {
        let mut reference = app_ref(name, vec![image(name, &format!("{image_name}:~1"))]);
        reference["writeBackConfig"] = git_method.clone();
        let spec = json!({"applicationRefs": [reference]});
        cluster.add_updater(image_updater(namespace, &format!("{name}-updater"), spec));
    }
    let before = repo.commit_count("main").unwrap();

    let run = cluster.run(&["--watch-namespaces", "argocd,team-a"]);
    assert_eq!(run.success(), summary(2, 2, 2), "{run}");

    assert_eq!(
        file_on_main(&repo, "apps/web/.argocd-source-web.yaml"),
        helm_override(&web, "1.2.0")
    );
    // §7.2.3: the app namespace differs from the controller's, so it is part of the name.
    // §7.2.4 Kustomize: the in-memory `kustomize.images`, no kustomize name configured.
    assert_eq!(
        file_on_main(&repo, "apps/api/.argocd-source-team-a_api.yaml"),
        format!("kustomize:\n  images:\n  - {api}:1.3.0\n")
    );
    assert_eq!(
        repo.commit_count("main").unwrap(),
        before + 1,
        "one repository + branch"
    );
    assert_eq!(
        last_author(&repo, "main"),
        format!("{COMMIT_USER} <{COMMIT_EMAIL}>")
    );
    assert_eq!(
        file_on_main(&repo, "apps/web/values.yaml"),
        "image:\n  tag: 1.0.0\n"
    );
    assert!(cluster.app_writes(ARGOCD_NS, "web").is_empty());
    assert!(cluster.app_writes("team-a", "api").is_empty());
    assert_eq!(cluster.app(ARGOCD_NS, "web"), web_seeded);
    assert_eq!(cluster.app("team-a", "api"), api_seeded);

    // Nothing new: the files would be written byte for byte the same, so no commit (§7.2.1
    // step 6). Argo CD has not synced, so the apps still run 1.0.0 and the images still count
    // as updates; only the exit code and the repository are checked.
    let again = cluster.run(&["--watch-namespaces", "argocd,team-a"]);
    assert_eq!(again.code, Some(0), "{again}");
    assert_eq!(repo.commit_count("main").unwrap(), before + 1, "{again}");
}

#[tokio::test]
async fn git_method_edits_the_kustomization_keeping_its_comments() {
    let cluster = Cluster::start();
    cluster
        .seed_tags("org/api", &["1.0.0", "1.3.0", "2.1.0"])
        .await;
    let api = cluster.image("org/api");
    let kustomization = |tag: &str| {
        format!(
            "# production overlay\n\
             apiVersion: kustomize.config.k8s.io/v1beta1\n\
             kind: Kustomization\n\
             \n\
             resources:\n  - ../../base # the shared base\n\
             \n\
             images:\n  - name: api\n    newName: {api}\n    newTag: {tag}\n  \
             - name: sidecar\n    newTag: \"1.36\"\n"
        )
    };
    let git = GitHost::start();
    let base = "resources:\n- deployment.yaml\n";
    let repo = git.create_repo(
        "deploy.git",
        &[
            ("base/kustomization.yaml", base),
            ("overlays/prod/kustomization.yaml", &kustomization("1.0.0")),
        ],
    );
    let app = App::kustomize(ARGOCD_NS, "api")
        .source(&git.url("deploy.git"), "overlays/prod", "main")
        .running(&[&format!("{api}:1.0.0")])
        .build();
    cluster.add_app(app);
    let mut reference = app_ref(
        "api",
        vec![kustomize_image("api", &format!("{api}:~1"), "api")],
    );
    reference["writeBackConfig"] =
        json!({"method": "git", "gitConfig": {"writeBackTarget": "kustomization"}});
    cluster.add_updater(image_updater(
        ARGOCD_NS,
        "api-updater",
        json!({"applicationRefs": [reference]}),
    ));

    let run = cluster.run(&["--watch-namespaces", ARGOCD_NS]);
    assert_eq!(run.success(), summary(1, 1, 1), "{run}");

    // §7.3: the `api` element is replaced (name, newName, newTag), everything else — head
    // comment, blank lines, inline comment, sequence indentation, the quoted tag — is kept.
    assert_eq!(
        file_on_main(&repo, "overlays/prod/kustomization.yaml"),
        kustomization("1.3.0")
    );
    assert_eq!(
        changed_files(&repo, "main"),
        ["overlays/prod/kustomization.yaml"]
    );
    assert_eq!(file_on_main(&repo, "base/kustomization.yaml"), base);
    assert_eq!(
        repo.log_messages("main").unwrap()[0],
        default_message("api", "org/api", "1.0.0", "1.3.0")
    );
    assert!(cluster.app_writes(ARGOCD_NS, "api").is_empty());
}

#[tokio::test]
async fn git_method_patches_helm_values_in_place() {
    let cluster = Cluster::start();
    cluster.seed_tags("org/web", &TAGS).await;
    let web = cluster.image("org/web");
    let values = |tag: &str| {
        format!(
            "# Default values for web.\n\
             replicaCount: 2\n\
             \n\
             image:\n  # the repository, without tag\n  name: {web}\n  \
             tag: {tag}   # managed by argocd-image-updater\n  pullPolicy: IfNotPresent\n\
             \n\
             # left empty on purpose\n\
             resources: {{}}\n"
        )
    };
    let git = GitHost::start();
    let repo = git.create_repo(
        "deploy.git",
        &[
            (
                "charts/web/Chart.yaml",
                "apiVersion: v2\nname: web\nversion: 0.1.0\n",
            ),
            ("charts/web/values.yaml", &values("1.0.0")),
        ],
    );
    let app = App::helm(ARGOCD_NS, "web")
        .source(&git.url("deploy.git"), "charts/web", "main")
        .running(&[&format!("{web}:1.0.0")])
        .build();
    cluster.add_app(app);
    let image = helm_image("web", &format!("{web}:~1"), "image.name", "image.tag");
    let mut reference = app_ref("web", vec![image]);
    reference["writeBackConfig"] =
        json!({"method": "git", "gitConfig": {"writeBackTarget": "helmvalues:values.yaml"}});
    cluster.add_updater(image_updater(
        ARGOCD_NS,
        "web-updater",
        json!({"applicationRefs": [reference]}),
    ));

    let run = cluster.run(&["--watch-namespaces", ARGOCD_NS]);
    assert_eq!(run.success(), summary(1, 1, 1), "{run}");

    // §7.2.5 in-place mode: both writes hit existing plain scalars and the new values are safe
    // plain scalars, so only the tag's bytes change; comments and alignment survive.
    assert_eq!(
        file_on_main(&repo, "charts/web/values.yaml"),
        values("1.2.0")
    );
    assert_eq!(changed_files(&repo, "main"), ["charts/web/values.yaml"]);
    assert_eq!(
        repo.log_messages("main").unwrap()[0],
        default_message("web", "org/web", "1.0.0", "1.2.0")
    );
    assert_eq!(
        last_author(&repo, "main"),
        format!("{COMMIT_USER} <{COMMIT_EMAIL}>")
    );
}

/// A Helm app `namespace/web` on `repo_url` (`apps/web`, `main`) running `org/web:1.0.0`, and
/// an updater following `~1` with `method`.
async fn seed_git_web(cluster: &Cluster, namespace: &str, repo_url: &str, method: &str) {
    cluster.seed_tags("org/web", &TAGS).await;
    let web = cluster.image("org/web");
    let app = App::helm(namespace, "web")
        .source(repo_url, "apps/web", "main")
        .running(&[&format!("{web}:1.0.0")])
        .build();
    cluster.add_app(app);
    let mut reference = app_ref("web", vec![image("web", &format!("{web}:~1"))]);
    reference["writeBackConfig"] = json!({"method": method});
    cluster.add_updater(image_updater(
        namespace,
        "web-updater",
        json!({"applicationRefs": [reference]}),
    ));
}

fn chart_files() -> [(&'static str, &'static str); 1] {
    [(
        "apps/web/Chart.yaml",
        "apiVersion: v2\nname: web\nversion: 0.1.0\n",
    )]
}

#[tokio::test]
async fn git_over_ssh_with_a_git_secret() {
    let cluster = Cluster::start();
    let root = tempfile::tempdir().unwrap();
    let repo = BareRepo::create(root.path(), "deploy.git", &chart_files(), "main").unwrap();
    let ssh = SshGitServer::start(root.path()).expect("sshd starts");
    seed_git_web(
        &cluster,
        "team-a",
        &ssh.url("deploy.git"),
        "git:secret:git-creds",
    )
    .await;
    // §7.2.6: `git:secret:<name>` is read in the app's namespace; an SSH URL needs
    // `sshPrivateKey`. `insecure: "true"` because this build keeps host-key checking on for
    // secret credentials unless the secret opts out (a deliberate difference documented in
    // updater-argocd's git_secret.rs; the original always turns it off).
    let data = [
        ("sshPrivateKey", ssh.client_key_pem()),
        ("insecure", "true"),
    ];
    cluster.add_secret(secret("team-a", "git-creds", &[], &data));

    let run = cluster.run(&["--watch-namespaces", "team-a"]);
    assert_eq!(
        run.success(),
        summary(1, 1, 1),
        "{run}\n--- sshd ---\n{}",
        ssh.log_tail()
    );

    let web = cluster.image("org/web");
    assert_eq!(
        file_on_main(&repo, "apps/web/.argocd-source-team-a_web.yaml"),
        helm_override(&web, "1.2.0")
    );
    assert_eq!(repo.commit_count("main").unwrap(), 2);
    assert!(
        !run.stderr.contains("OPENSSH PRIVATE KEY"),
        "the key is never logged"
    );
}

#[tokio::test]
async fn git_over_http_with_an_argocd_repository_secret() {
    let cluster = Cluster::start();
    let root = tempfile::tempdir().unwrap();
    let repo = BareRepo::create(root.path(), "deploy.git", &chart_files(), "main").unwrap();
    let (user, password) = ("git-user", "s3cret-git-password");
    let http = HttpGitServer::start(root.path(), Some((user, password))).expect("http starts");
    let url = http.url("deploy.git");
    seed_git_web(&cluster, "team-a", &url, "git").await;
    // §7.2.6 repocreds: `git` reads Argo CD's repository secrets in the Argo CD namespace and
    // takes username/password first. (`git:secret:` would refuse an http:// URL as an "unknown
    // repository type"; repocreds has no such rule. If this fails on credential rules, that
    // is the question to settle.)
    cluster.add_secret(repository_secret(
        ARGOCD_NS,
        "repo-deploy",
        &url,
        user,
        password,
    ));

    let run = cluster.run(&["--watch-namespaces", "team-a"]);
    assert_eq!(run.success(), summary(1, 1, 1), "{run}");

    let web = cluster.image("org/web");
    assert_eq!(
        file_on_main(&repo, "apps/web/.argocd-source-team-a_web.yaml"),
        helm_override(&web, "1.2.0")
    );
    assert_eq!(http.rejected_credentials(), 0);
    assert!(
        !run.stderr.contains(password),
        "the password is never logged"
    );
}

#[tokio::test]
async fn apps_sharing_a_repository_and_branch_make_one_commit() {
    let cluster = Cluster::start();
    cluster.seed_tags("org/web", &TAGS).await;
    let web = cluster.image("org/web");
    let git = GitHost::start();
    let charts: Vec<(String, &str)> = (1..=3)
        .map(|n| {
            (
                format!("apps/web-{n}/Chart.yaml"),
                "apiVersion: v2\nname: web\n",
            )
        })
        .collect();
    let files: Vec<(&str, &str)> = charts.iter().map(|(p, c)| (p.as_str(), *c)).collect();
    let repo = git.create_repo("deploy.git", &files);
    for n in 1..=3 {
        let app = App::helm(ARGOCD_NS, &format!("web-{n}"))
            .source(&git.url("deploy.git"), &format!("apps/web-{n}"), "main")
            .running(&[&format!("{web}:1.0.0")])
            .build();
        cluster.add_app(app);
    }
    let mut reference = app_ref("web-*", vec![image("web", &format!("{web}:~1"))]);
    reference["writeBackConfig"] = json!({"method": "git"});
    cluster.add_updater(image_updater(
        ARGOCD_NS,
        "web-updater",
        json!({"applicationRefs": [reference]}),
    ));

    let run = cluster.run(&[
        "--watch-namespaces",
        ARGOCD_NS,
        "--max-concurrent-apps",
        "3",
    ]);
    assert_eq!(run.success(), summary(3, 3, 3), "{run}");

    // Contract: one commit per repository + branch per pass, holding every app's file.
    assert_eq!(repo.commit_count("main").unwrap(), 2);
    assert_eq!(
        changed_files(&repo, "main"),
        [
            "apps/web-1/.argocd-source-web-1.yaml",
            "apps/web-2/.argocd-source-web-2.yaml",
            "apps/web-3/.argocd-source-web-3.yaml",
        ]
    );
    for n in 1..=3 {
        let path = format!("apps/web-{n}/.argocd-source-web-{n}.yaml");
        assert_eq!(file_on_main(&repo, &path), helm_override(&web, "1.2.0"));
    }
    assert_eq!(
        last_author(&repo, "main"),
        format!("{COMMIT_USER} <{COMMIT_EMAIL}>")
    );
}

#[tokio::test]
async fn legacy_annotations_mode_reads_annotated_apps_of_watched_namespaces() {
    let cluster = Cluster::start();
    cluster.seed_tags("org/web", &TAGS).await;
    let web = cluster.image("org/web");
    let running = format!("{web}:1.0.0");
    // §4: the v0.x annotations; `frontend` names the Helm parameters of the alias.
    let annotated = |namespace: &str, name: &str, team: &str| {
        App::helm(namespace, name)
            .label("team", team)
            .updater_annotation("image-list", &format!("frontend={web}:~1"))
            .updater_annotation("update-strategy", "semver")
            .updater_annotation("frontend.helm.image-name", "frontend.image.repository")
            .updater_annotation("frontend.helm.image-tag", "frontend.image.tag")
            .running(&[&running])
            .build()
    };
    cluster.add_app(annotated(ARGOCD_NS, "web-frontend", "frontend"));
    let untouched = [
        // Filtered out by --match-application-name.
        cluster.add_app(annotated(ARGOCD_NS, "billing", "frontend")),
        // Filtered out by --match-application-label.
        cluster.add_app(annotated(ARGOCD_NS, "web-backend", "backend")),
        // Not in a watched namespace.
        cluster.add_app(annotated("other", "web-elsewhere", "frontend")),
        // No image-list annotation.
        cluster.add_app(
            App::helm(ARGOCD_NS, "web-plain")
                .label("team", "frontend")
                .running(&[&running])
                .build(),
        ),
    ];

    let run = cluster.run(&[
        "--legacy-annotations",
        "--watch-namespaces",
        "argocd,team-a",
        "--match-application-name",
        "web-*",
        "--match-application-label",
        "team=frontend",
    ]);
    assert_eq!(run.success(), summary(1, 1, 1), "{run}");

    let app = cluster.app(ARGOCD_NS, "web-frontend");
    let helm = &app["spec"]["source"]["helm"];
    assert_eq!(
        parameter(helm, "frontend.image.repository"),
        Some(&forced("frontend.image.repository", &web))
    );
    assert_eq!(
        parameter(helm, "frontend.image.tag"),
        Some(&forced("frontend.image.tag", "1.2.0"))
    );
    assert_eq!(
        parameter(helm, "image.tag"),
        None,
        "the alias's parameter names are used"
    );
    for seeded in untouched {
        let (namespace, name) = (
            seeded["metadata"]["namespace"].as_str().unwrap(),
            seeded["metadata"]["name"].as_str().unwrap(),
        );
        assert_eq!(cluster.app(namespace, name), seeded, "{namespace}/{name}");
    }
    assert_eq!(cluster.events("ImagesUpdated").len(), 1);
}

#[tokio::test]
async fn use_annotations_takes_the_configuration_from_the_application() {
    let cluster = Cluster::start();
    cluster.seed_tags("org/web", &TAGS).await;
    let web = cluster.image("org/web");
    let app = App::helm(ARGOCD_NS, "web")
        .updater_annotation("image-list", &format!("web={web}:~1"))
        .updater_annotation("web.helm.image-name", "frontend.image.repository")
        .updater_annotation("web.helm.image-tag", "frontend.image.tag")
        .updater_annotation("write-back-method", "argocd")
        .running(&[&format!("{web}:1.0.0")])
        .build();
    cluster.add_app(app);
    // §3.2: with useAnnotations the spec-level settings are ignored. Were this `alphabetical`
    // applied, `~1` would not matter and 2.0.0 would win.
    let spec = json!({
        "commonUpdateSettings": {"updateStrategy": "alphabetical"},
        "applicationRefs": [{"namePattern": "web", "useAnnotations": true}],
    });
    cluster.add_updater(image_updater(ARGOCD_NS, "annotated", spec));

    let run = cluster.run(&["--watch-namespaces", ARGOCD_NS]);
    assert_eq!(run.success(), summary(1, 1, 1), "{run}");

    let app = cluster.app(ARGOCD_NS, "web");
    let helm = &app["spec"]["source"]["helm"];
    assert_eq!(
        parameter(helm, "frontend.image.repository"),
        Some(&forced("frontend.image.repository", &web))
    );
    assert_eq!(
        parameter(helm, "frontend.image.tag"),
        Some(&forced("frontend.image.tag", "1.2.0"))
    );
    let status = &cluster.updater(ARGOCD_NS, "annotated")["status"];
    assert_eq!(
        (&status["applicationsMatched"], &status["imagesManaged"]),
        (&json!(1), &json!(1))
    );
}

#[tokio::test]
async fn a_concurrent_edit_is_retried_and_kept() {
    let cluster = Cluster::start();
    seed_web_in_team_a(&cluster).await;
    // Someone edits the app between the updater's read and its patch (§7.5: retry on conflict
    // from a fresh read). The hook bumps the resourceVersion, so the patch gets a real 409.
    cluster
        .api
        .mutate_before_next("PATCH", &app_path("team-a", "web"), |app| {
            let parameters = app["spec"]["source"]["helm"]["parameters"]
                .as_array_mut()
                .unwrap();
            parameters.push(json!({"name": "other.setting", "value": "on"}));
        });

    let run = cluster.run(&["--watch-namespaces", "team-a"]);
    assert_eq!(run.success(), summary(1, 1, 1), "{run}");

    assert_eq!(
        cluster.api.mutations_applied(),
        1,
        "the updater patched the app"
    );
    assert!(
        cluster.api.conflicts_served() >= 1,
        "the first patch conflicted"
    );
    let app = cluster.app("team-a", "web");
    let helm = &app["spec"]["source"]["helm"];
    assert_eq!(
        parameter(helm, "image.tag"),
        Some(&forced("image.tag", "1.2.0"))
    );
    assert_eq!(
        parameter(helm, "other.setting"),
        Some(&json!({"name": "other.setting", "value": "on"})),
        "the concurrent edit survives"
    );
    assert_eq!(
        parameter(helm, "replicaCount").map(|p| &p["value"]),
        Some(&json!("2"))
    );
    assert_eq!(
        cluster.app_writes("team-a", "web").len(),
        2,
        "one conflict, one retry"
    );
}

#[tokio::test]
async fn a_broken_application_is_an_error_and_the_others_are_still_updated() {
    let cluster = Cluster::start();
    cluster.seed_tags("org/web", &TAGS).await;
    let web = cluster.image("org/web");
    let running = format!("{web}:1.0.0");
    for name in ["good-1", "good-2", "broken"] {
        cluster.add_app(App::helm(ARGOCD_NS, name).running(&[&running]).build());
    }
    // §6: an invalid constraint is an error for the image (NumErrors), not a skip.
    let spec = json!({"applicationRefs": [
        app_ref("good-*", vec![image("web", &format!("{web}:~1"))]),
        app_ref("broken", vec![image("web", &format!("{web}:not-a-constraint!!"))]),
    ]});
    cluster.add_updater(image_updater(ARGOCD_NS, "updater", spec));
    let broken = cluster.app(ARGOCD_NS, "broken");

    let run = cluster.run(&["--watch-namespaces", ARGOCD_NS]);
    assert_eq!(run.code, Some(1), "{run}");
    let summary = run.summary();
    assert!(summary.errors >= 1, "{run}");
    assert_eq!((summary.applications, summary.updated), (3, 2), "{run}");
    assert!(
        run.stderr.contains("argocd/broken"),
        "the error names the app\n{run}"
    );

    for name in ["good-1", "good-2"] {
        let app = cluster.app(ARGOCD_NS, name);
        let tag = parameter(&app["spec"]["source"]["helm"], "image.tag").cloned();
        assert_eq!(tag, Some(forced("image.tag", "1.2.0")), "{name}");
    }
    assert_eq!(cluster.app(ARGOCD_NS, "broken"), broken);
    // §3.10 partial errors: Ready stays True, Error says how many.
    let updater = cluster.updater(ARGOCD_NS, "updater");
    let ready = condition(&updater, "Ready");
    assert_eq!(
        (&ready["status"], &ready["reason"]),
        (&json!("True"), &json!("ReconcileCompletedWithErrors"))
    );
    let error = condition(&updater, "Error");
    assert_eq!(
        (&error["status"], &error["reason"]),
        (&json!("True"), &json!("PartialErrors"))
    );
}

#[tokio::test]
async fn dry_run_counts_updates_and_writes_nothing() {
    let cluster = Cluster::start();
    let seeded = seed_web_in_team_a(&cluster).await;
    let updater = cluster.updater("team-a", "web-updater");

    let run = cluster.run(&["--watch-namespaces", "team-a", "--dry-run"]);
    assert_eq!(
        run.success(),
        summary(1, 1, 1),
        "counted, not written\n{run}"
    );

    // Contract: no patch, no event, and (unlike the original) no status write either.
    assert!(cluster.writes().is_empty(), "{:#?}", cluster.writes());
    assert_eq!(cluster.app("team-a", "web"), seeded);
    assert!(cluster.events("ImagesUpdated").is_empty());
    assert_eq!(cluster.updater("team-a", "web-updater"), updater);
}

#[tokio::test]
async fn a_hundred_applications_list_each_repository_once() {
    const REPOS: usize = 5;
    const APPS_PER_REPO_AND_NAMESPACE: usize = 10;
    let cluster = Cluster::start();
    for r in 0..REPOS {
        cluster.seed_tags(&format!("org/svc-{r}"), &TAGS).await;
    }
    // 2 namespaces × 5 repositories × 10 apps; each namespace's ImageUpdater has one ref per
    // repository, so each repository is used by 20 apps under 2 CRs.
    for namespace in ["team-a", "team-b"] {
        let mut refs = Vec::new();
        for r in 0..REPOS {
            let repo = cluster.image(&format!("org/svc-{r}"));
            for k in 0..APPS_PER_REPO_AND_NAMESPACE {
                let app = App::helm(namespace, &format!("svc-{r}-{k}"))
                    .running(&[&format!("{repo}:1.0.0")])
                    .build();
                cluster.add_app(app);
            }
            refs.push(app_ref(
                &format!("svc-{r}-*"),
                vec![image("svc", &format!("{repo}:~1"))],
            ));
        }
        cluster.add_updater(image_updater(
            namespace,
            "updater",
            json!({"applicationRefs": refs}),
        ));
    }

    let run = cluster.run(&[
        "--watch-namespaces",
        "team-a,team-b",
        "--max-concurrent-apps",
        "8",
    ]);
    assert_eq!(run.success(), summary(100, 100, 100), "{run}");

    // README, stage 3: each repository's tags are listed once per cycle, however many apps
    // and CRs use it.
    for r in 0..REPOS {
        let repo = format!("org/svc-{r}");
        assert_eq!(cluster.tag_listings(&repo), 1, "{repo}");
    }
    let all = cluster.registry.requests().unwrap();
    let listings = all
        .iter()
        .filter(|r| r.path().ends_with("/tags/list"))
        .count();
    assert_eq!(listings, REPOS);
    for namespace in ["team-a", "team-b"] {
        for r in 0..REPOS {
            for k in 0..APPS_PER_REPO_AND_NAMESPACE {
                let app = cluster.app(namespace, &format!("svc-{r}-{k}"));
                let tag = parameter(&app["spec"]["source"]["helm"], "image.tag").cloned();
                assert_eq!(
                    tag,
                    Some(forced("image.tag", "1.2.0")),
                    "{namespace}/svc-{r}-{k}"
                );
            }
        }
        let status = &cluster.updater(namespace, "updater")["status"];
        assert_eq!(status["applicationsMatched"], 50, "{namespace}");
    }
}

/// One Application whose file cannot be rendered in the checkout (its values file is missing)
/// shares a repository and branch with a good one: the good one is still committed, alone.
#[tokio::test]
async fn an_app_whose_file_cannot_be_written_does_not_block_its_batch() {
    let cluster = Cluster::start();
    cluster.seed_tags("org/web", &TAGS).await;
    let web = cluster.image("org/web");
    let git = GitHost::start();
    let repo = git.create_repo(
        "deploy.git",
        &[
            ("apps/good/Chart.yaml", "apiVersion: v2\nname: good\n"),
            ("apps/broken/Chart.yaml", "apiVersion: v2\nname: broken\n"),
        ],
    );
    let mut references = Vec::new();
    for (name, target) in [("good", ""), ("broken", "helmvalues:values.yaml")] {
        let app = App::helm(ARGOCD_NS, name)
            .source(&git.url("deploy.git"), &format!("apps/{name}"), "main")
            .running(&[&format!("{web}:1.0.0")])
            .build();
        cluster.add_app(app);
        let mut reference = app_ref(name, vec![image("web", &format!("{web}:~1"))]);
        reference["writeBackConfig"] =
            json!({"method": "git", "gitConfig": {"writeBackTarget": target}});
        references.push(reference);
    }
    cluster.add_updater(image_updater(
        ARGOCD_NS,
        "web-updater",
        json!({"applicationRefs": references}),
    ));

    let run = cluster.run(&["--watch-namespaces", ARGOCD_NS]);
    assert_eq!(run.code, Some(1), "{run}");
    let expected = Summary {
        errors: 1,
        ..summary(2, 2, 1)
    };
    assert_eq!(run.summary(), expected, "{run}");
    assert!(run.stderr.contains("argocd/broken"), "{run}");
    assert!(run.stderr.contains("apps/broken/values.yaml"), "{run}");
    assert_eq!(repo.commit_count("main").unwrap(), 2, "one new commit");
    assert_eq!(
        changed_files(&repo, "main"),
        ["apps/good/.argocd-source-good.yaml"]
    );
    assert!(
        !git_message(&repo).contains("broken"),
        "{}",
        git_message(&repo)
    );
}

fn git_message(repo: &BareRepo) -> String {
    fixture::git_in(repo, &["log", "-1", "--format=%B", "main"])
}
