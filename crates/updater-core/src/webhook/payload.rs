//! A parsed JSON payload with look-ups by dotted path that name the path when a field is missing
//! or has the wrong type, plus the helpers several registry types share.

use serde_json::Value;

use super::{RegistryType, WebhookError};

/// The JSON object a webhook carried, and the type it came in as (for error messages).
pub(super) struct Payload {
    kind: RegistryType,
    root: Value,
}

impl Payload {
    /// Parses `body`, which must be a JSON object.
    pub(super) fn parse(kind: RegistryType, body: &[u8]) -> Result<Self, WebhookError> {
        let root: Value = serde_json::from_slice(body)
            .map_err(|e| WebhookError::payload(kind, format_args!("malformed JSON: {e}")))?;
        if !root.is_object() {
            return Err(WebhookError::payload(kind, "the body is not a JSON object"));
        }
        Ok(Self { kind, root })
    }

    /// An `invalid_payload` error for this payload's type.
    pub(super) fn error(&self, detail: impl std::fmt::Display) -> WebhookError {
        WebhookError::payload(self.kind, detail)
    }

    /// The value at the dotted `path`; `None` when a step is missing or `null`. A step through
    /// something that is not an object is an error, so a payload of the wrong shape is named.
    pub(super) fn value(&self, path: &str) -> Result<Option<&Value>, WebhookError> {
        let mut current = &self.root;
        let mut walked = String::new();
        for step in path.split('.') {
            let Some(object) = current.as_object() else {
                return Err(self.error(format_args!("`{walked}` is not an object")));
            };
            match object.get(step) {
                None | Some(Value::Null) => return Ok(None),
                Some(next) => current = next,
            }
            if !walked.is_empty() {
                walked.push('.');
            }
            walked.push_str(step);
        }
        Ok(Some(current))
    }

    /// The string at `path`; missing, `null` and `""` are all `None` (Go's zero value).
    pub(super) fn text(&self, path: &str) -> Result<Option<&str>, WebhookError> {
        match self.value(path)? {
            None => Ok(None),
            Some(Value::String(text)) => Ok(Some(text.as_str()).filter(|t| !t.is_empty())),
            Some(_) => Err(self.error(format_args!("`{path}` is not a string"))),
        }
    }

    /// The string at `path`, which must be present and non-empty.
    pub(super) fn required(&self, path: &str) -> Result<&str, WebhookError> {
        self.text(path)?
            .ok_or_else(|| self.error(format_args!("missing `{path}`")))
    }

    /// The first non-empty string among `paths`.
    pub(super) fn first_text(&self, paths: &[&str]) -> Result<Option<&str>, WebhookError> {
        for path in paths {
            if let Some(text) = self.text(path)? {
                return Ok(Some(text));
            }
        }
        Ok(None)
    }

    /// The first element of the array at `path`; `None` when missing or empty.
    pub(super) fn first_element(&self, path: &str) -> Result<Option<&Value>, WebhookError> {
        match self.value(path)? {
            None => Ok(None),
            Some(Value::Array(items)) => Ok(items.first()),
            Some(_) => Err(self.error(format_args!("`{path}` is not an array"))),
        }
    }

    /// The repository of Docker Hub, Harbor and Aliyun payloads: `<object>.<full_key>`, else
    /// `<object>.namespace/<object>.name`, else `<object>.name`; required.
    pub(super) fn repository_name(
        &self,
        object: &str,
        full_key: &str,
    ) -> Result<String, WebhookError> {
        if let Some(full) = self.text(&format!("{object}.{full_key}"))? {
            return Ok(full.to_owned());
        }
        let namespace = self.text(&format!("{object}.namespace"))?;
        match (namespace, self.text(&format!("{object}.name"))?) {
            (Some(namespace), Some(name)) => Ok(format!("{namespace}/{name}")),
            (None, Some(name)) => Ok(name.to_owned()),
            (_, None) => Err(self.error(format_args!(
                "missing `{object}.{full_key}` and `{object}.name`"
            ))),
        }
    }
}

/// A string field of a JSON value that is not the payload root (an array element).
pub(super) fn text_of<'v>(value: &'v Value, key: &str) -> Option<&'v str> {
    value
        .get(key)
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty())
}

/// The lower-case host of a URL or `host[:port]/path` reference: scheme, userinfo, path, query
/// and fragment removed. `None` when nothing is left.
pub(super) fn host_of(url: &str) -> Option<String> {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    Some(host.to_ascii_lowercase()).filter(|h| !h.is_empty())
}

/// `Some(owned)` for a present string.
pub(super) fn owned(text: Option<&str>) -> Option<String> {
    text.map(str::to_owned)
}
