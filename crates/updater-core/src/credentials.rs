//! Credential *references* (spec §9.2): `pullsecret:`, `secret:`, `env:`, `ext:`. Parsed and
//! validated here; fetching their values is the registry crate's job.

use std::fmt;

#[cfg(test)]
mod tests;

/// Why a credential reference or a fetched `user:password` value was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CredentialError {
    /// Not `[<registry>=]<type>:<definition>` with exactly one `:` (Go: "invalid credential spec").
    #[error("invalid credential reference `{input}` (expected `[<registry>=]<type>:<definition>`)")]
    InvalidSpec {
        /// The rejected reference.
        input: String,
    },
    /// The type is not `pullsecret`, `secret`, `env` or `ext`.
    #[error("unknown credential source `{kind}` in `{input}`")]
    UnknownSource {
        /// The type as written.
        kind: String,
        /// The rejected reference.
        input: String,
    },
    /// `pullsecret:` is not followed by `<namespace>/<name>`.
    #[error(
        "invalid pull secret definition in `{input}` (expected `pullsecret:<namespace>/<name>`)"
    )]
    InvalidPullSecret {
        /// The rejected reference.
        input: String,
    },
    /// `secret:` is not followed by `<namespace>/<name>#<field>`.
    #[error(
        "invalid secret definition in `{input}` (expected `secret:<namespace>/<name>#<field>`)"
    )]
    InvalidSecret {
        /// The rejected reference.
        input: String,
    },
    /// `ext:` names a relative path.
    #[error("path to script must be absolute, but is `{path}` in `{input}`")]
    RelativeScriptPath {
        /// The path as written.
        path: String,
        /// The rejected reference.
        input: String,
    },
    /// An image-level secret lives outside the application's namespace.
    #[error(
        "credential reference `{reference}` reads from namespace `{namespace}`, but image-level \
         credentials must be in the application namespace `{app_namespace}`"
    )]
    ForeignNamespace {
        /// The offending reference, rendered.
        reference: String,
        /// The namespace it names.
        namespace: String,
        /// The namespace it had to name.
        app_namespace: String,
    },
    /// A fetched value is not `user:password`; the value is a secret and is never shown.
    #[error(
        "credential value is not of the form `<username>:<password>` with both parts non-empty"
    )]
    MalformedUserPass,
}

/// Where credentials come from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum CredentialSource {
    /// A Kubernetes `dockerconfigjson` pull secret.
    PullSecret {
        /// Namespace of the secret.
        namespace: String,
        /// Name of the secret.
        name: String,
    },
    /// One field of a Kubernetes secret holding `user:password`.
    Secret {
        /// Namespace of the secret.
        namespace: String,
        /// Name of the secret.
        name: String,
        /// The data key holding `user:password`.
        field: String,
    },
    /// An environment variable holding `user:password`.
    Env {
        /// The variable's name.
        var: String,
    },
    /// A script printing `user:password`.
    Ext {
        /// Absolute path of the script (existence is checked when it runs).
        path: String,
    },
}

/// A parsed credential reference. References are not secret: they only say where a secret
/// lives, so `Debug` and `Display` show them in full.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CredentialRef {
    /// The `<registry>=` prefix, when one was given.
    pub registry: Option<String>,
    /// Where the credentials come from.
    pub source: CredentialSource,
}

impl CredentialRef {
    /// Parses `[<registry>=]<type>:<definition>` as the original's `ParseCredentialSource`
    /// (with the registry prefix optional). Only syntax is checked: an `ext:` script's
    /// existence is I/O and left to whoever runs it.
    pub fn parse(input: &str) -> Result<Self, CredentialError> {
        let (registry, definition) = split_registry(input);
        let Some((kind, body)) = split_kind(definition) else {
            return Err(CredentialError::InvalidSpec {
                input: input.to_owned(),
            });
        };
        let source = parse_source(kind, body, input)?;
        Ok(Self {
            registry: registry.map(str::to_owned),
            source,
        })
    }

    /// The image-level rule: `pullsecret:` and `secret:` references must name the
    /// application's own namespace (registry-level references are not restricted).
    pub fn check_namespace(&self, app_namespace: &str) -> Result<(), CredentialError> {
        let namespace = match &self.source {
            CredentialSource::PullSecret { namespace, .. }
            | CredentialSource::Secret { namespace, .. } => namespace,
            CredentialSource::Env { .. } | CredentialSource::Ext { .. } => return Ok(()),
        };
        if namespace == app_namespace {
            return Ok(());
        }
        Err(CredentialError::ForeignNamespace {
            reference: self.to_string(),
            namespace: namespace.clone(),
            app_namespace: app_namespace.to_owned(),
        })
    }
}

