//! Label selectors (equality- and set-based) and field selectors, as the `labelSelector` and
//! `fieldSelector` query parameters spell them.

use serde_json::Value;

/// One requirement of a label selector.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Requirement {
    /// `key`
    Exists(String),
    /// `!key`
    NotExists(String),
    /// `key=value`, `key==value`, `key in (a,b)`
    In(String, Vec<String>),
    /// `key!=value`, `key notin (a,b)`; also true when the label is absent
    NotIn(String, Vec<String>),
}

/// A parsed label selector; the empty selector matches everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct LabelSelector(Vec<Requirement>);

impl LabelSelector {
    /// Parses `a=b,c!=d,e in (f,g),!h`.
    pub(crate) fn parse(text: &str) -> Result<Self, String> {
        let requirements = split_top_level(text)
            .into_iter()
            .map(str::trim)
            .filter(|term| !term.is_empty())
            .map(parse_requirement)
            .collect::<Result<_, _>>()?;
        Ok(Self(requirements))
    }

    /// Whether the object's `metadata.labels` satisfy every requirement.
    pub(crate) fn matches(&self, object: &Value) -> bool {
        let labels = &object["metadata"]["labels"];
        let label = |key: &str| labels.get(key).and_then(Value::as_str);
        self.0.iter().all(|requirement| match requirement {
            Requirement::Exists(key) => label(key).is_some(),
            Requirement::NotExists(key) => label(key).is_none(),
            Requirement::In(key, values) => {
                label(key).is_some_and(|v| values.iter().any(|x| x == v))
            }
            Requirement::NotIn(key, values) => {
                !label(key).is_some_and(|v| values.iter().any(|x| x == v))
            }
        })
    }
}

/// Splits on commas outside parentheses.
fn split_top_level(text: &str) -> Vec<&str> {
    let (mut terms, mut depth, mut start) = (Vec::new(), 0_i32, 0);
    for (at, character) in text.char_indices() {
        match character {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                terms.push(&text[start..at]);
                start = at + 1;
            }
            _ => {}
        }
    }
    terms.push(&text[start..]);
    terms
}

/// Parses one term.
fn parse_requirement(term: &str) -> Result<Requirement, String> {
    if let Some(open) = term.find('(') {
        return parse_set(term, open);
    }
    if let Some((key, value)) = term.split_once("!=") {
        return Ok(Requirement::NotIn(word(key)?, vec![word_or_empty(value)?]));
    }
    if let Some((key, value)) = term.split_once("==").or_else(|| term.split_once('=')) {
        return Ok(Requirement::In(word(key)?, vec![word_or_empty(value)?]));
    }
    match term.strip_prefix('!') {
        Some(key) => Ok(Requirement::NotExists(word(key)?)),
        None => Ok(Requirement::Exists(word(term)?)),
    }
}

/// Parses `key in (a,b)` / `key notin (a,b)`; `open` is the position of `(`.
fn parse_set(term: &str, open: usize) -> Result<Requirement, String> {
    let inner = term[open + 1..]
        .strip_suffix(')')
        .ok_or_else(|| format!("unable to parse requirement: `{term}` lacks a closing `)`"))?;
    let values = inner
        .split(',')
        .map(word_or_empty)
        .collect::<Result<Vec<_>, _>>()?;
    match term[..open]
        .split_whitespace()
        .collect::<Vec<_>>()
        .as_slice()
    {
        [key, "in"] => Ok(Requirement::In(word(key)?, values)),
        [key, "notin"] => Ok(Requirement::NotIn(word(key)?, values)),
        _ => Err(format!("unable to parse requirement: `{term}`")),
    }
}

/// A non-empty key or value without spaces or operator characters.
fn word(text: &str) -> Result<String, String> {
    let text = text.trim();
    let bad = |c: char| c.is_whitespace() || "=!(),".contains(c);
    if text.is_empty() || text.contains(bad) {
        return Err(format!(
            "unable to parse requirement: invalid label key or value `{text}`"
        ));
    }
    Ok(text.to_owned())
}

/// Like [`word`], but label values may be empty.
fn word_or_empty(text: &str) -> Result<String, String> {
    if text.trim().is_empty() {
        Ok(String::new())
    } else {
        word(text)
    }
}

/// A parsed field selector: `path=value`, `path==value` or `path!=value` terms.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct FieldSelector(Vec<(String, bool, String)>);

impl FieldSelector {
    /// Parses `metadata.name=x,metadata.namespace!=y`.
    pub(crate) fn parse(text: &str) -> Result<Self, String> {
        let terms = text
            .split(',')
            .map(str::trim)
            .filter(|term| !term.is_empty());
        let parse = |term: &str| {
            let (path, equal, value) = if let Some((p, v)) = term.split_once("!=") {
                (p, false, v)
            } else if let Some((p, v)) = term.split_once("==").or_else(|| term.split_once('=')) {
                (p, true, v)
            } else {
                return Err(format!("invalid selector: `{term}`; can't understand it"));
            };
            Ok((path.trim().to_owned(), equal, value.trim().to_owned()))
        };
        terms.map(parse).collect::<Result<_, _>>().map(Self)
    }

    /// Whether the object's fields (dotted paths, compared as strings) satisfy every term.
    pub(crate) fn matches(&self, object: &Value) -> bool {
        self.0.iter().all(|(path, equal, value)| {
            let actual = path.split('.').fold(object, |node, key| &node[key]);
            let actual = match actual {
                Value::String(text) => text.clone(),
                Value::Null => String::new(),
                other => other.to_string(),
            };
            (actual == *value) == *equal
        })
    }
}

#[cfg(test)]
mod tests;
