//! Kubernetes secrets as values: [`Secret`] (data bytes plus the metadata we use), the
//! redacting [`SecretValue`], the [`SecretStore`] trait the kube-backed reader implements, and
//! [`InMemorySecrets`] for tests and standalone mode.

mod dir;
mod fields;
mod manifest;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{PoisonError, RwLock};

pub use dir::{DirSecrets, LABELS_FILE};
pub use fields::FieldError;
pub use manifest::ManifestError;

/// A boxed future, so stores can be trait objects.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The cause of a store failure (a Kubernetes API error, an I/O error…).
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A secret's `data`: field name to decoded bytes.
pub type SecretData = BTreeMap<String, Vec<u8>>;

/// The label Argo CD puts on its repository secrets.
pub const SECRET_TYPE_LABEL: &str = "argocd.argoproj.io/secret-type";

/// A secret value (redacting); the one type the whole workspace uses.
pub use updater_core::secret::Secret as SecretValue;

/// A Kubernetes secret: its identity, labels, annotations and decoded data.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret {
    /// `metadata.name`.
    pub name: String,
    /// `metadata.namespace`.
    pub namespace: String,
    /// `metadata.labels`.
    pub labels: BTreeMap<String, String>,
    /// `metadata.annotations`.
    pub annotations: BTreeMap<String, String>,
    /// `data` (and `stringData`), decoded.
    pub data: SecretData,
}

impl Secret {
    /// An empty secret `namespace/name`.
    pub fn new(namespace: impl Into<String>, name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            namespace: namespace.into(),
            ..Self::default()
        }
    }

    /// Adds a label (builder style).
    pub fn with_label(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.labels.insert(key.into(), value.into());
        self
    }

    /// Adds a data field (builder style).
    pub fn with_field(mut self, key: impl Into<String>, value: impl Into<Vec<u8>>) -> Self {
        self.data.insert(key.into(), value.into());
        self
    }

    /// True when the secret carries `key=value`.
    pub fn has_label(&self, key: &str, value: &str) -> bool {
        self.labels.get(key).is_some_and(|v| v == value)
    }
}

impl fmt::Debug for Secret {
    /// Shows data and annotation *keys* only: annotations can hold secret data too
    /// (`kubectl.kubernetes.io/last-applied-configuration` of an applied secret).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Secret")
            .field("name", &self.name)
            .field("namespace", &self.namespace)
            .field("labels", &self.labels)
            .field("annotations", &self.annotations.keys().collect::<Vec<_>>())
            .field("data", &self.data.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// Why a store could not answer.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Reading one secret failed (not "not found", which is `Ok(None)`).
    #[error("cannot read secret `{namespace}/{name}`")]
    Get {
        /// The namespace asked for.
        namespace: String,
        /// The name asked for.
        name: String,
        /// The cause.
        #[source]
        source: BoxError,
    },
    /// Listing secrets by label failed.
    #[error("cannot list secrets labelled `{key}={value}` in namespace `{namespace}`")]
    List {
        /// The namespace asked for.
        namespace: String,
        /// The label key.
        key: String,
        /// The label value.
        value: String,
        /// The cause.
        #[source]
        source: BoxError,
    },
}

/// Reads secrets; the kube-backed implementation talks to the API server.
pub trait SecretStore: Send + Sync {
    /// The secret `namespace/name`, or `None` when it does not exist.
    fn get<'a>(
        &'a self,
        namespace: &'a str,
        name: &'a str,
    ) -> BoxFuture<'a, Result<Option<Secret>, StoreError>>;

    /// Every secret in `namespace` carrying the label `key=value`, ordered by name.
    fn list_labeled<'a>(
        &'a self,
        namespace: &'a str,
        label: (&'a str, &'a str),
    ) -> BoxFuture<'a, Result<Vec<Secret>, StoreError>>;
}

/// Secrets held in memory, keyed by namespace and name.
#[derive(Debug, Default)]
pub struct InMemorySecrets {
    secrets: RwLock<BTreeMap<(String, String), Secret>>,
}

impl InMemorySecrets {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds or replaces a secret, returning the one it replaced.
    pub fn insert(&self, secret: Secret) -> Option<Secret> {
        let key = (secret.namespace.clone(), secret.name.clone());
        self.write().insert(key, secret)
    }

    /// Removes `namespace/name`, returning it.
    pub fn remove(&self, namespace: &str, name: &str) -> Option<Secret> {
        self.write()
            .remove(&(namespace.to_owned(), name.to_owned()))
    }

    /// The number of secrets held.
    pub fn len(&self) -> usize {
        self.read().len()
    }

    /// True when no secret is held.
    pub fn is_empty(&self) -> bool {
        self.read().is_empty()
    }

    // A panic elsewhere while holding the lock cannot leave a half-written map (every write is
    // one `insert`/`remove`), so a poisoned lock is still safe to use.
    fn read(&self) -> std::sync::RwLockReadGuard<'_, BTreeMap<(String, String), Secret>> {
        self.secrets.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, BTreeMap<(String, String), Secret>> {
        self.secrets.write().unwrap_or_else(PoisonError::into_inner)
    }

    fn find(&self, namespace: &str, name: &str) -> Option<Secret> {
        self.read()
            .get(&(namespace.to_owned(), name.to_owned()))
            .cloned()
    }

    fn labeled(&self, namespace: &str, (key, value): (&str, &str)) -> Vec<Secret> {
        self.read()
            .values()
            .filter(|secret| secret.namespace == namespace && secret.has_label(key, value))
            .cloned()
            .collect()
    }
}

impl FromIterator<Secret> for InMemorySecrets {
    fn from_iter<I: IntoIterator<Item = Secret>>(secrets: I) -> Self {
        let store = Self::new();
        for secret in secrets {
            store.insert(secret);
        }
        store
    }
}

impl SecretStore for InMemorySecrets {
    fn get<'a>(
        &'a self,
        namespace: &'a str,
        name: &'a str,
    ) -> BoxFuture<'a, Result<Option<Secret>, StoreError>> {
        Box::pin(async move { Ok(self.find(namespace, name)) })
    }

    fn list_labeled<'a>(
        &'a self,
        namespace: &'a str,
        label: (&'a str, &'a str),
    ) -> BoxFuture<'a, Result<Vec<Secret>, StoreError>> {
        Box::pin(async move { Ok(self.labeled(namespace, label)) })
    }
}
