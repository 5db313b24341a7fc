//! Tests of the `UpdateSettings` merge rules (spec §3.4).

use super::UpdateSettings;

fn strs(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

fn full() -> UpdateSettings {
    UpdateSettings {
        update_strategy: Some("semver".into()),
        force_update: Some(false),
        allow_tags: Some("regexp:^v".into()),
        ignore_tags: Some(strs(&["dev"])),
        pull_secret: Some("pullsecret:ns/a".into()),
        platforms: Some(strs(&["linux/amd64"])),
        allow_downgrade: Some(false),
    }
}

#[test]
fn overlay_with_empty_keeps_every_base_field() {
    assert_eq!(full().overlay(&UpdateSettings::default()), full());
}

#[test]
fn overlay_on_empty_base_takes_every_specific_field() {
    assert_eq!(UpdateSettings::default().overlay(&full()), full());
}

#[test]
fn overlay_more_specific_some_wins_field_by_field() {
    let specific = UpdateSettings {
        update_strategy: Some("digest".into()),
        force_update: Some(true),
        allow_downgrade: Some(true),
        ..UpdateSettings::default()
    };
    let merged = full().overlay(&specific);
    assert_eq!(merged.update_strategy.as_deref(), Some("digest"));
    assert_eq!(merged.force_update, Some(true));
    assert_eq!(merged.allow_downgrade, Some(true));
    assert_eq!(merged.allow_tags.as_deref(), Some("regexp:^v"));
    assert_eq!(merged.pull_secret.as_deref(), Some("pullsecret:ns/a"));
    assert_eq!(merged.ignore_tags, Some(strs(&["dev"])));
}

#[test]
fn overlay_some_empty_list_overrides_inherited_list() {
    let specific = UpdateSettings {
        ignore_tags: Some(vec![]),
        platforms: Some(vec![]),
        ..UpdateSettings::default()
    };
    let merged = full().overlay(&specific);
    assert_eq!(merged.ignore_tags, Some(vec![]));
    assert_eq!(merged.platforms, Some(vec![]));
}

#[test]
fn overlay_some_empty_string_overrides_inherited_string() {
    let specific = UpdateSettings {
        allow_tags: Some(String::new()),
        ..UpdateSettings::default()
    };
    assert_eq!(full().overlay(&specific).allow_tags.as_deref(), Some(""));
}

#[test]
fn merge_chain_last_non_none_wins_in_order_global_ref_image() {
    let global = full();
    let app_ref = UpdateSettings {
        update_strategy: Some("newest-build".into()),
        allow_tags: Some("any".into()),
        ..UpdateSettings::default()
    };
    let image = UpdateSettings {
        update_strategy: Some("alphabetical".into()),
        platforms: Some(strs(&["linux/arm64", "linux/amd64"])),
        ..UpdateSettings::default()
    };
    let merged = UpdateSettings::merge_chain(Some(&global), Some(&app_ref), Some(&image));
    assert_eq!(merged.update_strategy.as_deref(), Some("alphabetical"));
    assert_eq!(merged.allow_tags.as_deref(), Some("any"));
    assert_eq!(
        merged.platforms,
        Some(strs(&["linux/arm64", "linux/amd64"]))
    );
    assert_eq!(merged.ignore_tags, Some(strs(&["dev"])));
    assert_eq!(merged.force_update, Some(false));
}

#[test]
fn merge_chain_skips_absent_levels() {
    let image = UpdateSettings {
        force_update: Some(true),
        ..UpdateSettings::default()
    };
    let merged = UpdateSettings::merge_chain(Some(&full()), None, Some(&image));
    assert_eq!(merged.force_update, Some(true));
    assert_eq!(merged.update_strategy.as_deref(), Some("semver"));
    assert_eq!(
        UpdateSettings::merge_chain(None, None, None),
        UpdateSettings::default()
    );
}

#[test]
fn merge_chain_ref_empty_list_clears_global_and_image_can_refill() {
    let app_ref = UpdateSettings {
        ignore_tags: Some(vec![]),
        ..UpdateSettings::default()
    };
    let cleared = UpdateSettings::merge_chain(Some(&full()), Some(&app_ref), None);
    assert_eq!(cleared.ignore_tags, Some(vec![]));
    let image = UpdateSettings {
        ignore_tags: Some(strs(&["*-rc"])),
        ..UpdateSettings::default()
    };
    let refilled = UpdateSettings::merge_chain(Some(&full()), Some(&app_ref), Some(&image));
    assert_eq!(refilled.ignore_tags, Some(strs(&["*-rc"])));
}

#[test]
fn serde_uses_camel_case_and_allow_downgrade_extension() {
    let json = r#"{"updateStrategy":"digest","forceUpdate":true,"allowTags":"any",
        "ignoreTags":[],"pullSecret":"env:X","platforms":["linux/amd64"],"allowDowngrade":true}"#;
    let parsed: UpdateSettings = serde_json::from_str(json).unwrap();
    assert_eq!(parsed.update_strategy.as_deref(), Some("digest"));
    assert_eq!(parsed.ignore_tags, Some(vec![]));
    assert_eq!(parsed.allow_downgrade, Some(true));
    let back = serde_json::to_value(&parsed).unwrap();
    assert_eq!(back["allowDowngrade"], serde_json::json!(true));
    assert_eq!(back["pullSecret"], serde_json::json!("env:X"));
}

#[test]
fn serde_omits_none_fields_and_rejects_unknown_fields() {
    let empty = serde_json::to_string(&UpdateSettings::default()).unwrap();
    assert_eq!(empty, "{}");
    let err = serde_json::from_str::<UpdateSettings>(r#"{"updateStrategyy":"x"}"#).unwrap_err();
    assert!(err.to_string().contains("updateStrategyy"), "{err}");
}
