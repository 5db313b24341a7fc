//! The original's pre-distribution splitter, used when the grammar rejects a reference
//! (spec §5.1 step 3).

use super::Parts;

/// Splits `[registry/]name[:tag][@digest]` without validating anything.
pub(super) fn parse(reference: &str) -> Parts {
    let (registry, rest) = split_registry(reference);
    let (name, tag, digest) = match rest.split_once('@') {
        Some((name_and_tag, digest)) => {
            let (name, tag) = split_tag_before_digest(name_and_tag);
            (name, tag, Some(digest))
        }
        None => match rest.split_once(':') {
            Some((name, tag)) => (name, Some(tag), None),
            None => (rest, None, None),
        },
    };
    Parts {
        registry: registry.to_owned(),
        name: name.to_owned(),
        tag: tag.map(str::to_owned),
        digest: digest.map(str::to_owned),
    }
}

/// The first `/`-segment is the registry only if it contains a `.` (so `localhost:5000` is
/// not one here), and only if a `/` follows it.
fn split_registry(reference: &str) -> (&str, &str) {
    match reference.split_once('/') {
        Some((first, rest)) if first.contains('.') => (first, rest),
        _ => ("", reference),
    }
}

/// The tag is what follows the last `:`, provided no `/` comes after that `:`.
fn split_tag_before_digest(name_and_tag: &str) -> (&str, Option<&str>) {
    match name_and_tag.rsplit_once(':') {
        Some((name, tag)) if !tag.contains('/') => (name, Some(tag)),
        _ => (name_and_tag, None),
    }
}
