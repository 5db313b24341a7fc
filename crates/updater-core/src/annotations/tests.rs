//! Tests of every annotation rule of spec §4, in v1 and legacy mode.

use std::collections::BTreeMap;

use proptest::prelude::*;

use super::*;

fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (format!("{ANNOTATION_PREFIX}{k}"), (*v).to_owned()))
        .collect()
}

fn parse(pairs: &[(&str, &str)]) -> Result<AnnotationConfig, AnnotationError> {
    AnnotationConfig::parse(&map(pairs), AnnotationMode::V1)
}

fn legacy(pairs: &[(&str, &str)]) -> Result<AnnotationConfig, AnnotationError> {
    AnnotationConfig::parse(&map(pairs), AnnotationMode::Legacy)
}

fn strs(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

fn names(config: &AnnotationConfig) -> Vec<(Option<&str>, &str)> {
    config
        .images
        .iter()
        .map(|i| (i.alias.as_deref(), i.image_name.as_str()))
        .collect()
}

#[test]
fn image_list_split_trim_skip_empty_and_first_equals() {
    let config = parse(&[("image-list", " web = nginx:1.x , ,redis,=busybox, x=a=b ,")]).unwrap();
    assert_eq!(
        names(&config),
        [
            (Some("web"), "nginx:1.x"),
            (None, "redis"),
            (None, "busybox"),
            (Some("x"), "a=b"),
        ]
    );
}

#[test]
fn image_list_missing_is_not_found() {
    let err = parse(&[("update-strategy", "digest")]).unwrap_err();
    assert_eq!(err, AnnotationError::ImageListMissing);
    assert_eq!(
        err.to_string(),
        "annotation `argocd-image-updater.argoproj.io/image-list` not found"
    );
}

#[test]
fn image_list_all_empty_is_empty() {
    for value in ["", "  ", ", ,,", " , "] {
        let err = parse(&[("image-list", value)]).unwrap_err();
        assert_eq!(err, AnnotationError::ImageListEmpty, "{value:?}");
        assert!(err.to_string().ends_with("is empty"), "{err}");
    }
}

#[test]
fn image_list_alias_without_image_is_an_error() {
    let err = parse(&[("image-list", "ok=nginx, web= ")]).unwrap_err();
    assert_eq!(
        err,
        AnnotationError::MissingImage {
            entry: "web=".into()
        }
    );
    assert!(err.to_string().contains("`web=`"), "{err}");
}

#[test]
fn app_wide_settings_apply_to_every_image() {
    let config = parse(&[
        ("image-list", "web=nginx, redis"),
        ("update-strategy", " newest-build "),
        ("allow-tags", "regexp:^1"),
        ("ignore-tags", "latest"),
        ("force-update", "true"),
        ("pull-secret", "secret:ns/s#k"),
        ("allow-downgrade", "1"),
    ])
    .unwrap();
    let expected = UpdateSettings {
        update_strategy: Some("newest-build".into()),
        force_update: Some(true),
        allow_tags: Some("regexp:^1".into()),
        ignore_tags: Some(strs(&["latest"])),
        pull_secret: Some("secret:ns/s#k".into()),
        platforms: None,
        allow_downgrade: Some(true),
    };
    assert_eq!(config.app_settings, expected);
    assert_eq!(config.images[0].settings, expected);
    assert_eq!(config.images[1].settings, expected);
}

#[test]
fn per_alias_settings_override_app_wide_field_by_field() {
    let config = parse(&[
        ("image-list", "web=nginx, db=postgres"),
        ("update-strategy", "semver"),
        ("allow-tags", "any"),
        ("web.update-strategy", "digest"),
        ("web.force-update", "F"),
        ("web.pull-secret", "env:TOKEN"),
        ("web.allow-downgrade", "TRUE"),
    ])
    .unwrap();
    let web = &config.images[0].settings;
    assert_eq!(web.update_strategy.as_deref(), Some("digest"));
    assert_eq!(web.allow_tags.as_deref(), Some("any"));
    assert_eq!(web.force_update, Some(false));
    assert_eq!(web.pull_secret.as_deref(), Some("env:TOKEN"));
    assert_eq!(web.allow_downgrade, Some(true));
    let db = &config.images[1].settings;
    assert_eq!(db.update_strategy.as_deref(), Some("semver"));
    assert_eq!(db.force_update, None);
}

#[test]
fn images_without_alias_get_only_app_wide_settings() {
    let config = parse(&[
        ("image-list", "nginx"),
        ("update-strategy", "alphabetical"),
        (".update-strategy", "digest"),
        ("nginx.update-strategy", "digest"),
    ])
    .unwrap();
    let image = &config.images[0];
    assert_eq!(
        image.settings.update_strategy.as_deref(),
        Some("alphabetical")
    );
    assert_eq!(image.manifest_target, None);
}

#[test]
fn ignore_tags_keep_empty_elements() {
    let config = parse(&[
        ("image-list", "web=nginx"),
        ("web.ignore-tags", " dev,, test ,"),
    ])
    .unwrap();
    assert_eq!(
        config.images[0].settings.ignore_tags,
        Some(strs(&["dev", "", "test", ""]))
    );
}

#[test]
fn platforms_only_per_alias_and_empties_dropped() {
    let config = parse(&[
        ("image-list", "web=nginx, db=pg"),
        ("platforms", "linux/s390x"),
        ("web.platforms", " linux/amd64 ,, linux/arm64/v8 ,"),
        ("db.platforms", " , "),
    ])
    .unwrap();
    assert_eq!(config.app_settings.platforms, None);
    assert_eq!(
        config.images[0].settings.platforms,
        Some(strs(&["linux/amd64", "linux/arm64/v8"]))
    );
    assert_eq!(config.images[1].settings.platforms, None);
}

#[test]
fn force_update_accepts_every_go_parse_bool_spelling() {
    for (value, want) in [
        ("1", true),
        ("t", true),
        ("T", true),
        ("TRUE", true),
        ("true", true),
        ("True", true),
        ("0", false),
        ("f", false),
        ("F", false),
        ("FALSE", false),
        ("false", false),
        ("False", false),
    ] {
        let config = parse(&[("image-list", "web=nginx"), ("web.force-update", value)]).unwrap();
        assert_eq!(
            config.images[0].settings.force_update,
            Some(want),
            "{value}"
        );
    }
}

#[test]
fn invalid_bool_is_an_error_naming_key_and_value() {
    for (key, value) in [
        ("force-update", "yes"),
        ("web.force-update", "tRuE"),
        ("allow-downgrade", "2"),
        ("web.allow-downgrade", "on"),
    ] {
        let err = parse(&[("image-list", "web=nginx"), (key, value)]).unwrap_err();
        let full_key = format!("{ANNOTATION_PREFIX}{key}");
        assert_eq!(
            err,
            AnnotationError::InvalidBool {
                key: full_key.clone(),
                value: value.into()
            }
        );
        let text = err.to_string();
        assert!(
            text.contains(&format!("`{value}`")) && text.contains(&full_key),
            "{text}"
        );
    }
}

#[test]
fn empty_values_behave_as_absent() {
    let config = parse(&[
        ("image-list", "web=nginx"),
        ("update-strategy", "digest"),
        ("web.update-strategy", "  "),
        ("force-update", ""),
        ("web.force-update", " "),
        ("ignore-tags", ""),
        ("allow-tags", " "),
        ("web.helm.image-name", ""),
        ("write-back-method", " "),
        ("git-branch", ""),
    ])
    .unwrap();
    let web = &config.images[0];
    assert_eq!(web.settings.update_strategy.as_deref(), Some("digest"));
    assert_eq!(web.settings.force_update, None);
    assert_eq!(web.settings.ignore_tags, None);
    assert_eq!(web.settings.allow_tags, None);
    assert_eq!(web.manifest_target, None);
    assert_eq!(config.write_back, None);
}

#[test]
fn helm_manifest_target_from_alias_keys() {
    let config = parse(&[
        ("image-list", "web=nginx"),
        ("web.helm.image-name", "frontend.image.repository"),
        ("web.helm.image-tag", "frontend.image.tag"),
    ])
    .unwrap();
    let target = config.images[0].manifest_target.clone().unwrap();
    assert_eq!(
        target.helm,
        Some(HelmTarget {
            name: Some("frontend.image.repository".into()),
            tag: Some("frontend.image.tag".into()),
            spec: None,
        })
    );
    assert_eq!(target.kustomize, None);
    let spec_only = parse(&[("image-list", "web=nginx"), ("web.helm.image-spec", "img")]).unwrap();
    let helm = spec_only.images[0]
        .manifest_target
        .clone()
        .unwrap()
        .helm
        .unwrap();
    assert_eq!(helm.spec.as_deref(), Some("img"));
}

#[test]
fn kustomize_manifest_target_from_alias_key() {
    let config = parse(&[
        ("image-list", "web=ghcr.io/x/web"),
        ("web.kustomize.image-name", "x/web"),
    ])
    .unwrap();
    let target = config.images[0].manifest_target.clone().unwrap();
    assert_eq!(
        target.kustomize,
        Some(KustomizeTarget {
            name: Some("x/web".into())
        })
    );
    assert_eq!(target.helm, None);
}

#[test]
fn helm_and_kustomize_for_one_alias_is_an_error() {
    let err = parse(&[
        ("image-list", "web=nginx"),
        ("web.helm.image-tag", "image.tag"),
        ("web.kustomize.image-name", "nginx"),
    ])
    .unwrap_err();
    assert_eq!(
        err,
        AnnotationError::ConflictingManifestTargets {
            alias: "web".into()
        }
    );
    assert!(err.to_string().contains("`web`"), "{err}");
}

#[test]
fn write_back_method_only_creates_no_git_config() {
    let config = parse(&[("image-list", "nginx"), ("write-back-method", " git ")]).unwrap();
    assert_eq!(
        config.write_back,
        Some(WriteBackConfig {
            method: Some("git".into()),
            git_config: None
        })
    );
}

#[test]
fn git_annotations_create_git_config() {
    let config = parse(&[
        ("image-list", "nginx"),
        ("write-back-method", "git:secret:ns/creds"),
        ("write-back-target", "kustomization:../base"),
        ("git-branch", "main:image-updater-{{.SHA256}}"),
        ("git-repository", "git@github.com:x/y.git"),
    ])
    .unwrap();
    let wbc = config.write_back.unwrap();
    assert_eq!(wbc.method.as_deref(), Some("git:secret:ns/creds"));
    assert_eq!(
        wbc.git_config,
        Some(GitConfig {
            repository: Some("git@github.com:x/y.git".into()),
            branch: Some("main:image-updater-{{.SHA256}}".into()),
            write_back_target: Some("kustomization:../base".into()),
            pull_request: None,
        })
    );
}

#[test]
fn git_annotation_without_method_still_creates_git_config() {
    let config = parse(&[("image-list", "nginx"), ("git-branch", "release")]).unwrap();
    let wbc = config.write_back.unwrap();
    assert_eq!(wbc.method, None);
    assert_eq!(wbc.git_config.unwrap().branch.as_deref(), Some("release"));
}

#[test]
fn invalid_write_back_annotations_are_errors() {
    for (key, value) in [
        ("write-back-method", "svn"),
        ("write-back-method", "git:token"),
        ("git-branch", "a:b:c"),
        ("write-back-target", "kustomization.yaml"),
    ] {
        let err = parse(&[("image-list", "nginx"), (key, value)]).unwrap_err();
        let full_key = format!("{ANNOTATION_PREFIX}{key}");
        assert!(
            matches!(&err, AnnotationError::InvalidWriteBack { key: k, value: v, .. }
                if *k == full_key && v == value),
            "{err:?}"
        );
        assert!(err.to_string().contains(&format!("`{value}`")), "{err}");
    }
}

#[test]
fn v1_uses_alias_verbatim_in_keys() {
    let config = parse(&[
        ("image-list", "argoproj/argocd=quay.io/argoproj/argocd"),
        ("argoproj/argocd.update-strategy", "digest"),
        ("argoproj_argocd.update-strategy", "alphabetical"),
    ])
    .unwrap();
    assert_eq!(
        config.images[0].settings.update_strategy.as_deref(),
        Some("digest")
    );
}

#[test]
fn legacy_maps_slash_to_underscore_in_keys() {
    let config = legacy(&[
        ("image-list", "argoproj/argocd=quay.io/argoproj/argocd"),
        ("argoproj/argocd.update-strategy", "digest"),
        ("argoproj_argocd.update-strategy", "alphabetical"),
        ("argoproj_argocd.helm.image-tag", "argocd.tag"),
    ])
    .unwrap();
    let image = &config.images[0];
    assert_eq!(image.alias.as_deref(), Some("argoproj/argocd"));
    assert_eq!(
        image.settings.update_strategy.as_deref(),
        Some("alphabetical")
    );
    let helm = image.manifest_target.clone().unwrap().helm.unwrap();
    assert_eq!(helm.tag.as_deref(), Some("argocd.tag"));
}

#[test]
fn legacy_reads_tag_match_as_allow_tags_with_deprecation_flag() {
    let config = legacy(&[
        ("image-list", "web=nginx, db=pg, api=x"),
        ("allow-tags", "any"),
        ("web.tag-match", "regexp:^1\\."),
        ("db.tag-match", "regexp:^old"),
        ("db.allow-tags", "regexp:^new"),
    ])
    .unwrap();
    let [web, db, api] = config.images.as_slice() else {
        panic!("three images expected");
    };
    assert_eq!(web.settings.allow_tags.as_deref(), Some("regexp:^1\\."));
    assert!(web.used_deprecated_tag_match);
    assert_eq!(db.settings.allow_tags.as_deref(), Some("regexp:^new"));
    assert!(!db.used_deprecated_tag_match);
    assert_eq!(api.settings.allow_tags.as_deref(), Some("any"));
    assert!(!api.used_deprecated_tag_match);
}

#[test]
fn v1_ignores_tag_match() {
    let config = parse(&[("image-list", "web=nginx"), ("web.tag-match", "regexp:^1")]).unwrap();
    assert_eq!(config.images[0].settings.allow_tags, None);
    assert!(!config.images[0].used_deprecated_tag_match);
}

#[test]
fn legacy_force_update_true_only_for_exactly_true() {
    for (value, want) in [
        ("true", true),
        ("True", false),
        ("1", false),
        ("yes", false),
    ] {
        let config = legacy(&[("image-list", "web=nginx"), ("web.force-update", value)]).unwrap();
        assert_eq!(
            config.images[0].settings.force_update,
            Some(want),
            "{value}"
        );
    }
}

#[test]
fn legacy_allow_downgrade_still_parses_go_bools() {
    let err = legacy(&[("image-list", "nginx"), ("allow-downgrade", "yes")]).unwrap_err();
    assert!(matches!(err, AnnotationError::InvalidBool { .. }));
}

#[test]
fn unrelated_annotations_are_ignored() {
    let mut annotations = map(&[("image-list", "nginx")]);
    annotations.insert(
        "kubectl.kubernetes.io/last-applied-configuration".into(),
        "{}".into(),
    );
    annotations.insert("update-strategy".into(), "digest".into());
    let config = AnnotationConfig::parse(&annotations, AnnotationMode::V1).unwrap();
    assert_eq!(config.app_settings, UpdateSettings::default());
}

fn annotation_key() -> impl Strategy<Value = String> {
    let suffixes = prop::sample::select(vec![
        "image-list",
        "update-strategy",
        "allow-tags",
        "ignore-tags",
        "force-update",
        "pull-secret",
        "platforms",
        "allow-downgrade",
        "tag-match",
        "helm.image-name",
        "helm.image-tag",
        "helm.image-spec",
        "kustomize.image-name",
        "write-back-method",
        "write-back-target",
        "git-branch",
        "git-repository",
    ]);
    let alias = prop::option::of(prop::sample::select(vec!["a", "b/c", "b_c", "", "ü"]));
    (alias, suffixes).prop_map(|(alias, suffix)| match alias {
        Some(alias) => format!("{ANNOTATION_PREFIX}{alias}.{suffix}"),
        None => format!("{ANNOTATION_PREFIX}{suffix}"),
    })
}

fn annotation_value() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[ ,=a-c/:.]{0,16}",
        Just("a=x, b/c=y, b_c=z,=w".to_owned()),
        Just("true".to_owned()),
    ]
}

proptest! {
    #[test]
    fn parse_never_panics(
        annotations in prop::collection::btree_map(annotation_key(), annotation_value(), 0..12),
        legacy_mode in any::<bool>(),
    ) {
        let mode = if legacy_mode { AnnotationMode::Legacy } else { AnnotationMode::V1 };
        if let Ok(config) = AnnotationConfig::parse(&annotations, mode) {
            prop_assert!(!config.images.is_empty());
            prop_assert!(config.images.iter().all(|i| !i.image_name.is_empty()));
        }
    }

    #[test]
    fn parse_arbitrary_maps_never_panics(
        annotations in prop::collection::btree_map(any::<String>(), any::<String>(), 0..6),
    ) {
        let _ = AnnotationConfig::parse(&annotations, AnnotationMode::V1);
        let _ = AnnotationConfig::parse(&annotations, AnnotationMode::Legacy);
    }
}
