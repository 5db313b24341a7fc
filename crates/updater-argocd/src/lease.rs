//! Leader election over a `coordination.k8s.io/v1` Lease, following client-go's
//! `leaderelection` algorithm (which the original reaches through controller-runtime):
//!
//! - the holder renews `spec.renewTime` every retry period;
//! - a candidate takes the Lease only when it is free (no holder) or when the holder has not
//!   renewed it for `leaseDurationSeconds`, measured on the candidate's own monotonic clock
//!   from the moment it first saw the current record (so clock skew between nodes does not
//!   matter);
//! - every write is a PUT carrying the `resourceVersion` it was computed from, so when two
//!   candidates race for an expired Lease exactly one wins and the other gets 409 Conflict.
//!
//! (The `kube-leader-election` crate would be the obvious pick, but it targets kube 4 and takes
//! an expired Lease with a merge patch that has no resourceVersion, so two candidates can both
//! believe they won.)

use std::sync::Mutex;
use std::time::Duration;

use k8s_openapi::api::coordination::v1::{Lease, LeaseSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{MicroTime, ObjectMeta};
use kube::api::{Api, PostParams};
use tokio::time::Instant;

/// The Lease the original's controller manager elects its leader with.
pub const LEASE_NAME: &str = "c21b75f2.argoproj.io";

/// Why talking to the Lease failed (a conflict is not an error: it means another candidate
/// wrote first).
#[derive(Debug, thiserror::Error)]
pub enum LeaseError {
    /// The Lease could not be read.
    #[error("cannot read lease {namespace}/{name}")]
    Read {
        /// The Lease's namespace.
        namespace: String,
        /// The Lease's name.
        name: String,
        /// The kube error.
        #[source]
        source: Box<kube::Error>,
    },
    /// The Lease could not be created or updated.
    #[error("cannot write lease {namespace}/{name}")]
    Write {
        /// The Lease's namespace.
        namespace: String,
        /// The Lease's name.
        name: String,
        /// The kube error.
        #[source]
        source: Box<kube::Error>,
    },
}

/// What one attempt to acquire or renew found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attempt {
    /// We hold the Lease, freshly written at the attempt's start.
    Held,
    /// Another candidate holds it (or wrote it first); its identity when known.
    HeldBy(String),
}

/// One candidate for one Lease.
pub struct LeaseLock {
    api: Api<Lease>,
    namespace: String,
    name: String,
    holder: String,
    duration: Duration,
    /// The resourceVersion last seen and when it was first seen (the expiry clock).
    observed: Mutex<Option<(String, Instant)>>,
}

impl std::fmt::Debug for LeaseLock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LeaseLock")
            .field("namespace", &self.namespace)
            .field("name", &self.name)
            .field("holder", &self.holder)
            .finish_non_exhaustive()
    }
}

impl LeaseLock {
    /// A candidate named `holder` for the Lease `namespace/name`, which it keeps for `duration`
    /// after each renewal.
    pub fn new(
        client: kube::Client,
        namespace: &str,
        name: &str,
        holder: &str,
        duration: Duration,
    ) -> Self {
        Self {
            api: Api::namespaced(client, namespace),
            namespace: namespace.to_owned(),
            name: name.to_owned(),
            holder: holder.to_owned(),
            duration,
            observed: Mutex::new(None),
        }
    }

    /// This candidate's identity.
    pub fn holder(&self) -> &str {
        &self.holder
    }

    /// `namespace/name` of the Lease.
    pub fn lease_path(&self) -> String {
        format!("{}/{}", self.namespace, self.name)
    }

    /// One round of the election: creates the Lease when there is none, renews it when we
    /// hold it, takes it when it is free or expired, and otherwise reports who holds it.
    pub async fn try_acquire_or_renew(&self) -> Result<Attempt, LeaseError> {
        let Some(current) = self
            .api
            .get_opt(&self.name)
            .await
            .map_err(|e| self.read(e))?
        else {
            return self.create().await;
        };
        let spec = current.spec.clone().unwrap_or_default();
        let holder = spec.holder_identity.clone().unwrap_or_default();
        let mine = holder == self.holder;
        if !mine && !holder.is_empty() && !self.expired(&current, &spec) {
            return Ok(Attempt::HeldBy(holder));
        }
        self.replace(current, spec, mine).await
    }