impl fmt::Display for CredentialRef {
    /// The canonical reference text: `[<registry>=]<type>:<definition>`, type in lower case.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(registry) = &self.registry {
            write!(f, "{registry}=")?;
        }
        match &self.source {
            CredentialSource::PullSecret { namespace, name } => {
                write!(f, "pullsecret:{namespace}/{name}")
            }
            CredentialSource::Secret {
                namespace,
                name,
                field,
            } => write!(f, "secret:{namespace}/{name}#{field}"),
            CredentialSource::Env { var } => write!(f, "env:{var}"),
            CredentialSource::Ext { path } => write!(f, "ext:{path}"),
        }
    }
}

/// Splits a fetched credential value at its first `:` into user and password, both non-empty.
/// The value is taken as is: callers trim a script's trailing newline first.
pub fn parse_user_pass(value: &str) -> Result<(String, String), CredentialError> {
    match value.split_once(':') {
        Some((user, pass)) if !user.is_empty() && !pass.is_empty() => {
            Ok((user.to_owned(), pass.to_owned()))
        }
        _ => Err(CredentialError::MalformedUserPass),
    }
}

/// Go splits at the first `=` and only takes it as a registry prefix when both sides are
/// non-empty; otherwise the whole text is the definition.
fn split_registry(input: &str) -> (Option<&str>, &str) {
    match input.split_once('=') {
        Some((registry, rest)) if !registry.is_empty() && !rest.is_empty() => {
            (Some(registry), rest)
        }
        _ => (None, input),
    }
}

/// Exactly two non-empty `:`-separated parts.
fn split_kind(definition: &str) -> Option<(&str, &str)> {
    let (kind, body) = definition.split_once(':')?;
    if kind.is_empty() || body.is_empty() || body.contains(':') {
        return None;
    }
    Some((kind, body))
}

fn parse_source(kind: &str, body: &str, input: &str) -> Result<CredentialSource, CredentialError> {
    match kind.to_ascii_lowercase().as_str() {
        "pullsecret" => parse_pull_secret(body, input),
        "secret" => parse_secret(body, input),
        "env" => Ok(CredentialSource::Env {
            var: body.to_owned(),
        }),
        "ext" => parse_ext(body, input),
        _ => Err(CredentialError::UnknownSource {
            kind: kind.to_owned(),
            input: input.to_owned(),
        }),
    }
}

fn parse_pull_secret(body: &str, input: &str) -> Result<CredentialSource, CredentialError> {
    let (namespace, name) =
        split_exactly_two(body, '/').ok_or_else(|| CredentialError::InvalidPullSecret {
            input: input.to_owned(),
        })?;
    Ok(CredentialSource::PullSecret {
        namespace: namespace.to_owned(),
        name: name.to_owned(),
    })
}

fn parse_secret(body: &str, input: &str) -> Result<CredentialSource, CredentialError> {
    let invalid = || CredentialError::InvalidSecret {
        input: input.to_owned(),
    };
    let (location, field) = split_exactly_two(body, '#').ok_or_else(invalid)?;
    let (namespace, name) = split_exactly_two(location, '/').ok_or_else(invalid)?;
    Ok(CredentialSource::Secret {
        namespace: namespace.to_owned(),
        name: name.to_owned(),
        field: field.to_owned(),
    })
}

fn parse_ext(body: &str, input: &str) -> Result<CredentialSource, CredentialError> {
    if !body.starts_with('/') {
        return Err(CredentialError::RelativeScriptPath {
            path: body.to_owned(),
            input: input.to_owned(),
        });
    }
    Ok(CredentialSource::Ext {
        path: body.to_owned(),
    })
}

/// Go's `strings.Split(s, sep)` with the check `len == 2 && both non-empty`.
fn split_exactly_two(text: &str, separator: char) -> Option<(&str, &str)> {
    let (first, second) = text.split_once(separator)?;
    if first.is_empty() || second.is_empty() || second.contains(separator) {
        return None;
    }
    Some((first, second))
}
