//! The webhook routes (spec §12): which registry types are accepted, how a request becomes an
//! event or a refusal, and the status and metric outcome of each refusal.
//!
//! Order of the checks, each ending the request: a method other than POST (405), no handler at
//! all (400), missing or unknown
//! type (400), a type with no handler (400), body over [`MAX_BODY`] (413), the parser's refusal
//! (its status), the rate limit's backlog full (429); otherwise 200 and the event is dispatched.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, FromRequest, Query, Request, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use updater_core::secret::Secret;
use updater_core::webhook::{
    RegistryEvent, RegistryType, WebhookError, WebhookRequest, handle as core_handle,
};

use super::EventSink;
use super::ratelimit::RateLimiter;
use crate::metrics::Metrics;

#[cfg(test)]
mod tests;

#[cfg(test)]
mod real_tests;

/// The largest request body accepted (1 MiB, as the original); a larger one is refused with
/// 413 after reading at most this much.
pub const MAX_BODY: usize = 1 << 20;

/// The body of a successful response, as the original's.
const ACCEPTED: &str = "Webhook received and processing";

/// The `type` metric label of a request whose type is missing or unknown; the raw text is not
/// used so that callers cannot grow the series without bound.
const UNKNOWN_LABEL: &str = "unknown";

/// What parsing one request gives.
pub type Parsed = Result<RegistryEvent, WebhookError>;

/// Parses and authenticates one request of a registry type with its secret (`None`: no check).
pub type HandleFn = dyn Fn(RegistryType, Option<&str>, &WebhookRequest<'_>) -> Parsed + Send + Sync;

/// The registry types whose webhooks are accepted, each with its secret (`None`: accepted
/// without authentication).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Handlers(BTreeMap<RegistryType, Option<Secret>>);

impl Handlers {
    /// The handlers the original registers: a type with a non-empty secret always; a type
    /// without one only when secrets are not required, and then unauthenticated.
    pub fn resolve(secret_of: impl Fn(RegistryType) -> Option<Secret>, require: bool) -> Self {
        let mut handlers = BTreeMap::new();
        for kind in RegistryType::ALL {
            let secret = secret_of(kind).filter(|secret| !secret.expose().is_empty());
            if secret.is_some() || !require {
                handlers.insert(kind, secret);
            }
        }
        Self(handlers)
    }

    /// Whether no type is accepted at all.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The secret of an accepted `kind`: `Some(None)` when it is accepted unauthenticated,
    /// `None` when it is not accepted.
    pub fn secret(&self, kind: RegistryType) -> Option<Option<&Secret>> {
        self.0.get(&kind).map(Option::as_ref)
    }

    /// The accepted types in `ALL` order.
    pub fn kinds(&self) -> impl Iterator<Item = RegistryType> + '_ {
        self.0.keys().copied()
    }

    /// The accepted types as the `type` values to send, comma-separated.
    fn supported(&self) -> String {
        let names: Vec<&str> = self.kinds().map(RegistryType::as_str).collect();
        names.join(", ")
    }
}

/// Where the router hands accepted events.
#[derive(Clone)]
pub enum Dispatch {
    /// Straight to the sink.
    Direct(Arc<dyn EventSink>),
    /// Through the rate limit, which spaces them before the sink.
    Spaced(RateLimiter),
}

impl Dispatch {
    /// Whether the sink takes events now.
    fn accepting(&self) -> bool {
        match self {
            Self::Direct(sink) => sink.accepting(),
            Self::Spaced(limiter) => limiter.accepting(),
        }
    }

    /// Hands over an event; `false` when the rate limit's backlog is full.
    fn send(&self, kind: RegistryType, event: RegistryEvent) -> bool {
        match self {
            Self::Direct(sink) => {
                sink.accept(kind, event);
                true
            }
            Self::Spaced(limiter) => limiter.offer(kind, event),
        }
    }
}

/// What every request shares.
#[derive(Clone)]
struct WebhookState {
    handlers: Arc<Handlers>,
    handle: Arc<HandleFn>,
    dispatch: Dispatch,
    metrics: Arc<Metrics>,
}

