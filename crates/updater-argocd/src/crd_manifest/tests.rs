//! The committed CRD is the rendered one, the CRD reads back with the expected identity, a
//! realistic resource only uses fields the schema declares, and the schema is structural.

use std::path::PathBuf;

use serde_json::{Value, json};
use updater_core::crd::ImageUpdater;

use super::*;

fn committed_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(CRD_FILE)
}

/// The first line where the two texts differ, 1-based, with both versions of it.
fn first_difference(committed: &str, rendered: &str) -> String {
    let mut left = committed.lines();
    let mut right = rendered.lines();
    for number in 1.. {
        match (left.next(), right.next()) {
            (None, None) => break,
            (l, r) if l == r => continue,
            (l, r) => return format!("line {number}: committed {l:?}, rendered {r:?}"),
        }
    }
    "the texts differ only in line endings".to_owned()
}

#[test]
fn committed_file_matches_the_rust_types() {
    let rendered = image_updater_crd_yaml().unwrap();
    let path = committed_path();
    if std::env::var("UPDATE_CRD").as_deref() == Ok("1") {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &rendered).unwrap();
        return;
    }
    let problem = match std::fs::read_to_string(&path) {
        Ok(committed) if committed == rendered => return,
        Ok(committed) => format!("is stale ({})", first_difference(&committed, &rendered)),
        Err(error) => format!("cannot be read ({error})"),
    };
    panic!(
        "{CRD_FILE} {problem}; regenerate it with \
         `UPDATE_CRD=1 cargo test -p updater-argocd crd_manifest` and commit the result"
    );
}

#[test]
fn crd_reads_back_with_the_expected_identity() {
    let yaml = image_updater_crd_yaml().unwrap();
    let crd: CustomResourceDefinition = serde_saphyr::from_str(&yaml).unwrap();
    assert_eq!(
        crd,
        image_updater_crd().unwrap(),
        "YAML round trip is lossy"
    );
    assert_eq!(
        crd.metadata.name.as_deref(),
        Some("imageupdaters.argocd-image-updater.argoproj.io")
    );
    let spec = &crd.spec;
    assert_eq!(spec.group, "argocd-image-updater.argoproj.io");
    assert_eq!(spec.scope, "Namespaced");
    assert_eq!(spec.names.kind, "ImageUpdater");
    assert_eq!(spec.names.list_kind.as_deref(), Some("ImageUpdaterList"));
    assert_eq!(spec.names.plural, "imageupdaters");
    assert_eq!(spec.names.singular.as_deref(), Some("imageupdater"));
    assert_eq!(spec.names.short_names, None, "spec §3: no short names");
    let [version] = spec.versions.as_slice() else {
        panic!("expected one version, got {:?}", spec.versions);
    };
    assert_eq!(version.name, "v1alpha1");
    assert!(version.served && version.storage);
    let subresources = version.subresources.as_ref().unwrap();
    assert_eq!(subresources.status.as_ref().map(|s| &s.0), Some(&json!({})));
    assert!(subresources.scale.is_none());
}

#[test]
fn printer_columns_are_those_of_the_spec() {
    let crd = image_updater_crd().unwrap();
    let columns: Vec<(&str, &str, &str)> = crd.spec.versions[0]
        .additional_printer_columns
        .iter()
        .flatten()
        .map(|c| (c.name.as_str(), c.type_.as_str(), c.json_path.as_str()))
        .collect();
    assert_eq!(
        columns,
        [
            ("Apps", "integer", ".status.applicationsMatched"),
            ("Images", "integer", ".status.imagesManaged"),
            ("Last Checked", "date", ".status.lastCheckedAt"),
            (
                "Ready",
                "string",
                ".status.conditions[?(@.type==\"Ready\")].status"
            ),
        ]
    );
}

/// The openAPIV3Schema as it ends up in the CRD (after the round trip through
/// `JSONSchemaProps`, so keywords k8s-openapi does not know would already be gone).
fn crd_schema() -> Value {
    let crd = image_updater_crd().unwrap();
    let schema = crd.spec.versions[0].schema.clone().unwrap();
    serde_json::to_value(schema.open_api_v3_schema.unwrap()).unwrap()
}

