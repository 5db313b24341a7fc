//! The version a write-back target holds now, read from the file itself: standalone mode has
//! no Application status, so this stands in for its live images (spec §7.2.4, §7.2.5, §7.3 are
//! the formats).

use anyhow::Context;
use serde_json::Value;
use updater_core::application::{Application, SpecTarget, spec_image};
use updater_core::image::ImageRef;
use updater_core::render::kustomization::{KUSTOMIZATION_FILE_NAMES, KustomizeImage};
use updater_core::writeback::ResolvedTarget;

/// A file of a checkout: `Ok(None)` when it does not exist.
pub trait Files {
    /// The text of `path` (relative to the repository root).
    fn read(&self, path: &str) -> anyhow::Result<Option<String>>;
}

/// What `target` holds for `image` in the Application's own spec (the `argocd` method).
pub fn from_spec(
    app: &Application,
    index: usize,
    target: &SpecTarget,
    image: &ImageRef,
) -> Option<ImageRef> {
    let text = spec_image(app, index, target, image)?;
    ImageRef::parse(&text).ok()
}

/// What the Git write-back `file` holds for `image` (written at `target`).
pub fn from_file(
    files: &dyn Files,
    file: &ResolvedTarget,
    target: &SpecTarget,
    image: &ImageRef,
) -> anyhow::Result<Option<ImageRef>> {
    match file {
        ResolvedTarget::OverrideFile { path } => {
            let Some(text) = files.read(path)? else {
                return Ok(None);
            };
            let yaml = parse(path, &text)?;
            Ok(from_override(&yaml, target, image))
        }
        ResolvedTarget::Kustomization { dir } => {
            let paths = KUSTOMIZATION_FILE_NAMES.iter().map(|name| join(dir, name));
            for path in paths {
                if let Some(text) = files.read(&path)? {
                    let yaml = parse(&path, &text)?;
                    return Ok(from_kustomization(&yaml, target, image));
                }
            }
            Ok(None)
        }
        ResolvedTarget::HelmValues { file } => {
            let Some(text) = files.read(file)? else {
                return Ok(None);
            };
            let yaml = parse(file, &text)?;
            Ok(from_values(&yaml, target, image))
        }
    }
}

fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() || dir == "." {
        name.to_owned()
    } else {
        format!("{dir}/{name}")
    }
}

fn parse(path: &str, text: &str) -> anyhow::Result<Value> {
    if text.trim().is_empty() {
        return Ok(Value::Null);
    }
    serde_saphyr::from_str(text).with_context(|| format!("`{path}` is not valid YAML"))
}

/// The override file: `helm.parameters` by the target's names, or the `kustomize.images`
/// entry of the image, or `plugin.env`.
fn from_override(yaml: &Value, target: &SpecTarget, image: &ImageRef) -> Option<ImageRef> {
    match target {
        SpecTarget::Helm(params) => {
            let names = [&params.spec, &params.name, &params.tag];
            from_named_list(yaml, "/helm/parameters", names, image)
        }
        SpecTarget::Kustomize { name } => {
            let entries = yaml.pointer("/kustomize/images")?.as_array()?;
            let wanted = kustomize_name(name.as_deref(), image)?;
            entries.iter().filter_map(Value::as_str).find_map(|entry| {
                let element = KustomizeImage::from_entry(entry).ok()?;
                (element.name == wanted).then(|| element_image(&element))?
            })
        }
        SpecTarget::Plugin(plugin) => {
            let names = [&plugin.spec, &plugin.name, &plugin.tag];
            from_named_list(yaml, "/plugin/env", names, image)
        }
    }
}

/// The image from the `name`/`value` list at `pointer` (Helm parameters, plugin env), by the
/// target's `[spec, name, tag]` names.
fn from_named_list(
    yaml: &Value,
    pointer: &str,
    [spec, name, tag]: [&Option<String>; 3],
    image: &ImageRef,
) -> Option<ImageRef> {
    let list = yaml.pointer(pointer)?.as_array()?;
    let lookup = |name: &str| named_value(list, name);
    assemble(
        spec.as_deref(),
        name.as_deref(),
        tag.as_deref(),
        lookup,
        image,
    )
}

/// A kustomization's `images` element for the image.
fn from_kustomization(yaml: &Value, target: &SpecTarget, image: &ImageRef) -> Option<ImageRef> {
    let SpecTarget::Kustomize { name } = target else {
        return None;
    };
    let wanted = kustomize_name(name.as_deref(), image)?;
    let elements = yaml.get("images")?.as_array()?;
    let element = elements
        .iter()
        .find(|e| e.get("name").and_then(Value::as_str) == Some(&wanted))?;
    let text = |key: &str| element.get(key).and_then(scalar);
    element_image(&KustomizeImage {
        name: wanted.clone(),
        new_name: text("newName"),
        new_tag: text("newTag"),
        digest: text("digest"),
    })
}

/// A Helm values file: the values at the target's (dotted) paths.
fn from_values(yaml: &Value, target: &SpecTarget, image: &ImageRef) -> Option<ImageRef> {
    let SpecTarget::Helm(params) = target else {
        return None;
    };
    let lookup = |path: &str| {
        let pointer: String = path.split('.').map(|key| format!("/{key}")).collect();
        yaml.pointer(&pointer).and_then(scalar)
    };
    assemble(
        params.spec.as_deref(),
        params.name.as_deref(),
        params.tag.as_deref(),
        lookup,
        image,
    )
}

/// The image from a `spec` value, or from a name (the configured image's when absent) and a
/// tag; `None` without a tag.
fn assemble(
    spec: Option<&str>,
    name: Option<&str>,
    tag: Option<&str>,
    lookup: impl Fn(&str) -> Option<String>,
    image: &ImageRef,
) -> Option<ImageRef> {
    if let Some(value) = spec.and_then(&lookup) {
        return ImageRef::parse(&value).ok();
    }
    let tag = tag.and_then(&lookup).filter(|t| !t.is_empty())?;
    let name = name
        .and_then(&lookup)
        .unwrap_or_else(|| image.full_name_without_tag());
    let separator = if tag.starts_with("sha256:") { "@" } else { ":" };
    ImageRef::parse(&format!("{name}{separator}{tag}")).ok()
}

fn named_value(list: &[Value], name: &str) -> Option<String> {
    let entry = list
        .iter()
        .find(|entry| entry.get("name").and_then(Value::as_str) == Some(name))?;
    entry.get("value").and_then(scalar)
}

fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        _ => None,
    }
}

/// The `name` of the kustomize element the image is written to.
fn kustomize_name(configured: Option<&str>, image: &ImageRef) -> Option<String> {
    let full = image.full_name_without_tag();
    let entry = match configured.filter(|n| !n.is_empty()) {
        Some(name) => format!("{name}={full}"),
        None => full,
    };
    KustomizeImage::from_entry(&entry).ok().map(|e| e.name)
}

fn element_image(element: &KustomizeImage) -> Option<ImageRef> {
    let name = element.new_name.as_deref().unwrap_or(&element.name);
    let mut text = name.to_owned();
    if let Some(tag) = &element.new_tag {
        text = format!("{text}:{tag}");
    }
    if let Some(digest) = &element.digest {
        text = format!("{text}@{digest}");
    }
    ImageRef::parse(&text).ok()
}

#[cfg(test)]
mod tests;
