//! One exchange with the registry: rate limit, per-attempt timeout, capped body, counting (and
//! the request observer), and retries of 429 (after `Retry-After`), 5xx and connection
//! failures with jittered backoff.

use std::time::Duration;

use bytes::{Bytes, BytesMut};
use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderMap, HeaderValue, RETRY_AFTER};
use reqwest::{Method, StatusCode};
use url::Url;

use super::counts::{RequestKind, RequestOutcome, parse_rate_limit_remaining};
use super::error::parse_api_errors;
use super::retry::{backoff, parse_retry_after};
use super::{RegistryClient, RequestError};

/// How much of an error body is read: enough for `{"errors":[…]}`, never a whole blob.
const ERROR_BODY_PREFIX: usize = 64 * 1024;

/// One request to send (and resend on retry).
pub(super) struct Exchange {
    pub method: Method,
    pub url: Url,
    pub kind: RequestKind,
    pub accept: Option<&'static str>,
    pub authorization: Option<HeaderValue>,
    /// Largest success body accepted.
    pub body_limit: usize,
}

impl Exchange {
    pub fn new(method: Method, url: Url, kind: RequestKind, body_limit: usize) -> Self {
        Self {
            method,
            url,
            kind,
            accept: None,
            authorization: None,
            body_limit,
        }
    }

    fn path(&self) -> String {
        self.url.path().to_owned()
    }
}

/// A complete answer.
pub(super) struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
    /// The URL requested (not where redirects ended), to resolve pagination links against.
    pub url: Url,
}

impl Reply {
    /// The URL path, for messages.
    pub fn path(&self) -> String {
        self.url.path().to_owned()
    }

    /// The reply when it is 2xx, else the error its status stands for.
    pub fn expect_success(self) -> Result<Self, RequestError> {
        if self.status.is_success() {
            Ok(self)
        } else {
            Err(self.error())
        }
    }

    /// The error a non-success status stands for, with the registry's error entries.
    pub fn error(&self) -> RequestError {
        let (path, status) = (self.path(), self.status.as_u16());
        match status {
            401 | 403 => RequestError::Unauthorized {
                path,
                status,
                errors: parse_api_errors(&self.body),
            },
            400..=499 => RequestError::Rejected {
                path,
                status,
                errors: parse_api_errors(&self.body),
            },
            _ => RequestError::UnexpectedStatus { path, status },
        }
    }
}

/// Why one attempt produced no reply.
enum AttemptError {
    Timeout,
    Transport(reqwest::Error),
    TooLarge,
}

/// What to do after an attempt.
enum Step {
    Done(Reply),
    Fail(RequestError),
    Retry {
        delay: Duration,
        error: RequestError,
    },
}

