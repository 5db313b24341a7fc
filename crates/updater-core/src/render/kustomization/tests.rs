//! Snapshot and unit tests of kustomization rendering (§7.3). Snapshots show the current
//! file, the images and the result; `changed` tests pin exactly which lines differ.

use super::{
    KUSTOMIZATION_FILE_NAMES, KustomizationError, KustomizeImage, find_kustomization,
    render_kustomization,
};

fn image(
    name: &str,
    new_name: Option<&str>,
    new_tag: Option<&str>,
    digest: Option<&str>,
) -> KustomizeImage {
    KustomizeImage {
        name: name.into(),
        new_name: new_name.map(Into::into),
        new_tag: new_tag.map(Into::into),
        digest: digest.map(Into::into),
    }
}

fn tag(name: &str, new_tag: &str) -> KustomizeImage {
    image(name, None, Some(new_tag), None)
}

fn render(current: &str, images: &[KustomizeImage]) -> String {
    let out = render_kustomization(current, images).unwrap_or_else(|e| panic!("{e}"));
    let again = render_kustomization(&out, images).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(again, out, "rendering again changes the file");
    out
}

/// The current file, the images and the rendered file, for a snapshot.
fn show(current: &str, images: &[KustomizeImage]) -> String {
    let out = render(current, images);
    let end = |text: &str| {
        if text.ends_with('\n') {
            ""
        } else {
            "\n(no line break at the end)\n"
        }
    };
    format!(
        "--- current\n{current}{}--- images\n{images:#?}\n--- rendered\n{out}{}",
        end(current),
        end(&out)
    )
}

/// The lines that differ between `old` and `new` (after the common head and tail).
fn changed<'a>(old: &'a str, new: &'a str) -> (Vec<&'a str>, Vec<&'a str>) {
    let (a, b): (Vec<&str>, Vec<&str>) = (old.lines().collect(), new.lines().collect());
    let head = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let max_tail = a.len().min(b.len()) - head;
    let tail = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take(max_tail)
        .take_while(|(x, y)| x == y)
        .count();
    (
        a[head..a.len() - tail].to_vec(),
        b[head..b.len() - tail].to_vec(),
    )
}

const COMPACT: &str = "\
# Production overlay for the guestbook
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization

namespace: guestbook   # keep in sync with the app

resources:
- ../../base
- ingress.yaml

images:
# the frontend is pinned by argocd-image-updater
- name: frontend
  newName: ghcr.io/example/frontend
  newTag: 1.4.0   # bumped automatically

- name: redis
  newTag: \"7.2\"
- name: worker
  newName: registry.local/worker
  digest: sha256:1111

patches:
- path: replicas.yaml
";

const WIDE: &str = "\
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - deployment.yaml
  - service.yaml
images:
  - name: nginx
    newTag: 1.25.0
  - name: ghcr.io/example/api
    newTag: v1
";

#[test]
fn several_images_in_a_commented_compact_file() {
    let images = [
        image(
            "frontend",
            Some("ghcr.io/example/frontend"),
            Some("1.5.0"),
            None,
        ),
        tag("redis", "7.4"),
        image(
            "worker",
            Some("registry.local/worker"),
            None,
            Some("sha256:2222"),
        ),
    ];
    insta::assert_snapshot!(show(COMPACT, &images));
}

#[test]
fn a_tag_bump_changes_one_line_and_keeps_its_comment() {
    let images = [image(
        "frontend",
        Some("ghcr.io/example/frontend"),
        Some("1.5.0"),
        None,
    )];
    let out = render(COMPACT, &images);
    assert_eq!(
        changed(COMPACT, &out),
        (
            vec!["  newTag: 1.4.0   # bumped automatically"],
            vec!["  newTag: 1.5.0   # bumped automatically"]
        )
    );
}

