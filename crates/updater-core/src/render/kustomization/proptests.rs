//! Property tests of kustomization rendering: no input panics, rendering is idempotent, and
//! the output reads as the input with `kustomize edit set image` applied and nothing else
//! changed.

use proptest::prelude::*;
use serde_json::{Map, Value};

use super::{KustomizeImage, render_kustomization};

const NAMES: [&str; 4] = ["nginx", "api", "ghcr.io/org/worker", "redis"];
const VALUES: [&str; 8] = [
    "1.0",
    "123",
    "v2",
    "sha256:abc",
    "1.10",
    "true",
    "x y",
    "-dash",
];

fn kustomize_image() -> impl Strategy<Value = KustomizeImage> {
    let value = || prop::option::of(prop::sample::select(VALUES.to_vec()).prop_map(String::from));
    (
        prop::sample::select(NAMES.to_vec()),
        value(),
        value(),
        value(),
    )
        .prop_map(|(name, new_name, new_tag, digest)| KustomizeImage {
            name: name.to_owned(),
            new_name,
            new_tag,
            digest,
        })
}

/// The written `key: value` fields of an existing element after `name`, distinct keys.
fn fields() -> impl Strategy<Value = Vec<String>> {
    let keys = prop::sample::subsequence(vec!["newName", "newTag", "digest", "tagSuffix"], 0..=3);
    let value = prop::sample::select(vec!["1.0", "123", "'1.0'", "\"7\"", "v2", "sha256:abc", ""]);
    let comment = prop::sample::select(vec!["", "  # c"]);
    let values = prop::collection::vec((value, comment), 4);
    (keys, values).prop_map(|(keys, values)| {
        keys.iter()
            .zip(values)
            .map(|(k, (v, c))| format!("{k}: {v}{c}"))
            .collect()
    })
}

/// An existing element: its name and its other fields, each on its own line.
fn element() -> impl Strategy<Value = (String, Vec<String>)> {
    (prop::sample::select(NAMES.to_vec()), fields())
        .prop_map(|(name, fields)| (name.to_owned(), fields))
}

/// An `images` key with its value in one of the shapes kustomizations use.
fn images_block() -> impl Strategy<Value = String> {
    let elements = prop::collection::vec(element(), 0..4);
    (0..6u8, elements, any::<bool>()).prop_map(|(shape, elements, blank)| {
        let block = |dash: &str| {
            let mut out = String::from("images:\n");
            for (name, fields) in &elements {
                out.push_str(&format!("{dash}- name: {name}\n"));
                for f in fields {
                    out.push_str(&format!("{dash}  {f}\n"));
                }
                if blank {
                    out.push_str("\n# between\n");
                }
            }
            if elements.is_empty() {
                "images:\n".to_owned()
            } else {
                out
            }
        };
        let flow = || {
            let items: Vec<String> = elements
                .iter()
                .map(|(n, _)| format!("{{name: {n}}}"))
                .collect();
            format!("images: [{}]  # flow\n", items.join(", "))
        };
        match shape {
            0 => String::new(),
            1 => "images: ~\n".to_owned(),
            2 => flow(),
            3 => block("  "),
            _ => block(""),
        }
    })
}

fn kustomization() -> impl Strategy<Value = String> {
    let prefix = prop::sample::select(vec!["", "# head\n", "%YAML 1.2\n---\n", "---\n\n"]);
    let resources = prop::sample::select(vec![
        "resources:\n- a.yaml\n",
        "resources:\n  - a.yaml\n",
        "",
    ]);
    let crlf = any::<bool>();
    (
        prefix,
        resources,
        images_block(),
        any::<bool>(),
        crlf,
        any::<bool>(),
    )
        .prop_map(
            |(prefix, resources, images, images_first, crlf, trailing_newline)| {
                let body = if images_first {
                    format!("kind: Kustomization\n{images}{resources}namePrefix: p-  # c\n")
                } else {
                    format!("kind: Kustomization\n{resources}namePrefix: p-  # c\n{images}")
                };
                let mut text = format!("{prefix}{body}");
                if crlf {
                    text = text.replace('\n', "\r\n");
                }
                if !trailing_newline {
                    text.truncate(text.trim_end().len());
                }
                text
            },
        )
}

/// What kustomize's element setter yields, element by element, as JSON.
fn model(existing: &Value, images: &[KustomizeImage]) -> Value {
    let mut items = match existing {
        Value::Array(items) => items.clone(),
        _ => Vec::new(),
    };
    for image in images {
        let wanted = element_value(image);
        let named = |v: &Value| v.get("name").and_then(Value::as_str) == Some(image.name.as_str());
        if items.iter().any(named) {
            for item in items.iter_mut().filter(|v| named(v)) {
                *item = wanted.clone();
            }
        } else {
            items.push(wanted);
        }
    }
    Value::Array(items)
}

fn element_value(image: &KustomizeImage) -> Value {
    let mut map = Map::new();
    map.insert("name".into(), Value::String(image.name.clone()));
    let optional = [
        ("newName", &image.new_name),
        ("newTag", &image.new_tag),
        ("digest", &image.digest),
    ];
    for (key, value) in optional {
        if let Some(v) = value.as_deref().filter(|v| !v.is_empty()) {
            map.insert(key.into(), Value::String(v.to_owned()));
        }
    }
    Value::Object(map)
}

fn read(text: &str) -> Map<String, Value> {
    match serde_saphyr::from_str::<Value>(text) {
        Ok(Value::Object(map)) => map,
        other => panic!("{other:?} from {text:?}"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>(), images in prop::collection::vec(kustomize_image(), 0..3)) {
        let _ = render_kustomization(&text, &images);
    }

    #[test]
    fn yaml_like_text_never_panics(
        text in "([-:#{}\\[\\],'\"!&*|> \n\t]|images|name|a){0,40}",
        images in prop::collection::vec(kustomize_image(), 1..3),
    ) {
        if let Ok(out) = render_kustomization(&text, &images) {
            prop_assert_eq!(render_kustomization(&out, &images).ok(), Some(out));
        }
    }

    #[test]
    fn rendering_is_idempotent_and_does_what_kustomize_does(
        text in kustomization(),
        images in prop::collection::vec(kustomize_image(), 0..4),
    ) {
        let out = render_kustomization(&text, &images).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let again = render_kustomization(&out, &images).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&again, &out);

        let (mut before, mut after) = (read(&text), read(&out));
        let existing = before.remove("images").unwrap_or(Value::Null);
        let written = after.remove("images").unwrap_or(Value::Null);
        prop_assert_eq!(after, before, "other keys changed:\n{}", out);
        if images.is_empty() {
            prop_assert_eq!(&out, &text);
        } else {
            prop_assert_eq!(written, model(&existing, &images), "\n{}\n=>\n{}", text, out);
        }
        let head = |t: &str| t.lines().take_while(|l| !l.starts_with("kind")).collect::<Vec<_>>().join("\n");
        prop_assert_eq!(head(&out), head(&text));
    }
}
