//! Label and field selector parsing and matching.

use serde_json::{Value, json};

use super::*;

fn object(labels: Value) -> Value {
    json!({"metadata": {"name": "app", "namespace": "argocd", "labels": labels}})
}

fn label_match(selector: &str, labels: Value) -> bool {
    LabelSelector::parse(selector)
        .unwrap()
        .matches(&object(labels))
}

#[test]
fn equality_based() {
    let labels = json!({"team": "a", "tier": "web"});
    assert!(label_match("", labels.clone()));
    assert!(label_match("team=a", labels.clone()));
    assert!(label_match("team==a,tier=web", labels.clone()));
    assert!(!label_match("team=b", labels.clone()));
    assert!(label_match("team!=b", labels.clone()));
    assert!(
        label_match("missing!=b", labels.clone()),
        "!= matches an absent label"
    );
    assert!(!label_match("team!=a", labels));
}

#[test]
fn set_based() {
    let labels = json!({"team": "a", "tier": "web"});
    assert!(label_match("team in (a, b)", labels.clone()));
    assert!(!label_match("team notin (a,b)", labels.clone()));
    assert!(label_match("missing notin (a)", labels.clone()));
    assert!(label_match("team,!missing", labels.clone()));
    assert!(!label_match("!team", labels.clone()));
    assert!(label_match("tier in (web),team", labels));
}

#[test]
fn malformed_label_selectors_are_errors() {
    for text in ["team in (a", "team within (a)", "a b", "=x", "team=a=b"] {
        assert!(LabelSelector::parse(text).is_err(), "{text}");
    }
}

#[test]
fn field_selectors() {
    let app = object(json!({}));
    let matches = |text: &str| FieldSelector::parse(text).unwrap().matches(&app);
    assert!(matches("metadata.name=app"));
    assert!(matches("metadata.name==app,metadata.namespace!=default"));
    assert!(!matches("metadata.name=other"));
    assert!(matches("spec.missing="));
    assert!(FieldSelector::parse("metadata.name").is_err());
}
