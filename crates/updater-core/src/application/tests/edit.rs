//! §7.1: the `argocd` method's edits, their read back and `already_set`.

use serde_json::json;

use super::{HELM_SINGLE, HYDRATOR, KUSTOMIZE, MULTI, PLUGIN, app, at, image};
use crate::application::{
    Application, ApplicationError, HelmParams, SpecTarget, already_set, helm_parameters,
    kustomize_images, plugin_env, set_helm_image, set_image, set_kustomize_image, set_plugin_env,
    spec_image,
};
use crate::crd::{HelmTarget, PluginTarget};
use crate::render::source_file::{EnvEntry, HelmParameter};

const DIGEST: &str = "sha256:2222222222222222222222222222222222222222222222222222222222222222";

fn default_params() -> HelmParams {
    HelmParams::resolve(None, None)
}

fn param(name: &str, value: &str, force_string: bool) -> HelmParameter {
    HelmParameter {
        name: name.into(),
        value: value.into(),
        force_string,
    }
}

fn env(name: &str, value: &str) -> EnvEntry {
    EnvEntry {
        name: name.into(),
        value: value.into(),
    }
}

fn bare(json: serde_json::Value) -> Application {
    let mut object = json!({"apiVersion": "argoproj.io/v1alpha1", "kind": "Application",
        "metadata": {"name": "bare"}});
    object["spec"] = json;
    Application::from_json(object).expect("valid application")
}

#[test]
fn helm_params_defaults_and_alias_rule() {
    let configured = HelmTarget {
        name: Some("web.image.repository".into()),
        tag: None,
        spec: Some(String::new()),
    };
    assert_eq!(
        HelmParams::resolve(Some(&configured), Some("web")),
        HelmParams {
            name: Some("web.image.repository".into()),
            tag: Some("image.tag".into()),
            spec: None,
        }
    );
    // Without an alias the configured names are ignored.
    assert_eq!(
        HelmParams::resolve(Some(&configured), None),
        default_params()
    );
    assert_eq!(
        HelmParams::resolve(Some(&configured), Some("")),
        default_params()
    );
    assert_eq!(
        default_params(),
        HelmParams {
            name: Some("image.name".into()),
            tag: Some("image.tag".into()),
            spec: None,
        }
    );
}

#[test]
fn helm_name_and_tag_replaced_in_place() {
    let mut app = app(HELM_SINGLE);
    let new = image("gb=ghcr.io/acme/guestbook:1.3.0");
    set_helm_image(&mut app, 0, &default_params(), &new).expect("set");
    assert_eq!(
        helm_parameters(&app, 0),
        [
            param("replicas", "2", false),
            param("image.name", "ghcr.io/acme/guestbook", true),
            param("image.tag", "1.3.0", true),
        ]
    );
    assert_eq!(
        at(&app, "/spec/source/helm/parameters/2"),
        &json!({"name": "image.tag", "value": "1.3.0", "forceString": true, "futureField": "keep-me"})
    );
    assert_eq!(at(&app, "/spec/source/helm/releaseName"), "gb");
    assert_eq!(at(&app, "/spec/xUnknownSpecField/nested/2"), 3);
}

#[test]
fn helm_new_params_are_appended_name_then_tag() {
    let mut app = app(HELM_SINGLE);
    let params = HelmParams {
        name: Some("api.image.repository".into()),
        tag: Some("api.image.tag".into()),
        spec: None,
    };
    let new = image("quay.io/acme/api:2.0.1");
    set_helm_image(&mut app, 0, &params, &new).expect("set");
    let names: Vec<String> = helm_parameters(&app, 0)
        .into_iter()
        .map(|p| p.name)
        .collect();
    assert_eq!(
        names,
        [
            "replicas",
            "image.name",
            "image.tag",
            "api.image.repository",
            "api.image.tag"
        ]
    );
    assert_eq!(
        at(&app, "/spec/source/helm/parameters/3"),
        &json!({"name": "api.image.repository", "value": "quay.io/acme/api", "forceString": true})
    );
}