/// The webhook routes with the real parsers of `updater_core::webhook`.
pub fn router(handlers: Handlers, dispatch: Dispatch, metrics: Arc<Metrics>) -> Router {
    router_with(handlers, Arc::new(core_handle), dispatch, metrics)
}

/// The webhook routes with `handle` as the parser (tests put a fake one here).
pub fn router_with(
    handlers: Handlers,
    handle: Arc<HandleFn>,
    dispatch: Dispatch,
    metrics: Arc<Metrics>,
) -> Router {
    let state = WebhookState {
        handlers: Arc::new(handlers),
        handle,
        dispatch,
        metrics,
    };
    Router::new()
        // Every method reaches the handler, so a wrong one is refused (405) and counted.
        .route("/webhook", any(webhook))
        .route("/healthz", get(|| async { "OK" }))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(state)
}

/// A refused request: its status, the metric outcome and the text sent back.
#[derive(Debug)]
struct Refusal {
    status: StatusCode,
    outcome: &'static str,
    message: String,
}

impl Refusal {
    fn bad_request(outcome: &'static str, message: String) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            outcome,
            message,
        }
    }
}

impl From<WebhookError> for Refusal {
    fn from(error: WebhookError) -> Self {
        // A status outside 400..=599 would be a parser bug; still refuse the request.
        let status = StatusCode::from_u16(error.status)
            .ok()
            .filter(|status| status.is_client_error() || status.is_server_error())
            .unwrap_or(StatusCode::BAD_REQUEST);
        Self {
            status,
            outcome: error.reason,
            message: error.message,
        }
    }
}

async fn webhook(State(state): State<WebhookState>, request: Request) -> Response {
    let (label, result) = process(&state, request).await;
    let (status, outcome, body) = match result {
        Ok(()) => (StatusCode::OK, "accepted", ACCEPTED.to_owned()),
        Err(refusal) => {
            tracing::debug!(
                "webhook of type `{label}` refused ({}): {}",
                refusal.status,
                refusal.message
            );
            // Go's http.Error ends the text with a newline.
            let body = format!("{}\n", refusal.message);
            (refusal.status, refusal.outcome, body)
        }
    };
    state.metrics.webhook_request(label, outcome);
    if status == StatusCode::METHOD_NOT_ALLOWED {
        return (status, [(axum::http::header::ALLOW, "POST")], body).into_response();
    }
    (status, body).into_response()
}

/// Runs every check on `request`; returns the `type` metric label with the outcome.
async fn process(state: &WebhookState, request: Request) -> (&'static str, Result<(), Refusal>) {
    if request.method() != axum::http::Method::POST {
        let refusal = Refusal {
            status: StatusCode::METHOD_NOT_ALLOWED,
            outcome: updater_core::webhook::reason::METHOD,
            message: format!(
                "method {} not allowed: webhooks are sent with POST",
                request.method()
            ),
        };
        return (UNKNOWN_LABEL, Err(refusal));
    }
    let (kind, secret) = match resolve_kind(&state.handlers, request.uri(), request.headers()) {
        Ok(found) => found,
        Err((label, refusal)) => return (label, Err(refusal)),
    };
    if !state.dispatch.accepting() {
        let refusal = Refusal {
            status: StatusCode::SERVICE_UNAVAILABLE,
            outcome: "standby",
            message: "this replica does not hold the lease: send webhooks to the leader".into(),
        };
        return (kind.as_str(), Err(refusal));
    }
    let result = accept(state, kind, secret, request).await;
    (kind.as_str(), result)
}

