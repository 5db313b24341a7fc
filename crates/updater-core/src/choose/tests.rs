use super::*;
use crate::filter::{AllowTags, IgnoreTags, Platforms};
use crate::image::ImageRef;
use crate::version::Constraint;

fn policy(selection: Selection) -> ImagePolicy {
    ImagePolicy {
        image: ImageRef {
            alias: None,
            registry: String::new(),
            name: "example/app".into(),
            tag: None,
            digest: None,
        },
        selection,
        allow: AllowTags::Any,
        ignore: IgnoreTags::default(),
        platforms: Platforms::default(),
        credentials: None,
        force_update: false,
        allow_downgrade: false,
    }
}

fn semver(constraint: &str) -> ImagePolicy {
    policy(Selection::Semver(Constraint::parse(constraint).unwrap()))
}

fn names(list: &[&str]) -> Vec<TagInfo> {
    list.iter().map(|name| TagInfo::named(*name)).collect()
}

fn dated(list: &[(&str, &str)]) -> Vec<TagInfo> {
    list.iter()
        .map(|(name, created)| TagInfo {
            created: Some(created.parse().unwrap()),
            ..TagInfo::named(*name)
        })
        .collect()
}

fn running(tag: &str) -> Running {
    Running {
        tag: Some(tag.into()),
        digest: None,
    }
}

fn chosen(decision: &Decision) -> Option<&str> {
    decision.chosen.as_ref().map(|tag| tag.name.as_str())
}

fn reason<'a>(decision: &'a Decision, tag: &str) -> Option<&'a Rejection> {
    let verdict = decision.verdicts.iter().find(|v| v.tag == tag);
    verdict.and_then(|v| v.rejection.as_ref())
}

#[test]
fn semver_picks_the_highest_version_in_the_constraint() {
    let tags = names(&["1.0.0", "1.2.0", "1.10.0", "2.0.0", "latest"]);
    let decision = choose(&semver("~1"), &tags, None);
    assert_eq!(chosen(&decision), Some("1.10.0"));
    assert_eq!(
        reason(&decision, "2.0.0"),
        Some(&Rejection::OutsideConstraint)
    );
    assert_eq!(reason(&decision, "latest"), Some(&Rejection::NotAVersion));
    let older = Rejection::OlderThan {
        best: "1.10.0".into(),
    };
    assert_eq!(reason(&decision, "1.2.0"), Some(&older));
    assert_eq!(reason(&decision, "1.10.0"), None);
    assert!(
        decision.update_needed,
        "an unknown running version forces an update"
    );
}

#[test]
fn semver_empty_constraint_excludes_prereleases() {
    let tags = names(&["1.0.0", "2.0.0-rc.1"]);
    let decision = choose(&semver(""), &tags, None);
    assert_eq!(chosen(&decision), Some("1.0.0"));
    assert_eq!(
        reason(&decision, "2.0.0-rc.1"),
        Some(&Rejection::PrereleaseExcluded)
    );
}

#[test]
fn semver_prerelease_constraint_admits_prereleases() {
    let tags = names(&["1.0.0", "2.0.0-rc.1"]);
    let decision = choose(&semver(">=1.0.0-0"), &tags, None);
    assert_eq!(chosen(&decision), Some("2.0.0-rc.1"));
}

#[test]
fn semver_ties_are_broken_by_the_original_string() {
    let forward = choose(&semver(""), &names(&["v2.0.0", "v2.0", "2.0.0"]), None);
    let backward = choose(&semver(""), &names(&["2.0.0", "v2.0", "v2.0.0"]), None);
    assert_eq!(chosen(&forward), Some("v2.0.0"));
    assert_eq!(chosen(&backward), Some("v2.0.0"));
}

#[test]
fn semver_no_update_when_running_the_chosen_tag() {
    let tags = names(&["1.0.0", "1.1.0"]);
    let decision = choose(&semver(""), &tags, Some(&running("1.1.0")));
    assert_eq!(chosen(&decision), Some("1.1.0"));
    assert!(!decision.update_needed);
    let decision = choose(&semver(""), &tags, Some(&running("1.0.0")));
    assert!(decision.update_needed);
}

