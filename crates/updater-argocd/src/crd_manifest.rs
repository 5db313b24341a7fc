//! The `ImageUpdater` CustomResourceDefinition, generated from updater-core's serde types (spec
//! §3) so the schema the API server enforces cannot drift from what the controller parses.
//!
//! schemars describes the types; a small rewriter then turns its OpenAPI 3 output into a
//! Kubernetes *structural* schema (everything inlined, one `type` per node, no `nullable`, no
//! `additionalProperties: false`). The committed YAML under `config/crd/` is checked against
//! [`image_updater_crd_yaml`] by this module's tests.

use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::{
    CustomResourceColumnDefinition, CustomResourceDefinition, CustomResourceDefinitionNames,
    CustomResourceDefinitionSpec, CustomResourceDefinitionVersion, CustomResourceSubresourceStatus,
    CustomResourceSubresources, CustomResourceValidation, JSONSchemaProps,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use schemars::generate::SchemaSettings;
use serde_json::{Map, Value, json};
use updater_core::crd::ImageUpdater;

/// The API group of the resource.
pub const GROUP: &str = "argocd-image-updater.argoproj.io";
/// The only served (and stored) version.
pub const VERSION: &str = "v1alpha1";
/// The plural resource name (the URL segment).
pub const PLURAL: &str = "imageupdaters";
/// The singular resource name.
pub const SINGULAR: &str = "imageupdater";
/// The path of the committed CRD, relative to the workspace root.
pub const CRD_FILE: &str = "config/crd/argocd-image-updater.argoproj.io_imageupdaters.yaml";

/// The comment block that opens the committed file.
const HEADER: &str = "\
# Generated from the Rust types in crates/updater-core/src/crd.rs by
# updater_argocd::crd_manifest::image_updater_crd_yaml. DO NOT EDIT.
# Regenerate with: UPDATE_CRD=1 cargo test -p updater-argocd crd_manifest
";

/// Why the CRD could not be built or rendered; both mean a type in updater-core produces a
/// schema Kubernetes cannot represent, so the tests catch them.
#[derive(Debug, thiserror::Error)]
pub enum CrdManifestError {
    /// The rewritten schema does not deserialize into `JSONSchemaProps`.
    #[error("generated schema for `{PLURAL}.{GROUP}` is not a valid JSONSchemaProps")]
    Schema {
        /// The deserialization error.
        #[source]
        source: serde_json::Error,
    },
    /// The CRD could not be serialized as YAML.
    #[error("cannot render the `{PLURAL}.{GROUP}` CRD as YAML")]
    Yaml {
        /// The serializer's error.
        #[source]
        source: serde_saphyr::SerializeError,
    },
}

/// The `ImageUpdater` CustomResourceDefinition: namespaced, one version with a status
/// subresource and printer columns for the status counters and the `Ready` condition.
pub fn image_updater_crd() -> Result<CustomResourceDefinition, CrdManifestError> {
    let schema = serde_json::from_value::<JSONSchemaProps>(open_api_v3_schema())
        .map_err(|source| CrdManifestError::Schema { source })?;
    Ok(CustomResourceDefinition {
        metadata: ObjectMeta {
            name: Some(format!("{PLURAL}.{GROUP}")),
            ..ObjectMeta::default()
        },
        spec: CustomResourceDefinitionSpec {
            group: GROUP.to_owned(),
            names: names(),
            scope: "Namespaced".to_owned(),
            versions: vec![version(schema)],
            ..CustomResourceDefinitionSpec::default()
        },
        status: None,
    })
}

/// [`image_updater_crd`] as the YAML document committed under [`CRD_FILE`], header included.
pub fn image_updater_crd_yaml() -> Result<String, CrdManifestError> {
    let crd = image_updater_crd()?;
    let body = serde_saphyr::to_string(&crd).map_err(|source| CrdManifestError::Yaml { source })?;
    Ok(format!("{HEADER}{body}"))
}

fn names() -> CustomResourceDefinitionNames {
    CustomResourceDefinitionNames {
        kind: updater_core::crd::KIND.to_owned(),
        list_kind: Some(format!("{}List", updater_core::crd::KIND)),
        plural: PLURAL.to_owned(),
        singular: Some(SINGULAR.to_owned()),
        ..CustomResourceDefinitionNames::default()
    }
}

fn version(schema: JSONSchemaProps) -> CustomResourceDefinitionVersion {
    CustomResourceDefinitionVersion {
        name: VERSION.to_owned(),
        served: true,
        storage: true,
        additional_printer_columns: Some(printer_columns()),
        schema: Some(CustomResourceValidation {
            open_api_v3_schema: Some(schema),
        }),
        subresources: Some(CustomResourceSubresources {
            status: Some(CustomResourceSubresourceStatus(json!({}))),
            scale: None,
        }),
        ..CustomResourceDefinitionVersion::default()
    }
}

/// The columns of spec §3 (Apps, Images, Last Checked, Ready), in that order.
fn printer_columns() -> Vec<CustomResourceColumnDefinition> {
    let column = |name: &str, type_: &str, json_path: &str| CustomResourceColumnDefinition {
        name: name.to_owned(),
        type_: type_.to_owned(),
        json_path: json_path.to_owned(),
        ..CustomResourceColumnDefinition::default()
    };
    vec![
        column("Apps", "integer", ".status.applicationsMatched"),
        column("Images", "integer", ".status.imagesManaged"),
        column("Last Checked", "date", ".status.lastCheckedAt"),
        column(
            "Ready",
            "string",
            ".status.conditions[?(@.type==\"Ready\")].status",
        ),
    ]
}

/// The structural `openAPIV3Schema` of the whole resource.
fn open_api_v3_schema() -> Value {
    let mut schema = structural(raw_schema());
    top_level(&mut schema);
    schema
}

/// schemars' OpenAPI 3 schema of [`ImageUpdater`] with every subschema inlined (Kubernetes
/// resolves no `$ref`; none of the types is recursive, so inlining terminates).
fn raw_schema() -> Value {
    SchemaSettings::openapi3()
        .with(|s| {
            s.inline_subschemas = true;
            s.meta_schema = None;
        })
        .into_generator()
        .into_root_schema_for::<ImageUpdater>()
        .to_value()
}

/// Kubernetes owns `metadata` (only `type: object` may be declared there) and always sets
/// `apiVersion` and `kind`, so only `spec` is required; the descriptions are the standard ones
/// instead of the Rust docs, which speak about constants.
fn top_level(schema: &mut Value) {
    let Some(object) = schema.as_object_mut() else {
        return;
    };
    object.insert("required".to_owned(), json!(["spec"]));
    let Some(properties) = object.get_mut("properties").and_then(Value::as_object_mut) else {
        return;
    };
    properties.insert("metadata".to_owned(), json!({ "type": "object" }));
    properties.insert("apiVersion".to_owned(), string_property(API_VERSION_DOC));
    properties.insert("kind".to_owned(), string_property(KIND_DOC));
}

const API_VERSION_DOC: &str = "APIVersion defines the versioned schema of this representation of \
an object. Servers should convert recognized schemas to the latest internal value, and may reject \
unrecognized values.";
const KIND_DOC: &str = "Kind is a string value representing the REST resource this object \
represents. Servers may infer this from the endpoint the client submits requests to. Cannot be \
updated. In CamelCase.";

fn string_property(description: &str) -> Value {
    json!({ "description": description, "type": "string" })
}

/// Rewrites one schema node and its children into structural form: an `Option<T>` becomes
/// plain `T` (the serde types skip `None` when serializing, and the API server prunes a `null`
/// sent for a non-nullable field, which deserializes as `None` anyway); `additionalProperties:
/// false` goes because pruning already drops unknown fields and Kubernetes rejects it beside
/// `properties`.
fn structural(node: Value) -> Value {
    let Value::Object(mut map) = node else {
        return node;
    };
    collapse_unit_enum(&mut map);
    let mut out = Map::new();
    for (key, value) in map {
        if let Some(kept) = structural_entry(&key, value) {
            out.insert(key, kept);
        }
    }
    drop_required_defaults(&mut out);
    Value::Object(out)
}

/// A `default` on a required property would make it optional (defaults apply before
/// validation) and can contradict its own constraints (`applicationRefs: []` with
/// `minItems: 1`); serde's `#[serde(default)]` is a parsing convenience, not a CRD default.
fn drop_required_defaults(map: &mut Map<String, Value>) {
    let required: Vec<String> = match map.get("required") {
        Some(Value::Array(names)) => names
            .iter()
            .filter_map(|n| n.as_str().map(str::to_owned))
            .collect(),
        _ => return,
    };
    let Some(Value::Object(properties)) = map.get_mut("properties") else {
        return;
    };
    for name in required {
        if let Some(Value::Object(property)) = properties.get_mut(&name) {
            property.remove("default");
        }
    }
}

/// The rewritten value of one keyword of a schema node, `None` to drop the keyword.
fn structural_entry(key: &str, value: Value) -> Option<Value> {
    match key {
        "nullable" | "title" | "$schema" => None,
        "type" => Some(single_type(value)),
        "additionalProperties" if value == Value::Bool(false) => None,
        "default" if value.is_null() => None,
        "properties" => Some(map_values(value, structural)),
        "items" | "additionalProperties" => Some(structural(value)),
        _ => Some(value),
    }
}

/// schemars writes a unit-variant enum whose variants have docs as a `oneOf` of one-value
/// `enum`s; Kubernetes wants a single `enum` (the per-variant docs are lost, as with kube-rs).
fn collapse_unit_enum(map: &mut Map<String, Value>) {
    let Some(Value::Array(branches)) = map.get("oneOf") else {
        return;
    };
    let values: Option<Vec<Value>> = branches.iter().map(unit_variant).collect();
    let types: Vec<&Value> = branches.iter().filter_map(|b| b.get("type")).collect();
    let (Some(values), Some(first)) = (values, types.first()) else {
        return;
    };
    if types.len() != branches.len() || types.iter().any(|t| t != first) {
        return;
    }
    let type_ = (*first).clone();
    map.remove("oneOf");
    map.insert("type".to_owned(), type_);
    map.insert("enum".to_owned(), Value::Array(values));
}

/// The single value of a `{"enum": [value], ...}` branch.
fn unit_variant(branch: &Value) -> Option<Value> {
    match branch.get("enum")?.as_array()?.as_slice() {
        [value] => Some(value.clone()),
        _ => None,
    }
}

/// `["string", "null"]` → `"string"`.
fn single_type(value: Value) -> Value {
    let Value::Array(types) = value else {
        return value;
    };
    let mut rest: Vec<Value> = types.into_iter().filter(|t| t != "null").collect();
    match rest.len() {
        1 => rest.remove(0),
        _ => Value::Array(rest),
    }
}

fn map_values(value: Value, f: fn(Value) -> Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(map.into_iter().map(|(k, v)| (k, f(v))).collect()),
        other => other,
    }
}

#[cfg(test)]
mod tests;
