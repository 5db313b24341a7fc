//! [`KubeSecrets`]: the [`SecretStore`] over the API server, converting k8s-openapi secrets to
//! the crate's [`Secret`].

use ::kube::api::ListParams;
use ::kube::{Api, Client};
use k8s_openapi::api::core::v1::Secret as KubeSecret;

use crate::secrets::{BoxFuture, Secret, SecretData, SecretStore, StoreError};

/// Reads secrets through the kube client; a missing secret is `None`, not an error.
#[derive(Clone)]
pub struct KubeSecrets {
    client: Client,
}

impl std::fmt::Debug for KubeSecrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KubeSecrets").finish_non_exhaustive()
    }
}

impl KubeSecrets {
    /// A store reading through `client`.
    pub fn new(client: Client) -> Self {
        Self { client }
    }

    fn api(&self, namespace: &str) -> Api<KubeSecret> {
        Api::namespaced(self.client.clone(), namespace)
    }

    async fn find(&self, namespace: &str, name: &str) -> Result<Option<Secret>, StoreError> {
        let found = self
            .api(namespace)
            .get_opt(name)
            .await
            .map_err(|source| StoreError::Get {
                namespace: namespace.to_owned(),
                name: name.to_owned(),
                source: Box::new(source),
            })?;
        Ok(found.map(|secret| convert(secret, namespace)))
    }

    async fn labeled(
        &self,
        namespace: &str,
        (key, value): (&str, &str),
    ) -> Result<Vec<Secret>, StoreError> {
        let params = ListParams::default().labels(&format!("{key}={value}"));
        let list = self
            .api(namespace)
            .list(&params)
            .await
            .map_err(|source| StoreError::List {
                namespace: namespace.to_owned(),
                key: key.to_owned(),
                value: value.to_owned(),
                source: Box::new(source),
            })?;
        let mut secrets: Vec<Secret> = list
            .items
            .into_iter()
            .map(|secret| convert(secret, namespace))
            .collect();
        secrets.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(secrets)
    }
}

impl SecretStore for KubeSecrets {
    fn get<'a>(
        &'a self,
        namespace: &'a str,
        name: &'a str,
    ) -> BoxFuture<'a, Result<Option<Secret>, StoreError>> {
        Box::pin(self.find(namespace, name))
    }

    fn list_labeled<'a>(
        &'a self,
        namespace: &'a str,
        label: (&'a str, &'a str),
    ) -> BoxFuture<'a, Result<Vec<Secret>, StoreError>> {
        Box::pin(self.labeled(namespace, label))
    }
}

/// The crate's view of a k8s secret read from `namespace`: `stringData` (which the API server
/// never returns, but a hand-built object may carry) wins over `data`, as on a write.
pub(super) fn convert(secret: KubeSecret, namespace: &str) -> Secret {
    let metadata = secret.metadata;
    let mut data: SecretData = secret
        .data
        .unwrap_or_default()
        .into_iter()
        .map(|(key, bytes)| (key, bytes.0))
        .collect();
    let strings = secret.string_data.unwrap_or_default();
    data.extend(
        strings
            .into_iter()
            .map(|(key, text)| (key, text.into_bytes())),
    );
    Secret {
        name: metadata.name.unwrap_or_default(),
        namespace: metadata.namespace.unwrap_or_else(|| namespace.to_owned()),
        labels: metadata.labels.unwrap_or_default(),
        annotations: metadata.annotations.unwrap_or_default(),
        data,
    }
}