#[test]
fn helm_tag_carries_the_digest() {
    let mut app = app(HELM_SINGLE);
    let pinned = image(&format!("ghcr.io/acme/guestbook:1.3.0@{DIGEST}"));
    set_helm_image(&mut app, 0, &default_params(), &pinned).expect("set");
    assert_eq!(
        at(&app, "/spec/source/helm/parameters/2/value"),
        format!("1.3.0@{DIGEST}").as_str()
    );
    let digest_only = image(&format!("ghcr.io/acme/guestbook@{DIGEST}"));
    set_helm_image(&mut app, 0, &default_params(), &digest_only).expect("set");
    assert_eq!(
        at(&app, "/spec/source/helm/parameters/2/value"),
        format!("latest@{DIGEST}").as_str()
    );
}

#[test]
fn helm_spec_param_gets_the_full_name_with_tag_and_overrides_name_and_tag() {
    let mut app = app(HELM_SINGLE);
    let params = HelmParams {
        spec: Some("image.full".into()),
        ..default_params()
    };
    let new = image(&format!("ghcr.io/acme/guestbook:1.3.0@{DIGEST}"));
    set_helm_image(&mut app, 0, &params, &new).expect("set");
    let parameters = helm_parameters(&app, 0);
    assert_eq!(parameters.len(), 4);
    assert_eq!(
        parameters[1],
        param("image.name", "ghcr.io/acme/guestbook", true)
    );
    assert_eq!(
        parameters[2],
        param("image.tag", "1.2.0", true),
        "untouched"
    );
    assert_eq!(
        parameters[3],
        param(
            "image.full",
            &format!("ghcr.io/acme/guestbook:1.3.0@{DIGEST}"),
            true
        )
    );
}

#[test]
fn helm_tag_not_written_when_empty() {
    let mut app = bare(json!({"source": {"repoURL": "r", "chart": "c"}}));
    let forced = image("ghcr.io/acme/api");
    set_helm_image(&mut app, 0, &default_params(), &forced).expect("set");
    assert_eq!(
        at(&app, "/spec/source/helm"),
        &json!({"parameters": [{"name": "image.name", "value": "ghcr.io/acme/api", "forceString": true}]})
    );
}

#[test]
fn helm_block_and_parameters_are_created() {
    for spec in [
        json!({"source": {"repoURL": "r"}}),
        json!({"source": {"repoURL": "r", "helm": null}}),
        json!({"source": {"repoURL": "r", "helm": {"releaseName": "x", "parameters": null}}}),
    ] {
        let mut app = bare(spec.clone());
        set_helm_image(&mut app, 0, &default_params(), &image("nginx:1.25")).expect("set");
        assert_eq!(
            helm_parameters(&app, 0),
            [
                param("image.name", "nginx", true),
                param("image.tag", "1.25", true)
            ],
            "{spec}"
        );
    }
}

#[test]
fn helm_on_odd_shapes_is_an_error_naming_the_field() {
    let cases = [
        (
            json!({"source": {"helm": "x"}}),
            "spec.source.helm",
            "an object",
        ),
        (
            json!({"source": {"helm": {"parameters": {}}}}),
            "spec.source.helm.parameters",
            "an array",
        ),
        (
            json!({"sources": [{"repoURL": "a"}, 7]}),
            "spec.sources[1]",
            "an object",
        ),
    ];
    for (spec, field, expected) in cases {
        let mut app = bare(spec);
        let index = if field.starts_with("spec.sources") {
            1
        } else {
            0
        };
        let result = set_helm_image(&mut app, index, &default_params(), &image("nginx:1"));
        match result {
            Err(ApplicationError::FieldType {
                app,
                field: found,
                expected: wanted,
                ..
            }) => {
                assert_eq!(
                    (app.as_str(), found.as_str(), wanted),
                    ("bare", field, expected)
                );
            }
            other => panic!("{field}: {other:?}"),
        }
    }
}

#[test]
fn missing_source_and_bad_index_are_errors() {
    let mut no_source = bare(json!({"project": "default"}));
    let result = set_helm_image(&mut no_source, 0, &default_params(), &image("nginx:1"));
    assert!(matches!(result, Err(ApplicationError::NoSource { app }) if app == "bare"));
    let mut multi = app(MULTI);
    let result = set_kustomize_image(&mut multi, 3, None, &image("nginx:1"));
    assert!(matches!(
        result,
        Err(ApplicationError::SourceIndex {
            index: 3,
            count: 3,
            ..
        })
    ));
}

