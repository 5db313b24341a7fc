//! Paginated listing of dynamic objects and their conversion to plain JSON.

use ::kube::Api;
use ::kube::api::{ApiResource, DynamicObject, ListParams, TypeMeta};
use serde_json::Value;

use super::ClusterError;

/// Objects per list page, as kube-runtime's watcher asks for.
const PAGE_SIZE: u32 = 500;

/// A list result: the resources that parsed, and one error per resource that did not.
#[derive(Debug)]
pub struct Listed<T> {
    /// The parsed resources, in the API server's order (namespace, then name).
    pub items: Vec<T>,
    /// One error per malformed resource; the others are unaffected.
    pub invalid: Vec<ClusterError>,
}

impl<T> Default for Listed<T> {
    fn default() -> Self {
        Self {
            items: Vec::new(),
            invalid: Vec::new(),
        }
    }
}

impl<T> Listed<T> {
    /// Sorts each converted object into `items` or `invalid`.
    pub(super) fn collect(results: impl IntoIterator<Item = Result<T, ClusterError>>) -> Self {
        let mut listed = Self::default();
        for result in results {
            match result {
                Ok(item) => listed.items.push(item),
                Err(error) => listed.invalid.push(error),
            }
        }
        listed
    }
}

/// Every object, following `continue` tokens page by page.
pub(super) async fn list_all(
    api: &Api<DynamicObject>,
) -> Result<Vec<DynamicObject>, ::kube::Error> {
    let mut params = ListParams::default().limit(PAGE_SIZE);
    let mut objects = Vec::new();
    loop {
        let page = api.list(&params).await?;
        objects.extend(page.items);
        match page.metadata.continue_ {
            Some(token) if !token.is_empty() => params = params.continue_token(&token),
            _ => return Ok(objects),
        }
    }
}

/// The object's namespace and name, for messages (empty when absent).
pub(super) fn identity(object: &DynamicObject) -> (String, String) {
    let namespace = object.metadata.namespace.clone().unwrap_or_default();
    let name = object.metadata.name.clone().unwrap_or_default();
    (namespace, name)
}

/// The object as JSON, with `apiVersion` and `kind` filled in from `resource` when the server
/// left them out (list items of built-in types do).
pub(super) fn to_json(
    mut object: DynamicObject,
    resource: &ApiResource,
    kind: &'static str,
) -> Result<Value, ClusterError> {
    if object.types.is_none() {
        object.types = Some(TypeMeta {
            api_version: resource.api_version.clone(),
            kind: resource.kind.clone(),
        });
    }
    let (namespace, name) = identity(&object);
    serde_json::to_value(object).map_err(|source| ClusterError::Encode {
        kind,
        namespace,
        name,
        source,
    })
}
