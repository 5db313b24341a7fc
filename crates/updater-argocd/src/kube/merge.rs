//! The JSON merge patch (RFC 7386) that turns a stored `status` into the mutated one while
//! leaving alone the fields the typed status does not know.

use serde_json::{Map, Value};
use updater_core::application::merge_diff;

/// The merge patch from `stored` (the status as the API server returned it) to `new` (the
/// mutated typed status, serialized), given `old` (the typed status before mutation,
/// serialized).
///
/// Known fields compare against `old`, restricted to the keys `stored` actually has: a field
/// only the typed defaults produced is written when `new` has it, and one `new` dropped is
/// deleted with `null`. Keys of `stored` that the typed status does not know are not touched.
pub(super) fn status_patch(stored: &Value, old: &Value, new: &Value) -> Value {
    let present = |key: &String| stored.get(key).is_some();
    let base: Map<String, Value> = match old {
        Value::Object(fields) => fields
            .iter()
            .filter(|(key, _)| present(key))
            .map(|(key, value)| (key.clone(), value.clone()))
            .collect(),
        _ => Map::new(),
    };
    merge_diff(&Value::Object(base), new)
}
