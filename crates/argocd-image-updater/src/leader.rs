//! Leadership of this replica (spec §2.2 `--leader-election`): a background campaign holds the
//! `c21b75f2.argoproj.io` Lease with controller-runtime's timings, and a cheap [`Leadership`]
//! handle tells every write stage whether it may write *now*.
//!
//! The handle does not trust the campaign to notice a loss: each successful renewal grants
//! leadership until its start plus the renew deadline, and [`Leadership::may_write`] compares
//! that instant with the clock. A replica whose renewals stall (API down, process starved)
//! therefore stops writing at the deadline on its own, while other candidates still wait out
//! the longer lease duration before taking over; the two never write at once.

use std::time::Duration;

use tokio::sync::watch;
use tokio::time::Instant;
use updater_argocd::lease::{Attempt, LeaseLock};

/// The election's timings (controller-runtime's defaults: 15 s, 10 s, 2 s).
#[derive(Debug, Clone, Copy)]
pub struct Timing {
    /// How long others wait after the last renewal before taking the Lease.
    pub lease_duration: Duration,
    /// How long after a renewal's start the holder still counts itself leader.
    pub renew_deadline: Duration,
    /// Time between two attempts to acquire or renew.
    pub retry_period: Duration,
}

impl Default for Timing {
    fn default() -> Self {
        Self {
            lease_duration: Duration::from_secs(15),
            renew_deadline: Duration::from_secs(10),
            retry_period: Duration::from_secs(2),
        }
    }
}

/// Whether this replica may write; cheap to clone.
#[derive(Debug, Clone)]
pub struct Leadership {
    /// `None`: leader election is off, always leading. Otherwise until when we lead.
    until: Option<watch::Receiver<Option<Instant>>>,
}

/// The write refused because this replica does not hold the Lease.
#[derive(Debug, thiserror::Error)]
#[error("not the leader any more: write skipped (another replica holds the lease)")]
pub struct NotLeader;

impl Leadership {
    /// Leader election off: every write is allowed.
    pub fn unconditional() -> Self {
        Self { until: None }
    }

    /// A handle driven by hand through the returned sender (tests).
    #[cfg(test)]
    pub(crate) fn manual() -> (watch::Sender<Option<Instant>>, Self) {
        let (sender, until) = watch::channel(None);
        (sender, Self { until: Some(until) })
    }

    /// Whether a write may start now.
    pub fn may_write(&self) -> bool {
        match &self.until {
            None => true,
            Some(until) => until.borrow().is_some_and(|until| Instant::now() < until),
        }
    }

    /// [`Self::may_write`] as a result, for the write stages.
    pub fn check(&self) -> Result<(), NotLeader> {
        if self.may_write() {
            Ok(())
        } else {
            Err(NotLeader)
        }
    }

    /// Completes once this replica leads (at once when election is off).
    pub async fn until_leading(&self) {
        let Some(until) = &self.until else {
            return;
        };
        let mut until = until.clone();
        loop {
            if self.may_write() {
                return;
            }
            if until.changed().await.is_err() {
                // The campaign ended: leadership never comes back.
                std::future::pending::<()>().await;
            }
        }
    }
}

/// Runs the election until `stop` completes, then releases the Lease if held.
pub struct Campaign {
    lock: LeaseLock,
    timing: Timing,
    granted: watch::Sender<Option<Instant>>,
    /// The holder we last said we wait for, so it is logged once per holder.
    waiting_for: Option<String>,
}

impl Campaign {
    /// A campaign for `lock` and the handle that follows it.
    pub fn new(lock: LeaseLock, timing: Timing) -> (Self, Leadership) {
        let (granted, until) = watch::channel(None);
        let campaign = Self {
            lock,
            timing,
            granted,
            waiting_for: None,
        };
        let leadership = Leadership { until: Some(until) };
        (campaign, leadership)
    }

    /// Acquires and renews every retry period until `stop`; then gives the Lease up.
    pub async fn run(mut self, stop: impl std::future::Future<Output = ()>) {
        let mut stop = std::pin::pin!(stop);
        tracing::info!(
            lease = %self.lock.lease_path(),
            identity = self.lock.holder(),
            "waiting to lead"
        );
        loop {
            self.attempt().await;
            tokio::select! {
                () = stop.as_mut() => break,
                () = tokio::time::sleep(self.timing.retry_period) => {}
            }
        }
        self.granted.send_replace(None);
        if let Err(error) = self.lock.release().await {
            tracing::warn!(
                "could not release the lease: {}",
                crate::failure::error_chain(&error)
            );
        }
    }

    async fn attempt(&mut self) {
        let started = Instant::now();
        let leading = self.leading();
        match self.lock.try_acquire_or_renew().await {
            Ok(Attempt::Held) => {
                if !leading {
                    tracing::info!(lease = %self.lock.lease_path(), "became the leader");
                }
                self.waiting_for = None;
                self.granted
                    .send_replace(Some(started + self.timing.renew_deadline));
            }
            Ok(Attempt::HeldBy(holder)) => {
                if leading {
                    tracing::error!(holder, "lost the lease: writes stop");
                } else if self.waiting_for.as_ref() != Some(&holder) {
                    tracing::info!(holder, "another replica holds the lease: standing by");
                }
                self.waiting_for = Some(holder);
                self.granted.send_replace(None);
            }
            Err(error) => {
                let chain = crate::failure::error_chain(&error);
                if leading && !self.leading() {
                    tracing::error!("could not renew the lease in time: writes stop: {chain}");
                } else {
                    tracing::warn!("leader election: {chain}");
                }
            }
        }
    }

    /// Starts the campaign on the runtime; [`Running::resign`] stops it.
    pub fn spawn(self) -> Running {
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(self.run(async {
            let _ = stopped.await;
        }));
        Running { stop, task }
    }

    fn leading(&self) -> bool {
        self.granted
            .borrow()
            .is_some_and(|until| Instant::now() < until)
    }
}

/// A spawned campaign.
#[derive(Debug)]
pub struct Running {
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<()>,
}

impl Running {
    /// Stops campaigning and releases the Lease, so a standby replica takes over at its next
    /// attempt instead of after the lease duration.
    pub async fn resign(self) {
        let _ = self.stop.send(());
        if let Err(error) = self.task.await {
            tracing::error!("the leader election task failed: {error}");
        }
    }
}

#[cfg(test)]
impl Running {
    /// Stops the campaign without releasing the Lease, as a frozen process would.
    pub(crate) fn stall(self) {
        self.task.abort();
    }
}

/// This replica's identity in the Lease: the pod name (`HOSTNAME`) and a per-process suffix,
/// as controller-runtime does, so a restarted pod is a new candidate.
pub fn identity(hostname: Option<String>) -> String {
    let host = hostname
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| "argocd-image-updater".to_owned());
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.subsec_nanos());
    format!("{host}_{:x}{nanos:08x}", std::process::id())
}

#[cfg(test)]
mod tests;
