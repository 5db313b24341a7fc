//! Which watch events make a pass due.

use super::*;

fn v(name: &str, generation: i64) -> SpecVersion {
    SpecVersion {
        namespace: "team-a".into(),
        name: name.into(),
        generation,
    }
}

fn listing(changes: &mut SpecChanges, versions: &[SpecVersion]) -> Option<String> {
    assert_eq!(changes.observe(SpecEvent::ListStart), None);
    for version in versions {
        assert_eq!(changes.observe(SpecEvent::Listed(version.clone())), None);
    }
    changes.observe(SpecEvent::ListDone)
}

#[test]
fn the_first_listing_wakes_nothing_then_new_and_changed_specs_do() {
    let mut changes = SpecChanges::default();
    assert_eq!(listing(&mut changes, &[v("web", 1), v("api", 3)]), None);
    assert_eq!(
        changes.observe(SpecEvent::Applied(v("new", 1))).as_deref(),
        Some("ImageUpdater team-a/new created")
    );
    assert_eq!(
        changes.observe(SpecEvent::Applied(v("web", 2))).as_deref(),
        Some("ImageUpdater team-a/web changed")
    );
}

#[test]
fn status_writes_and_deletions_wake_nothing() {
    let mut changes = SpecChanges::default();
    listing(&mut changes, &[v("web", 1)]);
    // A status write is a MODIFIED event with the same generation.
    assert_eq!(changes.observe(SpecEvent::Applied(v("web", 1))), None);
    assert_eq!(changes.observe(SpecEvent::Deleted(v("web", 1))), None);
    assert_eq!(
        changes.observe(SpecEvent::Applied(v("web", 1))).as_deref(),
        Some("ImageUpdater team-a/web created"),
        "re-created after deletion"
    );
}

#[test]
fn a_relisting_wakes_only_for_what_changed_while_the_watch_was_down() {
    let mut changes = SpecChanges::default();
    listing(&mut changes, &[v("web", 1), v("api", 1)]);
    assert_eq!(listing(&mut changes, &[v("web", 1), v("api", 1)]), None);
    assert_eq!(
        listing(&mut changes, &[v("web", 1), v("api", 2)]).as_deref(),
        Some("ImageUpdater team-a/api changed")
    );
    assert_eq!(
        listing(&mut changes, &[v("web", 1), v("api", 2), v("new", 1)]).as_deref(),
        Some("ImageUpdater team-a/new created")
    );
    // A deletion during the gap only forgets the object.
    assert_eq!(listing(&mut changes, &[v("web", 1)]), None);
}
