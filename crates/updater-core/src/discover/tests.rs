//! Tests of stage 1 selection: label selectors, the v1 ref walk, the v0.x annotation mode, and
//! properties over arbitrary inputs.

mod legacy_tests;
mod proptests;
mod select_tests;
mod selector_tests;

use std::collections::BTreeMap;

use super::*;
use crate::annotations::ANNOTATION_PREFIX;

/// An app in `namespace` with plain `labels` and `annotations` given without the updater prefix.
fn app(
    namespace: &str,
    name: &str,
    labels: &[(&str, &str)],
    annotations: &[(&str, &str)],
) -> AppMeta {
    AppMeta {
        name: name.to_owned(),
        namespace: namespace.to_owned(),
        labels: pairs(labels),
        annotations: annotations
            .iter()
            .map(|(k, v)| (format!("{ANNOTATION_PREFIX}{k}"), (*v).to_owned()))
            .collect(),
    }
}

fn pairs(items: &[(&str, &str)]) -> BTreeMap<String, String> {
    items
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn updater(yaml: &str) -> ImageUpdater {
    ImageUpdater::from_yaml(yaml).expect("test ImageUpdater parses")
}

/// `(app name, ref pattern)` of every target.
fn picks(selection: &Selection) -> Vec<(String, Option<String>)> {
    selection
        .targets
        .iter()
        .map(|t| (t.app.name.clone(), t.from_ref.clone()))
        .collect()
}

fn target<'a>(selection: &'a Selection, name: &str) -> &'a Target {
    selection
        .targets
        .iter()
        .find(|t| t.app.name == name)
        .unwrap_or_else(|| panic!("no target for {name}: {selection:#?}"))
}
