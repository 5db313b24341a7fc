//! The two patch formats the fake applies: JSON merge patch (RFC 7386) and JSON patch
//! (RFC 6902). Strategic merge and server-side apply are refused by the caller.

use serde_json::{Map, Value};

/// Applies an RFC 7386 merge patch: objects merge key by key, `null` deletes, anything else
/// (arrays included) replaces.
pub(crate) fn merge(target: &mut Value, patch: &Value) {
    let Value::Object(patch) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    if let Value::Object(fields) = target {
        for (key, value) in patch {
            if value.is_null() {
                fields.remove(key);
            } else {
                merge(fields.entry(key.clone()).or_insert(Value::Null), value);
            }
        }
    }
}

/// Applies an RFC 6902 JSON patch (`add`, `remove`, `replace`, `move`, `copy`, `test`) to
/// `doc`; on error `doc` may be half-patched, so callers patch a copy.
pub(crate) fn json_patch(doc: &mut Value, operations: &Value) -> Result<(), String> {
    let operations = operations
        .as_array()
        .ok_or("a JSON patch must be an array of operations")?;
    for operation in operations {
        apply_operation(doc, operation)?;
    }
    Ok(())
}

/// Applies one operation.
fn apply_operation(doc: &mut Value, operation: &Value) -> Result<(), String> {
    let field = |name: &str| {
        operation[name]
            .as_str()
            .ok_or_else(|| format!("operation {operation} has no string `{name}`"))
    };
    let value = || {
        operation
            .get("value")
            .cloned()
            .ok_or_else(|| format!("operation {operation} has no `value`"))
    };
    let path = field("path")?;
    match field("op")? {
        "add" => add(doc, path, value()?),
        "remove" => remove(doc, path).map(drop),
        "replace" => replace(doc, path, value()?),
        "move" => {
            let moved = remove(doc, field("from")?)?;
            add(doc, path, moved)
        }
        "copy" => {
            let from = field("from")?;
            let copied = doc.pointer(from).cloned().ok_or_else(|| missing(from))?;
            add(doc, path, copied)
        }
        "test" => test(doc, path, &value()?),
        other => Err(format!("unknown operation `{other}`")),
    }
}

/// The error for a path that does not exist.
fn missing(path: &str) -> String {
    format!("path `{path}` does not exist")
}

/// Splits a pointer into its parent pointer and its unescaped last token.
fn split(path: &str) -> Result<(&str, String), String> {
    let cut = path
        .rfind('/')
        .ok_or_else(|| format!("`{path}` is not a JSON pointer"))?;
    let token = path[cut + 1..].replace("~1", "/").replace("~0", "~");
    Ok((&path[..cut], token))
}

/// An array index token, which must name a position up to `limit`.
fn index(token: &str, limit: usize) -> Result<usize, String> {
    token
        .parse::<usize>()
        .ok()
        .filter(|position| *position <= limit)
        .ok_or_else(|| format!("array index `{token}` is out of bounds"))
}

/// `add`: sets an object member, or inserts into an array (`-` appends).
fn add(doc: &mut Value, path: &str, value: Value) -> Result<(), String> {
    if path.is_empty() {
        *doc = value;
        return Ok(());
    }
    let (parent, token) = split(path)?;
    match doc.pointer_mut(parent).ok_or_else(|| missing(parent))? {
        Value::Object(fields) => {
            fields.insert(token, value);
        }
        Value::Array(items) if token == "-" => items.push(value),
        Value::Array(items) => {
            let position = index(&token, items.len())?;
            items.insert(position, value);
        }
        _ => return Err(format!("`{parent}` is neither an object nor an array")),
    }
    Ok(())
}

/// `remove`: deletes an existing member or element and returns it.
fn remove(doc: &mut Value, path: &str) -> Result<Value, String> {
    let (parent, token) = split(path)?;
    match doc.pointer_mut(parent).ok_or_else(|| missing(parent))? {
        Value::Object(fields) => fields.remove(&token).ok_or_else(|| missing(path)),
        Value::Array(items) if !items.is_empty() => {
            let position = index(&token, items.len() - 1)?;
            Ok(items.remove(position))
        }
        _ => Err(missing(path)),
    }
}

/// `replace`: overwrites an existing value.
fn replace(doc: &mut Value, path: &str, value: Value) -> Result<(), String> {
    *doc.pointer_mut(path).ok_or_else(|| missing(path))? = value;
    Ok(())
}

/// `test`: fails unless the value at `path` equals `expected`.
fn test(doc: &Value, path: &str, expected: &Value) -> Result<(), String> {
    match doc.pointer(path) {
        Some(actual) if actual == expected => Ok(()),
        Some(actual) => Err(format!("test failed: `{path}` is {actual}, not {expected}")),
        None => Err(missing(path)),
    }
}

#[cfg(test)]
mod tests;