#[test]
fn semver_refuses_a_downgrade_the_original_would_make() {
    let tags = names(&["1.2.0", "1.2.5", "1.3.0"]);
    let decision = choose(&semver("~1.2"), &tags, Some(&running("1.3.0")));
    assert_eq!(chosen(&decision), None);
    assert!(!decision.update_needed);
    let refused = Rejection::WouldDowngrade {
        running: "1.3.0".into(),
    };
    assert_eq!(reason(&decision, "1.2.5"), Some(&refused));
    let prevented = decision.downgrade_prevented.as_ref().unwrap();
    assert_eq!(
        (prevented.running.as_str(), prevented.candidate.as_str()),
        ("1.3.0", "1.2.5")
    );
}

#[test]
fn semver_downgrade_allowed_when_the_policy_says_so() {
    let mut allowing = semver("~1.2");
    allowing.allow_downgrade = true;
    let tags = names(&["1.2.0", "1.2.5", "1.3.0"]);
    let decision = choose(&allowing, &tags, Some(&running("1.3.0")));
    assert_eq!(chosen(&decision), Some("1.2.5"));
    assert!(decision.update_needed);
    assert_eq!(decision.downgrade_prevented, None);
}

#[test]
fn semver_running_tag_that_is_not_a_version_is_replaced() {
    let decision = choose(&semver(""), &names(&["1.0.0"]), Some(&running("latest")));
    assert_eq!(chosen(&decision), Some("1.0.0"));
    assert!(decision.update_needed);
}

#[test]
fn equal_tags_compare_by_digest_when_the_running_image_has_one() {
    let live = Running {
        tag: Some("1.0.0".into()),
        digest: Some("sha256:aa".into()),
    };
    let decision = choose(&semver(""), &names(&["1.0.0"]), Some(&live));
    assert!(
        decision.update_needed,
        "a running digest against a candidate without one means different"
    );
}

#[test]
fn a_candidate_digest_alone_is_no_update() {
    let tags: Vec<TagInfo> = dated(&[
        ("build-6", "2025-01-01T00:00:00Z"),
        ("build-7", "2025-02-01T00:00:00Z"),
    ])
    .into_iter()
    .map(|tag| TagInfo {
        digest: Some(format!("sha256:{}", tag.name)),
        ..tag
    })
    .collect();
    let newest_build = policy(Selection::NewestBuild);
    let decision = choose(&newest_build, &tags, Some(&running("build-7")));
    assert_eq!(chosen(&decision), Some("build-7"));
    assert!(
        !decision.update_needed,
        "the running tag is the candidate; only the candidate knows its digest"
    );
    assert!(choose(&newest_build, &tags, Some(&running("build-6"))).update_needed);
}

#[test]
fn nothing_qualifies_gives_no_choice_and_no_update() {
    let decision = choose(&semver(">=9"), &names(&["1.0.0"]), Some(&running("1.0.0")));
    assert_eq!(chosen(&decision), None);
    assert!(!decision.update_needed);
    assert_eq!(decision.verdicts.len(), 1);
    let empty = choose(&semver(""), &[], None);
    assert_eq!(chosen(&empty), None);
}

#[test]
fn allow_tags_rejects_tags_that_do_not_match() {
    let mut filtered = semver("");
    filtered.allow = AllowTags::parse("regexp:^1\\.").unwrap();
    let decision = choose(&filtered, &names(&["1.5.0", "2.0.0"]), None);
    assert_eq!(chosen(&decision), Some("1.5.0"));
    assert_eq!(reason(&decision, "2.0.0"), Some(&Rejection::NotAllowed));
}

