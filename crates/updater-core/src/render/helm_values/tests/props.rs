//! Properties: a second render changes nothing, a write changes only the value written (checked
//! with an independent YAML parser), and no input makes the renderer panic.

use super::{
    HelmValuesImage, render_helm_values, resolve_value, semantics, semantics_with, set_value,
};
use crate::render::helm_values::scalar::is_plain_safe;
use proptest::prelude::*;

/// A generated values tree: a leaf value and its quote style, or a nested mapping.
#[derive(Debug, Clone)]
enum Node {
    Leaf(String, u8),
    Map(Vec<(String, Node)>),
}

fn node() -> impl Strategy<Value = Node> {
    let leaf = ("[a-zA-Z0-9._:@/-]{0,12}", 0u8..4).prop_map(|(v, style)| Node::Leaf(v, style));
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop::collection::vec((key(), inner), 1..4).prop_map(|entries| Node::Map(dedup(entries)))
    })
}

/// Keeps the first entry of each key (duplicate keys are not valid for the oracle parser).
fn dedup(entries: Vec<(String, Node)>) -> Vec<(String, Node)> {
    let mut seen = std::collections::HashSet::new();
    entries
        .into_iter()
        .filter(|(k, _)| seen.insert(k.clone()))
        .collect()
}

/// Writes a generated tree as a block mapping, with comments and blank lines between entries.
fn write(entries: &[(String, Node)], indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    for (i, (key, node)) in entries.iter().enumerate() {
        if i % 2 == 1 {
            out.push_str(&format!("{pad}# comment {i}\n\n"));
        }
        match node {
            Node::Leaf(value, style) => {
                let value = match style {
                    0 => format!("\"{value}\""),
                    1 => format!("'{value}'"),
                    _ if !is_plain_safe(value, false) => format!("\"{value}\" # quoted"),
                    2 => value.clone(),
                    _ => format!("{value}   # plain"),
                };
                out.push_str(&format!("{pad}{key}: {value}\n"));
            }
            Node::Map(children) => {
                out.push_str(&format!("{pad}{key}:\n"));
                write(children, indent + 2, out);
            }
        }
    }
}

fn values_file() -> impl Strategy<Value = String> {
    prop::collection::vec((key(), node()), 1..5).prop_map(|entries| {
        let mut out = String::from("# generated\n");
        write(&dedup(entries), 0, &mut out);
        out
    })
}

/// Any string, weighted towards the characters YAML cares about.
fn any_value() -> impl Strategy<Value = String> {
    prop_oneof![
        "[ -~]{0,12}",
        "\\PC{0,8}",
        "[-?:,\\[\\]{}#&*!|>'\"%@` .0-9eExyesnoONtrueflasNul~\\t\\n\\\\]{0,8}",
    ]
}

/// Keys from a small alphabet, so generated paths often exist in generated files.
fn key() -> &'static str {
    "[a-d]{1,2}"
}

fn path() -> impl Strategy<Value = String> {
    prop::collection::vec(key(), 1..4).prop_map(|keys| keys.join("."))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn a_second_render_changes_nothing(text in values_file(), path in path(), value in any_value()) {
        if let Ok(once) = set_value(&text, &path, &value) {
            prop_assert_eq!(set_value(&once, &path, &value), Ok(once.clone()));
            prop_assert_eq!(resolve_value(&once, &path), Ok(Some(value.clone())));
        }
    }

    #[test]
    fn a_write_changes_only_the_value_written(text in values_file(), path in path(), value in any_value()) {
        if let Ok(out) = set_value(&text, &path, &value) {
            prop_assert_eq!(semantics(&out), semantics_with(&text, &path, &value));
        }
    }

    #[test]
    fn images_render_idempotently(
        text in values_file(),
        name_path in path(),
        tag_path in path(),
        name in "([a-z]{1,5}\\.io/)?[a-z]{1,5}/[a-z]{1,5}",
        tag in any_value(),
    ) {
        let images = [HelmValuesImage {
            alias: "a".into(),
            name_param: Some(name_path),
            tag_param: Some(tag_path),
            name_value: name,
            tag_value: Some(tag),
            ..HelmValuesImage::default()
        }];
        if let Ok(once) = render_helm_values(&text, &images) {
            prop_assert_eq!(render_helm_values(&once, &images), Ok(once.clone()));
        }
    }

    #[test]
    fn arbitrary_text_and_paths_never_panic(
        text in prop_oneof![yamlish(), "\\PC{0,60}", any::<String>()],
        path in prop_oneof![
            "[a-z0-9.\\[\\]-]{0,16}",
            prop::collection::vec(prop::sample::select(&["a", "b", "c", "x", "[0]", "[1]", ".", "[", "]"][..]), 1..8)
                .prop_map(|pieces| pieces.concat()),
        ],
        value in any_value(),
    ) {
        let _ = resolve_value(&text, &path);
        if let Ok(out) = set_value(&text, &path, &value) {
            // Whatever was accepted must be stable.
            prop_assert_eq!(set_value(&out, &path, &value), Ok(out.clone()));
        }
    }
}

/// Text made of YAML's building blocks, more likely than random text to parse.
fn yamlish() -> impl Strategy<Value = String> {
    const PIECES: &[&str] = &[
        "a",
        "b",
        "c",
        ":",
        ": ",
        " ",
        "  ",
        "\n",
        "\r\n",
        "- ",
        "#",
        " # c",
        "&x ",
        "*x",
        "{",
        "}",
        "[",
        "]",
        ", ",
        "'",
        "\"",
        "|",
        ">",
        "---",
        "...",
        "!!str ",
        "!!map",
        "~",
        "1.0",
        "\t",
        "? ",
        "%YAML 1.2",
        "é",
        "\u{feff}",
        "a.b",
        "[0]",
        "<<: ",
        "\\",
    ];
    prop::collection::vec(prop::sample::select(PIECES), 0..40).prop_map(|pieces| pieces.concat())
}
