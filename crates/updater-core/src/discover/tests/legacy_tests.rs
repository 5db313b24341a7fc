//! The v0.x mode: annotated apps across namespaces, name and label filters, legacy key rules.

use super::*;
use crate::annotations::AnnotationError;
use crate::crd::LabelSelectorRequirement;

fn legacy_apps() -> Vec<AppMeta> {
    vec![
        app(
            "argocd",
            "guestbook",
            &[("team", "web")],
            &[
                (
                    "image-list",
                    "argoproj/argocd=quay.io/argoproj/argocd:~2.9, redis",
                ),
                ("argoproj_argocd.tag-match", "regexp:^v2"),
                ("argoproj_argocd.pull-secret", "pullsecret:other-ns/quay"),
                ("write-back-method", "git:secret:infra/git-creds"),
            ],
        ),
        app(
            "team-a",
            "billing",
            &[("team", "pay")],
            &[("image-list", "pay=ghcr.io/a/pay")],
        ),
        app("team-a", "unmanaged", &[("team", "web")], &[]),
        app(
            "team-b",
            "broken",
            &[("team", "web")],
            &[("image-list", " , ")],
        ),
    ]
}

#[test]
fn every_annotated_app_in_every_namespace_without_filters() {
    let selection = select_annotated(&legacy_apps(), &LegacyFilter::default());
    assert_eq!(
        picks(&selection),
        [("guestbook".to_owned(), None), ("billing".to_owned(), None)]
    );
    assert!(selection.targets.iter().all(|t| t.annotation_mode));
}

#[test]
fn slash_in_alias_becomes_underscore_and_tag_match_is_honoured() {
    let selection = select_annotated(&legacy_apps(), &LegacyFilter::default());
    let guestbook = target(&selection, "guestbook");
    let argocd = &guestbook.images[0];
    assert_eq!(argocd.alias.as_deref(), Some("argoproj/argocd"));
    assert_eq!(argocd.settings.allow_tags.as_deref(), Some("regexp:^v2"));
    assert!(
        selection
            .warnings
            .contains(&DiscoverWarning::DeprecatedTagMatch {
                app: AppKey {
                    namespace: "argocd".into(),
                    name: "guestbook".into()
                },
                alias: "argoproj_argocd".into(),
            })
    );
    assert_eq!(
        selection.warnings[0].to_string(),
        "application `argocd/guestbook` uses the deprecated annotation `argoproj_argocd.tag-match`, \
         use `argoproj_argocd.allow-tags` instead"
    );
}

#[test]
fn v0_has_no_namespace_rule_for_secrets() {
    let selection = select_annotated(&legacy_apps(), &LegacyFilter::default());
    let guestbook = target(&selection, "guestbook");
    assert!(guestbook.images.iter().all(|i| i.error.is_none()));
    let method = guestbook
        .write_back
        .as_ref()
        .and_then(|w| w.method.as_deref());
    assert_eq!(method, Some("git:secret:infra/git-creds"));
}

#[test]
fn unparsable_annotations_skip_the_app_with_a_warning() {
    let selection = select_annotated(&legacy_apps(), &LegacyFilter::default());
    let skipped: Vec<_> = selection
        .warnings
        .iter()
        .filter(|w| matches!(w, DiscoverWarning::AppSkipped { .. }))
        .collect();
    assert_eq!(
        skipped,
        [&DiscoverWarning::AppSkipped {
            app: AppKey {
                namespace: "team-b".into(),
                name: "broken".into()
            },
            source: ConfigError::Annotations {
                source: AnnotationError::ImageListEmpty
            },
        }]
    );
    assert_eq!(
        skipped[0].to_string(),
        "skipping application `team-b/broken`"
    );
}

#[test]
fn name_patterns_keep_apps_matching_any_glob() {
    let filter = LegacyFilter {
        name_patterns: vec!["bill*".into(), "[".into(), "nothing".into()],
        label_selector: None,
    };
    let selection = select_annotated(&legacy_apps(), &filter);
    assert_eq!(picks(&selection), [("billing".to_owned(), None)]);
    assert!(selection.warnings.is_empty());
}

#[test]
fn label_selector_filters_and_invalid_one_matches_nothing() {
    let web = LegacyFilter {
        name_patterns: vec![],
        label_selector: Some(LabelSelector {
            match_labels: Some(pairs(&[("team", "web")])),
            match_expressions: None,
        }),
    };
    let selection = select_annotated(&legacy_apps(), &web);
    // `broken` carries the label too, so it is parsed (and skipped); `unmanaged` has no list.
    assert_eq!(picks(&selection), [("guestbook".to_owned(), None)]);
    assert_eq!(selection.warnings.len(), 2);

    let invalid = LegacyFilter {
        name_patterns: vec![],
        label_selector: Some(LabelSelector {
            match_labels: None,
            match_expressions: Some(vec![LabelSelectorRequirement {
                key: "team".into(),
                operator: "Exists".into(),
                values: Some(vec!["web".into()]),
            }]),
        }),
    };
    assert_eq!(
        select_annotated(&legacy_apps(), &invalid),
        Selection::default()
    );
}

#[test]
fn legacy_force_update_is_true_only_for_true() {
    let apps = [app(
        "ns",
        "a",
        &[],
        &[
            ("image-list", "x=img"),
            ("x.force-update", "yes"),
            ("force-update", "True"),
        ],
    )];
    let selection = select_annotated(&apps, &LegacyFilter::default());
    assert_eq!(
        selection.targets[0].images[0].settings.force_update,
        Some(false)
    );
}
