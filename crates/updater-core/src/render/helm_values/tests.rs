//! Tests of the Helm values renderer on a realistic values file: snapshots of what a human reads,
//! line diffs proving only the changed values move, and a YAML parser as an independent oracle.

mod errors;
mod props;
mod quoting;

use super::*;

/// A values file with what real charts have: comments, blank lines, quoted tags, anchors,
/// aliases, a merge key, lists of images, a literal dotted key and flow mappings.
const VALUES: &str = r#"# Default values for my-chart.
# This is a YAML-formatted file.

replicaCount: 1   # keep one

image:
  repository: ghcr.io/example/app   # upstream image
  # the tag is managed by argocd-image-updater
  tag: "v1.0.0"
  pullPolicy: IfNotPresent

sidecar:
  image:
    repository: 'nginx'
    tag: '1.25.0'

proxy:
  image: "envoyproxy/envoy:v1.29.0"

defaults: &defaults
  registry: docker.io
  tag: 1.0.0

worker:
  <<: *defaults
  repository: org/worker

cron: *defaults

images:
  - name: api
    repository: registry.example.com/team/api
    tag: 2.0.0
  - name: web   # the frontend
    repository: team/web
    tag: 2.1.0

image.literal.tag: old

extra: {repository: busybox, tag: "1.36"}

resources: {}
"#;

/// An image writing `tag` then `name`.
fn image(name_param: &str, tag_param: &str, name: &str, tag: &str) -> HelmValuesImage {
    HelmValuesImage {
        alias: "app".into(),
        name_param: Some(name_param.into()),
        tag_param: Some(tag_param.into()),
        spec_param: None,
        name_value: name.into(),
        tag_value: Some(tag.into()),
        spec_value: format!("{name}:{tag}"),
    }
}

/// An image writing only its spec.
fn spec_image(spec_param: &str, spec: &str) -> HelmValuesImage {
    HelmValuesImage {
        alias: "app".into(),
        spec_param: Some(spec_param.into()),
        spec_value: spec.into(),
        ..HelmValuesImage::default()
    }
}

fn render(current: &str, images: &[HelmValuesImage]) -> String {
    render_helm_values(current, images).unwrap_or_else(|e| panic!("render failed: {e}"))
}

fn set(current: &str, path: &str, value: &str) -> String {
    set_value(current, path, value).unwrap_or_else(|e| panic!("set `{path}` failed: {e}"))
}

