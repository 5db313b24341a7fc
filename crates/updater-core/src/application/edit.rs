//! The `argocd` write-back method's edits of an Application source (spec §7.1) and their read
//! back: Helm parameters, Kustomize images and plugin env entries, on the JSON of one source.
//!
//! Edits touch only the entries they set: other parameters, other keys of a replaced entry and
//! every unknown field stay as they were. A missing `helm`, `kustomize` or `plugin` block (or
//! its list) is created, as the original does for Helm and Kustomize.

use serde_json::{Map, Value, json};

use super::{Application, ApplicationError, json_type, source_pointer};
use crate::crd::{HelmTarget, PluginTarget};
use crate::image::ImageRef;
use crate::render::source_file::{EnvEntry, HelmParameter};

mod kustomize;

/// The Helm parameter an image name goes to when none is configured.
pub const DEFAULT_HELM_IMAGE_NAME: &str = "image.name";
/// The Helm parameter an image tag goes to when none is configured.
pub const DEFAULT_HELM_IMAGE_TAG: &str = "image.tag";

/// The Helm parameter names receiving one image.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HelmParams {
    /// Parameter for the name without tag.
    pub name: Option<String>,
    /// Parameter for the tag (with digest).
    pub tag: Option<String>,
    /// Parameter for the full name with tag; when set, `name` and `tag` are not written.
    pub spec: Option<String>,
}

impl HelmParams {
    /// The names the original uses: the configured ones, with `image.name` / `image.tag` for
    /// those unset, and only the defaults when the image has no alias.
    pub fn resolve(target: Option<&HelmTarget>, alias: Option<&str>) -> Self {
        let configured = target.filter(|_| alias.is_some_and(|a| !a.is_empty()));
        let field = |pick: fn(&HelmTarget) -> &Option<String>| {
            configured
                .and_then(|t| pick(t).clone())
                .filter(|v| !v.is_empty())
        };
        Self {
            name: Some(field(|t| &t.name).unwrap_or_else(|| DEFAULT_HELM_IMAGE_NAME.to_owned())),
            tag: Some(field(|t| &t.tag).unwrap_or_else(|| DEFAULT_HELM_IMAGE_TAG.to_owned())),
            spec: field(|t| &t.spec),
        }
    }
}

/// Where in a source one image is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SpecTarget {
    /// Helm parameters.
    Helm(HelmParams),
    /// A `kustomize.images` entry, `<name>=<image>` when a kustomize name is set.
    Kustomize {
        /// The kustomize image name (`manifestTargets.kustomize.name`).
        name: Option<String>,
    },
    /// Plugin env entries.
    Plugin(PluginTarget),
}

/// Writes `image` (carrying the new tag and digest) to the source at `source_index`.
pub fn set_image(
    app: &mut Application,
    source_index: usize,
    target: &SpecTarget,
    image: &ImageRef,
) -> Result<(), ApplicationError> {
    match target {
        SpecTarget::Helm(params) => set_helm_image(app, source_index, params, image),
        SpecTarget::Kustomize { name } => {
            set_kustomize_image(app, source_index, name.as_deref(), image)
        }
        SpecTarget::Plugin(target) => set_plugin_env(app, source_index, target, image),
    }
}

/// Sets the image's Helm parameters: `spec` to the full name with tag, or `name` to the full
/// name without tag and `tag` to the tag with digest (not written when empty). All are
/// `forceString: true`; an existing parameter of the same name is replaced in place, a new one
/// appended.
pub fn set_helm_image(
    app: &mut Application,
    source_index: usize,
    target: &HelmParams,
    image: &ImageRef,
) -> Result<(), ApplicationError> {
    let values = image_values(
        target.name.as_deref(),
        target.tag.as_deref(),
        target.spec.as_deref(),
        image,
    );
    let list = list_mut(app, source_index, "helm", "parameters")?;
    for (name, value) in values {
        let fields = json!({ "value": value, "forceString": true });
        set_named(list, &name, fields);
    }
    Ok(())
}

/// Sets the image's plugin env entries: `spec` to the full name with tag, or `name` to the full
/// name without tag and `tag` to the tag with digest (skipped when empty). An entry of the same
/// name is replaced, otherwise one is appended.
pub fn set_plugin_env(
    app: &mut Application,
    source_index: usize,
    target: &PluginTarget,
    image: &ImageRef,
) -> Result<(), ApplicationError> {
    let values = image_values(
        target.name.as_deref(),
        target.tag.as_deref(),
        target.spec.as_deref(),
        image,
    );
    let list = list_mut(app, source_index, "plugin", "env")?;
    for (name, value) in values {
        set_named(list, &name, json!({ "value": value }));
    }
    Ok(())
}

