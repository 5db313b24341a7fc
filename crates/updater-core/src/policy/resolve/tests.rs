use super::*;
use crate::filter::Platform;

fn image(text: &str) -> ImageRef {
    ImageRef::parse(text).unwrap()
}

fn settings() -> UpdateSettings {
    UpdateSettings::default()
}

#[test]
fn defaults_are_semver_any_tag_all_platforms() {
    let policy = resolve(image("nginx"), "", &settings()).unwrap();
    assert!(matches!(policy.selection, Selection::Semver(ref c) if c.as_str() == ""));
    assert!(policy.allow.matches("anything"));
    assert!(policy.ignore.matching_pattern("anything").is_none());
    assert!(policy.platforms.is_empty());
    assert_eq!(policy.credentials, None);
    assert!(!policy.force_update && !policy.allow_downgrade);
}

#[test]
fn every_setting_is_parsed_into_the_policy() {
    let full = UpdateSettings {
        update_strategy: Some("Newest-Build".into()),
        force_update: Some(true),
        allow_tags: Some("regexp:^v".into()),
        ignore_tags: Some(vec!["*-rc*".into()]),
        pull_secret: Some("pullsecret:argocd/regcred".into()),
        platforms: Some(vec!["linux/arm64".into()]),
        allow_downgrade: Some(true),
    };
    let policy = resolve(image("ghcr.io/org/app"), "", &full).unwrap();
    assert_eq!(policy.selection.strategy(), Strategy::NewestBuild);
    assert!(policy.allow.matches("v1") && !policy.allow.matches("1"));
    assert_eq!(policy.ignore.matching_pattern("1.0-rc1"), Some("*-rc*"));
    assert!(
        policy
            .platforms
            .wants(&Platform::parse("linux/arm64/v8").unwrap())
    );
    assert!(
        !policy
            .platforms
            .wants(&Platform::parse("linux/amd64").unwrap())
    );
    assert!(policy.credentials.is_some());
    assert!(policy.force_update && policy.allow_downgrade);
}

#[test]
fn digest_tracks_the_constraint_text_and_requires_it() {
    let digest = UpdateSettings {
        update_strategy: Some("digest".into()),
        ..settings()
    };
    let policy = resolve(image("app"), " stable ", &digest).unwrap();
    assert!(matches!(policy.selection, Selection::Digest { ref tag } if tag == "stable"));
    let error = resolve(image("app:"), "", &digest).unwrap_err();
    assert_eq!(
        error.to_string(),
        "cannot use update strategy 'digest' for image 'app' without a version constraint"
    );
}

#[test]
fn each_bad_value_is_an_error_naming_the_image_and_value() {
    let cases: [(UpdateSettings, &str, &str); 5] = [
        (settings(), "latest", "`latest`"),
        (
            UpdateSettings {
                update_strategy: Some("newest".into()),
                ..settings()
            },
            "",
            "`newest`",
        ),
        (
            UpdateSettings {
                allow_tags: Some("regexp:(".into()),
                ..settings()
            },
            "",
            "`(`",
        ),
        (
            UpdateSettings {
                ignore_tags: Some(vec!["[".into()]),
                ..settings()
            },
            "",
            "`[`",
        ),
        (
            UpdateSettings {
                platforms: Some(vec!["linux".into()]),
                ..settings()
            },
            "",
            "`linux`",
        ),
    ];
    for (settings, constraint, value) in cases {
        let error = resolve(image("org/app"), constraint, &settings).unwrap_err();
        assert!(error.to_string().contains("`org/app`"), "{error}");
        let source = std::error::Error::source(&error)
            .map(ToString::to_string)
            .unwrap_or_default();
        assert!(source.contains(value), "{value}: {source}");
    }
}

#[test]
fn bad_pull_secret_is_an_error() {
    let bad = UpdateSettings {
        pull_secret: Some("pullsecret:only-name".into()),
        ..settings()
    };
    let error = resolve(image("org/app"), "", &bad).unwrap_err();
    assert!(matches!(error, PolicyError::Credentials { .. }), "{error}");
}
