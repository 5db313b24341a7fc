//! The `ImagesUpdated` core/v1 Event created after a successful Application write (§7.4).

use std::collections::BTreeMap;

use ::kube::Api;
use ::kube::api::PostParams;
use jiff::Timestamp;
use k8s_openapi::api::core::v1::{Event, EventSource, ObjectReference};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, Time};
use updater_core::application::Application;

use super::{APPLICATION_GROUP, CRD_VERSION, ClusterClient, ClusterError};

/// The reason of the event emitted after an update.
pub const EVENT_REASON: &str = "ImagesUpdated";

/// The `source.component` of the events the updater emits.
pub const EVENT_COMPONENT: &str = "ArgocdImageUpdater";

/// The Application an event is about.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InvolvedApp {
    /// `metadata.namespace`; the event is created there too.
    pub namespace: String,
    /// `metadata.name`.
    pub name: String,
    /// `metadata.uid`, if known.
    pub uid: Option<String>,
    /// `metadata.resourceVersion`, if known.
    pub resource_version: Option<String>,
}

impl InvolvedApp {
    /// The identity of `app`; `fallback_namespace` is used when it has none.
    pub fn of(app: &Application, fallback_namespace: &str) -> Self {
        let text = |pointer: &str| {
            let value = app.as_json().pointer(pointer);
            value.and_then(serde_json::Value::as_str).map(str::to_owned)
        };
        Self {
            namespace: app.namespace().unwrap_or(fallback_namespace).to_owned(),
            name: app.name().to_owned(),
            uid: text("/metadata/uid"),
            resource_version: app.resource_version().map(str::to_owned),
        }
    }
}

/// One image change, as the event's annotations describe it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventChange {
    /// The full image name without tag (registry included).
    pub full_image_name: String,
    /// The image name as configured.
    pub image_name: String,
    /// The tag before the update.
    pub old_tag: String,
    /// The tag after the update.
    pub new_tag: String,
}

/// `argocd-image-updater.image-<i>/{full-image-name,image-name,old-tag,new-tag}` for each
/// change `i`.
pub fn change_annotations(changes: &[EventChange]) -> BTreeMap<String, String> {
    let mut annotations = BTreeMap::new();
    for (index, change) in changes.iter().enumerate() {
        let key = |field: &str| format!("argocd-image-updater.image-{index}/{field}");
        annotations.insert(key("full-image-name"), change.full_image_name.clone());
        annotations.insert(key("image-name"), change.image_name.clone());
        annotations.insert(key("old-tag"), change.old_tag.clone());
        annotations.insert(key("new-tag"), change.new_tag.clone());
    }
    annotations
}

/// `Successfully updated application '<app>'`.
pub fn updated_message(app: &str) -> String {
    format!("Successfully updated application '{app}'")
}

impl ClusterClient {
    /// Creates a `Normal` event about `app` in its namespace, named `<app>.<hex unix nanos>`,
    /// and returns the event's name.
    pub async fn emit_event(
        &self,
        app: &InvolvedApp,
        reason: &str,
        message: &str,
        annotations: BTreeMap<String, String>,
    ) -> Result<String, ClusterError> {
        let event = build_event(app, reason, message, annotations, Timestamp::now());
        let event_name = event.metadata.name.clone().unwrap_or_default();
        let api: Api<Event> = Api::namespaced(self.client.clone(), &app.namespace);
        match api.create(&PostParams::default(), &event).await {
            Ok(_) => Ok(event_name),
            Err(source) => Err(ClusterError::CreateEvent {
                namespace: app.namespace.clone(),
                name: app.name.clone(),
                event: event_name,
                source: Box::new(source),
            }),
        }
    }
}

/// The event as upstream builds it: count 1, first and last timestamp `now`.
pub(super) fn build_event(
    app: &InvolvedApp,
    reason: &str,
    message: &str,
    annotations: BTreeMap<String, String>,
    now: Timestamp,
) -> Event {
    let time = Time(now);
    Event {
        metadata: ObjectMeta {
            name: Some(format!("{}.{:x}", app.name, now.as_nanosecond())),
            namespace: Some(app.namespace.clone()),
            annotations: Some(annotations).filter(|map| !map.is_empty()),
            ..ObjectMeta::default()
        },
        involved_object: involved_object(app),
        reason: Some(reason.to_owned()),
        message: Some(message.to_owned()),
        type_: Some("Normal".to_owned()),
        source: Some(EventSource {
            component: Some(EVENT_COMPONENT.to_owned()),
            host: None,
        }),
        count: Some(1),
        first_timestamp: Some(time.clone()),
        last_timestamp: Some(time),
        ..Event::default()
    }
}

fn involved_object(app: &InvolvedApp) -> ObjectReference {
    ObjectReference {
        api_version: Some(format!("{APPLICATION_GROUP}/{CRD_VERSION}")),
        kind: Some(updater_core::application::KIND.to_owned()),
        name: Some(app.name.clone()),
        namespace: Some(app.namespace.clone()),
        uid: app.uid.clone(),
        resource_version: app.resource_version.clone(),
        field_path: None,
    }
}