/// Sets the image's `kustomize.images` entry, `<kustomize_name>=<full name with tag>` or the
/// bare full name with tag: entries naming the same image are overwritten (unless both carry
/// aliases and the existing one is not the kustomize name), then Argo CD's `MergeImage` replaces
/// the entry with the same text before the delimiter, or appends.
pub fn set_kustomize_image(
    app: &mut Application,
    source_index: usize,
    kustomize_name: Option<&str>,
    image: &ImageRef,
) -> Result<(), ApplicationError> {
    let kustomize_name = kustomize_name.filter(|name| !name.is_empty());
    let entry = kustomize::entry(kustomize_name, image);
    let list = list_mut(app, source_index, "kustomize", "images")?;
    kustomize::overwrite_same_image(list, &entry, kustomize_name);
    kustomize::merge_image(list, &entry);
    Ok(())
}

/// What the source at `source_index` holds for the image, read back the way the original does:
/// the Helm `spec` parameter, or `<name param>:<tag param>`; the kustomize entry `MergeImage`
/// would replace, without its `<name>=`; the plugin `spec` env, or `<name env>:<tag env>`.
pub fn spec_image(
    app: &Application,
    source_index: usize,
    target: &SpecTarget,
    image: &ImageRef,
) -> Option<String> {
    match target {
        SpecTarget::Helm(params) => {
            let params_list = helm_parameters(app, source_index);
            let lookup = |name: &str| {
                let found = params_list.iter().find(|p| p.name == name);
                found.map(|p| p.value.clone())
            };
            read_back(
                params.name.as_deref(),
                params.tag.as_deref(),
                params.spec.as_deref(),
                lookup,
            )
        }
        SpecTarget::Kustomize { name } => {
            let kustomize_name = name.as_deref().filter(|n| !n.is_empty());
            let entry = kustomize::entry(kustomize_name, image);
            let found = kustomize::find(&kustomize_images(app, source_index), &entry)?;
            let value = found.split_once('=').map_or(found.as_str(), |(_, v)| v);
            Some(value.to_owned())
        }
        SpecTarget::Plugin(target) => {
            let env = plugin_env(app, source_index);
            let lookup = |name: &str| {
                let found = env.iter().find(|e| e.name == name);
                found.map(|e| e.value.clone())
            };
            read_back(
                target.name.as_deref(),
                target.tag.as_deref(),
                target.spec.as_deref(),
                lookup,
            )
        }
    }
}

/// True when the source already holds exactly `image`'s full name with tag (spec §6 "After a
/// candidate is chosen", step 1): nothing needs writing.
pub fn already_set(
    app: &Application,
    source_index: usize,
    target: &SpecTarget,
    image: &ImageRef,
) -> bool {
    spec_image(app, source_index, target, image).is_some_and(|v| v == image.full_name_with_tag())
}

/// The source's `helm.parameters` (entries without a string `name` are left out).
pub fn helm_parameters(app: &Application, source_index: usize) -> Vec<HelmParameter> {
    let entries = list(app, source_index, "helm", "parameters");
    entries
        .iter()
        .filter_map(|entry| {
            Some(HelmParameter {
                name: entry.get("name")?.as_str()?.to_owned(),
                value: string_field(entry, "value"),
                force_string: entry.get("forceString").and_then(Value::as_bool) == Some(true),
            })
        })
        .collect()
}

/// The source's `kustomize.images` (non-string entries are left out).
pub fn kustomize_images(app: &Application, source_index: usize) -> Vec<String> {
    let entries = list(app, source_index, "kustomize", "images");
    entries
        .iter()
        .filter_map(|entry| entry.as_str().map(str::to_owned))
        .collect()
}

/// The source's `plugin.env` (entries without a string `name` are left out).
pub fn plugin_env(app: &Application, source_index: usize) -> Vec<EnvEntry> {
    let entries = list(app, source_index, "plugin", "env");
    entries
        .iter()
        .filter_map(|entry| {
            Some(EnvEntry {
                name: entry.get("name")?.as_str()?.to_owned(),
                value: string_field(entry, "value"),
            })
        })
        .collect()
}

