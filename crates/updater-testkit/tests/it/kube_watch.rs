//! Watches on the fake kube-apiserver with the unmodified kube client: replay of changes
//! made after a list, kube's watcher, `410 Expired`, selectors, timeouts and bookmarks.

use std::time::{Duration, Instant};

use ::kube::{
    Api,
    api::{DynamicObject, ListParams, Patch, PatchParams, WatchEvent, WatchParams},
    runtime::watcher::{self, Event},
};
use futures::{Stream, StreamExt, TryStreamExt};
use serde_json::json;
use updater_testkit::kube::FakeApiServer;

use crate::kube::{applications, client, seed_app};

/// The next item of a stream, failing the test after five seconds.
async fn next<S: Stream + Unpin>(stream: &mut S) -> Option<S::Item> {
    tokio::time::timeout(Duration::from_secs(5), stream.next())
        .await
        .expect("the watch went quiet")
}

/// A watch event's type and object name.
fn describe(event: WatchEvent<DynamicObject>) -> (String, String) {
    let (kind, object) = match event {
        WatchEvent::Added(object) => ("ADDED", object),
        WatchEvent::Modified(object) => ("MODIFIED", object),
        WatchEvent::Deleted(object) => ("DELETED", object),
        other => panic!("unexpected {other:?}"),
    };
    (kind.to_owned(), object.metadata.name.unwrap_or_default())
}

#[tokio::test]
async fn a_watch_replays_changes_made_after_the_list() {
    let api = FakeApiServer::start().unwrap();
    seed_app(&api, "argocd", "a", "red");
    let apps: Api<DynamicObject> = Api::namespaced_with(client(&api), "argocd", &applications());
    let listed = apps.list(&ListParams::default()).await.unwrap();
    let listed_version = listed.metadata.resource_version.unwrap();
    // These happen between the list and the watch: a fake that only streamed live events
    // would lose them.
    let patch = Patch::Merge(json!({"spec": {"source": {"path": "moved"}}}));
    apps.patch("a", &PatchParams::default(), &patch)
        .await
        .unwrap();
    seed_app(&api, "argocd", "b", "red");
    seed_app(&api, "elsewhere", "c", "red");
    let stream = apps
        .watch(&WatchParams::default(), &listed_version)
        .await
        .unwrap();
    let mut stream = stream.boxed();
    let first = next(&mut stream).await.unwrap().unwrap();
    assert_eq!(describe(first), ("MODIFIED".to_owned(), "a".to_owned()));
    let second = next(&mut stream).await.unwrap().unwrap();
    assert_eq!(describe(second), ("ADDED".to_owned(), "b".to_owned()));
    apps.delete("a", &Default::default()).await.unwrap();
    let third = next(&mut stream).await.unwrap().unwrap();
    assert_eq!(describe(third), ("DELETED".to_owned(), "a".to_owned()));
}

