//! Requests for narrowed passes (a registry webhook asks for the images its event concerns).
//! Requests arriving within a short window coalesce into one pass, so a burst of identical
//! events costs one registry listing; past a bound, pending requests collapse into a full pass
//! rather than growing without limit.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::sync::Notify;

use updater_core::image::ImageRef;
use updater_core::webhook::{RegistryEvent, RegistryType, concerns_image};

use crate::leader::Leadership;
use crate::pipeline::ImageScope;
use crate::webhook::EventSink;

/// How many narrowed requests may wait before they collapse into one full pass.
pub const MAX_PENDING: usize = 1_000;

/// How long the first request of a burst waits for the others.
pub const COALESCE_WINDOW: Duration = Duration::from_secs(2);

/// The pass that pending requests add up to.
pub enum Batch {
    /// The images any of these scopes keeps.
    Scoped(Vec<Arc<ImageScope>>),
    /// Everything.
    Full,
}

impl Batch {
    /// The union of the scopes, `None` for a full pass.
    pub fn scope(&self) -> Option<impl Fn(&ImageRef) -> bool + Send + Sync + use<>> {
        match self {
            Self::Full => None,
            Self::Scoped(scopes) => {
                let scopes = scopes.clone();
                Some(move |image: &ImageRef| scopes.iter().any(|s| s(image)))
            }
        }
    }
}

/// Pending requests and the signal that some arrived.
#[derive(Default)]
pub struct PassRequests {
    pending: Mutex<Option<Batch>>,
    arrived: Notify,
    /// The replica's leadership, when it campaigns: only the leader takes events.
    leadership: std::sync::OnceLock<Leadership>,
}

impl PassRequests {
    /// Takes events only while `leadership` says this replica leads.
    pub fn follow(&self, leadership: Leadership) {
        let _ = self.leadership.set(leadership);
    }
    /// Asks for a pass over the images `scope` keeps.
    pub fn request(&self, scope: Arc<ImageScope>) {
        let mut pending = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
        *pending = Some(match pending.take() {
            None => Batch::Scoped(vec![scope]),
            Some(Batch::Full) => Batch::Full,
            Some(Batch::Scoped(mut scopes)) if scopes.len() < MAX_PENDING => {
                scopes.push(scope);
                Batch::Scoped(scopes)
            }
            Some(Batch::Scoped(_)) => Batch::Full,
        });
        drop(pending);
        self.arrived.notify_one();
    }

    /// Asks for a pass over the images a registry `event` concerns (same registry, same
    /// repository; the event's tag is not used: the images' strategies decide, as in the
    /// original).
    pub fn request_event(&self, event: RegistryEvent) {
        tracing::info!(
            registry = %event.registry,
            repository = %event.repository,
            tag = event.tag.as_deref().unwrap_or(""),
            "registry event: a pass over the images it concerns follows"
        );
        self.request(Arc::new(move |image: &ImageRef| {
            concerns_image(&event, image)
        }));
    }

    /// Waits for a request, then `window` for the rest of its burst, and takes them all.
    pub async fn next_batch(&self, window: Duration) -> Batch {
        loop {
            self.arrived.notified().await;
            tokio::time::sleep(window).await;
            let taken = self
                .pending
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .take();
            if let Some(batch) = taken {
                return batch;
            }
        }
    }

    /// Drops what is pending (a full pass is about to cover it).
    pub fn clear(&self) {
        *self.pending.lock().unwrap_or_else(PoisonError::into_inner) = None;
    }
}

impl EventSink for PassRequests {
    fn accept(&self, _kind: RegistryType, event: RegistryEvent) {
        self.request_event(event);
    }

    fn accepting(&self) -> bool {
        self.leadership.get().is_none_or(Leadership::may_write)
    }
}

#[cfg(test)]
mod tests {
    use updater_core::image::ImageRef;

    use super::*;

    fn only(name: &'static str) -> Arc<ImageScope> {
        Arc::new(move |image: &ImageRef| image.name == name)
    }

    #[tokio::test(start_paused = true)]
    async fn requests_add_up_to_the_union_of_their_scopes() {
        let requests = PassRequests::default();
        requests.request(only("org/web"));
        requests.request(only("org/api"));
        let batch = requests.next_batch(Duration::from_secs(1)).await;
        let scope = batch.scope().expect("narrowed");
        let image = |text| ImageRef::parse(text).unwrap();
        assert!(scope(&image("ghcr.io/org/web:1")));
        assert!(scope(&image("ghcr.io/org/api")));
        assert!(!scope(&image("ghcr.io/org/ui")));
    }

    #[tokio::test(start_paused = true)]
    async fn too_many_pending_requests_collapse_into_a_full_pass_and_clear_empties() {
        let requests = PassRequests::default();
        for _ in 0..=MAX_PENDING {
            requests.request(only("org/web"));
        }
        let batch = requests.next_batch(Duration::ZERO).await;
        assert!(matches!(batch, Batch::Full));
        requests.request(only("org/web"));
        requests.clear();
        let waited = tokio::time::timeout(
            Duration::from_secs(60),
            requests.next_batch(Duration::from_secs(1)),
        )
        .await;
        assert!(waited.is_err(), "nothing pending after clear");
    }
}