/// The (parameter, value) pairs to write for an image: only `spec` when set, else `name` and
/// `tag` (the tag skipped when the image has neither tag nor digest).
fn image_values(
    name: Option<&str>,
    tag: Option<&str>,
    spec: Option<&str>,
    image: &ImageRef,
) -> Vec<(String, String)> {
    let non_empty = |param: Option<&str>| param.filter(|p| !p.is_empty()).map(str::to_owned);
    if let Some(spec) = non_empty(spec) {
        return vec![(spec, image.full_name_with_tag())];
    }
    let name = non_empty(name).map(|param| (param, image.full_name_without_tag()));
    let tag = non_empty(tag).zip(image.tag_with_digest());
    name.into_iter().chain(tag).collect()
}

/// `spec`'s value, or `<name>:<tag>` when both are present.
fn read_back(
    name: Option<&str>,
    tag: Option<&str>,
    spec: Option<&str>,
    lookup: impl Fn(&str) -> Option<String>,
) -> Option<String> {
    if let Some(spec) = spec.filter(|s| !s.is_empty()) {
        return lookup(spec);
    }
    let name = lookup(name?)?;
    let tag = lookup(tag?)?;
    Some(format!("{name}:{tag}"))
}

/// Sets `fields` on every object entry whose `name` is `name`, or appends a new entry.
fn set_named(list: &mut Vec<Value>, name: &str, fields: Value) {
    let Value::Object(fields) = fields else {
        return;
    };
    let mut found = false;
    for entry in list.iter_mut() {
        let Some(object) = entry.as_object_mut() else {
            continue;
        };
        if object.get("name").and_then(Value::as_str) == Some(name) {
            object.extend(fields.clone());
            found = true;
        }
    }
    if !found {
        let mut entry = Map::new();
        entry.insert("name".to_owned(), Value::from(name));
        entry.extend(fields);
        list.push(Value::Object(entry));
    }
}

fn string_field(entry: &Value, key: &str) -> String {
    entry
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// The list `<block>.<key>` of a source, empty when anything on the way is absent or odd.
fn list<'a>(app: &'a Application, source_index: usize, block: &str, key: &str) -> &'a [Value] {
    let Ok(location) = app.source_location(source_index) else {
        return &[];
    };
    let pointer = format!("{}/{block}/{key}", source_pointer(location));
    let found = app.json.pointer(&pointer).and_then(Value::as_array);
    found.map(Vec::as_slice).unwrap_or_default()
}

/// The list `<block>.<key>` of a source for editing, creating the block and the list when
/// absent (or null); any other non-object or non-array on the way is an error.
fn list_mut<'a>(
    app: &'a mut Application,
    source_index: usize,
    block: &str,
    key: &str,
) -> Result<&'a mut Vec<Value>, ApplicationError> {
    let location = app.source_location(source_index)?;
    let app_name = app.name().to_owned();
    let source_field = location.field();
    let wrong =
        |field: String, found: &Value, expected: &'static str| ApplicationError::FieldType {
            app: app_name.clone(),
            field,
            found: json_type(found),
            expected,
        };
    let Some(source) = app.json.pointer_mut(&source_pointer(location)) else {
        return Err(ApplicationError::NoSource { app: app_name });
    };
    let source = object_mut(source).map_err(|v| wrong(source_field.clone(), v, "an object"))?;
    let block_field = format!("{source_field}.{block}");
    let block_value = child_or(source, block, Value::Object(Map::new()));
    let block_map =
        object_mut(block_value).map_err(|v| wrong(block_field.clone(), v, "an object"))?;
    let list_value = child_or(block_map, key, Value::Array(Vec::new()));
    match list_value {
        Value::Array(list) => Ok(list),
        other => Err(wrong(format!("{block_field}.{key}"), other, "an array")),
    }
}

/// The child `key`, set to `empty` first when absent or null.
fn child_or<'a>(parent: &'a mut Map<String, Value>, key: &str, empty: Value) -> &'a mut Value {
    let slot = parent.entry(key.to_owned()).or_insert(Value::Null);
    if slot.is_null() {
        *slot = empty;
    }
    slot
}

fn object_mut(value: &mut Value) -> Result<&mut Map<String, Value>, &Value> {
    match value {
        Value::Object(map) => Ok(map),
        other => Err(other),
    }
}
