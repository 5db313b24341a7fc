//! A fake kube-apiserver: real HTTP on a free loopback port, in-memory JSON objects, and the
//! apiserver's documented list/watch/get/create/replace/patch/delete behaviour — enough to
//! drive the unmodified kube client in tests.
//!
//! [`FakeApiServer`] serves a registry of [`ResourceType`]s (Argo CD Applications, the
//! updater's ImageUpdater CRD, Secrets, both Event APIs, ConfigMaps and Leases to begin with)
//! under `/api/v1/...` and `/apis/<group>/<version>/...`. It keeps one global
//! resourceVersion and a history of changes that watches replay from their resourceVersion,
//! so a watch started after a list sees everything that happened in between. Tests seed
//! objects, read them back, inspect the request log and inject one-shot failures.
//!
//! ```no_run
//! # fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use updater_testkit::kube::FakeApiServer;
//! let api = FakeApiServer::start()?;
//! api.insert("argoproj.io/v1alpha1", "applications", serde_json::json!({
//!     "metadata": {"name": "guestbook", "namespace": "argocd"},
//!     "spec": {"source": {"repoURL": "https://example.com/repo.git"}},
//! }))?;
//! // kube::Client::try_from(kube::Config::new(api.url().parse()?))? now sees it.
//! api.fail_next("PATCH", "/apis/argoproj.io/", 409);
//! # Ok(()) }
//! ```

mod error;
mod handler;
mod journal;
mod patch;
mod resource;
mod selector;
mod server;
mod status;
mod store;
mod watch;

use std::sync::{Mutex, MutexGuard, PoisonError};

pub use error::FakeApiError;
pub use journal::LoggedRequest;
pub use resource::{PathTarget, ResourceType};
pub use server::FakeApiServer;

/// Locks a mutex, ignoring poisoning: a panicking test thread must not take the fake down.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
