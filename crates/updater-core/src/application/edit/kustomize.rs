//! `kustomize.images` entries: the updater's overwrite-by-image-name pass and Argo CD's
//! `KustomizeImages.Find` / `MergeImage` delimiter rule.

use serde_json::Value;

use crate::image::ImageRef;

/// Argo CD's delimiters, in the order `KustomizeImage.delim` tries them.
const DELIMITERS: [char; 3] = ['=', ':', '@'];

/// `<kustomize_name>=<full name with tag>`, or the full name with tag alone.
pub(super) fn entry(kustomize_name: Option<&str>, image: &ImageRef) -> String {
    let full = image.full_name_with_tag();
    match kustomize_name {
        Some(name) => format!("{name}={full}"),
        None => full,
    }
}

/// Overwrites every entry whose parsed image name equals `new_entry`'s, except, when a
/// kustomize name is set and both carry an alias, entries whose alias is not that name.
pub(super) fn overwrite_same_image(
    list: &mut [Value],
    new_entry: &str,
    kustomize_name: Option<&str>,
) {
    let Ok(new_image) = ImageRef::parse(new_entry) else {
        return;
    };
    for slot in list.iter_mut() {
        let Some(Ok(current)) = slot.as_str().map(ImageRef::parse) else {
            continue;
        };
        let other_alias = kustomize_name.is_some()
            && new_image.alias.is_some()
            && current.alias.is_some()
            && current.alias.as_deref() != kustomize_name;
        if current.name == new_image.name && !other_alias {
            *slot = Value::from(new_entry);
        }
    }
}

/// Argo CD's `MergeImage`: replace the first entry matching `new_entry` (see [`find`]), else
/// append it, unless the very same entry is already there.
///
/// Argo CD appends a delimiter-less entry (an image with neither tag nor digest) on every call,
/// since such an entry matches nothing; the identity check keeps repeated runs from piling up
/// copies.
pub(super) fn merge_image(list: &mut Vec<Value>, new_entry: &str) {
    let found = list
        .iter()
        .position(|slot| slot.as_str().is_some_and(|text| matches(text, new_entry)));
    match found {
        Some(index) => list[index] = Value::from(new_entry),
        None if list.iter().any(|slot| slot.as_str() == Some(new_entry)) => {}
        None => list.push(Value::from(new_entry)),
    }
}

/// The first entry `MergeImage` would replace with `new_entry`.
pub(super) fn find(entries: &[String], new_entry: &str) -> Option<String> {
    entries
        .iter()
        .find(|entry| matches(entry, new_entry))
        .cloned()
}

/// Argo CD's `KustomizeImage.Match`: the delimiter is the first of `=`, `:`, `@` that the new
/// entry contains; without one nothing matches. Otherwise the texts before the delimiter must be
/// equal.
///
/// Deliberate difference: a `:` that belongs to a registry's port (`host:5000/app:1.0`) is not
/// taken for the tag's. Argo CD cuts at the first `:`, so every image of a registry with a port
/// matched the first entry of that registry, and an Application with two such images lost one
/// update to the other.
fn matches(existing: &str, new_entry: &str) -> bool {
    let Some(delimiter) = DELIMITERS.into_iter().find(|d| new_entry.contains(*d)) else {
        return false;
    };
    before_delimiter(existing, delimiter) == before_delimiter(new_entry, delimiter)
}

/// Go's `strings.Split(text, delimiter)[0]` (the whole text when the delimiter is absent),
/// except that a `:` is looked for after the last `/` only, past any registry port.
fn before_delimiter(text: &str, delimiter: char) -> &str {
    let start = match delimiter {
        ':' => text.rfind('/').map_or(0, |slash| slash + 1),
        _ => 0,
    };
    text[start..]
        .find(delimiter)
        .map_or(text, |position| &text[..start + position])
}

#[cfg(test)]
mod tests;
