//! Property tests: no accessor or edit panics on any JSON shape, edits are idempotent, and the
//! merge patch always turns the old spec into the new one.

use proptest::prelude::*;
use serde_json::{Map, Value, json};

use super::*;
use crate::choose::Strategy as UpdateStrategy;
use crate::crd::PluginTarget;
use crate::writeback::ResolvedTarget;

/// Any JSON value, biased towards the keys the Application model reads.
fn any_json() -> impl Strategy<Value = Value> {
    let key = prop_oneof![
        Just("source".to_owned()),
        Just("sources".to_owned()),
        Just("sourceHydrator".to_owned()),
        Just("drySource".to_owned()),
        Just("helm".to_owned()),
        Just("kustomize".to_owned()),
        Just("plugin".to_owned()),
        Just("parameters".to_owned()),
        Just("images".to_owned()),
        Just("env".to_owned()),
        Just("name".to_owned()),
        Just("value".to_owned()),
        Just("repoURL".to_owned()),
        "[a-z]{1,3}",
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        "[a-z0-9:=@/.]{0,12}".prop_map(Value::from),
    ];
    leaf.prop_recursive(5, 48, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((key.clone(), inner), 0..5)
                .prop_map(|entries| Value::Object(entries.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

fn application(spec: Value, status: Value, metadata: Value) -> Application {
    let mut metadata = match metadata {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    metadata.insert("name".to_owned(), json!("prop"));
    let json = json!({"kind": "Application", "metadata": metadata, "spec": spec, "status": status});
    match Application::from_json(json) {
        Ok(app) => app,
        Err(error) => panic!("a named Application must be accepted: {error}"),
    }
}

fn targets() -> Vec<SpecTarget> {
    vec![
        SpecTarget::Helm(HelmParams::resolve(None, None)),
        SpecTarget::Helm(HelmParams {
            spec: Some("image.full".into()),
            ..HelmParams::default()
        }),
        SpecTarget::Kustomize { name: None },
        SpecTarget::Kustomize {
            name: Some("web".into()),
        },
        SpecTarget::Plugin(PluginTarget {
            name: Some("N".into()),
            tag: Some("T".into()),
            spec: None,
        }),
    ]
}

fn read_everything(app: &Application) {
    let _ = (app.name(), app.namespace(), app.resource_version());
    let _ = (app.labels(), app.annotations(), app.live_images());
    let _ = (app.status_source_type(), app.status_source_types());
    let write_backs = [
        None,
        Some(ResolvedTarget::Kustomization { dir: ".".into() }),
        Some(ResolvedTarget::OverrideFile {
            path: "a/.argocd-source-x.yaml".into(),
        }),
    ];
    for write_back in &write_backs {
        let _ = source_type(app, write_back.as_ref());
    }
    for source_type in [SourceType::Helm, SourceType::Kustomize, SourceType::Plugin] {
        let index = write_source_index(app, source_type, Some("x"));
        assert!(index == 0 || index < app.sources().len());
    }
    for index in 0..=app.sources().len() {
        let _ = (helm_parameters(app, index), kustomize_images(app, index));
        let _ = plugin_env(app, index);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn accessors_and_edits_never_panic(
        spec in any_json(),
        status in any_json(),
        metadata in any_json(),
        tag in "[a-z0-9.]{0,6}",
    ) {
        let app = application(spec, status, metadata);
        read_everything(&app);
        let new = ImageRef::parse(&format!("ghcr.io/acme/web:{tag}")).ok();
        let live = app.live_images().images;
        if let Some(image) = &new {
            let _ = live_or_forced(image, Some("web"), UpdateStrategy::Digest, &live, true);
            let _ = reselect_digest(image, Some("web"), &live, "sha256:x");
            for target in targets() {
                for index in 0..=app.sources().len() {
                    let mut edited = app.clone();
                    let _ = already_set(&edited, index, &target, image);
                    if set_image(&mut edited, index, &target, image).is_ok() {
                        prop_assert!(already_set(&edited, index, &target, image) || image.tag.is_none());
                        let once = edited.clone();
                        prop_assert!(set_image(&mut edited, index, &target, image).is_ok());
                        prop_assert_eq!(&edited, &once);
                    }
                    read_everything(&edited);
                    let _ = spec_merge_patch(&app, &edited);
                }
            }
        }
    }

    #[test]
    fn merge_patch_turns_old_spec_into_new(old in any_json(), new in any_json()) {
        let before = application(old, Value::Null, Value::Null);
        let after = application(new, Value::Null, Value::Null);
        let patch = spec_merge_patch(&before, &after);
        let spec = patch.get("spec").cloned();
        let patched = match spec {
            Some(spec_patch) => apply(&before.as_json()["spec"], &spec_patch),
            None => before.as_json()["spec"].clone(),
        };
        prop_assert_eq!(strip_nulls(&patched), strip_nulls(&after.as_json()["spec"]));
    }
}

/// RFC 7386 application.
fn apply(target: &Value, patch: &Value) -> Value {
    let Value::Object(patch) = patch else {
        return patch.clone();
    };
    let mut result = match target {
        Value::Object(map) => map.clone(),
        _ => Map::new(),
    };
    for (key, value) in patch {
        if value.is_null() {
            result.remove(key);
        } else {
            let current = result.get(key).cloned().unwrap_or(Value::Null);
            result.insert(key.clone(), apply(&current, value));
        }
    }
    Value::Object(result)
}

/// Merge patches cannot express null members of objects (null means delete), so compare
/// without them.
fn strip_nulls(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), strip_nulls(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}
