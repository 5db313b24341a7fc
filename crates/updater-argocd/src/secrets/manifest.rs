//! Secrets from their JSON manifest (`kubectl get secret -o json`), for standalone mode and test
//! fixtures: base64 `data` is decoded and `stringData` wins over it, as the API server does.

use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::Deserialize;

use super::Secret;

/// Why a manifest is not a usable secret. Parser messages are dropped because they can quote
/// the offending value, which may be secret; only the position is kept.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ManifestError {
    /// Not JSON of the expected shape.
    #[error(
        "secret manifest is not valid json of the expected shape (line {line}, column {column})"
    )]
    Json {
        /// 1-based line of the error.
        line: usize,
        /// 1-based column of the error.
        column: usize,
    },
    /// `kind` is present and is not `Secret`.
    #[error("manifest of kind `{kind}` is not a secret")]
    NotASecret {
        /// The kind found.
        kind: String,
    },
    /// `metadata.name` is missing or empty.
    #[error("secret manifest has no `metadata.name`")]
    MissingName,
    /// A `data` field is not valid base64.
    #[error("field `{field}` of secret `{namespace}/{name}` is not valid base64")]
    BadBase64 {
        /// The secret's namespace.
        namespace: String,
        /// The secret's name.
        name: String,
        /// The field.
        field: String,
    },
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Manifest {
    kind: Option<String>,
    #[serde(default)]
    metadata: Metadata,
    #[serde(default)]
    data: BTreeMap<String, String>,
    #[serde(default)]
    string_data: BTreeMap<String, String>,
}

#[derive(Deserialize, Default)]
struct Metadata {
    #[serde(default)]
    name: String,
    namespace: Option<String>,
    #[serde(default)]
    labels: BTreeMap<String, String>,
    #[serde(default)]
    annotations: BTreeMap<String, String>,
}

impl Secret {
    /// Parses a secret manifest; `default_namespace` applies when `metadata.namespace` is absent.
    pub fn from_manifest_json(json: &str, default_namespace: &str) -> Result<Self, ManifestError> {
        let manifest: Manifest =
            serde_json::from_str(json).map_err(|error| ManifestError::Json {
                line: error.line(),
                column: error.column(),
            })?;
        if let Some(kind) = manifest.kind.filter(|kind| kind != "Secret") {
            return Err(ManifestError::NotASecret { kind });
        }
        if manifest.metadata.name.is_empty() {
            return Err(ManifestError::MissingName);
        }
        let metadata = manifest.metadata;
        let mut secret = Self {
            namespace: metadata
                .namespace
                .unwrap_or_else(|| default_namespace.to_owned()),
            name: metadata.name,
            labels: metadata.labels,
            annotations: metadata.annotations,
            data: BTreeMap::new(),
        };
        decode_data(&mut secret, manifest.data)?;
        for (field, value) in manifest.string_data {
            secret.data.insert(field, value.into_bytes());
        }
        Ok(secret)
    }
}

fn decode_data(secret: &mut Secret, data: BTreeMap<String, String>) -> Result<(), ManifestError> {
    for (field, encoded) in data {
        let Ok(bytes) = STANDARD.decode(encoded.trim()) else {
            return Err(ManifestError::BadBase64 {
                namespace: secret.namespace.clone(),
                name: secret.name.clone(),
                field,
            });
        };
        secret.data.insert(field, bytes);
    }
    Ok(())
}