#[test]
fn multi_source_edit_touches_only_the_chosen_source() {
    let mut app = app(MULTI);
    let before = app.clone();
    set_kustomize_image(&mut app, 1, None, &image("ghcr.io/acme/infra:2.0")).expect("set");
    assert_eq!(
        at(&app, "/spec/sources/1/kustomize"),
        &json!({"images": ["ghcr.io/acme/infra:2.0"]})
    );
    assert_eq!(at(&app, "/spec/sources/0"), at(&before, "/spec/sources/0"));
    assert_eq!(at(&app, "/spec/sources/2"), at(&before, "/spec/sources/2"));
}

#[test]
fn hydrator_edits_go_to_the_dry_source() {
    let mut app = app(HYDRATOR);
    set_kustomize_image(&mut app, 0, Some("web"), &image("ghcr.io/acme/web:3.1")).expect("set");
    assert_eq!(
        at(&app, "/spec/sourceHydrator/drySource/kustomize/images"),
        &json!(["web=ghcr.io/acme/web:3.1"])
    );
    assert_eq!(
        at(&app, "/spec/sourceHydrator/syncSource/targetBranch"),
        "environments/prod"
    );
}

#[test]
fn kustomize_entry_with_name_replaces_the_aliased_entry() {
    let mut app = app(KUSTOMIZE);
    let new = image("registry.acme.io/shop/web:1.1.0");
    set_kustomize_image(&mut app, 0, Some("web"), &new).expect("set");
    assert_eq!(
        kustomize_images(&app, 0),
        [
            "web=registry.acme.io/shop/web:1.1.0",
            "registry.acme.io/shop/worker:2.0.0",
            "redis:6"
        ]
    );
    assert_eq!(at(&app, "/spec/source/kustomize/namePrefix"), "prod-");
}

#[test]
fn kustomize_entry_without_name_overwrites_by_parsed_image_name() {
    let mut app = app(KUSTOMIZE);
    let new = image(&format!("registry.acme.io/shop/worker:2.1.0@{DIGEST}"));
    set_kustomize_image(&mut app, 0, None, &new).expect("set");
    assert_eq!(
        kustomize_images(&app, 0)[1],
        format!("registry.acme.io/shop/worker:2.1.0@{DIGEST}")
    );
    assert_eq!(kustomize_images(&app, 0).len(), 3);
}

#[test]
fn kustomize_overwrite_compares_names_not_registries() {
    // The original compares parsed names only: a registry switch still overwrites.
    let mut app = app(KUSTOMIZE);
    set_kustomize_image(&mut app, 0, None, &image("ghcr.io/redis:7")).expect("set");
    assert_eq!(kustomize_images(&app, 0)[2], "ghcr.io/redis:7");
    assert_eq!(kustomize_images(&app, 0).len(), 3);
}

#[test]
fn kustomize_alias_rule_protects_other_aliases() {
    let mut app = bare(json!({"source": {"kustomize": {"images": [
        "api=ghcr.io/acme/app:1.0",
        "worker=ghcr.io/acme/app:1.0",
    ]}}}));
    set_kustomize_image(&mut app, 0, Some("worker"), &image("ghcr.io/acme/app:1.1")).expect("set");
    assert_eq!(
        kustomize_images(&app, 0),
        ["api=ghcr.io/acme/app:1.0", "worker=ghcr.io/acme/app:1.1"]
    );
}

#[test]
fn kustomize_without_name_overwrites_aliased_entries_of_the_same_image() {
    // The alias check needs a kustomize name; without one every entry of the image is hit.
    let mut app = bare(json!({"source": {"kustomize": {"images": [
        "api=ghcr.io/acme/app:1.0",
        "nginx:1.25",
    ]}}}));
    set_kustomize_image(&mut app, 0, None, &image("ghcr.io/acme/app:1.1")).expect("set");
    assert_eq!(
        kustomize_images(&app, 0),
        ["ghcr.io/acme/app:1.1", "nginx:1.25"]
    );
}

