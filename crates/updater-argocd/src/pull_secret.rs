//! Image pull secrets and `secret:` registry credentials (spec §9.2): reading one field of a
//! named secret (the binary adapts this to the registry crate's `SecretSource`), and the
//! image-level rule that such secrets live in the application's namespace.

#[cfg(test)]
mod tests;

use updater_core::credentials::{CredentialError, CredentialRef};

use crate::secrets::{FieldError, SecretStore, SecretValue, StoreError};

/// Why a secret field could not be read. Never carries the value.
#[derive(Debug, thiserror::Error)]
pub enum PullSecretError {
    /// Reading the secret failed.
    #[error("cannot read secret `{namespace}/{name}`")]
    Read {
        /// The namespace.
        namespace: String,
        /// The name.
        name: String,
        /// The cause.
        #[source]
        source: Box<StoreError>,
    },
    /// The secret does not exist.
    #[error("secret `{namespace}/{name}` not found")]
    SecretNotFound {
        /// The namespace.
        namespace: String,
        /// The name.
        name: String,
    },
    /// The secret exists but has no such field.
    #[error("secret `{namespace}/{name}` has no field `{field}`")]
    FieldNotFound {
        /// The namespace.
        namespace: String,
        /// The name.
        name: String,
        /// The field.
        field: String,
    },
    /// The field is not text.
    #[error("field `{field}` of secret `{namespace}/{name}` is unusable")]
    BadField {
        /// The namespace.
        namespace: String,
        /// The name.
        name: String,
        /// The field.
        field: String,
        /// Why.
        #[source]
        source: Box<FieldError>,
    },
    /// An image-level reference names another namespace than the application's.
    #[error(transparent)]
    ForeignNamespace(Box<CredentialError>),
}

/// The value of `field` in secret `namespace/name`.
pub async fn read_secret_field(
    store: &dyn SecretStore,
    namespace: &str,
    name: &str,
    field: &str,
) -> Result<SecretValue, PullSecretError> {
    let secret = store
        .get(namespace, name)
        .await
        .map_err(|source| PullSecretError::Read {
            namespace: namespace.to_owned(),
            name: name.to_owned(),
            source: Box::new(source),
        })?
        .ok_or_else(|| PullSecretError::SecretNotFound {
            namespace: namespace.to_owned(),
            name: name.to_owned(),
        })?;
    let value = secret
        .secret_text(field)
        .map_err(|source| PullSecretError::BadField {
            namespace: namespace.to_owned(),
            name: name.to_owned(),
            field: field.to_owned(),
            source: Box::new(source),
        })?;
    value.ok_or_else(|| PullSecretError::FieldNotFound {
        namespace: namespace.to_owned(),
        name: name.to_owned(),
        field: field.to_owned(),
    })
}

/// The image-level rule: a `pullsecret:` or `secret:` reference must name `app_namespace`
/// (`env:`/`ext:` and registry-level references are not restricted; callers only pass
/// image-level references here).
pub fn check_same_namespace(
    reference: &CredentialRef,
    app_namespace: &str,
) -> Result<(), PullSecretError> {
    reference
        .check_namespace(app_namespace)
        .map_err(|error| PullSecretError::ForeignNamespace(Box::new(error)))
}
