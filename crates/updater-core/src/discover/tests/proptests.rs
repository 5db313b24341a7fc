//! Property tests: selectors and selection never panic, and the operator pairs are complements.

use proptest::prelude::*;

use super::*;
use crate::crd::LabelSelectorRequirement;

fn label_map() -> impl Strategy<Value = BTreeMap<String, String>> {
    prop::collection::btree_map("[a-c]{0,2}", "[x-z]{0,2}", 0..4)
}

fn requirement() -> impl Strategy<Value = LabelSelectorRequirement> {
    let operator = prop_oneof![
        Just("In".to_owned()),
        Just("NotIn".to_owned()),
        Just("Exists".to_owned()),
        Just("DoesNotExist".to_owned()),
        any::<String>(),
    ];
    let values = prop::option::of(prop::collection::vec("[x-z]{0,2}", 0..3));
    ("[a-c]{0,2}", operator, values).prop_map(|(key, operator, values)| LabelSelectorRequirement {
        key,
        operator,
        values,
    })
}

fn selector() -> impl Strategy<Value = LabelSelector> {
    (
        prop::option::of(label_map()),
        prop::option::of(prop::collection::vec(requirement(), 0..4)),
    )
        .prop_map(|(match_labels, match_expressions)| LabelSelector {
            match_labels,
            match_expressions,
        })
}

fn single(key: &str, operator: &str, values: Option<Vec<String>>) -> LabelSelector {
    LabelSelector {
        match_labels: None,
        match_expressions: Some(vec![LabelSelectorRequirement {
            key: key.to_owned(),
            operator: operator.to_owned(),
            values,
        }]),
    }
}

const ANY_APP: &str = r#"
apiVersion: argocd-image-updater.argoproj.io/v1alpha1
kind: ImageUpdater
metadata: {name: p, namespace: ns}
spec:
  applicationRefs:
    - {namePattern: "[a-c]*", labelSelectors: {matchLabels: {a: x}}, images: [{alias: x, imageName: x}]}
    - {namePattern: "*", useAnnotations: true}
    - {namePattern: "?", images: [{alias: y, imageName: y}]}
"#;

proptest! {
    #[test]
    fn selectors_never_panic(selector in selector(), labels in label_map()) {
        let matched = selector_matches(&selector, &labels);
        if validate_selector(&selector).is_err() {
            prop_assert!(!matched);
        }
    }

    #[test]
    fn match_labels_taken_from_the_labels_match(labels in label_map()) {
        let selector = LabelSelector { match_labels: Some(labels.clone()), match_expressions: None };
        prop_assert!(selector_matches(&selector, &labels));
    }

    #[test]
    fn in_and_not_in_are_complements(
        key in "[a-c]{0,2}",
        values in prop::collection::vec("[x-z]{0,2}", 1..3),
        labels in label_map(),
    ) {
        let is_in = selector_matches(&single(&key, "In", Some(values.clone())), &labels);
        let not_in = selector_matches(&single(&key, "NotIn", Some(values)), &labels);
        prop_assert_ne!(is_in, not_in);
    }

    #[test]
    fn exists_and_does_not_exist_are_complements(key in "[a-c]{0,2}", labels in label_map()) {
        let exists = selector_matches(&single(&key, "Exists", None), &labels);
        let absent = selector_matches(&single(&key, "DoesNotExist", None), &labels);
        prop_assert_ne!(exists, absent);
        prop_assert_eq!(exists, labels.contains_key(&key));
    }

    #[test]
    fn select_targets_never_panics(
        apps in prop::collection::vec(
            (any::<String>(), prop_oneof![Just("ns".to_owned()), any::<String>()], label_map(),
             prop::collection::btree_map(any::<String>(), any::<String>(), 0..3)),
            0..6,
        ),
        list in any::<String>(),
    ) {
        let apps: Vec<AppMeta> = apps
            .into_iter()
            .map(|(name, namespace, labels, mut annotations)| {
                annotations.insert(format!("{ANNOTATION_PREFIX}image-list"), list.clone());
                AppMeta { name, namespace, labels, annotations }
            })
            .collect();
        let selection = select_targets(&updater(ANY_APP), &apps).expect("patterns are valid");
        for target in &selection.targets {
            prop_assert_eq!(target.app.namespace.as_str(), "ns");
            prop_assert!(!target.images.is_empty());
        }
        let legacy = select_annotated(&apps, &LegacyFilter::default());
        prop_assert_eq!(legacy.targets.len() + legacy.warnings.iter()
            .filter(|w| matches!(w, DiscoverWarning::AppSkipped { .. })).count(), apps.len());
    }
}