#[test]
fn merge_image_uses_the_new_entrys_first_delimiter() {
    // `=` delimiter: `web=...` is found by the text before `=` although the image differs.
    let mut app =
        bare(json!({"source": {"kustomize": {"images": ["web=old/thing:1", "other:2"]}}}));
    set_kustomize_image(&mut app, 0, Some("web"), &image("ghcr.io/acme/web:3")).expect("set");
    assert_eq!(
        kustomize_images(&app, 0),
        ["web=ghcr.io/acme/web:3", "other:2"]
    );

    // A digest-only entry still contains `:` (in `sha256:`), which comes before `@` in the
    // delimiter order: the text compared is `docker.io/nginx@sha256`.
    let mut app = bare(json!({"source": {"kustomize": {"images": [
        "quay.io/x/y:1", "docker.io/nginx@sha256:aaaa"]}}}));
    let digest_only = image(&format!("docker.io/nginx@{DIGEST}"));
    set_kustomize_image(&mut app, 0, None, &digest_only).expect("set");
    assert_eq!(
        kustomize_images(&app, 0),
        [
            "quay.io/x/y:1".to_owned(),
            format!("docker.io/nginx@{DIGEST}")
        ]
    );
}

#[test]
fn merge_image_appends_when_nothing_matches() {
    let mut app = app(KUSTOMIZE);
    set_kustomize_image(&mut app, 0, Some("api"), &image("ghcr.io/acme/api:1")).expect("set");
    assert_eq!(kustomize_images(&app, 0).len(), 4);
    assert_eq!(kustomize_images(&app, 0)[3], "api=ghcr.io/acme/api:1");
    let mut empty = bare(json!({"source": {"repoURL": "r"}}));
    set_kustomize_image(&mut empty, 0, None, &image("nginx:1.25")).expect("set");
    assert_eq!(
        at(&empty, "/spec/source/kustomize"),
        &json!({"images": ["nginx:1.25"]})
    );
}

#[test]
fn kustomize_keeps_non_string_entries() {
    let mut app = bare(json!({"source": {"kustomize": {"images": [7, "nginx:1.0"]}}}));
    set_kustomize_image(&mut app, 0, None, &image("nginx:1.1")).expect("set");
    assert_eq!(
        at(&app, "/spec/source/kustomize/images"),
        &json!([7, "nginx:1.1"])
    );
    assert_eq!(kustomize_images(&app, 0), ["nginx:1.1"]);
}

#[test]
fn plugin_env_spec_or_name_and_tag() {
    let mut app = app(PLUGIN);
    let spec = PluginTarget {
        spec: Some("IMAGE".into()),
        name: Some("IMAGE_NAME".into()),
        tag: None,
    };
    set_plugin_env(&mut app, 0, &spec, &image("quay.io/acme/api:1.0")).expect("set");
    assert_eq!(
        plugin_env(&app, 0),
        [
            env("IMAGE", "quay.io/acme/api:1.0"),
            env("LOG_LEVEL", "debug")
        ]
    );
    let split = PluginTarget {
        spec: None,
        name: Some("IMAGE_NAME".into()),
        tag: Some("IMAGE_TAG".into()),
    };
    set_plugin_env(
        &mut app,
        0,
        &split,
        &image(&format!("quay.io/acme/api@{DIGEST}")),
    )
    .expect("set");
    assert_eq!(
        plugin_env(&app, 0)[2..],
        [
            env("IMAGE_NAME", "quay.io/acme/api"),
            env("IMAGE_TAG", &format!("latest@{DIGEST}"))
        ]
    );
    assert_eq!(at(&app, "/spec/source/plugin/name"), "envsubst-v1.0");
}

#[test]
fn plugin_tag_skipped_when_empty_and_block_created() {
    let mut app = bare(json!({"source": {"repoURL": "r"}}));
    let target = PluginTarget {
        spec: None,
        name: Some("IMAGE_NAME".into()),
        tag: Some("IMAGE_TAG".into()),
    };
    set_plugin_env(&mut app, 0, &target, &image("quay.io/acme/api")).expect("set");
    assert_eq!(
        at(&app, "/spec/source/plugin"),
        &json!({"env": [{"name": "IMAGE_NAME", "value": "quay.io/acme/api"}]})
    );
}

