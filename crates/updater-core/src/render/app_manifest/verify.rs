//! The check that an edited manifest file reads back as intended: parsed again as data, the
//! target document equals the original with the lists applied and holds the desired lists, and
//! every other document is unchanged.

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::{ManifestError, ManifestTarget, SourceLists};

/// A desired named entry: name, value, whether `forceString: true` must be set.
type Entry<'a> = (&'a str, &'a str, bool);

/// Checks `edited` against `original`; [`ManifestError::Data`] when the original cannot be read
/// as data, [`ManifestError::Verify`] when the edit is not what the lists ask for.
pub(super) fn check(
    original: &str,
    edited: &str,
    target: &ManifestTarget<'_>,
    lists: &SourceLists,
    app: &str,
) -> Result<(), ManifestError> {
    let before = documents(original).map_err(|source| ManifestError::Data { source })?;
    let verify = || ManifestError::Verify {
        app: app.to_owned(),
    };
    let after = documents(edited).map_err(|_| verify())?;
    let index = only_target(&before, target).ok_or_else(verify)?;
    let mut expected = before;
    apply(&mut expected[index], target.source_index, lists).ok_or_else(verify)?;
    let ok = after == expected && holds(&after[index], target.source_index, lists);
    ok.then_some(()).ok_or_else(verify)
}

fn documents(text: &str) -> Result<Vec<Value>, Box<serde_saphyr::Error>> {
    serde_saphyr::from_multiple(text).map_err(Box::new)
}

/// The index of the only document that is the target Application.
fn only_target(docs: &[Value], target: &ManifestTarget<'_>) -> Option<usize> {
    let mut matching = docs
        .iter()
        .enumerate()
        .filter(|(_, doc)| is_target(doc, target));
    let (index, _) = matching.next()?;
    matching.next().is_none().then_some(index)
}

fn is_target(doc: &Value, target: &ManifestTarget<'_>) -> bool {
    let text = |pointer: &str| doc.pointer(pointer).and_then(Value::as_str);
    let namespace = text("/metadata/namespace").filter(|ns| !ns.is_empty());
    text("/kind") == Some("Application")
        && text("/apiVersion").is_some_and(|v| v.starts_with("argoproj.io/"))
        && text("/metadata/name") == Some(target.name)
        && match (target.namespace, namespace) {
            (Some(wanted), Some(found)) => wanted == found,
            _ => true,
        }
}

fn source_pointer(source_index: Option<usize>) -> String {
    match source_index {
        Some(index) => format!("/spec/sources/{index}"),
        None => "/spec/source".to_owned(),
    }
}

/// Applies the lists to the document as data, the way the text edit does.
fn apply(doc: &mut Value, source_index: Option<usize>, lists: &SourceLists) -> Option<()> {
    let source = doc
        .pointer_mut(&source_pointer(source_index))?
        .as_object_mut()?;
    if let Some(parameters) = &lists.helm_parameters {
        let wanted: Vec<Entry<'_>> = parameters
            .iter()
            .map(|p| (p.name.as_str(), p.value.as_str(), p.force_string))
            .collect();
        apply_named(source, ("helm", "parameters"), &wanted)?;
    }
    if let Some(images) = &lists.kustomize_images {
        apply_strings(source, ("kustomize", "images"), images)?;
    }
    if let Some(env) = &lists.plugin_env {
        let wanted: Vec<Entry<'_>> = env
            .iter()
            .map(|e| (e.name.as_str(), e.value.as_str(), false))
            .collect();
        apply_named(source, ("plugin", "env"), &wanted)?;
    }
    Some(())
}

