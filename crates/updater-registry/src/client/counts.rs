//! Request counters (every attempt, by outcome and by kind) and the last Docker Hub
//! `ratelimit-remaining`, as relaxed atomics so counting costs nothing measurable.

use std::sync::atomic::{AtomicU64, Ordering};

/// What a request was for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RequestKind {
    /// `GET /v2/`.
    Ping,
    /// A token service request.
    Token,
    /// A tag list page.
    Tags,
    /// A manifest GET.
    Manifest,
    /// A manifest HEAD (a digest lookup; no body).
    ManifestHead,
    /// A blob GET.
    Blob,
}

impl RequestKind {
    /// The metric label.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ping => "ping",
            Self::Token => "token",
            Self::Tags => "tags",
            Self::Manifest => "manifest",
            Self::ManifestHead => "manifest_head",
            Self::Blob => "blob",
        }
    }
}

/// How one attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RequestOutcome {
    /// 2xx (or 3xx left unfollowed).
    Ok,
    /// 401 or 403.
    Auth,
    /// Any other 4xx except 429.
    ClientError,
    /// 5xx.
    ServerError,
    /// 429.
    Throttled,
    /// No HTTP answer: connection failure or timeout.
    Network,
}

impl RequestOutcome {
    /// The metric label.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Auth => "auth",
            Self::ClientError => "client_error",
            Self::ServerError => "server_error",
            Self::Throttled => "throttled",
            Self::Network => "network",
        }
    }

    /// The outcome an HTTP status stands for.
    pub fn of_status(status: u16) -> Self {
        match status {
            401 | 403 => Self::Auth,
            429 => Self::Throttled,
            400..=499 => Self::ClientError,
            500.. => Self::ServerError,
            _ => Self::Ok,
        }
    }
}

/// A snapshot of a client's request counters. Every attempt counts once by outcome and once
/// by kind, so both groups sum to [`RequestCounts::total`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RequestCounts {
    /// Attempts answered 2xx.
    pub ok: u64,
    /// Attempts answered 401/403.
    pub auth: u64,
    /// Attempts answered another 4xx (not 429).
    pub client_error: u64,
    /// Attempts answered 5xx.
    pub server_error: u64,
    /// Attempts answered 429.
    pub throttled: u64,
    /// Attempts without an HTTP answer.
    pub network: u64,
    /// `/v2/` pings.
    pub ping: u64,
    /// Token service requests.
    pub token: u64,
    /// Tag list pages.
    pub tags: u64,
    /// Manifest GETs.
    pub manifest: u64,
    /// Manifest HEADs.
    pub manifest_head: u64,
    /// Blob GETs.
    pub blob: u64,
}

impl std::ops::AddAssign for RequestCounts {
    /// Sums counters of several clients (a pass talks to one client per registry).
    fn add_assign(&mut self, other: Self) {
        self.ok += other.ok;
        self.auth += other.auth;
        self.client_error += other.client_error;
        self.server_error += other.server_error;
        self.throttled += other.throttled;
        self.network += other.network;
        self.ping += other.ping;
        self.token += other.token;
        self.tags += other.tags;
        self.manifest += other.manifest;
        self.manifest_head += other.manifest_head;
        self.blob += other.blob;
    }
}

impl RequestCounts {
    /// Every attempt.
    pub fn total(&self) -> u64 {
        self.ok + self.auth + self.client_error + self.server_error + self.throttled + self.network
    }

    /// `(label, count)` per outcome, for metrics.
    pub fn by_outcome(&self) -> [(&'static str, u64); 6] {
        [
            ("ok", self.ok),
            ("auth", self.auth),
            ("client_error", self.client_error),
            ("server_error", self.server_error),
            ("throttled", self.throttled),
            ("network", self.network),
        ]
    }

    /// `(label, count)` per kind, for metrics.
    pub fn by_kind(&self) -> [(&'static str, u64); 6] {
        [
            ("ping", self.ping),
            ("token", self.token),
            ("tags", self.tags),
            ("manifest", self.manifest),
            ("manifest_head", self.manifest_head),
            ("blob", self.blob),
        ]
    }
}

/// `u64::MAX` in [`Counters::remaining`] means "never seen".
const UNKNOWN: u64 = u64::MAX;

/// The live counters behind [`RequestCounts`].
#[derive(Debug)]
pub(super) struct Counters {
    outcomes: [AtomicU64; 6],
    kinds: [AtomicU64; 6],
    remaining: AtomicU64,
}

impl Default for Counters {
    fn default() -> Self {
        Self {
            outcomes: Default::default(),
            kinds: Default::default(),
            remaining: AtomicU64::new(UNKNOWN),
        }
    }
}

impl Counters {
    /// Counts one attempt.
    pub(super) fn record(&self, kind: RequestKind, outcome: RequestOutcome) {
        self.kinds[kind as usize].fetch_add(1, Ordering::Relaxed);
        self.outcomes[outcome as usize].fetch_add(1, Ordering::Relaxed);
    }

    /// Remembers a `ratelimit-remaining` value.
    pub(super) fn set_rate_limit_remaining(&self, remaining: u64) {
        self.remaining
            .store(remaining.min(UNKNOWN - 1), Ordering::Relaxed);
    }

    pub(super) fn rate_limit_remaining(&self) -> Option<u64> {
        let value = self.remaining.load(Ordering::Relaxed);
        (value != UNKNOWN).then_some(value)
    }

    pub(super) fn snapshot(&self) -> RequestCounts {
        let outcome = |o: RequestOutcome| self.outcomes[o as usize].load(Ordering::Relaxed);
        let kind = |k: RequestKind| self.kinds[k as usize].load(Ordering::Relaxed);
        RequestCounts {
            ok: outcome(RequestOutcome::Ok),
            auth: outcome(RequestOutcome::Auth),
            client_error: outcome(RequestOutcome::ClientError),
            server_error: outcome(RequestOutcome::ServerError),
            throttled: outcome(RequestOutcome::Throttled),
            network: outcome(RequestOutcome::Network),
            ping: kind(RequestKind::Ping),
            token: kind(RequestKind::Token),
            tags: kind(RequestKind::Tags),
            manifest: kind(RequestKind::Manifest),
            manifest_head: kind(RequestKind::ManifestHead),
            blob: kind(RequestKind::Blob),
        }
    }
}

/// The count in Docker Hub's `ratelimit-remaining: 100;w=21600`.
pub(super) fn parse_rate_limit_remaining(value: &str) -> Option<u64> {
    value.split(';').next()?.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_docker_hub_remaining() {
        assert_eq!(parse_rate_limit_remaining("100;w=21600"), Some(100));
        assert_eq!(parse_rate_limit_remaining(" 7 "), Some(7));
        assert_eq!(parse_rate_limit_remaining("x;w=1"), None);
        assert_eq!(parse_rate_limit_remaining(""), None);
    }

    #[test]
    fn every_attempt_counts_once_per_group() {
        let counters = Counters::default();
        counters.record(RequestKind::Tags, RequestOutcome::Ok);
        counters.record(RequestKind::Token, RequestOutcome::Auth);
        let counts = counters.snapshot();
        assert_eq!(
            (counts.ok, counts.auth, counts.tags, counts.token),
            (1, 1, 1, 1)
        );
        assert_eq!(counts.total(), 2);
        assert_eq!(counters.rate_limit_remaining(), None);
    }
}
