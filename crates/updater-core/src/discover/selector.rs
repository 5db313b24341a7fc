//! Kubernetes label selectors (`metav1.LabelSelector`) evaluated against an app's labels, with
//! the operator checks of `LabelSelectorAsSelector`: an invalid selector matches nothing.
//!
//! Deliberate difference: label keys and values are not checked for Kubernetes label syntax
//! (the original rejects e.g. an `In` value with a space and then matches nothing). Real
//! Applications cannot carry such labels, so only `NotIn`/`DoesNotExist` with a malformed key or
//! value behave differently (they match here).

use std::collections::BTreeMap;

use crate::crd::{LabelSelector, LabelSelectorRequirement};

/// Why a label selector is invalid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SelectorError {
    /// The operator is not `In`, `NotIn`, `Exists` or `DoesNotExist` (case matters).
    #[error("`{operator}` is not a valid label selector operator (key `{key}`)")]
    UnknownOperator {
        /// The requirement's key.
        key: String,
        /// The rejected operator.
        operator: String,
    },
    /// `In` or `NotIn` without values.
    #[error("operator `{operator}` on key `{key}` needs at least one value")]
    MissingValues {
        /// The requirement's key.
        key: String,
        /// `In` or `NotIn`.
        operator: String,
    },
    /// `Exists` or `DoesNotExist` with values.
    #[error("operator `{operator}` on key `{key}` takes no values")]
    UnexpectedValues {
        /// The requirement's key.
        key: String,
        /// `Exists` or `DoesNotExist`.
        operator: String,
    },
}

/// A checked operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Operator {
    In,
    NotIn,
    Exists,
    DoesNotExist,
}

/// Checks every `matchExpressions` entry's operator and value count.
pub fn validate_selector(selector: &LabelSelector) -> Result<(), SelectorError> {
    expressions(selector).try_for_each(|requirement| operator(requirement).map(drop))
}

/// Whether `labels` satisfy every `matchLabels` entry and every `matchExpressions` entry; an
/// empty selector matches everything, an invalid one nothing.
pub fn selector_matches(selector: &LabelSelector, labels: &BTreeMap<String, String>) -> bool {
    if validate_selector(selector).is_err() {
        return false;
    }
    let labels_hold = selector
        .match_labels
        .iter()
        .flatten()
        .all(|(key, value)| labels.get(key) == Some(value));
    labels_hold && expressions(selector).all(|requirement| holds(requirement, labels))
}

fn expressions(selector: &LabelSelector) -> impl Iterator<Item = &LabelSelectorRequirement> {
    selector.match_expressions.iter().flatten()
}

fn operator(requirement: &LabelSelectorRequirement) -> Result<Operator, SelectorError> {
    let op = match requirement.operator.as_str() {
        "In" => Operator::In,
        "NotIn" => Operator::NotIn,
        "Exists" => Operator::Exists,
        "DoesNotExist" => Operator::DoesNotExist,
        _ => {
            return Err(SelectorError::UnknownOperator {
                key: requirement.key.clone(),
                operator: requirement.operator.clone(),
            });
        }
    };
    let has_values = requirement.values.as_ref().is_some_and(|v| !v.is_empty());
    let wants_values = matches!(op, Operator::In | Operator::NotIn);
    match (wants_values, has_values) {
        (true, false) => Err(SelectorError::MissingValues {
            key: requirement.key.clone(),
            operator: requirement.operator.clone(),
        }),
        (false, true) => Err(SelectorError::UnexpectedValues {
            key: requirement.key.clone(),
            operator: requirement.operator.clone(),
        }),
        _ => Ok(op),
    }
}

/// One valid requirement; `NotIn` holds when the label is absent, as in Kubernetes.
fn holds(requirement: &LabelSelectorRequirement, labels: &BTreeMap<String, String>) -> bool {
    let value = labels.get(&requirement.key);
    let listed = |value: &String| requirement.values.iter().flatten().any(|v| v == value);
    match operator(requirement) {
        Ok(Operator::In) => value.is_some_and(listed),
        Ok(Operator::NotIn) => !value.is_some_and(listed),
        Ok(Operator::Exists) => value.is_some(),
        Ok(Operator::DoesNotExist) => value.is_none(),
        Err(_) => false,
    }
}
