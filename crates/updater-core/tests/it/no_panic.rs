//! Every parser of the core, fed arbitrary strings: each returns a value or an error, never a
//! panic. One place, so a new parser is easy to add and hard to forget.

use std::collections::BTreeMap;

use proptest::prelude::*;
use updater_core::annotations::{AnnotationConfig, AnnotationMode};
use updater_core::choose::{self, Running, Strategy as UpdateStrategy, TagInfo};
use updater_core::crd::ImageUpdater;
use updater_core::credentials::{CredentialRef, parse_user_pass};
use updater_core::duration::parse_go_duration;
use updater_core::filter::{AllowTags, IgnoreTags, Platform, Platforms, glob_match};
use updater_core::image::ImageRef;
use updater_core::policy::{self, UpdateSettings};
use updater_core::registries::RegistriesConf;
use updater_core::render::template::{
    BranchTemplateData, CommitMessageData, CommitTemplate, render_branch_name,
};
use updater_core::version::{Constraint, Version};
use updater_core::writeback::{BranchSpec, WriteBackMethod, WriteBackTarget};

/// Arbitrary text, biased toward the characters the grammars care about.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[a-zA-Z0-9 ./:=@~^<>!|,*?\\[\\]\\\\{}#$%&'\"\n\t-]{0,40}",
    ]
}

/// Mostly valid strategy names, so the choice itself gets exercised.
fn strategy_name() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(vec!["semver", "newest-build", "alphabetical", "digest", "name"])
            .prop_map(str::to_owned),
        1 => text(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn reference_and_version_parsers(input in text(), other in text()) {
        let _ = ImageRef::parse(&input).map(|image| image.to_string());
        let version = Version::parse(&other);
        if let (Ok(constraint), Ok(version)) = (Constraint::parse(&input), version) {
            let _ = constraint.check(&version);
        }
        let _ = UpdateStrategy::parse(&input);
    }

    #[test]
    fn filter_parsers(input in text(), name in text()) {
        let _ = glob_match(&input, &name);
        if let Ok(allow) = AllowTags::parse(&input) {
            let _ = allow.matches(&name);
        }
        if let Ok(ignore) = IgnoreTags::new(vec![input.clone()]) {
            let _ = ignore.matching_pattern(&name);
        }
        if let (Ok(platforms), Ok(platform)) = (Platforms::parse(&[&input]), Platform::parse(&name)) {
            let _ = platforms.wants(&platform);
        }
    }

    #[test]
    fn configuration_parsers(input in text()) {
        let _ = CredentialRef::parse(&input);
        let _ = parse_user_pass(&input);
        let _ = parse_go_duration(&input);
        let _ = RegistriesConf::parse(&input);
        let _ = RegistriesConf::parse(&format!("registries:\n- {input}"));
        let _ = WriteBackMethod::parse(&input);
        if let Ok(target) = WriteBackTarget::parse(&input) {
            let _ = target.resolve(&input, ".argocd-source-app.yaml");
        }
        let _ = BranchSpec::parse(&input, false);
        let _ = BranchSpec::parse(&input, true);
        if let Ok(resource) = ImageUpdater::from_yaml(&input) {
            let _ = resource.validate();
        }
    }

    #[test]
    fn template_parsers(input in text()) {
        if let Ok(template) = CommitTemplate::parse(&input) {
            let _ = template.render_commit_message_or_fallback(&CommitMessageData::sample());
        }
        let _ = render_branch_name(&input, &BranchTemplateData::default());
    }

    #[test]
    fn annotation_parser(entries in proptest::collection::btree_map(text(), text(), 0..6),
                         list in text()) {
        let mut annotations: BTreeMap<String, String> = entries
            .into_iter()
            .map(|(key, value)| (format!("argocd-image-updater.argoproj.io/{key}"), value))
            .collect();
        annotations.insert("argocd-image-updater.argoproj.io/image-list".into(), list);
        for mode in [AnnotationMode::V1, AnnotationMode::Legacy] {
            let _ = AnnotationConfig::parse(&annotations, mode);
        }
    }

    #[test]
    fn policy_and_choice(image in text(), constraint in text(), strategy in strategy_name(),
                         tags in proptest::collection::vec(text(), 0..8), current in text()) {
        let settings = UpdateSettings {
            update_strategy: Some(strategy),
            ..UpdateSettings::default()
        };
        let Ok(image) = ImageRef::parse(&image) else { return Ok(()) };
        let Ok(policy) = policy::resolve(image, &constraint, &settings) else { return Ok(()) };
        let tags: Vec<TagInfo> = tags.into_iter().map(TagInfo::named).collect();
        let running = Running { tag: Some(current), digest: None };
        let decision = choose::choose(&policy, &tags, Some(&running));
        prop_assert_eq!(decision.verdicts.len(), tags.len());
    }
}