/// The lines of `before` that `after` replaced, and the lines it put in their place, found by
/// stripping the common leading and trailing lines.
fn diff<'a>(before: &'a str, after: &'a str) -> (Vec<&'a str>, Vec<&'a str>) {
    let (old, new): (Vec<_>, Vec<_>) = (before.lines().collect(), after.lines().collect());
    let prefix = old.iter().zip(&new).take_while(|(a, b)| a == b).count();
    let suffix = old[prefix..]
        .iter()
        .rev()
        .zip(new[prefix..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    (
        old[prefix..old.len() - suffix].to_vec(),
        new[prefix..new.len() - suffix].to_vec(),
    )
}

/// Parses with serde-saphyr, a parser independent of the one the renderer uses.
fn semantics(text: &str) -> serde_json::Value {
    serde_saphyr::from_str(text).unwrap_or_else(|e| panic!("oracle parse failed: {e}\n{text}"))
}

/// `semantics(before)` with `path` (plain keys only) set to the string `value`.
fn semantics_with(before: &str, path: &str, value: &str) -> serde_json::Value {
    let mut expected = semantics(before);
    let mut node = &mut expected;
    for key in path.split('.') {
        if !node.is_object() {
            *node = serde_json::json!({});
        }
        node = node
            .as_object_mut()
            .map(|map| map.entry(key.to_owned()).or_insert(serde_json::Value::Null))
            .unwrap_or_else(|| unreachable!("made an object above"));
    }
    *node = serde_json::Value::String(value.to_owned());
    expected
}

#[test]
fn tag_and_name_change_only_the_tag_line_and_keep_double_quotes() {
    let out = render(
        VALUES,
        &[image(
            "image.repository",
            "image.tag",
            "ghcr.io/example/app",
            "v1.1.0",
        )],
    );
    assert_eq!(
        diff(VALUES, &out),
        (vec![r#"  tag: "v1.0.0""#], vec![r#"  tag: "v1.1.0""#])
    );
    insta::assert_snapshot!(out);
}

#[test]
fn single_quotes_stay_single_and_plain_stays_plain() {
    let sidecar = image(
        "sidecar.image.repository",
        "sidecar.image.tag",
        "nginx",
        "1.26.1",
    );
    let api = image(
        "images[0].repository",
        "images[0].tag",
        "registry.example.com/team/api",
        "2.0.1",
    );
    let after_sidecar = render(VALUES, std::slice::from_ref(&sidecar));
    assert_eq!(
        diff(VALUES, &after_sidecar),
        (vec!["    tag: '1.25.0'"], vec!["    tag: '1.26.1'"])
    );
    let out = render(&after_sidecar, &[api]);
    assert_eq!(
        diff(&after_sidecar, &out),
        (vec!["    tag: 2.0.0"], vec!["    tag: 2.0.1"])
    );
}

#[test]
fn tag_is_written_before_the_name() {
    // With both paths missing, the order of the inserted keys shows the order of the writes.
    let out = render(
        "other: 1\n",
        &[image("app.image.name", "app.image.tag", "org/app", "1.0.0")],
    );
    assert_eq!(
        out,
        "other: 1\napp:\n  image:\n    tag: 1.0.0\n    name: org/app\n"
    );
}

#[test]
fn spec_wins_and_keeps_the_short_form_and_quotes() {
    let mut img = spec_image("proxy.image", "docker.io/envoyproxy/envoy:v1.30.1");
    img.tag_param = Some("proxy.tag".into());
    img.name_param = Some("proxy.name".into());
    img.tag_value = Some("v1.30.1".into());
    let out = render(VALUES, &[img]);
    assert_eq!(
        diff(VALUES, &out),
        (
            vec![r#"  image: "envoyproxy/envoy:v1.29.0""#],
            vec![r#"  image: "envoyproxy/envoy:v1.30.1""#],
        )
    );
    insta::assert_snapshot!(out);
}

#[test]
fn short_form_is_kept_when_the_file_has_no_registry() {
    let out = render(
        VALUES,
        &[image(
            "images[1].repository",
            "images[1].tag",
            "registry.example.com/team/web",
            "2.2.0",
        )],
    );
    assert_eq!(
        diff(VALUES, &out),
        (vec!["    tag: 2.1.0"], vec!["    tag: 2.2.0"])
    );
    assert_eq!(
        resolve_value(&out, "images[1].repository"),
        Ok(Some("team/web".into()))
    );
}

#[test]
fn full_name_is_written_when_the_file_has_a_registry() {
    let out = render(
        VALUES,
        &[image(
            "image.repository",
            "image.tag",
            "quay.io/example/app",
            "v1.0.0",
        )],
    );
    assert_eq!(
        diff(VALUES, &out),
        (
            vec!["  repository: ghcr.io/example/app   # upstream image"],
            vec!["  repository: quay.io/example/app   # upstream image"],
        )
    );
}

#[test]
fn a_name_without_registry_is_written_as_is_over_one_with_a_registry() {
    let out = set(VALUES, "image.repository", "example/app");
    assert_eq!(
        resolve_value(&out, "image.repository"),
        Ok(Some("example/app".into()))
    );
    assert_eq!(
        short_form("example/app", Some("ghcr.io/example/app")),
        "example/app"
    );
}

#[test]
fn short_form_rule_cases() {
    assert_eq!(short_form("ghcr.io/org/app", Some("org/app")), "org/app");
    assert_eq!(
        short_form("ghcr.io/org/app", Some("ghcr.io/org/old")),
        "ghcr.io/org/app"
    );
    assert_eq!(short_form("ghcr.io/org/app", None), "ghcr.io/org/app");
    assert_eq!(short_form("ghcr.io/org/app", Some("")), "ghcr.io/org/app");
    assert_eq!(
        short_form("localhost:5000/app", Some("app")),
        "localhost:5000/app"
    );
    assert_eq!(
        short_form("registry.local:5000/app:1.0", Some("app:0.9")),
        "app:1.0"
    );
    assert_eq!(short_form("my.app", Some("app")), "my.app");
}

#[test]
fn missing_name_is_inserted_with_the_full_name() {
    let out = render(
        "image:\n  tag: 1.0.0\n",
        &[image(
            "image.repository",
            "image.tag",
            "ghcr.io/org/app",
            "1.0.0",
        )],
    );
    assert_eq!(out, "image:\n  tag: 1.0.0\n  repository: ghcr.io/org/app\n");
}

#[test]
fn literal_dotted_key_at_the_root_is_set_in_place() {
    let out = set(VALUES, "image.literal.tag", "new");
    assert_eq!(
        diff(VALUES, &out),
        (
            vec!["image.literal.tag: old"],
            vec!["image.literal.tag: new"]
        )
    );
    assert_eq!(
        resolve_value(VALUES, "image.literal.tag"),
        Ok(Some("old".into()))
    );
}

#[test]
fn list_index_sets_the_item_field() {
    let out = set(VALUES, "images[1].tag", "2.2.0");
    assert_eq!(
        diff(VALUES, &out),
        (vec!["    tag: 2.1.0"], vec!["    tag: 2.2.0"])
    );
    insta::assert_snapshot!(out);
}

#[test]
fn list_index_inserts_a_missing_field_inside_the_item() {
    let out = set(VALUES, "images[0].digest", "sha256:abc");
    assert_eq!(diff(VALUES, &out), (vec![], vec!["    digest: sha256:abc"]));
    let (before, _) = out.split_once("    digest").unwrap_or_default();
    assert!(before.ends_with("    tag: 2.0.0\n"), "{out}");
}

#[test]
fn aliases_are_followed_one_level_when_reading() {
    assert_eq!(resolve_value(VALUES, "cron.tag"), Ok(Some("1.0.0".into())));
    assert_eq!(
        resolve_value(VALUES, "cron.registry"),
        Ok(Some("docker.io".into()))
    );
    assert_eq!(
        resolve_value(VALUES, "defaults.tag"),
        Ok(Some("1.0.0".into()))
    );
    let text = "base: &t v1\nimage:\n  tag: *t\n";
    assert_eq!(resolve_value(text, "image.tag"), Ok(Some("v1".into())));
}

#[test]
fn reading_a_merged_key_finds_only_own_keys() {
    // Like the original, `<<` is not expanded: the key is not found.
    assert_eq!(resolve_value(VALUES, "worker.tag"), Ok(None));
    assert_eq!(
        resolve_value(VALUES, "worker.repository"),
        Ok(Some("org/worker".into()))
    );
}

#[test]
fn writing_through_an_alias_mapping_edits_the_anchored_mapping() {
    let out = set(VALUES, "cron.tag", "1.1.0");
    assert_eq!(
        diff(VALUES, &out),
        (vec!["  tag: 1.0.0"], vec!["  tag: 1.1.0"])
    );
    assert_eq!(
        resolve_value(&out, "defaults.tag"),
        Ok(Some("1.1.0".into()))
    );
}

#[test]
fn writing_a_merged_key_adds_an_override() {
    let out = set(VALUES, "worker.tag", "9.9.9");
    assert_eq!(diff(VALUES, &out), (vec![], vec!["  tag: 9.9.9"]));
    assert_eq!(semantics(&out)["worker"]["tag"], "9.9.9");
    assert_eq!(semantics(&out)["defaults"]["tag"], "1.0.0");
}

#[test]
fn an_alias_in_the_final_position_is_replaced_not_its_anchor() {
    let text = "base: &t v1\nimage:\n  tag: *t\n";
    let out = set(text, "image.tag", "v2");
    assert_eq!(out, "base: &t v1\nimage:\n  tag: v2\n");
}

#[test]
fn anchored_scalar_keeps_its_anchor() {
    let text = "image:\n  tag: &t 1.0.0 # pinned\nother: *t\n";
    let out = set(text, "image.tag", "1.0.1");
    assert_eq!(out, "image:\n  tag: &t 1.0.1 # pinned\nother: *t\n");
}

#[test]
fn missing_nested_keys_are_inserted_at_the_right_indentation() {
    let out = set(VALUES, "sidecar.image.digest", "sha256:0123");
    assert_eq!(
        diff(VALUES, &out),
        (vec![], vec!["    digest: sha256:0123"])
    );
    let out = set(&out, "image.pull.policy", "Always");
    let out = set(&out, "newapp.image.tag", "1.0.0");
    assert_eq!(semantics(&out)["sidecar"]["image"]["digest"], "sha256:0123");
    assert_eq!(semantics(&out)["image"]["pull"]["policy"], "Always");
    assert_eq!(semantics(&out)["newapp"]["image"]["tag"], "1.0.0");
    insta::assert_snapshot!(out);
}

#[test]
fn the_files_indentation_step_is_used_for_new_mappings() {
    let text = "a:\n    b: 1\n";
    assert_eq!(
        set(text, "a.c.d", "x"),
        "a:\n    b: 1\n    c:\n        d: x\n"
    );
    assert_eq!(set(text, "z.w", "x"), "a:\n    b: 1\nz:\n    w: x\n");
    assert_eq!(set("a: 1\n", "z.w", "x"), "a: 1\nz:\n  w: x\n");
}

#[test]
fn insertion_goes_before_comments_that_follow_the_mapping() {
    let text = "image:\n  tag: 1\n  # repository: x\n\nother: 2\n";
    assert_eq!(
        set(text, "image.repository", "org/app"),
        "image:\n  tag: 1\n  repository: org/app\n  # repository: x\n\nother: 2\n"
    );
}

#[test]
fn insertion_into_a_mapping_in_a_list_item_uses_the_item_column() {
    let text = "list:\n-   name: a\n    tag: 1\n- name: b\n";
    assert_eq!(
        set(text, "list[0].digest", "d"),
        "list:\n-   name: a\n    tag: 1\n    digest: d\n- name: b\n"
    );
}

#[test]
fn flow_mappings_are_edited_in_flow_style() {
    let out = set(VALUES, "extra.tag", "1.37");
    assert_eq!(
        diff(VALUES, &out),
        (
            vec![r#"extra: {repository: busybox, tag: "1.36"}"#],
            vec![r#"extra: {repository: busybox, tag: "1.37"}"#],
        )
    );
    let out = set(VALUES, "extra.digest", "sha256:abc");
    assert_eq!(
        diff(VALUES, &out).1,
        vec![r#"extra: {repository: busybox, tag: "1.36", digest: "sha256:abc"}"#]
    );
    let out = set(VALUES, "resources.image.tag", "v1");
    assert_eq!(diff(VALUES, &out).1, vec!["resources: {image: {tag: v1}}"]);
    let out = set("image: {\n  tag: a,\n}\n", "image.name", "b");
    assert_eq!(out, "image: {\n  tag: a, name: b,\n}\n");
}

#[test]
fn empty_values_are_filled_after_the_colon() {
    assert_eq!(
        set("image:\n  tag:\n", "image.tag", "v1"),
        "image:\n  tag: v1\n"
    );
    assert_eq!(
        set("image:\n  tag: # set me\n", "image.tag", "v1"),
        "image:\n  tag: v1 # set me\n"
    );
    assert_eq!(
        set("image:\n  tag: ~\n", "image.tag", "v1"),
        "image:\n  tag: v1\n"
    );
    assert_eq!(
        set("image:\n  tag: null\n", "image.tag", "v1"),
        "image:\n  tag: v1\n"
    );
    assert_eq!(set("tags:\n- # c\n", "tags[0]", "v1"), "tags:\n- v1 # c\n");
    assert_eq!(
        set("tags: [a, , c]\n", "tags[1]", "v1"),
        "tags: [a, v1, c]\n"
    );
}

#[test]
fn block_and_tagged_scalars_are_replaced() {
    assert_eq!(
        set("tag: |\n  v1\n\nz: 1\n", "tag", "v2"),
        "tag: v2\n\nz: 1\n"
    );
    assert_eq!(
        set("tag: !!str 1.0\n", "tag", "1.1"),
        "tag: !!str \"1.1\"\n"
    );
    assert_eq!(set("tag: !!str v1\n", "tag", "v2"), "tag: !!str v2\n");
    assert_eq!(set("tag: !!int 1\n", "tag", "2"), "tag: \"2\"\n");
}

#[test]
fn empty_file_gets_the_head_comment() {
    let images = [image(
        "image.repository",
        "image.tag",
        "ghcr.io/org/app",
        "1.0.0",
    )];
    let out = render("", &images);
    assert_eq!(
        out,
        "# auto generated by argocd image updater\n\nimage:\n  tag: 1.0.0\n  repository: ghcr.io/org/app\n"
    );
    assert_eq!(render(" \n\t\n", &images), out);
    insta::assert_snapshot!(out);
}

#[test]
fn comment_only_file_keeps_its_comments() {
    let images = [image("image.repository", "image.tag", "org/app", "1.0.0")];
    let out = render("# my values\n# nothing yet\n", &images);
    assert_eq!(
        out,
        "# my values\n# nothing yet\nimage:\n  tag: 1.0.0\n  repository: org/app\n"
    );
    insta::assert_snapshot!(out);
}

#[test]
fn document_start_prefix_is_kept() {
    let images = [image("image.repository", "image.tag", "org/app", "1.0.1")];
    let text = "# header\n---\nimage:\n  repository: org/app\n  tag: 1.0.0\n";
    assert_eq!(render(text, &images), text.replace("1.0.0", "1.0.1"));
    assert_eq!(
        render("---\n", &images),
        "---\nimage:\n  tag: 1.0.1\n  repository: org/app\n"
    );
    assert_eq!(
        render("# c\n---", &images),
        "# c\n---\nimage:\n  tag: 1.0.1\n  repository: org/app\n"
    );
}

#[test]
fn later_documents_are_kept_and_not_edited() {
    let text = "image:\n  tag: 1\n---\nimage:\n  tag: 1\n";
    assert_eq!(
        set(text, "image.tag", "2"),
        "image:\n  tag: \"2\"\n---\nimage:\n  tag: 1\n"
    );
    assert_eq!(set("---\n---\na: 1\n", "b", "x"), "---\nb: x\n---\na: 1\n");
}

#[test]
fn crlf_files_stay_crlf() {
    let text = "image:\r\n  tag: 1.0.0\r\n";
    assert_eq!(
        set(text, "image.tag", "1.0.1"),
        "image:\r\n  tag: 1.0.1\r\n"
    );
    assert_eq!(
        set(text, "image.repository", "org/app"),
        "image:\r\n  tag: 1.0.0\r\n  repository: org/app\r\n"
    );
}

#[test]
fn a_file_without_final_newline_gets_one_only_when_a_key_is_added() {
    assert_eq!(
        set("image:\n  tag: 1.0.0", "image.tag", "1.0.1"),
        "image:\n  tag: 1.0.1"
    );
    assert_eq!(
        set("image:\n  tag: 1.0.0", "image.name", "a"),
        "image:\n  tag: 1.0.0\n  name: a\n"
    );
}

#[test]
fn unchanged_when_values_already_equal() {
    let images = [
        image(
            "image.repository",
            "image.tag",
            "ghcr.io/example/app",
            "v1.0.0",
        ),
        image(
            "images[1].repository",
            "images[1].tag",
            "registry.example.com/team/web",
            "2.1.0",
        ),
        image(
            "sidecar.image.repository",
            "sidecar.image.tag",
            "nginx",
            "1.25.0",
        ),
        spec_image("proxy.image", "docker.io/envoyproxy/envoy:v1.29.0"),
    ];
    assert_eq!(render(VALUES, &images), VALUES);
}

#[test]
fn a_plain_value_helm_misreads_is_quoted_even_when_the_text_is_equal() {
    let out = set("image:\n  tag: 1.10\n", "image.tag", "1.10");
    assert_eq!(out, "image:\n  tag: \"1.10\"\n");
    assert_eq!(set(&out, "image.tag", "1.10"), out);
}

#[test]
fn empty_tag_value_is_never_written() {
    let mut img = image("image.repository", "image.tag", "ghcr.io/example/app", "");
    assert_eq!(render(VALUES, std::slice::from_ref(&img)), VALUES);
    img.tag_value = None;
    assert_eq!(render(VALUES, &[img]), VALUES);
}

#[test]
fn every_image_is_written_in_order() {
    let images = [
        image(
            "image.repository",
            "image.tag",
            "ghcr.io/example/app",
            "v2.0.0",
        ),
        image(
            "images[0].repository",
            "images[0].tag",
            "registry.example.com/team/api",
            "3.0.0",
        ),
        spec_image("proxy.image", "envoyproxy/envoy:v1.31.0"),
    ];
    let out = render(VALUES, &images);
    assert_eq!(semantics(&out)["image"]["tag"], "v2.0.0");
    assert_eq!(semantics(&out)["images"][0]["tag"], "3.0.0");
    assert_eq!(
        semantics(&out)["proxy"]["image"],
        "envoyproxy/envoy:v1.31.0"
    );
    let (removed, added) = diff(VALUES, &out);
    assert_eq!(removed.len(), added.len());
    assert_eq!(render(&out, &images), out, "idempotent");
    insta::assert_snapshot!(out);
}

#[test]
fn only_the_written_values_change_semantically() {
    let out = set(VALUES, "sidecar.image.tag", "1.27.0");
    assert_eq!(
        semantics(&out),
        semantics_with(VALUES, "sidecar.image.tag", "1.27.0")
    );
    let out = set(VALUES, "newapp.image.tag", "1.0");
    assert_eq!(
        semantics(&out),
        semantics_with(VALUES, "newapp.image.tag", "1.0")
    );
}

#[test]
fn resolve_value_reads_scalars_as_written() {
    assert_eq!(
        resolve_value(VALUES, "image.tag"),
        Ok(Some("v1.0.0".into()))
    );
    assert_eq!(
        resolve_value(VALUES, "images[0].name"),
        Ok(Some("api".into()))
    );
    assert_eq!(resolve_value(VALUES, "extra.tag"), Ok(Some("1.36".into())));
    assert_eq!(resolve_value(VALUES, "replicaCount"), Ok(Some("1".into())));
    assert_eq!(
        resolve_value("a:\n  b: ~\n  c:\n", "a.b"),
        Ok(Some("~".into()))
    );
    assert_eq!(
        resolve_value("a:\n  b: ~\n  c:\n", "a.c"),
        Ok(Some(String::new()))
    );
    assert_eq!(
        resolve_value(VALUES, "image"),
        Ok(None),
        "a mapping is not a value"
    );
    assert_eq!(resolve_value(VALUES, "image.missing"), Ok(None));
    assert_eq!(resolve_value(VALUES, "images[5].tag"), Ok(None));
    assert_eq!(resolve_value(VALUES, "images.tag"), Ok(None));
    assert_eq!(resolve_value("", "image.tag"), Ok(None));
    assert_eq!(resolve_value("# only\n", "image.tag"), Ok(None));
}

#[test]
fn resolve_falls_back_to_the_literal_key_only_when_the_walk_fails() {
    let text = "image.tag: literal\nimage:\n  tag: nested\n";
    assert_eq!(resolve_value(text, "image.tag"), Ok(Some("nested".into())));
    assert_eq!(
        resolve_value("image.tag: literal\n", "image.tag"),
        Ok(Some("literal".into()))
    );
    // Writing prefers the literal key, as the original does.
    assert_eq!(
        set(text, "image.tag", "new"),
        "image.tag: new\nimage:\n  tag: nested\n"
    );
}

#[test]
fn quoted_keys_match_by_their_text() {
    let text = "\"image\":\n  'tag': v1\n";
    assert_eq!(set(text, "image.tag", "v2"), "\"image\":\n  'tag': v2\n");
}

#[test]
fn unusual_layouts_are_edited_in_place() {
    assert_eq!(set("{}\n", "image.tag", "v1"), "{image: {tag: v1}}\n");
    assert_eq!(
        set("{a: 1}\n", "image.tag", "v1"),
        "{a: 1, image: {tag: v1}}\n"
    );
    assert_eq!(
        set("  a: 1\n  b: 2\n", "c", "v1"),
        "  a: 1\n  b: 2\n  c: v1\n"
    );
    assert_eq!(
        set("image: !!map\n  tag: v1\n", "image.name", "app"),
        "image: !!map\n  tag: v1\n  name: app\n"
    );
    assert_eq!(
        set(
            "image:\n  tag: one\n    two\n  name: app\n",
            "image.tag",
            "v2"
        ),
        "image:\n  tag: v2\n  name: app\n"
    );
    assert_eq!(
        set("image: # the image\n  tag: v1\n", "image.tag", "v2"),
        "image: # the image\n  tag: v2\n"
    );
    assert_eq!(
        set("image:\n  tag:\tv1\n", "image.tag", "v2"),
        "image:\n  tag:\tv2\n"
    );
    assert_eq!(
        set("list: [{a: 1}]\n", "list[0].b", "x"),
        "list: [{a: 1, b: x}]\n"
    );
    assert_eq!(
        set("\u{feff}image:\n  tag: v1\n", "image.name", "app"),
        "\u{feff}image:\n  tag: v1\n  name: app\n"
    );
    assert_eq!(set("\u{feff}a: 1\n", "b", "app"), "\u{feff}a: 1\nb: app\n");
}
