//! The JSON merge patch (RFC 7386) that writes an edited Application's `spec` back, guarded by
//! the resource version it was read at.

use serde_json::{Map, Value};

use super::Application;

/// A merge patch from `before` to `after` covering `spec` only, plus `before`'s
/// `metadata.resourceVersion`, so the API server refuses it with 409 Conflict when the
/// Application changed since it was read.
///
/// Objects are diffed key by key (a removed key becomes `null`); anything else that changed,
/// lists included, is sent whole, since a merge patch replaces lists. Without spec changes the
/// patch holds only the resource version (see [`spec_changed`]).
pub fn spec_merge_patch(before: &Application, after: &Application) -> Value {
    let mut patch = Map::new();
    if let Some(version) = before.resource_version() {
        let metadata = Map::from_iter([("resourceVersion".to_owned(), Value::from(version))]);
        patch.insert("metadata".to_owned(), Value::Object(metadata));
    }
    let old = before.json.get("spec");
    let new = after.json.get("spec");
    if old != new {
        let spec = match (old, new) {
            (Some(old), Some(new)) => merge_diff(old, new),
            (_, new) => new.cloned().unwrap_or(Value::Null),
        };
        patch.insert("spec".to_owned(), spec);
    }
    Value::Object(patch)
}

/// True when `after`'s `spec` differs from `before`'s, i.e. there is something to patch.
pub fn spec_changed(before: &Application, after: &Application) -> bool {
    before.json.get("spec") != after.json.get("spec")
}

/// The JSON merge patch (RFC 7386) turning `old` into `new`: objects key by key (removed keys
/// become `null`), anything else whole. Meant for values known to differ.
pub fn merge_diff(old: &Value, new: &Value) -> Value {
    let (Value::Object(old), Value::Object(new)) = (old, new) else {
        return new.clone();
    };
    let mut patch = Map::new();
    for (key, new_value) in new {
        match old.get(key) {
            Some(old_value) if old_value == new_value => {}
            Some(old_value) => {
                patch.insert(key.clone(), merge_diff(old_value, new_value));
            }
            None => {
                patch.insert(key.clone(), new_value.clone());
            }
        }
    }
    for key in old.keys().filter(|key| !new.contains_key(*key)) {
        patch.insert(key.clone(), Value::Null);
    }
    Value::Object(patch)
}