/// The registry type of a request and its secret, or the refusal with its metric label.
fn resolve_kind<'h>(
    handlers: &'h Handlers,
    uri: &Uri,
    headers: &HeaderMap,
) -> Result<(RegistryType, Option<&'h Secret>), (&'static str, Refusal)> {
    if handlers.is_empty() {
        let message = "no webhook handlers are registered: set a `--<registry>-webhook-secret` \
                       flag, or `--webhook-require-secret=false` to accept webhooks without one";
        return Err((
            UNKNOWN_LABEL,
            Refusal::bad_request("no_handlers", message.into()),
        ));
    }
    let supported = handlers.supported();
    let Some(text) = requested_type(uri, headers) else {
        let message = format!(
            "missing registry type: set the `type` query parameter or the `X-Registry-Type` \
             header; supported types: {supported}"
        );
        return Err((UNKNOWN_LABEL, Refusal::bad_request("unknown_type", message)));
    };
    let Some(kind) = RegistryType::parse(&text) else {
        let message = format!("unknown registry type `{text}`; supported types: {supported}");
        return Err((UNKNOWN_LABEL, Refusal::bad_request("unknown_type", message)));
    };
    match handlers.secret(kind) {
        Some(secret) => Ok((kind, secret)),
        None => Err((kind.as_str(), unregistered(kind, &supported))),
    }
}

fn unregistered(kind: RegistryType, supported: &str) -> Refusal {
    let message = format!(
        "invalid registry type `{}`: its handler is not registered because \
         `--{}-webhook-secret` is not set; supported types: {supported}",
        kind.as_str(),
        kind.flag_name()
    );
    Refusal::bad_request("unregistered_type", message)
}

/// The type asked for: the first `type` query value unless empty, else the `X-Registry-Type`
/// header (Go's `Query().Get("type")`, then `Header.Get`).
fn requested_type(uri: &Uri, headers: &HeaderMap) -> Option<String> {
    let query = query_pairs(uri);
    let from_query = query
        .into_iter()
        .find(|(name, _)| name == "type")
        .map(|(_, value)| value)
        .filter(|value| !value.is_empty());
    from_query.or_else(|| {
        let header = headers.get("x-registry-type")?;
        let text = String::from_utf8_lossy(header.as_bytes()).into_owned();
        Some(text).filter(|text| !text.is_empty())
    })
}

fn query_pairs(uri: &Uri) -> Vec<(String, String)> {
    // `form_urlencoded` is lenient, so this only fails on a pathological query; it then has
    // no `type` and no secret.
    Query::<Vec<(String, String)>>::try_from_uri(uri)
        .map(|Query(pairs)| pairs)
        .unwrap_or_default()
}

/// Reads the body, parses it and dispatches the event.
async fn accept(
    state: &WebhookState,
    kind: RegistryType,
    secret: Option<&Secret>,
    request: Request,
) -> Result<(), Refusal> {
    let query = query_pairs(request.uri());
    let method = request.method().as_str().to_owned();
    let headers = header_pairs(request.headers());
    let body = read_body(request, state).await?;
    let webhook_request = WebhookRequest {
        method: &method,
        headers: &headers,
        query: &query,
        body: &body,
    };
    let event = (state.handle)(kind, secret.map(Secret::expose), &webhook_request)?;
    tracing::info!(
        "webhook event from {}: {}/{} tag {:?}",
        kind.as_str(),
        event.registry,
        event.repository,
        event.tag
    );
    if state.dispatch.send(kind, event) {
        return Ok(());
    }
    Err(Refusal {
        status: StatusCode::TOO_MANY_REQUESTS,
        outcome: "rate_limited",
        message: "too many webhook events are waiting for the rate limit; try again later".into(),
    })
}

/// The body, read through the [`MAX_BODY`] limit: reading stops at the limit.
async fn read_body(request: Request, state: &WebhookState) -> Result<Bytes, Refusal> {
    Bytes::from_request(request, state)
        .await
        .map_err(|rejection| {
            let status = rejection.status();
            if status == StatusCode::PAYLOAD_TOO_LARGE {
                Refusal {
                    status,
                    outcome: "too_large",
                    message: format!("the request body is larger than {MAX_BODY} bytes"),
                }
            } else {
                Refusal {
                    status,
                    outcome: "bad_body",
                    message: format!("cannot read the request body: {}", rejection.body_text()),
                }
            }
        })
}

/// The headers with lower-case names (as `http` keeps them); a value that is not UTF-8 is
/// read lossily, which can only make a signature or secret check fail.
fn header_pairs(headers: &HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(name, value)| {
            let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
            (name.as_str().to_owned(), value)
        })
        .collect()
}
