//! Property tests: no filter parser panics, and globs agree with literal matching.

use proptest::prelude::*;

use super::*;

proptest! {
    #[test]
    fn glob_never_panics(pattern in r"[\[\]\\*?^!a-c/\-é]{0,12}", name in r"[a-c/*?\-é\]\[]{0,10}") {
        let _ = glob_match(&pattern, &name);
    }

    #[test]
    fn glob_never_panics_on_arbitrary_text(pattern in any::<String>(), name in any::<String>()) {
        let _ = glob_match(&pattern, &name);
    }

    #[test]
    fn glob_is_well_formed_for_every_name_or_none(pattern in r"[\[\]\\*?^a-c\-]{0,10}", name in "[a-c]{0,6}") {
        // A malformed pattern is reported whatever the name is.
        prop_assert_eq!(glob_match(&pattern, &name).is_err(), glob_match(&pattern, "").is_err());
    }

    #[test]
    fn literal_pattern_matches_exactly_itself(pattern in "[a-z0-9.-]{0,10}", name in "[a-z0-9.-]{0,10}") {
        prop_assert_eq!(glob_match(&pattern, &name), Ok(pattern == name));
    }

    #[test]
    fn star_prefix_matches_every_slashless_suffix(prefix in "[a-z]{0,5}", rest in "[a-z/]{0,8}") {
        let name = format!("{prefix}{rest}");
        prop_assert_eq!(glob_match(&format!("{prefix}*"), &name), Ok(!rest.contains('/')));
    }

    #[test]
    fn allow_tags_parse_never_panics(input in any::<String>()) {
        let _ = AllowTags::parse(&input);
    }

    #[test]
    fn platform_parse_never_panics(input in any::<String>()) {
        let _ = Platform::parse(&input);
    }

    #[test]
    fn platform_display_round_trips(os in "[a-z0-9]{1,8}", arch in "[a-z0-9]{1,8}", variant in "([a-z0-9]{1,4})?") {
        let platform = Platform::new(&os, &arch, &variant);
        prop_assert_eq!(Platform::parse(&platform.to_string()), Ok(platform));
    }
}
