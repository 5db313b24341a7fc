//! Every error text, compared with the original's wording.

use super::{HelmValuesImage, VALUES, image, render_helm_values, resolve_value, set_value};

fn set_error(text: &str, path: &str) -> String {
    match set_value(text, path, "v") {
        Ok(out) => panic!("writing `{path}` succeeded:\n{out}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn descending_into_a_scalar() {
    assert_eq!(
        set_error(VALUES, "replicaCount.x"),
        "unexpected type ScalarNode for key replicaCount"
    );
    assert_eq!(
        set_error("image:\n", "image.tag"),
        "unexpected type ScalarNode for key image"
    );
    assert_eq!(
        set_error(VALUES, "images[0].name.first"),
        "unexpected type ScalarNode for key name"
    );
}

#[test]
fn writing_over_a_mapping() {
    assert_eq!(
        set_error(VALUES, "image"),
        "unexpected type MappingNode for key image"
    );
    assert_eq!(
        set_error(VALUES, "images[0]"),
        "unexpected type MappingNode for key images"
    );
    assert_eq!(
        set_error("a.b:\n  c: 1\n", "a.b"),
        "unexpected type MappingNode for key a.b"
    );
}

#[test]
fn a_sequence_without_id() {
    assert_eq!(
        set_error(VALUES, "images.tag"),
        r#"no id provided for yaml array "images""#
    );
    assert_eq!(
        set_error(VALUES, "images"),
        r#"no id provided for yaml array "images""#
    );
    assert_eq!(
        set_error(VALUES, "images[].tag"),
        r#"no id provided for yaml array "images""#
    );
}

#[test]
fn an_id_on_something_else() {
    assert_eq!(
        set_error(VALUES, "image[0].tag"),
        r#"id 0 provided when "image" is not an yaml array"#
    );
    assert_eq!(
        set_error(VALUES, "nothere[1].tag"),
        r#"id 1 provided when "nothere" is not an yaml array"#
    );
    assert_eq!(
        set_error(VALUES, "image.new[2].tag"),
        r#"id 2 provided when "new" is not an yaml array"#
    );
    assert_eq!(
        set_error("", "list[0]"),
        r#"id 0 provided when "list" is not an yaml array"#
    );
}

#[test]
fn an_id_out_of_range() {
    assert_eq!(
        set_error(VALUES, "images[2].tag"),
        "id 2 is out of range [0, 2)"
    );
    assert_eq!(
        set_error(VALUES, "images[-1].tag"),
        "id -1 is out of range [0, 2)"
    );
    assert_eq!(set_error("l: []\n", "l[0]"), "id 0 is out of range [0, 0)");
}

#[test]
fn a_malformed_id() {
    let pattern = r"in yaml array must match pattern ^(.*)\[(.*)\]$";
    assert_eq!(
        set_error(VALUES, "images[x].tag"),
        format!(r#"id "images[x]" {pattern}"#)
    );
    assert_eq!(
        set_error(VALUES, "images[0.tag"),
        format!(r#"id "images[0" {pattern}"#)
    );
    assert_eq!(
        set_error(VALUES, "images[0]x.tag"),
        format!(r#"id "images[0]x" {pattern}"#)
    );
    assert_eq!(set_error(VALUES, "new.a]"), format!(r#"id "a]" {pattern}"#));
}

#[test]
fn a_root_that_is_not_a_mapping() {
    assert_eq!(
        set_error("- a\n- b\n", "image.tag"),
        "unexpected type SequenceNode for root"
    );
    assert_eq!(
        set_error("just text\n", "image.tag"),
        "unexpected type ScalarNode for root"
    );
    assert_eq!(
        set_error("~\n", "image.tag"),
        "unexpected type ScalarNode for root"
    );
    assert_eq!(
        resolve_value("- a\n", "image.tag").map_err(|e| e.to_string()),
        Err("unexpected type SequenceNode for root".to_owned())
    );
}

#[test]
fn invalid_yaml_is_refused() {
    let error = set_error("image: [\n", "image.tag");
    assert!(
        error.starts_with("the helm values are not valid yaml: "),
        "{error}"
    );
    assert!(resolve_value("image: [\n", "image").is_err());
}

#[test]
fn missing_parameters() {
    let mut no_tag = image("image.repository", "image.tag", "org/app", "1.0");
    no_tag.tag_param = None;
    assert_eq!(
        render_helm_values(VALUES, &[no_tag.clone()]).map_err(|e| e.to_string()),
        Err("could not find an image-tag for image app".to_owned())
    );
    no_tag.tag_param = Some(String::new());
    assert_eq!(
        render_helm_values(VALUES, &[no_tag]).map_err(|e| e.to_string()),
        Err("could not find an image-tag for image app".to_owned())
    );
    let no_name = HelmValuesImage {
        name_param: None,
        ..image("image.repository", "image.tag", "org/app", "1.0")
    };
    assert_eq!(
        render_helm_values(VALUES, &[no_name]).map_err(|e| e.to_string()),
        Err("could not find an image-name for image app".to_owned())
    );
}

#[test]
fn an_error_in_a_later_image_returns_no_text() {
    let good = image("image.repository", "image.tag", "ghcr.io/example/app", "v9");
    let bad = image("images.repository", "images.tag", "org/app", "1.0");
    assert!(render_helm_values(VALUES, &[good, bad]).is_err());
}