#[test]
fn an_element_is_replaced_whole() {
    let out = render(COMPACT, &[tag("worker", "2.0")]);
    assert_eq!(
        changed(COMPACT, &out),
        (
            vec!["  newName: registry.local/worker", "  digest: sha256:1111"],
            vec!["  newTag: \"2.0\""]
        )
    );
    insta::assert_snapshot!(show(COMPACT, &[tag("worker", "2.0")]));
}

#[test]
fn an_up_to_date_file_comes_back_byte_for_byte() {
    let images = [
        image(
            "frontend",
            Some("ghcr.io/example/frontend"),
            Some("1.4.0"),
            None,
        ),
        tag("redis", "7.2"),
        image(
            "worker",
            Some("registry.local/worker"),
            None,
            Some("sha256:1111"),
        ),
    ];
    assert_eq!(render(COMPACT, &images), COMPACT);
    assert_eq!(render(WIDE, &[tag("nginx", "1.25.0")]), WIDE);
}

#[test]
fn a_misread_value_is_rewritten_even_when_equal() {
    let current = "images:\n- name: app\n  newTag: 123\n";
    assert_eq!(
        render(current, &[tag("app", "123")]),
        "images:\n- name: app\n  newTag: \"123\"\n"
    );
}

#[test]
fn new_images_are_appended_in_the_compact_style() {
    let out = render(COMPACT, &[tag("ghcr.io/example/new", "0.1.0")]);
    assert_eq!(
        changed(COMPACT, &out),
        (
            vec![],
            vec!["- name: ghcr.io/example/new", "  newTag: 0.1.0"]
        )
    );
    assert!(out.contains(
        "  digest: sha256:1111\n- name: ghcr.io/example/new\n  newTag: 0.1.0\n\npatches:"
    ));
}

#[test]
fn wide_indentation_is_kept_for_replaced_and_appended_elements() {
    let images = [
        tag("nginx", "1.26.1"),
        image("redis", Some("docker.io/redis"), Some("7.4"), None),
    ];
    insta::assert_snapshot!(show(WIDE, &images));
}

#[test]
fn missing_images_is_added_at_the_end_in_the_files_style() {
    let wide = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - deployment.yaml\n# trailing comment\n";
    let compact = "kind: Kustomization\nresources:\n- deployment.yaml\n";
    let plain = "kind: Kustomization\nnamePrefix: prod-";
    let images = [tag("nginx", "1.26.1")];
    insta::assert_snapshot!(format!(
        "{}\n{}\n{}",
        show(wide, &images),
        show(compact, &images),
        show(plain, &images)
    ));
}

#[test]
fn flow_style_images_stay_flow() {
    let empty = "kind: Kustomization\nimages: []\nresources: [a.yaml]\n";
    let full = "images: [{name: nginx, newTag: '1.0'}, {name: keep, newTag: x}]  # flow\n";
    let images = [
        tag("nginx", "1.10"),
        image("api", Some("registry:5000/api"), None, Some("sha256:abcd")),
    ];
    insta::assert_snapshot!(format!("{}\n{}", show(empty, &images), show(full, &images)));
}

#[test]
fn null_images_become_a_sequence() {
    let cases = [
        (
            "kind: K\nimages:\nresources: []\n",
            "kind: K\nimages:\n- name: nginx\n  newTag: \"1.10\"\nresources: []\n",
        ),
        (
            "images: ~   # none yet\n",
            "images: # none yet\n- name: nginx\n  newTag: \"1.10\"\n",
        ),
        (
            "images: null\n",
            "images:\n- name: nginx\n  newTag: \"1.10\"\n",
        ),
        ("images:", "images:\n- name: nginx\n  newTag: \"1.10\"\n"),
        (
            "{images: null}",
            "{images: [{name: nginx, newTag: \"1.10\"}]}",
        ),
        (
            "{images: , kind: K}",
            "{images: [{name: nginx, newTag: \"1.10\"}], kind: K}",
        ),
        (
            "{kind: K}",
            "{kind: K, images: [{name: nginx, newTag: \"1.10\"}]}",
        ),
        ("{}", "{images: [{name: nginx, newTag: \"1.10\"}]}"),
    ];
    for (current, expected) in cases {
        assert_eq!(
            render(current, &[tag("nginx", "1.10")]),
            expected,
            "{current:?}"
        );
    }
}

