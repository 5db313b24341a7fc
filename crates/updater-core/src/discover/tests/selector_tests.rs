//! Label selectors: matchLabels, the four operators, and invalid selectors matching nothing.

use super::*;
use crate::crd::LabelSelectorRequirement;

fn expr(key: &str, operator: &str, values: Option<&[&str]>) -> LabelSelectorRequirement {
    LabelSelectorRequirement {
        key: key.to_owned(),
        operator: operator.to_owned(),
        values: values.map(|v| v.iter().map(|s| (*s).to_owned()).collect()),
    }
}

fn with_exprs(exprs: Vec<LabelSelectorRequirement>) -> LabelSelector {
    LabelSelector {
        match_labels: None,
        match_expressions: Some(exprs),
    }
}

#[test]
fn empty_selector_matches_everything() {
    assert!(selector_matches(&LabelSelector::default(), &pairs(&[])));
    let empty_lists = LabelSelector {
        match_labels: Some(BTreeMap::new()),
        match_expressions: Some(vec![]),
    };
    assert!(selector_matches(&empty_lists, &pairs(&[("a", "b")])));
}

#[test]
fn match_labels_need_every_pair_with_equal_value() {
    let selector = LabelSelector {
        match_labels: Some(pairs(&[("env", "prod"), ("tier", "web")])),
        match_expressions: None,
    };
    assert!(selector_matches(
        &selector,
        &pairs(&[("env", "prod"), ("tier", "web"), ("x", "y")])
    ));
    assert!(!selector_matches(&selector, &pairs(&[("env", "prod")])));
    assert!(!selector_matches(
        &selector,
        &pairs(&[("env", "prod"), ("tier", "api")])
    ));
    assert!(!selector_matches(
        &selector,
        &pairs(&[("env", "Prod"), ("tier", "web")])
    ));
}

#[test]
fn in_needs_the_label_with_a_listed_value() {
    let selector = with_exprs(vec![expr("env", "In", Some(&["prod", "staging"]))]);
    assert!(selector_matches(&selector, &pairs(&[("env", "staging")])));
    assert!(!selector_matches(&selector, &pairs(&[("env", "dev")])));
    assert!(!selector_matches(&selector, &pairs(&[])));
}

#[test]
fn not_in_holds_for_other_values_and_for_a_missing_label() {
    let selector = with_exprs(vec![expr("env", "NotIn", Some(&["dev"]))]);
    assert!(selector_matches(&selector, &pairs(&[("env", "prod")])));
    assert!(selector_matches(&selector, &pairs(&[])));
    assert!(!selector_matches(&selector, &pairs(&[("env", "dev")])));
}

#[test]
fn exists_and_does_not_exist_look_at_the_key_only() {
    let exists = with_exprs(vec![expr("team", "Exists", None)]);
    let absent = with_exprs(vec![expr("team", "DoesNotExist", Some(&[]))]);
    let labelled = pairs(&[("team", "")]);
    assert!(selector_matches(&exists, &labelled));
    assert!(!selector_matches(&absent, &labelled));
    assert!(!selector_matches(&exists, &pairs(&[("other", "x")])));
    assert!(selector_matches(&absent, &pairs(&[("other", "x")])));
}

#[test]
fn labels_and_expressions_are_anded() {
    let selector = LabelSelector {
        match_labels: Some(pairs(&[("tier", "web")])),
        match_expressions: Some(vec![
            expr("env", "In", Some(&["prod"])),
            expr("frozen", "DoesNotExist", None),
        ]),
    };
    assert!(selector_matches(
        &selector,
        &pairs(&[("tier", "web"), ("env", "prod")])
    ));
    assert!(!selector_matches(
        &selector,
        &pairs(&[("tier", "web"), ("env", "prod"), ("frozen", "true")])
    ));
    assert!(!selector_matches(&selector, &pairs(&[("env", "prod")])));
}

#[test]
fn invalid_selectors_match_nothing_and_say_why() {
    let labels = pairs(&[("env", "prod"), ("team", "a")]);
    let cases = [
        (
            expr("env", "in", Some(&["prod"])),
            SelectorError::UnknownOperator {
                key: "env".into(),
                operator: "in".into(),
            },
        ),
        (
            expr("env", "Equals", Some(&["prod"])),
            SelectorError::UnknownOperator {
                key: "env".into(),
                operator: "Equals".into(),
            },
        ),
        (
            expr("env", "In", None),
            SelectorError::MissingValues {
                key: "env".into(),
                operator: "In".into(),
            },
        ),
        (
            expr("env", "NotIn", Some(&[])),
            SelectorError::MissingValues {
                key: "env".into(),
                operator: "NotIn".into(),
            },
        ),
        (
            expr("team", "Exists", Some(&["a"])),
            SelectorError::UnexpectedValues {
                key: "team".into(),
                operator: "Exists".into(),
            },
        ),
        (
            expr("x", "DoesNotExist", Some(&["a"])),
            SelectorError::UnexpectedValues {
                key: "x".into(),
                operator: "DoesNotExist".into(),
            },
        ),
    ];
    for (bad, error) in cases {
        // Paired with a requirement that holds, so only the invalid one can cause the miss.
        let selector = with_exprs(vec![expr("env", "Exists", None), bad]);
        assert_eq!(validate_selector(&selector), Err(error));
        assert!(!selector_matches(&selector, &labels), "{selector:?}");
    }
}

#[test]
fn selector_error_messages_name_operator_and_key() {
    let error = validate_selector(&with_exprs(vec![expr("env", "Equals", None)])).unwrap_err();
    assert_eq!(
        error.to_string(),
        "`Equals` is not a valid label selector operator (key `env`)"
    );
}