/// The k-th desired entry of a name updates the k-th existing one, or is appended.
fn apply_named(
    source: &mut Map<String, Value>,
    (block, key): (&str, &str),
    wanted: &[Entry<'_>],
) -> Option<()> {
    let existing = list(source, block, key).cloned().unwrap_or_default();
    let mut updated = existing.clone();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    let mut new = Vec::new();
    for &(name, value, force) in wanted {
        let occurrence = seen.entry(name).or_default();
        let found = (0..existing.len())
            .filter(|&i| existing[i].get("name").and_then(Value::as_str) == Some(name))
            .nth(*occurrence);
        *occurrence += 1;
        match found.and_then(|i| updated[i].as_object_mut()) {
            Some(entry) => set_entry(entry, value, force),
            None => new.push(new_entry(name, value, force)),
        }
    }
    if updated == existing && new.is_empty() {
        return Some(());
    }
    updated.extend(new);
    put_list(source, block, key, updated)
}

fn set_entry(entry: &mut Map<String, Value>, value: &str, force: bool) {
    entry.insert("value".to_owned(), Value::from(value));
    if force && entry.get("forceString") != Some(&Value::Bool(true)) {
        entry.insert("forceString".to_owned(), Value::Bool(true));
    }
}

fn new_entry(name: &str, value: &str, force: bool) -> Value {
    let mut entry = Map::new();
    entry.insert("name".to_owned(), Value::from(name));
    set_entry(&mut entry, value, force);
    Value::Object(entry)
}

/// The list becomes `wanted` unless it already is (absent or null counting as empty).
fn apply_strings(
    source: &mut Map<String, Value>,
    (block, key): (&str, &str),
    wanted: &[String],
) -> Option<()> {
    let existing = list(source, block, key).cloned().unwrap_or_default();
    let wanted: Vec<Value> = wanted.iter().map(|s| Value::from(s.as_str())).collect();
    if existing == wanted {
        return Some(());
    }
    put_list(source, block, key, wanted)
}

/// The list `block.key` of a source, `None` when absent or null.
fn list<'a>(source: &'a Map<String, Value>, block: &str, key: &str) -> Option<&'a Vec<Value>> {
    source.get(block)?.get(key)?.as_array()
}

/// Sets `block.key`, creating the block when absent or null.
fn put_list(
    source: &mut Map<String, Value>,
    block: &str,
    key: &str,
    items: Vec<Value>,
) -> Option<()> {
    let slot = source.entry(block.to_owned()).or_insert(Value::Null);
    if slot.is_null() {
        *slot = Value::Object(Map::new());
    }
    slot.as_object_mut()?
        .insert(key.to_owned(), Value::Array(items));
    Some(())
}

/// Whether the target document holds every desired entry, independently of how
/// the expected document was built.
fn holds(doc: &Value, source_index: Option<usize>, lists: &SourceLists) -> bool {
    let Some(source) = doc.pointer(&source_pointer(source_index)) else {
        return false;
    };
    let list = |block: &str, key: &str| {
        source
            .get(block)
            .and_then(|b| b.get(key))
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    let helm_ok = lists.helm_parameters.as_ref().is_none_or(|parameters| {
        let wanted = parameters
            .iter()
            .map(|p| (p.name.as_str(), p.value.as_str(), p.force_string));
        holds_named(&list("helm", "parameters"), wanted)
    });
    let images_ok = lists.kustomize_images.as_ref().is_none_or(|images| {
        let wanted: Vec<Value> = images.iter().map(|s| Value::from(s.as_str())).collect();
        list("kustomize", "images") == wanted
    });
    let env_ok = lists.plugin_env.as_ref().is_none_or(|env| {
        let wanted = env
            .iter()
            .map(|e| (e.name.as_str(), e.value.as_str(), false));
        holds_named(&list("plugin", "env"), wanted)
    });
    helm_ok && images_ok && env_ok
}

/// Whether the k-th entry of each name holds the k-th desired value of that name.
fn holds_named<'a>(found: &[Value], wanted: impl Iterator<Item = Entry<'a>>) -> bool {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    wanted.into_iter().all(|(name, value, force)| {
        let occurrence = seen.entry(name).or_default();
        let entry = found
            .iter()
            .filter(|e| e.get("name").and_then(Value::as_str) == Some(name))
            .nth(*occurrence);
        *occurrence += 1;
        entry.is_some_and(|e| {
            e.get("value").and_then(Value::as_str) == Some(value)
                && (!force || e.get("forceString") == Some(&Value::Bool(true)))
        })
    })
}
