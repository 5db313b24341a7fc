//! The HTTP side: one axum fallback handler that logs the request, applies queued concurrent
//! writes and injected faults, maps the path onto a served resource and runs the verb.

use std::{
    collections::HashMap,
    sync::{
        Arc, Mutex,
        atomic::{AtomicUsize, Ordering},
    },
};

use axum::{
    Json,
    body::Bytes,
    extract::{Query, State},
    http::{HeaderMap, Method, StatusCode, Uri, header::CONTENT_TYPE},
    response::{IntoResponse, Response},
};
use serde_json::{Value, json};

use super::{
    journal::{Fault, LoggedRequest, Mutation, take_fault, take_mutation},
    lock,
    patch::{json_patch, merge},
    resource::{ResourceType, parse_path},
    status::ApiFailure,
    store::{Store, UpdateMode},
    watch::{self, Filter},
};

/// State shared by the handler and the test-facing [`super::FakeApiServer`].
#[derive(Debug)]
pub(crate) struct Shared {
    /// Objects, history and resources.
    pub(crate) store: Mutex<Store>,
    /// Every request, oldest first.
    pub(crate) log: Mutex<Vec<LoggedRequest>>,
    /// Queued one-shot failures.
    pub(crate) faults: Mutex<Vec<Fault>>,
    /// How many `409 Conflict` answers were sent.
    pub(crate) conflicts: AtomicUsize,
    /// Queued concurrent writes.
    pub(crate) mutations: Mutex<Vec<Mutation>>,
    /// How many queued concurrent writes changed an object.
    pub(crate) mutations_applied: AtomicUsize,
}

impl Shared {
    /// Empty state with the default resources.
    pub(crate) fn new() -> Self {
        Self {
            store: Mutex::new(Store::new()),
            log: Mutex::new(Vec::new()),
            faults: Mutex::new(Vec::new()),
            conflicts: AtomicUsize::new(0),
            mutations: Mutex::new(Vec::new()),
            mutations_applied: AtomicUsize::new(0),
        }
    }
}

/// What a verb answers.
enum Reply {
    /// A JSON object with a status code.
    Object(StatusCode, Value),
    /// A ready response (watch streams).
    Raw(Response),
}

/// A request as the verbs see it.
struct Call<'a> {
    method: &'a Method,
    resource: ResourceType,
    namespace: Option<String>,
    name: Option<String>,
    status: bool,
    query: HashMap<String, String>,
    content_type: &'a str,
    body: &'a Bytes,
}

/// The fallback handler serving every path.
pub(crate) async fn handle(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let content_type = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    record(&shared, &method, &uri, content_type, &body);
    let mutation = take_mutation(&mut lock(&shared.mutations), method.as_str(), uri.path());
    if let Some(mutation) = mutation {
        apply_mutation(&shared, uri.path(), mutation);
    }
    let fault = take_fault(&mut lock(&shared.faults), method.as_str(), uri.path());
    let outcome = match fault {
        Some(status) => Err(ApiFailure::injected(status)),
        None => route(&shared, &method, &uri, content_type, &body),
    };
    match outcome {
        Ok(Reply::Object(code, value)) => (code, Json(value)).into_response(),
        Ok(Reply::Raw(response)) => response,
        Err(failure) => failure_response(&shared, &failure),
    }
}

/// Appends the request to the log.
fn record(shared: &Shared, method: &Method, uri: &Uri, content_type: &str, body: &Bytes) {
    let has_body = matches!(*method, Method::POST | Method::PUT | Method::PATCH);
    lock(&shared.log).push(LoggedRequest {
        method: method.to_string(),
        path: uri.path().to_owned(),
        query: uri.query().map(str::to_owned),
        content_type: (!content_type.is_empty()).then(|| content_type.to_owned()),
        body: has_body.then(|| String::from_utf8_lossy(body).into_owned()),
    });
}

/// Makes the queued write to the object `path` names, as another client's update of the main
/// resource would (new resourceVersion, generation bumped on spec changes, a MODIFIED event,
/// `.status` of a subresource left alone). Nothing happens when the path names no stored
/// object or the edit changes nothing.
fn apply_mutation(shared: &Shared, path: &str, mutation: Mutation) {
    let Some(target) = parse_path(path) else {
        return;
    };
    let mut store = lock(&shared.store);
    let (Some(resource), Some(name)) = (store.resolve(&target), target.name.as_deref()) else {
        return;
    };
    let namespace = target.namespace.as_deref().unwrap_or_default();
    let Ok(mut object) = store.get(&resource, namespace, name) else {
        return;
    };
    let before = object["metadata"]["resourceVersion"].clone();
    (mutation.edit)(&mut object);
    // The edit works on the current object, so its resourceVersion is current: restored in
    // case the closure dropped it, the write cannot conflict.
    object["metadata"]["resourceVersion"] = before.clone();
    let mode = UpdateMode {
        status_only: false,
        require_version: false,
    };
    if let Ok(stored) = store.update(&resource, namespace, name, object, mode)
        && stored["metadata"]["resourceVersion"] != before
    {
        shared.mutations_applied.fetch_add(1, Ordering::SeqCst);
    }
}