#[test]
fn already_set_reads_helm_name_and_tag() {
    let app = app(HELM_SINGLE);
    let target = SpecTarget::Helm(default_params());
    assert!(already_set(
        &app,
        0,
        &target,
        &image("ghcr.io/acme/guestbook:1.2.0")
    ));
    assert!(!already_set(
        &app,
        0,
        &target,
        &image("ghcr.io/acme/guestbook:1.3.0")
    ));
    assert!(!already_set(
        &app,
        0,
        &target,
        &image("ghcr.io/other/guestbook:1.2.0")
    ));
    let missing = SpecTarget::Helm(HelmParams {
        tag: Some("nope".into()),
        ..default_params()
    });
    assert_eq!(spec_image(&app, 0, &missing, &image("x:1")), None);
}

#[test]
fn already_set_reads_the_helm_spec_param() {
    let mut app = app(HELM_SINGLE);
    let params = HelmParams {
        spec: Some("image.full".into()),
        ..default_params()
    };
    let target = SpecTarget::Helm(params);
    let new = image(&format!("ghcr.io/acme/guestbook:1.3.0@{DIGEST}"));
    assert!(!already_set(&app, 0, &target, &new));
    set_image(&mut app, 0, &target, &new).expect("set");
    assert!(already_set(&app, 0, &target, &new));
}

#[test]
fn already_set_reads_the_kustomize_entry() {
    let app = app(KUSTOMIZE);
    let named = SpecTarget::Kustomize {
        name: Some("web".into()),
    };
    assert!(already_set(
        &app,
        0,
        &named,
        &image("registry.acme.io/shop/web:1.0.0")
    ));
    assert!(!already_set(
        &app,
        0,
        &named,
        &image("registry.acme.io/shop/web:1.0.1")
    ));
    let plain = SpecTarget::Kustomize { name: None };
    assert!(already_set(&app, 0, &plain, &image("redis:6")));
    assert!(!already_set(&app, 0, &plain, &image("redis:7")));
    assert_eq!(
        spec_image(&app, 0, &named, &image("registry.acme.io/shop/web:9")).as_deref(),
        Some("registry.acme.io/shop/web:1.0.0")
    );
}

#[test]
fn already_set_reads_plugin_env() {
    let app = app(PLUGIN);
    let target = SpecTarget::Plugin(PluginTarget {
        spec: Some("IMAGE".into()),
        ..PluginTarget::default()
    });
    assert!(already_set(
        &app,
        0,
        &target,
        &image("quay.io/acme/api:0.9")
    ));
    assert!(!already_set(
        &app,
        0,
        &target,
        &image("quay.io/acme/api:1.0")
    ));
}

#[test]
fn set_image_then_already_set_for_every_target_kind() {
    let targets = [
        (HELM_SINGLE, SpecTarget::Helm(default_params())),
        (
            KUSTOMIZE,
            SpecTarget::Kustomize {
                name: Some("web".into()),
            },
        ),
        (
            PLUGIN,
            SpecTarget::Plugin(PluginTarget {
                name: Some("N".into()),
                tag: Some("T".into()),
                spec: None,
            }),
        ),
    ];
    for (fixture, target) in targets {
        let mut app = app(fixture);
        let new = image("ghcr.io/acme/thing:4.5.6");
        set_image(&mut app, 0, &target, &new).expect("set");
        assert!(already_set(&app, 0, &target, &new), "{target:?}");
        let once = app.clone();
        set_image(&mut app, 0, &target, &new).expect("set again");
        assert_eq!(app, once, "setting twice changes nothing: {target:?}");
    }
}

#[test]
fn readers_are_empty_on_missing_sources_and_blocks() {
    let app = bare(json!({"source": {"repoURL": "r", "helm": {"parameters": "x"}}}));
    assert!(helm_parameters(&app, 0).is_empty());
    assert!(kustomize_images(&app, 0).is_empty());
    assert!(plugin_env(&app, 0).is_empty());
    assert!(helm_parameters(&app, 5).is_empty());
    let odd = bare(
        json!({"source": {"helm": {"parameters": [1, {"value": "v"}, {"name": "n", "value": 2}]}}}),
    );
    assert_eq!(helm_parameters(&odd, 0), [param("n", "", false)]);
}
