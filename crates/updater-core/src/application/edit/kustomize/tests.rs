//! Argo CD's `KustomizeImage` delimiter rule on raw entries.

use serde_json::{Value, json};

use super::{find, matches, merge_image};

#[test]
fn delimiter_is_the_first_of_equals_colon_at_in_the_new_entry() {
    // `=` first, even when `:` occurs earlier in the text.
    assert!(matches("a:b=x:1", "a:b=y:2"));
    assert!(!matches("a:b=x:1", "a:c=x:1"));
    // `:` when there is no `=`: an aliased existing entry does not match a plain new one.
    assert!(matches("nginx:1.0", "nginx:2.0"));
    assert!(!matches("web=nginx:1.0", "nginx:2.0"));
    // `@` only when neither `=` nor `:` is present.
    assert!(matches("nginx@abc", "nginx@def"));
    assert!(
        matches("nginx", "nginx@def"),
        "an existing entry without the delimiter is compared whole"
    );
    assert!(!matches("nginx:1@abc", "nginx@def"));
}

#[test]
fn new_entry_without_a_delimiter_matches_nothing() {
    assert!(!matches("nginx", "nginx"));
    assert!(!matches("nginx:1", "nginx"));
    let mut list = vec![json!("nginx:1")];
    merge_image(&mut list, "nginx");
    assert_eq!(list, [json!("nginx:1"), json!("nginx")]);
    // Deliberate difference: Argo CD would append a second `nginx`.
    merge_image(&mut list, "nginx");
    assert_eq!(list, [json!("nginx:1"), json!("nginx")]);
}

#[test]
fn merge_replaces_only_the_first_match() {
    let mut list: Vec<Value> = vec![json!(1), json!("nginx:1"), json!("nginx:2")];
    merge_image(&mut list, "nginx:3");
    assert_eq!(list, [json!(1), json!("nginx:3"), json!("nginx:2")]);
    let entries = ["a=x:1".to_owned(), "b=y:1".to_owned()];
    assert_eq!(find(&entries, "b=z:2").as_deref(), Some("b=y:1"));
    assert_eq!(find(&entries, "c=z:2"), None);
}

#[test]
fn a_registry_port_is_not_a_tag_delimiter() {
    assert!(!matches("reg:5000/org/a:1.0", "reg:5000/org/b:2.0"));
    assert!(matches("reg:5000/org/a:1.0", "reg:5000/org/a:2.0"));
    assert!(
        matches("reg:5000/org/a", "reg:5000/org/a:2.0"),
        "no tag yet"
    );
    let mut list = vec![json!("reg:5000/org/a:2.0")];
    merge_image(&mut list, "reg:5000/org/b:3.0");
    assert_eq!(
        list,
        [json!("reg:5000/org/a:2.0"), json!("reg:5000/org/b:3.0")],
        "two images of one registry keep their own entries"
    );
    merge_image(&mut list, "reg:5000/org/b@sha256:ab");
    assert_eq!(
        list.len(),
        3,
        "a digest entry is another entry, as in Argo CD"
    );
}