#[test]
fn ignore_tags_reports_the_matching_pattern() {
    let mut filtered = policy(Selection::Alphabetical);
    filtered.ignore = IgnoreTags::new(vec!["x*".into(), "z?".into()]).unwrap();
    let decision = choose(&filtered, &names(&["a", "xa", "zz", "zzz"]), None);
    assert_eq!(chosen(&decision), Some("zzz"));
    let by_x = Rejection::Ignored {
        pattern: "x*".into(),
    };
    assert_eq!(reason(&decision, "xa"), Some(&by_x));
    let by_z = Rejection::Ignored {
        pattern: "z?".into(),
    };
    assert_eq!(reason(&decision, "zz"), Some(&by_z));
}

#[test]
fn verdicts_keep_the_input_order() {
    let decision = choose(&semver(""), &names(&["b", "1.0.0", "a"]), None);
    let order: Vec<&str> = decision.verdicts.iter().map(|v| v.tag.as_str()).collect();
    assert_eq!(order, ["b", "1.0.0", "a"]);
}

#[test]
fn alphabetical_picks_the_greatest_name_ignoring_the_constraint() {
    let decision = choose(
        &policy(Selection::Alphabetical),
        &names(&["b", "a", "c", "B"]),
        None,
    );
    assert_eq!(chosen(&decision), Some("c"));
    assert_eq!(
        reason(&decision, "B"),
        Some(&Rejection::OlderThan { best: "c".into() })
    );
}

#[test]
fn alphabetical_refuses_a_lower_name_than_running() {
    let mut filtered = policy(Selection::Alphabetical);
    filtered.allow = AllowTags::parse("regexp:^a").unwrap();
    let decision = choose(&filtered, &names(&["a1", "b1"]), Some(&running("b1")));
    assert_eq!(chosen(&decision), None);
    assert!(decision.downgrade_prevented.is_some());
}

#[test]
fn newest_build_picks_the_latest_creation_time() {
    let tags = dated(&[
        ("old", "2024-01-01T00:00:00Z"),
        ("new", "2025-06-01T00:00:00Z"),
        ("mid", "2025-01-01T00:00:00Z"),
    ]);
    let decision = choose(&policy(Selection::NewestBuild), &tags, None);
    assert_eq!(chosen(&decision), Some("new"));
}

#[test]
fn newest_build_breaks_time_ties_by_greatest_name() {
    let tags = dated(&[("b", "2025-01-01T00:00:00Z"), ("a", "2025-01-01T00:00:00Z")]);
    let decision = choose(&policy(Selection::NewestBuild), &tags, None);
    assert_eq!(chosen(&decision), Some("b"));
}

#[test]
fn newest_build_rejects_tags_without_a_creation_time() {
    let mut tags = dated(&[("a", "2025-01-01T00:00:00Z")]);
    tags.push(TagInfo::named("unknown"));
    let decision = choose(&policy(Selection::NewestBuild), &tags, None);
    assert_eq!(chosen(&decision), Some("a"));
    let missing = Rejection::MissingMetadata {
        what: "creation time",
    };
    assert_eq!(reason(&decision, "unknown"), Some(&missing));
}

#[test]
fn newest_build_refuses_an_older_build_than_running() {
    let mut filtered = policy(Selection::NewestBuild);
    filtered.ignore = IgnoreTags::new(vec!["main-*".into()]).unwrap();
    let tags = dated(&[
        ("v1", "2024-01-01T00:00:00Z"),
        ("main-2", "2025-01-01T00:00:00Z"),
    ]);
    let decision = choose(&filtered, &tags, Some(&running("main-2")));
    assert_eq!(chosen(&decision), None);
    assert!(decision.downgrade_prevented.is_some());
}

