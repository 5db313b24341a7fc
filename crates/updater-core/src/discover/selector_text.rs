//! The text form of a label selector (`kubectl -l`, and v0.x's `--match-application-label`):
//! `k=v`, `k==v`, `k!=v`, `k in (a,b)`, `k notin (a,b)`, `k`, `!k`, joined by commas.

use std::collections::BTreeMap;

use crate::crd::{LabelSelector, LabelSelectorRequirement};

/// Why a selector text does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid label selector `{text}`: {reason}")]
pub struct SelectorTextError {
    /// The whole selector text.
    pub text: String,
    /// What is wrong, naming the offending requirement.
    pub reason: String,
}

/// Parses a selector text; the empty text selects everything.
pub fn parse_selector(text: &str) -> Result<LabelSelector, SelectorTextError> {
    let error = |reason: String| SelectorTextError {
        text: text.to_owned(),
        reason,
    };
    let mut labels = BTreeMap::new();
    let mut expressions = Vec::new();
    for part in split_requirements(text).map_err(&error)? {
        match requirement(&part).map_err(&error)? {
            Parsed::Equals(key, value) => {
                labels.insert(key, value);
            }
            Parsed::Expression(expression) => expressions.push(expression),
        }
    }
    Ok(LabelSelector {
        match_labels: Some(labels).filter(|labels| !labels.is_empty()),
        match_expressions: Some(expressions).filter(|list| !list.is_empty()),
    })
}

enum Parsed {
    Equals(String, String),
    Expression(LabelSelectorRequirement),
}

/// Splits at commas outside parentheses; empty parts are refused (`a=b,,c=d`).
fn split_requirements(text: &str) -> Result<Vec<String>, String> {
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    let mut parts = vec![String::new()];
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.checked_sub(1).ok_or("unbalanced `)`")?,
            ',' if depth == 0 => {
                parts.push(String::new());
                continue;
            }
            _ => {}
        }
        if let Some(last) = parts.last_mut() {
            last.push(c);
        }
    }
    if depth != 0 {
        return Err("unbalanced `(`".to_owned());
    }
    let parts: Vec<String> = parts.iter().map(|p| p.trim().to_owned()).collect();
    if parts.iter().any(String::is_empty) {
        return Err("empty requirement".to_owned());
    }
    Ok(parts)
}

fn requirement(part: &str) -> Result<Parsed, String> {
    if let Some((key, value)) = part.split_once("!=") {
        return Ok(Parsed::Expression(expression(key, "NotIn", vec![value])?));
    }
    if let Some((key, value)) = part.split_once("==").or_else(|| part.split_once('=')) {
        let (key, value) = (checked_key(key)?, value.trim());
        check_value(value)?;
        return Ok(Parsed::Equals(key, value.to_owned()));
    }
    if let Some(key) = part.strip_prefix('!') {
        return Ok(Parsed::Expression(expression(key, "DoesNotExist", vec![])?));
    }
    if let Some(parsed) = set_requirement(part)? {
        return Ok(Parsed::Expression(parsed));
    }
    Ok(Parsed::Expression(expression(part, "Exists", vec![])?))
}

/// `key in (a,b)` or `key notin (a,b)`; `None` when the part is neither.
fn set_requirement(part: &str) -> Result<Option<LabelSelectorRequirement>, String> {
    let Some(open) = part.find('(') else {
        return Ok(None);
    };
    let head: Vec<&str> = part[..open].split_whitespace().collect();
    let operator = match head.as_slice() {
        [_, "in"] => "In",
        [_, "notin"] => "NotIn",
        _ => {
            return Err(format!(
                "`{part}` is not `key in (...)` or `key notin (...)`"
            ));
        }
    };
    let Some(list) = part[open + 1..].strip_suffix(')') else {
        return Err(format!("`{part}` has text after `)`"));
    };
    let values: Vec<&str> = list.split(',').map(str::trim).collect();
    expression(head[0], operator, values).map(Some)
}

fn expression(
    key: &str,
    operator: &str,
    values: Vec<&str>,
) -> Result<LabelSelectorRequirement, String> {
    let key = checked_key(key)?;
    for value in &values {
        check_value(value.trim())?;
    }
    if operator.ends_with("In") && values.iter().any(|v| v.trim().is_empty()) {
        return Err(format!("empty value for key `{key}`"));
    }
    Ok(LabelSelectorRequirement {
        key,
        operator: operator.to_owned(),
        values: Some(values.iter().map(|v| v.trim().to_owned()).collect())
            .filter(|list: &Vec<String>| !list.is_empty()),
    })
}

fn checked_key(key: &str) -> Result<String, String> {
    let key = key.trim();
    let valid = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c));
    if valid {
        Ok(key.to_owned())
    } else {
        Err(format!("`{key}` is not a label key"))
    }
}

fn check_value(value: &str) -> Result<(), String> {
    let valid = value
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
    if valid {
        Ok(())
    } else {
        Err(format!("`{value}` is not a label value"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discover::selector_matches;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn every_form_parses_and_matches_like_kubectl() {
        let selector = parse_selector(
            "team=a, tier==web,env!=prod,zone in (eu, us),gen notin (old),managed,!legacy",
        )
        .unwrap();
        let good = labels(&[
            ("team", "a"),
            ("tier", "web"),
            ("env", "dev"),
            ("zone", "eu"),
            ("managed", ""),
        ]);
        assert!(selector_matches(&selector, &good));
        for (key, value) in [
            ("team", "b"),
            ("env", "prod"),
            ("zone", "asia"),
            ("gen", "old"),
            ("legacy", "x"),
        ] {
            let mut bad = good.clone();
            bad.insert(key.to_owned(), value.to_owned());
            assert!(!selector_matches(&selector, &bad), "{key}={value}");
        }
        let mut unmanaged = good.clone();
        unmanaged.remove("managed");
        assert!(!selector_matches(&selector, &unmanaged));
    }

    #[test]
    fn empty_text_selects_everything() {
        let selector = parse_selector("  ").unwrap();
        assert_eq!(selector, LabelSelector::default());
        assert!(selector_matches(&selector, &labels(&[("a", "b")])));
    }

    #[test]
    fn malformed_selectors_name_the_problem() {
        for (text, reason) in [
            ("a=b,,c=d", "empty requirement"),
            ("a in (x", "unbalanced `(`"),
            ("a)", "unbalanced `)`"),
            ("a=b c", "not a label value"),
            ("a b (x)", "is not `key in (...)`"),
            ("a in (x,)", "empty value"),
            ("=x", "not a label key"),
        ] {
            let error = parse_selector(text).unwrap_err().to_string();
            assert!(error.contains(reason), "{text}: {error}");
            assert!(error.contains(text), "{text}: {error}");
        }
    }
}