/// The `Status` response of a failure, counting conflicts.
fn failure_response(shared: &Shared, failure: &ApiFailure) -> Response {
    if failure.is_conflict() {
        shared.conflicts.fetch_add(1, Ordering::SeqCst);
    }
    let code = StatusCode::from_u16(failure.code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (code, Json(failure.to_json())).into_response()
}

/// Resolves the path and runs the verb.
fn route(
    shared: &Shared,
    method: &Method,
    uri: &Uri,
    content_type: &str,
    body: &Bytes,
) -> Result<Reply, ApiFailure> {
    let target = parse_path(uri.path()).ok_or_else(ApiFailure::no_route)?;
    let resource = lock(&shared.store)
        .resolve(&target)
        .ok_or_else(ApiFailure::no_route)?;
    let Query(query) = Query::<HashMap<String, String>>::try_from_uri(uri)
        .map_err(|error| ApiFailure::bad_request(error.body_text()))?;
    let call = Call {
        method,
        resource,
        namespace: target.namespace,
        name: target.name,
        status: target.status,
        query,
        content_type,
        body,
    };
    dispatch(&shared.store, &call)
}

/// Picks the verb from the method and whether the path names an object.
fn dispatch(store: &Mutex<Store>, call: &Call<'_>) -> Result<Reply, ApiFailure> {
    let watching = call
        .query
        .get("watch")
        .is_some_and(|w| w == "true" || w == "1");
    let namespace = call.namespace.as_deref().unwrap_or_default();
    match (call.method, call.name.as_deref()) {
        (&Method::GET, None) if watching => {
            let namespace = call.namespace.clone();
            watch::start(store, &call.resource, namespace, &call.query).map(Reply::Raw)
        }
        (&Method::GET, None) => list(store, call),
        (&Method::POST, None) if call.namespace.is_some() || !call.resource.namespaced => {
            let object = parse_body(call.body)?;
            let created = lock(store).create(&call.resource, namespace, object)?;
            Ok(Reply::Object(StatusCode::CREATED, created))
        }
        (&Method::GET, Some(name)) => ok(lock(store).get(&call.resource, namespace, name)),
        (&Method::PUT, Some(name)) => replace(store, call, namespace, name),
        (&Method::PATCH, Some(name)) => patch(store, call, namespace, name),
        (&Method::DELETE, Some(name)) if !call.status => {
            let precondition = delete_precondition(call.body)?;
            let deleted =
                lock(store).delete(&call.resource, namespace, name, precondition.as_deref());
            ok(deleted)
        }
        _ => Err(ApiFailure::method_not_allowed(call.method.as_str())),
    }
}

/// A 200 reply of an object.
fn ok(result: Result<Value, ApiFailure>) -> Result<Reply, ApiFailure> {
    result.map(|object| Reply::Object(StatusCode::OK, object))
}

/// GET of a collection: a `<Kind>List` at the current resourceVersion (`limit` and
/// `continue` are ignored: everything fits on one page).
fn list(store: &Mutex<Store>, call: &Call<'_>) -> Result<Reply, ApiFailure> {
    let filter = Filter::new(&call.resource, call.namespace.clone(), &call.query)?;
    let store = lock(store);
    let objects = store.list(&call.resource, call.namespace.as_deref());
    let items: Vec<Value> = objects.into_iter().filter(|o| filter.selects(o)).collect();
    let list = json!({
        "apiVersion": call.resource.api_version(),
        "kind": format!("{}List", call.resource.kind),
        "metadata": {"resourceVersion": store.resource_version().to_string()},
        "items": items,
    });
    Ok(Reply::Object(StatusCode::OK, list))
}

/// PUT of an object or its status.
fn replace(
    store: &Mutex<Store>,
    call: &Call<'_>,
    namespace: &str,
    name: &str,
) -> Result<Reply, ApiFailure> {
    let object = parse_body(call.body)?;
    let mode = UpdateMode {
        status_only: call.status,
        require_version: call.resource.is_custom(),
    };
    ok(lock(store).update(&call.resource, namespace, name, object, mode))
}

/// PATCH of an object or its status: the patch is applied to the current object under the
/// lock, then stored like a PUT (so a stale `metadata.resourceVersion` in it conflicts).
fn patch(
    store: &Mutex<Store>,
    call: &Call<'_>,
    namespace: &str,
    name: &str,
) -> Result<Reply, ApiFailure> {
    let media_type = call
        .content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim();
    let json_patch_type = match media_type {
        "application/merge-patch+json" => false,
        "application/json-patch+json" => true,
        _ => return Err(ApiFailure::unsupported_media_type(media_type)),
    };
    let patch = parse_body(call.body)?;
    let mut store = lock(store);
    let mut object = store.get(&call.resource, namespace, name)?;
    if json_patch_type {
        json_patch(&mut object, &patch).map_err(ApiFailure::invalid)?;
    } else {
        merge(&mut object, &patch);
    }
    let mode = UpdateMode {
        status_only: call.status,
        require_version: false,
    };
    ok(store.update(&call.resource, namespace, name, object, mode))
}

/// The JSON body, or 400.
fn parse_body(body: &Bytes) -> Result<Value, ApiFailure> {
    serde_json::from_slice(body).map_err(|error| {
        ApiFailure::bad_request(format!("the request body is not valid JSON: {error}"))
    })
}

/// `preconditions.resourceVersion` of a DELETE body (`DeleteOptions`), if any.
fn delete_precondition(body: &Bytes) -> Result<Option<String>, ApiFailure> {
    if body.is_empty() {
        return Ok(None);
    }
    let options = parse_body(body)?;
    let version = options["preconditions"]["resourceVersion"].as_str();
    Ok(version.map(str::to_owned))
}