    /// Gives the Lease up if we hold it, so another candidate takes over at its next attempt
    /// instead of waiting for the Lease to expire (client-go's `ReleaseOnCancel`).
    pub async fn release(&self) -> Result<(), LeaseError> {
        let Some(mut current) = self
            .api
            .get_opt(&self.name)
            .await
            .map_err(|e| self.read(e))?
        else {
            return Ok(());
        };
        let mut spec = current.spec.take().unwrap_or_default();
        if spec.holder_identity.as_deref() != Some(self.holder.as_str()) {
            return Ok(());
        }
        spec.holder_identity = Some(String::new());
        spec.lease_duration_seconds = Some(1);
        spec.renew_time = Some(now());
        current.spec = Some(spec);
        match self
            .api
            .replace(&self.name, &PostParams::default(), &current)
            .await
        {
            Ok(_) => Ok(()),
            Err(kube::Error::Api(status)) if status.code == 409 => Ok(()),
            Err(error) => Err(self.write(error)),
        }
    }

    async fn create(&self) -> Result<Attempt, LeaseError> {
        let time = now();
        let lease = Lease {
            metadata: ObjectMeta {
                name: Some(self.name.clone()),
                namespace: Some(self.namespace.clone()),
                ..ObjectMeta::default()
            },
            spec: Some(LeaseSpec {
                holder_identity: Some(self.holder.clone()),
                lease_duration_seconds: Some(self.duration_seconds()),
                acquire_time: Some(time.clone()),
                renew_time: Some(time),
                lease_transitions: Some(0),
                ..LeaseSpec::default()
            }),
        };
        match self.api.create(&PostParams::default(), &lease).await {
            Ok(_) => Ok(Attempt::Held),
            Err(kube::Error::Api(status)) if status.code == 409 => {
                Ok(Attempt::HeldBy(String::new()))
            }
            Err(error) => Err(self.write(error)),
        }
    }

    /// Writes ourselves in as the holder, guarded by the resourceVersion that was read.
    async fn replace(
        &self,
        mut current: Lease,
        mut spec: LeaseSpec,
        renewing: bool,
    ) -> Result<Attempt, LeaseError> {
        let previous = spec.holder_identity.clone().unwrap_or_default();
        let time = now();
        if !renewing {
            spec.acquire_time = Some(time.clone());
            spec.lease_transitions = Some(spec.lease_transitions.unwrap_or(0) + 1);
        }
        spec.holder_identity = Some(self.holder.clone());
        spec.lease_duration_seconds = Some(self.duration_seconds());
        spec.renew_time = Some(time);
        current.spec = Some(spec);
        match self
            .api
            .replace(&self.name, &PostParams::default(), &current)
            .await
        {
            Ok(written) => {
                self.observe(&written);
                Ok(Attempt::Held)
            }
            Err(kube::Error::Api(status)) if status.code == 409 => Ok(Attempt::HeldBy(previous)),
            Err(error) => Err(self.write(error)),
        }
    }

    /// Whether the holder has let `leaseDurationSeconds` pass without touching the Lease,
    /// counted from when this candidate first saw its current version.
    fn expired(&self, lease: &Lease, spec: &LeaseSpec) -> bool {
        let first_seen = self.observe(lease);
        let seconds = spec.lease_duration_seconds.unwrap_or(0).max(0);
        let duration = Duration::from_secs(u64::try_from(seconds).unwrap_or(0));
        first_seen.elapsed() > duration
    }

    /// Records `lease`'s resourceVersion and returns when it was first seen.
    fn observe(&self, lease: &Lease) -> Instant {
        let version = lease.metadata.resource_version.clone().unwrap_or_default();
        let mut observed = self
            .observed
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match observed.as_ref() {
            Some((seen, at)) if *seen == version => *at,
            _ => {
                let at = Instant::now();
                *observed = Some((version, at));
                at
            }
        }
    }

    fn duration_seconds(&self) -> i32 {
        i32::try_from(self.duration.as_secs().max(1)).unwrap_or(i32::MAX)
    }

    fn read(&self, source: kube::Error) -> LeaseError {
        LeaseError::Read {
            namespace: self.namespace.clone(),
            name: self.name.clone(),
            source: Box::new(source),
        }
    }

    fn write(&self, source: kube::Error) -> LeaseError {
        LeaseError::Write {
            namespace: self.namespace.clone(),
            name: self.name.clone(),
            source: Box::new(source),
        }
    }
}

fn now() -> MicroTime {
    MicroTime(jiff::Timestamp::now())
}