/// Two applicationRefs with label selectors, helm and kustomize targets, git write-back with a
/// branch and a target, verification, and a status with an update and conditions.
fn realistic_sample() -> Value {
    json!({
        "apiVersion": "argocd-image-updater.argoproj.io/v1alpha1",
        "kind": "ImageUpdater",
        "metadata": { "name": "web", "namespace": "argocd", "labels": { "team": "web" } },
        "spec": {
            "commonUpdateSettings": {
                "updateStrategy": "semver",
                "ignoreTags": ["*-rc*", "latest"],
                "platforms": ["linux/amd64"]
            },
            "writeBackConfig": {
                "method": "git:secret:argocd/git-creds",
                "gitConfig": {
                    "repository": "https://git.example.com/org/deploy.git",
                    "branch": "main:image-updater-{{.SHA256}}",
                    "writeBackTarget": "helmvalues:values/prod.yaml"
                }
            },
            "applicationRefs": [
                {
                    "namePattern": "frontend-*",
                    "labelSelectors": {
                        "matchLabels": { "tier": "frontend" },
                        "matchExpressions": [
                            { "key": "env", "operator": "In", "values": ["prod", "staging"] }
                        ]
                    },
                    "images": [{
                        "alias": "web",
                        "imageName": "ghcr.io/org/web:1.x",
                        "commonUpdateSettings": { "allowTags": "regexp:^1\\.[0-9]+\\.[0-9]+$", "forceUpdate": true },
                        "manifestTargets": {
                            "helm": { "name": "web.image.repository", "tag": "web.image.tag" }
                        }
                    }]
                },
                {
                    "namePattern": "backend-?",
                    "labelSelectors": {
                        "matchExpressions": [{ "key": "legacy", "operator": "DoesNotExist" }]
                    },
                    "writeBackConfig": {
                        "gitConfig": {
                            "branch": "release",
                            "writeBackTarget": "kustomization:overlays/prod",
                            "pullRequest": { "github": {}, "labels": ["deps"] }
                        }
                    },
                    "images": [{
                        "alias": "api",
                        "imageName": "registry.example.com/org/api",
                        "commonUpdateSettings": { "updateStrategy": "digest", "pullSecret": "pullsecret:argocd/regcred" },
                        "manifestTargets": { "kustomize": { "name": "org/api" } },
                        "imagesVerification": {
                            "enabled": true,
                            "cosignKey": { "secretName": "cosign", "key": "cosign.pub" }
                        }
                    }]
                }
            ]
        },
        "status": {
            "observedGeneration": 3,
            "lastCheckedAt": "2026-01-02T03:04:05Z",
            "lastUpdatedAt": "2026-01-02T03:04:05Z",
            "applicationsMatched": 2,
            "imagesManaged": 2,
            "recentUpdates": [{
                "alias": "web", "image": "ghcr.io/org/web", "newVersion": "1.4.2",
                "applicationsUpdated": 1, "updatedAt": "2026-01-02T03:04:05Z",
                "message": "Updated from 1.4.1 to 1.4.2."
            }],
            "conditions": [{
                "type": "Ready", "status": "True", "reason": "ReconcileSucceeded",
                "message": "Reconciled 2 applications, 1 images updated.",
                "lastTransitionTime": "2026-01-02T03:04:05Z", "observedGeneration": 3
            }]
        }
    })
}

/// The JSON type name of an instance value, as a schema `type` spells it.
fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Every field of `instance` the schema does not declare, every value of the wrong type and
/// every missing required field, with its path. `metadata` is the API server's business.
fn schema_mismatches(schema: &Value, instance: &Value, path: &str, out: &mut Vec<String>) {
    let expected = schema
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("<none>");
    let found = json_type(instance);
    if expected != found && !(expected == "number" && found == "integer") {
        out.push(format!(
            "{path}: schema type {expected}, sample has {found}"
        ));
        return;
    }
    match instance {
        Value::Object(fields) => object_mismatches(schema, fields, path, out),
        Value::Array(items) => {
            let item_schema = schema.get("items").unwrap_or(&Value::Null);
            for (index, item) in items.iter().enumerate() {
                schema_mismatches(item_schema, item, &format!("{path}[{index}]"), out);
            }
        }
        _ => {}
    }
}

fn object_mismatches(
    schema: &Value,
    fields: &serde_json::Map<String, Value>,
    path: &str,
    out: &mut Vec<String>,
) {
    for name in schema["required"].as_array().into_iter().flatten() {
        let name = name.as_str().unwrap_or_default();
        if !fields.contains_key(name) {
            out.push(format!("{path}.{name}: required by the schema, absent"));
        }
    }
    for (name, value) in fields {
        let field_path = format!("{path}.{name}");
        if field_path == ".metadata" {
            continue;
        }
        let field_schema = schema["properties"]
            .get(name)
            .or_else(|| schema.get("additionalProperties").filter(|s| s.is_object()));
        match field_schema {
            Some(field_schema) => schema_mismatches(field_schema, value, &field_path, out),
            None => out.push(format!("{field_path}: not in the schema")),
        }
    }
}

