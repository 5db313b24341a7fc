//! Property tests of override-file rendering: what is written reads back as the same values,
//! rendering is idempotent, and no input panics.

use proptest::prelude::*;

use super::{EnvEntry, HelmParameter, SourceOverride, read, render_source_file};

/// Any text, biased towards the characters that decide quoting.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[ a-z0-9.:#'\"\\-_@*&!|>%\n\t\r~\\[\\]{},?]{0,12}",
        "(true|yes|null|~|1\\.10|0x1F|2024-01-15|1:20|010|1e3| x|x |-|---)",
    ]
}

fn parameter() -> impl Strategy<Value = HelmParameter> {
    (text(), text(), any::<bool>()).prop_map(|(name, value, force_string)| HelmParameter {
        name,
        value,
        force_string,
    })
}

fn env_entry() -> impl Strategy<Value = EnvEntry> {
    (text(), text()).prop_map(|(name, value)| EnvEntry { name, value })
}

/// Image entries with a few repositories, aliases, tags and digests so that merges match.
fn image() -> impl Strategy<Value = String> {
    let alias = prop_oneof![Just(String::new()), "(web|api)="];
    let registry = prop_oneof![
        Just(""),
        Just("docker.io/"),
        Just("ghcr.io/"),
        Just("docker.io/library/")
    ];
    let name = prop_oneof![Just("nginx"), Just("org/app"), Just("library/nginx")];
    let tag = prop_oneof![Just(String::new()), "(:1\\.[0-9]{1,2}|:latest|:010)"];
    let digest = prop_oneof![Just(""), Just("@sha256:aaaa"), Just("@sha256:bbbb")];
    prop_oneof![
        4 => (alias, registry, name, tag, digest)
            .prop_map(|(a, r, n, t, d)| format!("{a}{r}{n}{t}{d}")),
        1 => text(),
    ]
}

fn update() -> impl Strategy<Value = SourceOverride> {
    prop_oneof![
        prop::collection::vec(parameter(), 0..6)
            .prop_map(|parameters| SourceOverride::Helm { parameters }),
        prop::collection::vec(image(), 0..6)
            .prop_map(|images| SourceOverride::Kustomize { images }),
        prop::collection::vec(env_entry(), 0..6).prop_map(|env| SourceOverride::Plugin { env }),
    ]
}

/// Current file contents: arbitrary text, or an earlier rendering (possibly with a prefix).
fn current() -> impl Strategy<Value = String> {
    let prefix = prop_oneof![
        Just(""),
        Just("# managed\n---\n"),
        Just("%YAML 1.2\n---\n"),
        Just("\n---\r\n")
    ];
    prop_oneof![
        any::<String>(),
        (prefix, update()).prop_map(|(prefix, u)| format!("{prefix}{}", render(prefix, &u))),
    ]
}

/// An independent statement of the dedupe rule: of several entries for one image (registry
/// with `""` ≡ `docker.io`, name, alias) or one unparsable text, only the last is written.
fn last_of_each_image(images: &[String]) -> Vec<String> {
    let key = |entry: &String| match crate::image::ImageRef::parse(entry) {
        Ok(image) => {
            let registry = if image.registry.is_empty() {
                "docker.io".to_owned()
            } else {
                image.registry
            };
            format!("{registry}|{}|{:?}", image.name, image.alias)
        }
        Err(_) => format!("raw|{entry}"),
    };
    let keys: Vec<String> = images.iter().map(key).collect();
    images
        .iter()
        .enumerate()
        .filter(|(index, _)| !keys[index + 1..].contains(&keys[*index]))
        .map(|(_, entry)| entry.clone())
        .collect()
}

fn render(current: &str, update: &SourceOverride) -> String {
    match render_source_file(current, update) {
        Ok(text) => text,
        Err(never) => match never {},
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn written_helm_parameters_read_back_sorted(parameters in prop::collection::vec(parameter(), 0..6)) {
        let out = render("", &SourceOverride::Helm { parameters: parameters.clone() });
        let mut expected = parameters;
        expected.sort_by(|a, b| a.name.cmp(&b.name));
        prop_assert_eq!(read::helm_parameters(&out), expected, "{}", out);
    }

    #[test]
    fn written_images_and_env_read_back(
        images in prop::collection::vec(text(), 0..6),
        env in prop::collection::vec(env_entry(), 0..6),
    ) {
        let out = render("", &SourceOverride::Kustomize { images: images.clone() });
        prop_assert_eq!(read::kustomize_images(&out), last_of_each_image(&images), "{}", out);
        let out = render("", &SourceOverride::Plugin { env: env.clone() });
        prop_assert_eq!(read::plugin_env(&out), env, "{}", out);
    }

    #[test]
    fn rendering_is_idempotent(current in current(), update in update()) {
        let once = render(&current, &update);
        let twice = render(&once, &update);
        prop_assert_eq!(&twice, &once);
    }

    #[test]
    fn rendering_keeps_every_new_entry(current in current(), update in update()) {
        let out = render(&current, &update);
        match &update {
            SourceOverride::Helm { parameters } => {
                let written = read::helm_parameters(&out);
                for p in parameters {
                    prop_assert!(written.iter().any(|w| w.name == p.name), "{:?} missing", p);
                }
            }
            SourceOverride::Plugin { env } => {
                let written = read::plugin_env(&out);
                for e in env {
                    prop_assert!(written.iter().any(|w| w.name == e.name), "{:?} missing", e);
                }
            }
            SourceOverride::Kustomize { images } => {
                prop_assert!(read::kustomize_images(&out).len() >= images.len().min(1));
            }
        }
    }
}