impl RegistryClient {
    /// Sends `exchange` until it gets a reply worth returning (anything but 429 and 5xx) or
    /// runs out of attempts; every attempt waits for the rate limiter first.
    pub(super) async fn send(&self, exchange: &Exchange) -> Result<Reply, RequestError> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            self.wait_for_rate_limit().await;
            let started = tokio::time::Instant::now();
            let result = self.attempt(exchange).await;
            self.record(exchange.kind, outcome_of(&result), started.elapsed());
            match self.judge(exchange, result, attempt) {
                Step::Done(reply) => return Ok(reply),
                Step::Fail(error) => return Err(error),
                Step::Retry { error, .. } if attempt > self.options.max_retries => {
                    return Err(error);
                }
                Step::Retry { delay, error } => {
                    tracing::warn!(
                        registry = %self.registry, kind = exchange.kind.as_str(), attempt,
                        ?delay, error = %error, "retrying registry request"
                    );
                    tokio::time::sleep(delay).await;
                }
            }
        }
    }

    /// Counts one attempt and tells the observer, if any.
    fn record(&self, kind: RequestKind, outcome: RequestOutcome, elapsed: Duration) {
        self.counts.record(kind, outcome);
        if let Some(observer) = &self.options.observer {
            observer.observe(&self.registry, kind.as_str(), outcome.as_str(), elapsed);
        }
    }

    async fn wait_for_rate_limit(&self) {
        if let Some(limiter) = &self.limiter {
            limiter.until_ready().await;
        }
    }

    /// One attempt, bounded by the request timeout from connecting to the body's last byte.
    async fn attempt(&self, exchange: &Exchange) -> Result<Reply, AttemptError> {
        tracing::debug!(
            method = %exchange.method, url = %shown_url(&exchange.url),
            kind = exchange.kind.as_str(), "registry request"
        );
        let request = self.build_request(exchange);
        let timeout = self.options.request_timeout;
        tokio::time::timeout(timeout, receive(request, exchange))
            .await
            .unwrap_or(Err(AttemptError::Timeout))
    }

    fn build_request(&self, exchange: &Exchange) -> reqwest::RequestBuilder {
        let mut request = self
            .http
            .request(exchange.method.clone(), exchange.url.clone());
        if let Some(accept) = exchange.accept {
            request = request.header(ACCEPT, accept);
        }
        if let Some(authorization) = &exchange.authorization {
            request = request.header(AUTHORIZATION, authorization.clone());
        }
        request
    }

    fn judge(
        &self,
        exchange: &Exchange,
        result: Result<Reply, AttemptError>,
        attempts: u32,
    ) -> Step {
        let path = exchange.path();
        let failure = match result {
            Ok(reply) => return self.judge_reply(reply, attempts),
            Err(AttemptError::TooLarge) => {
                let limit = exchange.body_limit;
                return Step::Fail(RequestError::TooLarge { path, limit });
            }
            Err(AttemptError::Timeout) => RequestError::Timeout {
                path,
                attempts,
                timeout: self.options.request_timeout,
            },
            Err(AttemptError::Transport(source)) => self.transport_error(path, attempts, source),
        };
        Step::Retry {
            delay: self.backoff(attempts),
            error: failure,
        }
    }

    fn judge_reply(&self, reply: Reply, attempts: u32) -> Step {
        let status = reply.status.as_u16();
        self.note_rate_limit(&reply.headers);
        match status {
            429 => self.throttled(&reply, attempts),
            500.. => Step::Retry {
                delay: self.backoff(attempts),
                error: RequestError::ServerError {
                    path: reply.path(),
                    status,
                    attempts,
                },
            },
            _ => Step::Done(reply),
        }
    }

    /// Waits what `Retry-After` asks (backoff without one); asking beyond the cap fails now
    /// rather than parking a worker for minutes.
    fn throttled(&self, reply: &Reply, attempts: u32) -> Step {
        let retry_after = reply
            .headers
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, jiff::Timestamp::now()));
        let error = RequestError::Throttled {
            path: reply.path(),
            attempts,
            retry_after,
        };
        match retry_after {
            Some(wait) if wait > self.options.retry_after_cap => Step::Fail(error),
            Some(delay) => Step::Retry { delay, error },
            None => Step::Retry {
                delay: self.backoff(attempts),
                error,
            },
        }
    }

    fn backoff(&self, attempt: u32) -> Duration {
        backoff(attempt, self.options.backoff_base, self.options.backoff_cap)
    }

    fn note_rate_limit(&self, headers: &HeaderMap) {
        let remaining = headers
            .get("ratelimit-remaining")
            .and_then(|v| v.to_str().ok())
            .and_then(parse_rate_limit_remaining);
        if let Some(remaining) = remaining {
            self.counts.set_rate_limit_remaining(remaining);
        }
    }

    /// A transport failure; reqwest's own timeouts (connect) count as timeouts.
    fn transport_error(&self, path: String, attempts: u32, source: reqwest::Error) -> RequestError {
        if source.is_timeout() {
            return RequestError::Timeout {
                path,
                attempts,
                timeout: self.options.request_timeout,
            };
        }
        // Without the URL: its query may carry opaque pagination or token-service values.
        RequestError::Network {
            path,
            attempts,
            source: source.without_url(),
        }
    }
}

/// How an attempt ended, for counting: a body over the limit still got a 2xx answer.
fn outcome_of(result: &Result<Reply, AttemptError>) -> RequestOutcome {
    match result {
        Ok(reply) => RequestOutcome::of_status(reply.status.as_u16()),
        Err(AttemptError::TooLarge) => RequestOutcome::Ok,
        Err(AttemptError::Timeout | AttemptError::Transport(_)) => RequestOutcome::Network,
    }
}

async fn receive(
    request: reqwest::RequestBuilder,
    exchange: &Exchange,
) -> Result<Reply, AttemptError> {
    let mut response = request.send().await.map_err(AttemptError::Transport)?;
    let status = response.status();
    let body = if exchange.method == Method::HEAD {
        Bytes::new()
    } else {
        let limit = status.is_success().then_some(exchange.body_limit);
        read_body(&mut response, limit).await?
    };
    Ok(Reply {
        status,
        headers: std::mem::take(response.headers_mut()),
        body,
        url: exchange.url.clone(),
    })
}

/// The body up to `limit` (more is an error), or for error answers (`None`) a short prefix.
async fn read_body(
    response: &mut reqwest::Response,
    limit: Option<usize>,
) -> Result<Bytes, AttemptError> {
    if let (Some(limit), Some(length)) = (limit, response.content_length())
        && length > limit as u64
    {
        return Err(AttemptError::TooLarge);
    }
    let cap = limit.unwrap_or(ERROR_BODY_PREFIX);
    let mut body = BytesMut::new();
    while let Some(chunk) = response.chunk().await.map_err(AttemptError::Transport)? {
        if body.len() + chunk.len() > cap {
            if limit.is_some() {
                return Err(AttemptError::TooLarge);
            }
            body.extend_from_slice(&chunk[..cap - body.len()]);
            break;
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

/// A URL fit for logs: no userinfo, no query (which may carry opaque tokens).
pub(super) fn shown_url(url: &Url) -> String {
    format!("{}{}", url.origin().ascii_serialization(), url.path())
}