#[test]
fn numeric_looking_tags_are_quoted() {
    let tags = [
        "123",
        "1.10",
        "true",
        "010",
        "1e3",
        "yes",
        "null",
        "2024-01-15",
        "v1.10",
        "1.2.3",
    ];
    let images: Vec<KustomizeImage> = tags
        .iter()
        .enumerate()
        .map(|(i, t)| tag(&format!("img{i}"), t))
        .collect();
    insta::assert_snapshot!(
        render("images: []\n", &images[..1]).to_owned() + &render("kind: K\n", &images)
    );
}

#[test]
fn document_prefix_comments_and_crlf_are_kept() {
    let current = "# Generated once by hand\n\n%YAML 1.2\n---\nkind: Kustomization\r\nimages:\r\n  - name: nginx # pinned\r\n    newTag: 1.0\r\n...\n";
    let out = render(current, &[tag("nginx", "1.1"), tag("redis", "7")]);
    assert_eq!(
        out,
        "# Generated once by hand\n\n%YAML 1.2\n---\nkind: Kustomization\r\nimages:\r\n  - name: nginx # pinned\r\n    newTag: \"1.1\"\r\n  - name: redis\r\n    newTag: \"7\"\r\n...\n"
    );
}

#[test]
fn every_element_with_the_name_is_replaced() {
    let current = "images:\n- name: app\n  newTag: a\n- name: other\n- {name: app, newTag: b}\n";
    assert_eq!(
        render(current, &[tag("app", "c")]),
        "images:\n- name: app\n  newTag: c\n- name: other\n- name: app\n  newTag: c\n"
    );
}

#[test]
fn the_last_of_repeated_names_wins() {
    let out = render(
        "kind: K\n",
        &[tag("app", "1"), tag("other", "x"), tag("app", "2")],
    );
    assert_eq!(
        out,
        "kind: K\nimages:\n- name: app\n  newTag: \"2\"\n- name: other\n  newTag: x\n"
    );
}

#[test]
fn elements_in_unusual_shapes_are_replaced_in_place() {
    let current = "images:\n  -\n    name: a\n    newTag: |\n      old\n  - &anchor name: b\n    newTag:\n  - !!map\n    name: c\nrest: 1\n";
    let images = [tag("a", "1"), tag("b", "2"), tag("c", "3")];
    assert_eq!(
        render(current, &images),
        "images:\n  -\n    name: a\n    newTag: \"1\"\n  - &anchor name: b\n    newTag: \"2\"\n  - !!map\n    name: c\n    newTag: \"3\"\nrest: 1\n"
    );
}

#[test]
fn no_images_leave_the_file_alone() {
    assert_eq!(render(COMPACT, &[]), COMPACT);
}

#[test]
fn errors_name_what_is_wrong() {
    let images = [tag("nginx", "1")];
    let error = |text: &str| match render_kustomization(text, &images) {
        Err(e) => e,
        Ok(out) => panic!("{text:?} rendered {out:?}"),
    };
    assert!(matches!(
        error(""),
        KustomizationError::DocumentCount { found: 0 }
    ));
    assert!(matches!(
        error("# only a comment\n"),
        KustomizationError::DocumentCount { found: 0 }
    ));
    assert!(matches!(
        error("a: 1\n---\nb: 2\n"),
        KustomizationError::DocumentCount { found: 2 }
    ));
    assert!(matches!(
        error("- a\n"),
        KustomizationError::RootNotMapping {
            found: "a sequence"
        }
    ));
    assert!(matches!(
        error("---\n"),
        KustomizationError::RootNotMapping { found: "null" }
    ));
    assert!(matches!(
        error("text\n"),
        KustomizationError::RootNotMapping { found: "a scalar" }
    ));
    assert!(matches!(
        error("images: {a: b}\n"),
        KustomizationError::ImagesNotSequence { found: "a mapping" }
    ));
    assert!(matches!(
        error("images: nginx\n"),
        KustomizationError::ImagesNotSequence { found: "a scalar" }
    ));
    assert!(matches!(
        error("images: [\n"),
        KustomizationError::Parse { .. }
    ));
    assert_eq!(
        error("- a\n").to_string(),
        "the kustomization's root is a sequence, expected a mapping"
    );
    assert_eq!(
        error("a: 1\n---\nb: 2\n").to_string(),
        "a kustomization must hold exactly one YAML document, this one holds 2"
    );
}