#[test]
fn platforms_drop_tags_without_a_wanted_manifest() {
    let mut filtered = policy(Selection::NewestBuild);
    filtered.platforms = Platforms::parse(&["linux/arm64"]).unwrap();
    let mut tags = dated(&[
        ("amd", "2025-02-01T00:00:00Z"),
        ("arm", "2025-01-01T00:00:00Z"),
    ]);
    tags[0].platforms = Some(vec![Platform::parse("linux/amd64").unwrap()]);
    tags[1].platforms = Some(vec![Platform::parse("linux/arm64/v8").unwrap()]);
    let decision = choose(&filtered, &tags, None);
    assert_eq!(chosen(&decision), Some("arm"));
    assert_eq!(reason(&decision, "amd"), Some(&Rejection::PlatformMismatch));
}

#[test]
fn platforms_are_not_checked_by_strategies_without_metadata() {
    let mut filtered = semver("");
    filtered.platforms = Platforms::parse(&["linux/arm64"]).unwrap();
    let mut tags = names(&["1.0.0"]);
    tags[0].platforms = Some(vec![Platform::parse("linux/amd64").unwrap()]);
    assert_eq!(chosen(&choose(&filtered, &tags, None)), Some("1.0.0"));
}

fn digest_policy() -> ImagePolicy {
    policy(Selection::Digest {
        tag: "stable".into(),
    })
}

fn digested(name: &str, digest: Option<&str>) -> TagInfo {
    TagInfo {
        digest: digest.map(str::to_owned),
        ..TagInfo::named(name)
    }
}

#[test]
fn digest_follows_only_the_tracked_tag() {
    let tags = vec![
        digested("stable", Some("sha256:bb")),
        digested("v2", Some("sha256:cc")),
    ];
    let live = Running {
        tag: Some("stable".into()),
        digest: Some("sha256:aa".into()),
    };
    let decision = choose(&digest_policy(), &tags, Some(&live));
    let picked = decision.chosen.as_ref().unwrap();
    assert_eq!(picked.digest.as_deref(), Some("sha256:bb"));
    assert!(decision.update_needed);
    assert_eq!(reason(&decision, "v2"), Some(&Rejection::NotTrackedTag));
}

#[test]
fn digest_no_update_when_the_digest_is_unchanged() {
    let tags = vec![digested("stable", Some("sha256:bb"))];
    let live = Running {
        tag: Some("stable".into()),
        digest: Some("sha256:bb".into()),
    };
    assert!(!choose(&digest_policy(), &tags, Some(&live)).update_needed);
    let without_digest = running("stable");
    assert!(choose(&digest_policy(), &tags, Some(&without_digest)).update_needed);
}

#[test]
fn digest_needs_the_digest_of_the_tracked_tag() {
    let decision = choose(&digest_policy(), &[digested("stable", None)], None);
    assert_eq!(chosen(&decision), None);
    let missing = Rejection::MissingMetadata { what: "digest" };
    assert_eq!(reason(&decision, "stable"), Some(&missing));
}

#[test]
fn strategy_names_parse_with_deprecated_aliases() {
    let cases = [
        ("semver", Strategy::Semver),
        ("SemVer", Strategy::Semver),
        ("newest-build", Strategy::NewestBuild),
        ("latest", Strategy::NewestBuild),
        ("alphabetical", Strategy::Alphabetical),
        ("name", Strategy::Alphabetical),
        (" digest ", Strategy::Digest),
    ];
    for (input, expected) in cases {
        assert_eq!(Strategy::parse(input), Ok(expected), "{input}");
    }
    assert_eq!(Strategy::deprecated_alias("latest"), Some("newest-build"));
    assert_eq!(Strategy::deprecated_alias("semver"), None);
    let error = Strategy::parse("newest").unwrap_err().to_string();
    assert!(error.contains("`newest`"), "{error}");
}

#[test]
fn rejection_texts_name_what_matters() {
    let ignored = Rejection::Ignored {
        pattern: "*-rc*".into(),
    }
    .to_string();
    assert_eq!(ignored, "filtered by ignore-tags pattern `*-rc*`");
    let downgrade = Rejection::WouldDowngrade {
        running: "2.0".into(),
    }
    .to_string();
    assert!(downgrade.contains("`2.0`"), "{downgrade}");
}