fn mismatches(instance: &Value) -> Vec<String> {
    let mut out = Vec::new();
    schema_mismatches(&crd_schema(), instance, "", &mut out);
    out
}

#[test]
fn realistic_sample_is_accepted_by_the_types_and_the_schema() {
    let sample = realistic_sample();
    let parsed: ImageUpdater = serde_json::from_value(sample.clone()).unwrap();
    assert_eq!(parsed.spec.application_refs.len(), 2);
    assert_eq!(mismatches(&sample), Vec::<String>::new());
    // What the controller writes back must fit the schema as well.
    let written = serde_json::to_value(&parsed).unwrap();
    assert_eq!(mismatches(&written), Vec::<String>::new());
}

#[test]
fn walker_reports_renamed_missing_and_mistyped_fields() {
    let mut sample = realistic_sample();
    let git = &mut sample["spec"]["writeBackConfig"]["gitConfig"];
    let target = git
        .as_object_mut()
        .unwrap()
        .remove("writeBackTarget")
        .unwrap();
    git["writeBackTargets"] = target;
    let image = &mut sample["spec"]["applicationRefs"][1]["images"][0];
    image.as_object_mut().unwrap().remove("alias");
    sample["status"]["imagesManaged"] = json!("two");
    assert_eq!(
        mismatches(&sample),
        [
            ".spec.applicationRefs[1].images[0].alias: required by the schema, absent",
            ".spec.writeBackConfig.gitConfig.writeBackTargets: not in the schema",
            ".status.imagesManaged: schema type integer, sample has string",
        ]
    );
}

/// Everything that makes a schema non-structural or unresolvable for Kubernetes, with paths.
fn structural_violations(node: &Value, path: &str, out: &mut Vec<String>) {
    let Some(map) = node.as_object() else {
        out.push(format!("{path}: schema is not an object"));
        return;
    };
    for keyword in [
        "$ref",
        "anyOf",
        "oneOf",
        "allOf",
        "not",
        "definitions",
        "$defs",
        "nullable",
    ] {
        if map.contains_key(keyword) {
            out.push(format!("{path}: has `{keyword}`"));
        }
    }
    if !map.get("type").is_some_and(Value::is_string) {
        out.push(format!("{path}: no single `type`"));
    }
    if map.contains_key("properties") && map.contains_key("additionalProperties") {
        out.push(format!(
            "{path}: both `properties` and `additionalProperties`"
        ));
    }
    for (name, child) in map
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        structural_violations(child, &format!("{path}.{name}"), out);
    }
    for keyword in ["items", "additionalProperties"] {
        if let Some(child) = map.get(keyword).filter(|c| !c.is_boolean()) {
            structural_violations(child, &format!("{path}/{keyword}"), out);
        }
    }
}

#[test]
fn schema_is_structural() {
    let mut violations = Vec::new();
    structural_violations(&crd_schema(), "", &mut violations);
    assert_eq!(violations, Vec::<String>::new());
}

#[test]
fn structural_check_finds_violations() {
    let bad = json!({
        "type": "object",
        "properties": {
            "a": { "$ref": "#/definitions/A" },
            "b": { "type": "array", "items": { "anyOf": [{ "type": "string" }, { "type": "null" }] } }
        }
    });
    let mut violations = Vec::new();
    structural_violations(&bad, "", &mut violations);
    assert_eq!(
        violations,
        [
            ".a: has `$ref`",
            ".a: no single `type`",
            ".b/items: has `anyOf`",
            ".b/items: no single `type`",
        ]
    );
}

#[test]
fn rewriter_drops_null_from_options_and_collapses_unit_enums() {
    let raw = json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["list"],
        "properties": {
            "flag": { "type": ["boolean", "null"], "nullable": true, "default": null },
            "list": { "type": "array", "default": [], "items": { "type": "string" } },
            "status": { "oneOf": [
                { "enum": ["True"], "type": "string", "description": "yes" },
                { "enum": ["False"], "type": "string" }
            ] }
        }
    });
    assert_eq!(
        structural(raw),
        json!({
            "type": "object",
            "required": ["list"],
            "properties": {
                "flag": { "type": "boolean" },
                "list": { "type": "array", "items": { "type": "string" } },
                "status": { "enum": ["True", "False"], "type": "string" }
            }
        })
    );
}

#[test]
fn rendering_is_deterministic() {
    assert_eq!(
        image_updater_crd_yaml().unwrap(),
        image_updater_crd_yaml().unwrap()
    );
}