#[test]
fn entries_become_kustomize_images() {
    let cases = [
        ("nginx:1.25", image("nginx", None, Some("1.25"), None)),
        (
            "ghcr.io/org/app:v1@sha256:abcd",
            image("ghcr.io/org/app", None, Some("v1"), Some("sha256:abcd")),
        ),
        (
            "web=ghcr.io/org/app:v2",
            image("web", Some("ghcr.io/org/app"), Some("v2"), None),
        ),
        (
            "web=nginx@sha256:abcd",
            image("web", Some("nginx"), None, Some("sha256:abcd")),
        ),
        (
            "docker.io/library/nginx:1.25",
            image("docker.io/nginx", None, Some("1.25"), None),
        ),
        (
            "docker.io/org/app:1",
            image("docker.io/org/app", None, Some("1"), None),
        ),
        (
            "library/nginx:1",
            image("library/nginx", None, Some("1"), None),
        ),
        (
            "registry.local:5000/team/app",
            image("registry.local:5000/team/app", None, None, None),
        ),
        ("=nginx:1", image("nginx", None, Some("1"), None)),
    ];
    for (entry, expected) in cases {
        assert_eq!(
            KustomizeImage::from_entry(entry).ok(),
            Some(expected),
            "{entry}"
        );
    }
    for entry in ["", "alias="] {
        let error = KustomizeImage::from_entry(entry).err();
        assert!(
            matches!(error, Some(KustomizationError::Entry { .. })),
            "{entry:?}"
        );
    }
}

#[test]
fn kustomization_file_is_found_in_kustomize_order() {
    assert_eq!(
        KUSTOMIZATION_FILE_NAMES,
        ["kustomization.yaml", "kustomization.yml", "Kustomization"]
    );
    assert_eq!(
        find_kustomization(&["Kustomization", "kustomization.yml"]),
        Some("kustomization.yml")
    );
    assert_eq!(
        find_kustomization(&["a.yaml", "Kustomization"]),
        Some("Kustomization")
    );
    assert_eq!(
        find_kustomization(&["kustomization.YAML", "values.yaml"]),
        None
    );
    assert_eq!(find_kustomization(&[]), None);
}

#[test]
fn deeply_nested_input_is_refused_without_overflowing_the_stack() {
    let images = [tag("nginx", "1")];
    let flow = |depth: usize| format!("images: {}{}\n", "[".repeat(depth), "]".repeat(depth));
    let block = |depth: usize| {
        (0..depth)
            .map(|i| format!("{}k{i}:\n", " ".repeat(i)))
            .collect::<String>()
    };
    for text in [flow(50_000), block(5_000)] {
        let result = render_kustomization(&text, &images);
        assert!(
            matches!(result, Err(KustomizationError::Parse { .. })),
            "{result:?}"
        );
    }
    let out = render(&flow(100), &images);
    assert!(out.ends_with("]], {name: nginx, newTag: \"1\"}]\n"));
    let out = render(&block(100), &images);
    assert!(out.ends_with("k99:\nimages:\n- name: nginx\n  newTag: \"1\"\n"));
}
