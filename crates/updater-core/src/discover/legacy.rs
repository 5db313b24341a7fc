//! The v0.x selection without any `ImageUpdater` (spec §1): every Application carrying the
//! `image-list` annotation, filtered by name globs and a label selector, configured by its
//! annotations read with the legacy rules.

use crate::annotations::{ANNOTATION_PREFIX, AnnotationMode};
use crate::crd::LabelSelector;
use crate::filter::glob_match;

use super::{AppMeta, DiscoverWarning, Selection, build, labels_match};

/// The v0.x application filters (`--match-application-name`, `--match-application-label`);
/// the namespace filter (`--application-namespace`) is the caller's list query.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LegacyFilter {
    /// Globs over application names; an app matching any one is kept. Empty keeps every app.
    /// A malformed glob matches nothing (the original logs it and goes on).
    pub name_patterns: Vec<String>,
    /// Labels the app must carry; an invalid selector matches nothing.
    pub label_selector: Option<LabelSelector>,
}

/// Selects every annotated app that passes `filter`, in input order. An app whose annotations
/// do not parse is skipped with a warning; no namespace rule applies to secrets (v0.x had none).
pub fn select_annotated(apps: &[AppMeta], filter: &LegacyFilter) -> Selection {
    let image_list = format!("{ANNOTATION_PREFIX}image-list");
    let mut selection = Selection::default();
    for app in apps {
        let wanted = app.annotations.contains_key(&image_list)
            && name_matches(&filter.name_patterns, &app.name)
            && labels_match(filter.label_selector.as_ref(), &app.labels);
        if wanted {
            select_one(app, &mut selection);
        }
    }
    selection
}

fn select_one(app: &AppMeta, selection: &mut Selection) {
    match build::from_annotations(app, AnnotationMode::Legacy, None, false) {
        Ok((target, deprecated)) => {
            selection
                .warnings
                .extend(
                    deprecated
                        .into_iter()
                        .map(|alias| DiscoverWarning::DeprecatedTagMatch {
                            app: app.key(),
                            alias: alias.replace('/', "_"),
                        }),
                );
            selection.targets.push(target);
        }
        Err(source) => selection.warnings.push(DiscoverWarning::AppSkipped {
            app: app.key(),
            source,
        }),
    }
}

fn name_matches(patterns: &[String], name: &str) -> bool {
    patterns.is_empty()
        || patterns
            .iter()
            .any(|pattern| glob_match(pattern, name).unwrap_or(false))
}
