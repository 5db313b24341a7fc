//! Property tests of Application manifest edits: for any parameter values and image strings,
//! in any existing style, the edit succeeds, the re-parsed target holds them, the other
//! document keeps its bytes, and a second edit changes nothing.

use proptest::prelude::*;
use serde_json::Value;

use super::{ManifestTarget, SourceLists, edit_application};
use crate::render::source_file::HelmParameter;

/// Strings that YAML or Helm misread, or that need escapes, and arbitrary ones.
fn value() -> impl Strategy<Value = String> {
    let tricky = prop::sample::select(vec![
        "",
        "1.10",
        "010",
        "true",
        "no",
        "~",
        "null",
        "- x",
        "a: b",
        "x #y",
        "'q'",
        "\"d\"",
        "@a",
        "*x",
        "&y",
        "!t",
        "%p",
        "[a]",
        "{a}",
        " lead",
        "trail ",
        "tab\tin",
        "line\nbreak",
        "é",
        "\u{2028}",
        "0x1F",
        "1e3",
        "2024-01-01",
        ".inf",
        "<<",
        "=",
    ])
    .prop_map(str::to_owned);
    prop_oneof![tricky, "\\PC{0,12}", "[ -~]{0,12}"]
}

/// An existing `value:` field in one of the styles manifests use, with or without a comment.
fn existing_value() -> impl Strategy<Value = String> {
    let written = prop::sample::select(vec![
        "value: old",
        "value: 'old'",
        "value: \"old\"",
        "value:",
        "value: ~",
        "value: |\n          old\n",
        "forceString: true",
    ]);
    let comment = prop::sample::select(vec!["", "  # c"]);
    (written, comment).prop_map(|(written, comment)| {
        if written.contains('\n') {
            written.to_owned()
        } else {
            format!("{written}{comment}\n")
        }
    })
}

/// The document after the Application, which must keep its bytes.
const TAIL: &str = "---\n# trailing\nkind: Secret\nmetadata: {name: a}\n";

/// A file with a ConfigMap, the Application `a` whose `p0` parameter is written as given (its
/// list's `-` under the key or indented), and a trailing Secret.
fn manifest(existing: &str, wide: bool, crlf: bool) -> String {
    let dash = if wide { "  " } else { "" };
    let existing = existing.replace("\n  ", &format!("\n  {dash}"));
    let text = format!(
        "kind: ConfigMap\napiVersion: v1\nmetadata:\n  name: a\n---\napiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: a\nspec:\n  source:\n    helm:\n      parameters:\n      {dash}- name: p0\n        {dash}{existing}{TAIL}"
    );
    if crlf {
        text.replace('\n', "\r\n")
    } else {
        text
    }
}

fn target() -> ManifestTarget<'static> {
    ManifestTarget {
        name: "a",
        namespace: Some("argocd"),
        source_index: None,
    }
}

/// The parameters of the Application, as data.
fn parameters(text: &str) -> Vec<Value> {
    let docs: Vec<Value> = serde_saphyr::from_multiple(text).unwrap_or_else(|e| panic!("{e}"));
    docs[1]["spec"]["source"]["helm"]["parameters"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

proptest! {
    #[test]
    fn any_values_read_back_and_a_second_edit_changes_nothing(
        existing in existing_value(),
        crlf in any::<bool>(),
        wide in any::<bool>(),
        values in prop::collection::vec(value(), 1..4),
        images in prop::collection::vec(value(), 0..3),
    ) {
        let text = manifest(&existing, wide, crlf);
        let wanted: Vec<HelmParameter> = values
            .iter()
            .enumerate()
            .map(|(i, v)| HelmParameter { name: format!("p{i}"), value: v.clone(), force_string: i % 2 == 0 })
            .collect();
        let lists = SourceLists {
            helm_parameters: Some(wanted.clone()),
            kustomize_images: Some(images.clone()),
            plugin_env: None,
        };
        let out = edit_application(&text, &target(), &lists)
            .unwrap_or_else(|e| panic!("{e}\n{text}"));
        let found = parameters(&out);
        for parameter in &wanted {
            let entry = found.iter().find(|e| e["name"] == parameter.name.as_str());
            let entry = entry.unwrap_or_else(|| panic!("no {}\n{out}", parameter.name));
            prop_assert_eq!(entry["value"].as_str(), Some(parameter.value.as_str()), "{}", out);
            if parameter.force_string {
                prop_assert_eq!(&entry["forceString"], &Value::Bool(true));
            }
        }
        let docs: Vec<Value> = serde_saphyr::from_multiple(&out).unwrap_or_else(|e| panic!("{e}"));
        let read_images = docs[1]["spec"]["source"]["kustomize"]["images"].as_array().cloned().unwrap_or_default();
        prop_assert_eq!(read_images, images.iter().map(|s| Value::from(s.as_str())).collect::<Vec<_>>());
        let separator = if crlf { "---\r\n" } else { "---\n" };
        let head = text.find(separator).unwrap_or_default();
        prop_assert_eq!(&out[..head], &text[..head]);
        let tail = if crlf { TAIL.replace('\n', "\r\n") } else { TAIL.to_owned() };
        prop_assert!(out.ends_with(&tail), "{}", out);
        let again = edit_application(&out, &target(), &lists).unwrap_or_else(|e| panic!("{e}"));
        prop_assert_eq!(again, out);
    }
}
