//! `?watch=true`: newline-delimited watch events. Like the apiserver's watch cache, a watch
//! from resourceVersion N replays the kept changes newer than N and then goes live; a watch
//! without one (or from `0`) starts with a synthetic ADDED per existing object; a watch from
//! before the kept history gets a `410 Expired` ERROR event (inside a 200 response, as the
//! apiserver sends it, which is what makes kube's watcher re-list).

use std::{
    collections::HashMap,
    convert::Infallible,
    future,
    sync::{
        Arc, Mutex,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use axum::{
    body::{Body, Bytes},
    http::{StatusCode, header::CONTENT_TYPE},
    response::{IntoResponse, Response},
};
use futures::{Stream, StreamExt, stream};
use serde_json::{Value, json};
use tokio::sync::broadcast;

use super::{
    lock,
    resource::ResourceType,
    selector::{FieldSelector, LabelSelector},
    status::ApiFailure,
    store::{Change, EventType, Store},
};

/// Which objects a watch reports.
#[derive(Debug)]
pub(crate) struct Filter {
    /// The resource's group.
    group: String,
    /// The resource's plural.
    plural: String,
    /// The namespace, or all.
    namespace: Option<String>,
    /// `labelSelector`.
    labels: LabelSelector,
    /// `fieldSelector`.
    fields: FieldSelector,
}

impl Filter {
    /// The filter of a list or watch request.
    pub(crate) fn new(
        resource: &ResourceType,
        namespace: Option<String>,
        query: &HashMap<String, String>,
    ) -> Result<Self, ApiFailure> {
        let parameter = |name: &str| query.get(name).map_or("", String::as_str);
        Ok(Self {
            group: resource.group.clone(),
            plural: resource.plural.clone(),
            namespace,
            labels: LabelSelector::parse(parameter("labelSelector"))
                .map_err(ApiFailure::bad_request)?,
            fields: FieldSelector::parse(parameter("fieldSelector"))
                .map_err(ApiFailure::bad_request)?,
        })
    }

    /// Whether the object is in the namespace and matches both selectors.
    pub(crate) fn selects(&self, object: &Value) -> bool {
        let in_namespace = self
            .namespace
            .as_deref()
            .is_none_or(|wanted| object["metadata"]["namespace"] == wanted);
        in_namespace && self.labels.matches(object) && self.fields.matches(object)
    }

    /// The event line for a change, if this watch sees it: an object that starts or stops
    /// matching the selectors is reported as ADDED or DELETED, like the watch cache does.
    fn render(&self, change: &Change) -> Option<Bytes> {
        if change.group != self.group || change.plural != self.plural {
            return None;
        }
        let now = self.selects(&change.object);
        let before = change
            .previous
            .as_ref()
            .is_some_and(|old| self.selects(old));
        let event = match (change.event, before, now) {
            (EventType::Added, _, true) | (EventType::Modified, false, true) => "ADDED",
            (EventType::Modified, true, true) => "MODIFIED",
            (EventType::Deleted, _, true) | (EventType::Modified, true, false) => "DELETED",
            _ => return None,
        };
        Some(line(event, &change.object))
    }
}

/// The watch parameters other than the selectors.
#[derive(Debug)]
struct Options {
    /// `resourceVersion`; `None` for unset or `0` (start with the current state).
    since: Option<u64>,
    /// `timeoutSeconds`.
    timeout: Option<Duration>,
    /// `allowWatchBookmarks=true`: a BOOKMARK before the stream ends.
    bookmarks: bool,
    /// `sendInitialEvents=true`: a BOOKMARK marking the end of the initial ADDED events.
    initial_end: bool,
}

impl Options {
    /// Reads the parameters; 400 for unparsable numbers.
    fn parse(query: &HashMap<String, String>) -> Result<Self, ApiFailure> {
        let number = |name: &str| -> Result<Option<u64>, ApiFailure> {
            let value = query.get(name).filter(|value| !value.is_empty());
            let parse = |value: &String| value.parse::<u64>();
            let invalid = |_| ApiFailure::bad_request(format!("invalid {name} in the query"));
            value.map(parse).transpose().map_err(invalid)
        };
        let flag = |name: &str| {
            query
                .get(name)
                .is_some_and(|value| value == "true" || value == "1")
        };
        Ok(Self {
            since: number("resourceVersion")?.filter(|version| *version != 0),
            timeout: number("timeoutSeconds")?.map(Duration::from_secs),
            bookmarks: flag("allowWatchBookmarks"),
            initial_end: flag("sendInitialEvents"),
        })
    }
}

/// Where a watch starts: the lines sent first, the changes to replay and the live feed.
struct Opening {
    /// Synthetic ADDED events and the initial-events BOOKMARK.
    head: Vec<Bytes>,
    /// Kept changes newer than `from`.
    backlog: Vec<Arc<Change>>,
    /// Changes committed after the opening.
    receiver: broadcast::Receiver<Arc<Change>>,
    /// The resourceVersion the watch starts after.
    from: u64,
    /// Ends the watch when it changes.
    dropped: tokio::sync::watch::Receiver<u64>,
}

/// Opens a watch on `resource`.
pub(crate) fn start(
    store: &Mutex<Store>,
    resource: &ResourceType,
    namespace: Option<String>,
    query: &HashMap<String, String>,
) -> Result<Response, ApiFailure> {
    let filter = Filter::new(resource, namespace, query)?;
    let options = Options::parse(query)?;
    let mut head = Vec::new();
    let guard = lock(store);
    let (backlog, from) = match options.since.filter(|_| !options.initial_end) {
        Some(since) => match guard.changes_since(since) {
            Ok(backlog) => (backlog, since),
            Err(expired) => return Ok(respond(stream::iter([error_line(&expired)]))),
        },
        None => {
            let current = guard.list(resource, filter.namespace.as_deref());
            let selected = current.iter().filter(|object| filter.selects(object));
            head.extend(selected.map(|object| line("ADDED", object)));
            (Vec::new(), guard.resource_version())
        }
    };
    // Subscribing before the lock is released means no change falls between replay and live.
    let receiver = guard.subscribe();
    let dropped = guard.drop_signal();
    drop(guard);
    if options.initial_end {
        head.push(bookmark(resource, from, true));
    }
    let opening = Opening {
        head,
        backlog,
        receiver,
        from,
        dropped,
    };
    Ok(respond(events(opening, filter, &options, resource)))
}

/// The whole event stream: the initial lines, the replay, the live changes until the
/// timeout, and a final BOOKMARK at the last version this watch has seen if asked for.
fn events(
    opening: Opening,
    filter: Filter,
    options: &Options,
    resource: &ResourceType,
) -> impl Stream<Item = Bytes> + Send + 'static {
    let Opening {
        head,
        backlog,
        receiver,
        from,
        mut dropped,
    } = opening;
    let position = Arc::new(AtomicU64::new(from));
    let seen = Arc::clone(&position);
    let changes = stream::iter(backlog)
        .chain(live(receiver))
        .filter_map(move |change| {
            seen.fetch_max(change.resource_version, Ordering::SeqCst);
            let newer = change.resource_version > from;
            future::ready(newer.then(|| filter.render(&change)).flatten())
        });
    let timeout = options.timeout;
    let deadline = async move {
        let timed_out = async {
            match timeout {
                Some(timeout) => tokio::time::sleep(timeout).await,
                None => future::pending().await,
            }
        };
        tokio::select! {
            () = timed_out => {}
            _ = dropped.changed() => {}
        }
    };
    let (resource, bookmarks) = (resource.clone(), options.bookmarks);
    let last =
        std::iter::once_with(move || bookmark(&resource, position.load(Ordering::SeqCst), false));
    let tail = stream::iter(last.filter(move |_| bookmarks));
    stream::iter(head)
        .chain(changes)
        .take_until(deadline)
        .chain(tail)
}

/// Live changes until the channel closes or this watch lags behind; a lagging watch ends
/// like one the apiserver drops, and the client resumes from its last version.
fn live(receiver: broadcast::Receiver<Arc<Change>>) -> impl Stream<Item = Arc<Change>> {
    stream::unfold(receiver, |mut receiver| async move {
        receiver.recv().await.ok().map(|change| (change, receiver))
    })
}

/// A streaming 200 response.
fn respond(lines: impl Stream<Item = Bytes> + Send + 'static) -> Response {
    let body = Body::from_stream(lines.map(Ok::<_, Infallible>));
    (StatusCode::OK, [(CONTENT_TYPE, "application/json")], body).into_response()
}

/// One event line.
fn line(event: &str, object: &Value) -> Bytes {
    Bytes::from(format!("{}\n", json!({"type": event, "object": object})))
}

/// An ERROR event carrying a `Status`.
fn error_line(failure: &ApiFailure) -> Bytes {
    line("ERROR", &failure.to_json())
}

/// A BOOKMARK at `version`; `initial_end` adds the annotation that ends the initial events.
fn bookmark(resource: &ResourceType, version: u64, initial_end: bool) -> Bytes {
    let mut metadata = json!({"resourceVersion": version.to_string(), "creationTimestamp": null});
    if initial_end {
        metadata["annotations"] = json!({"k8s.io/initial-events-end": "true"});
    }
    let object =
        json!({"kind": resource.kind, "apiVersion": resource.api_version(), "metadata": metadata});
    line("BOOKMARK", &object)
}