#[tokio::test]
async fn kubes_watcher_sees_the_initial_list_and_later_changes() {
    let api = FakeApiServer::start().unwrap();
    seed_app(&api, "argocd", "a", "red");
    seed_app(&api, "other", "b", "red");
    let all: Api<DynamicObject> = Api::all_with(client(&api), &applications());
    let mut events = watcher::watcher(all, watcher::Config::default()).boxed();
    let mut initial = Vec::new();
    loop {
        match next(&mut events).await.unwrap().unwrap() {
            Event::Init => {}
            Event::InitApply(object) => initial.push(object.metadata.name.unwrap()),
            Event::InitDone => break,
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(initial, ["a", "b"]);
    let apps: Api<DynamicObject> = Api::namespaced_with(client(&api), "other", &applications());
    let patch = Patch::Merge(json!({"spec": {"source": {"targetRevision": "main"}}}));
    let patched = apps
        .patch("b", &PatchParams::default(), &patch)
        .await
        .unwrap();
    match next(&mut events).await.unwrap().unwrap() {
        Event::Apply(object) => {
            assert_eq!(
                object.metadata.resource_version,
                patched.metadata.resource_version
            );
            assert_eq!(object.data["spec"]["source"]["targetRevision"], "main");
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[tokio::test]
async fn a_streaming_list_watcher_gets_initial_events_and_the_end_bookmark() {
    let api = FakeApiServer::start().unwrap();
    seed_app(&api, "argocd", "a", "red");
    let all: Api<DynamicObject> = Api::all_with(client(&api), &applications());
    let config = watcher::Config::default().streaming_lists();
    let events: Vec<_> = watcher::watcher(all, config)
        .take(3)
        .try_collect()
        .await
        .unwrap();
    assert!(matches!(events[0], Event::Init));
    assert!(matches!(&events[1], Event::InitApply(o) if o.metadata.name.as_deref() == Some("a")));
    assert!(matches!(events[2], Event::InitDone));
}

#[tokio::test]
async fn a_watch_from_before_the_kept_history_is_expired() {
    let api = FakeApiServer::start().unwrap();
    seed_app(&api, "argocd", "a", "red");
    seed_app(&api, "argocd", "b", "red");
    api.compact();
    let apps: Api<DynamicObject> = Api::namespaced_with(client(&api), "argocd", &applications());
    let mut stream = apps
        .watch(&WatchParams::default(), "1")
        .await
        .unwrap()
        .boxed();
    match next(&mut stream).await.unwrap().unwrap() {
        WatchEvent::Error(status) => {
            assert_eq!((status.code, status.reason.as_str()), (410, "Expired"));
        }
        other => panic!("expected a 410 ERROR event, got {other:?}"),
    }
    assert!(
        next(&mut stream).await.is_none(),
        "the watch ends after the error"
    );
    let current = api.resource_version().to_string();
    let mut fresh = apps
        .watch(&WatchParams::default(), &current)
        .await
        .unwrap()
        .boxed();
    seed_app(&api, "argocd", "c", "red");
    let added = next(&mut fresh).await.unwrap().unwrap();
    assert_eq!(describe(added), ("ADDED".to_owned(), "c".to_owned()));
}

#[tokio::test]
async fn a_selector_watch_sees_objects_enter_and_leave_it() {
    let api = FakeApiServer::start().unwrap();
    seed_app(&api, "argocd", "a", "red");
    let apps: Api<DynamicObject> = Api::namespaced_with(client(&api), "argocd", &applications());
    let from = api.resource_version().to_string();
    let params = WatchParams::default().labels("team=red");
    let mut stream = apps.watch(&params, &from).await.unwrap().boxed();
    for team in ["blue", "red"] {
        let patch = Patch::Merge(json!({"metadata": {"labels": {"team": team}}}));
        apps.patch("a", &PatchParams::default(), &patch)
            .await
            .unwrap();
    }
    let left = next(&mut stream).await.unwrap().unwrap();
    assert_eq!(describe(left), ("DELETED".to_owned(), "a".to_owned()));
    let entered = next(&mut stream).await.unwrap().unwrap();
    assert_eq!(describe(entered), ("ADDED".to_owned(), "a".to_owned()));
}

#[tokio::test]
async fn a_watch_without_a_version_starts_with_the_current_state() {
    let api = FakeApiServer::start().unwrap();
    seed_app(&api, "argocd", "a", "red");
    let apps: Api<DynamicObject> = Api::namespaced_with(client(&api), "argocd", &applications());
    let mut stream = apps
        .watch(&WatchParams::default(), "0")
        .await
        .unwrap()
        .boxed();
    let added = next(&mut stream).await.unwrap().unwrap();
    assert_eq!(describe(added), ("ADDED".to_owned(), "a".to_owned()));
}

#[tokio::test]
async fn a_watch_ends_at_its_timeout_with_a_bookmark() {
    let api = FakeApiServer::start().unwrap();
    seed_app(&api, "argocd", "a", "red");
    let apps: Api<DynamicObject> = Api::namespaced_with(client(&api), "argocd", &applications());
    let from = api.resource_version().to_string();
    let started = Instant::now();
    let params = WatchParams::default().timeout(1);
    let mut stream = apps.watch(&params, &from).await.unwrap().boxed();
    seed_app(&api, "argocd", "b", "red");
    let events: Vec<_> = tokio::time::timeout(Duration::from_secs(5), async {
        let mut events = Vec::new();
        while let Some(event) = stream.next().await {
            events.push(event.unwrap());
        }
        events
    })
    .await
    .unwrap();
    assert!(started.elapsed() >= Duration::from_millis(900));
    assert_eq!(events.len(), 2, "{events:?}");
    match &events[1] {
        WatchEvent::Bookmark(bookmark) => {
            assert_eq!(
                bookmark.metadata.resource_version,
                api.resource_version().to_string()
            );
        }
        other => panic!("expected a bookmark, got {other:?}"),
    }
}
