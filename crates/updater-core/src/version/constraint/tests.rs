//! Table tests for constraint parsing and checking, derived from the Masterminds v3.4 grammar.

use super::super::Version;
use super::{Constraint, ConstraintCheck, ConstraintError, GRAMMAR};

const S: ConstraintCheck = ConstraintCheck::Satisfied;
const P: ConstraintCheck = ConstraintCheck::PrereleaseExcluded;
const U: ConstraintCheck = ConstraintCheck::Unsatisfied;

fn assert_table(table: &[(&str, &str, ConstraintCheck)]) {
    for &(constraint, version, expected) in table {
        let c = Constraint::parse(constraint)
            .unwrap_or_else(|e| panic!("`{constraint}` should parse: {e}"));
        let v = Version::parse(version).unwrap_or_else(|e| panic!("`{version}`: {e}"));
        let got = c.check(&v);
        assert_eq!(got, expected, "`{constraint}` checking `{version}`");
        assert_eq!(
            c.matches(&v),
            expected == S,
            "matches: `{constraint}` `{version}`"
        );
    }
}

#[test]
fn grammar_patterns_compile() {
    assert!(GRAMMAR.valid_group.is_match("1.2.3"));
    assert!(GRAMMAR.range.is_match("1 - 2"));
    assert!(GRAMMAR.find_comparator.is_match(">=1"));
    assert!(GRAMMAR.comparator.is_match(" ~> 1 "));
}

#[test]
fn bare_and_equal_versions() {
    assert_table(&[
        ("1.2.3", "1.2.3", S),
        ("1.2.3", "v1.2.3", S),
        ("v1.2.3", "1.2.3", S),
        ("1.2.3", "1.2.4", U),
        ("1.2.3", "1.2.3-beta", U),
        ("=1.2.3", "1.2.3+build", S),
        ("=1.2.3", "1.2.4", U),
        ("=1.2.3", "1.2.2", U),
        ("= 1.2.3", "1.2.3", S),
        ("  =1.2.3  ", "1.2.3", S),
        ("=1.2.3+meta", "1.2.3", S),
        ("=01.2.3", "1.2.3", S),
        ("=1.2.3-beta", "1.2.3-beta", S),
        ("=1.2.3-beta", "1.2.3", U),
        ("=1.2.3-beta", "1.2.3-beta.1", U),
    ]);
}

#[test]
fn wildcards_and_missing_parts_mean_tilde() {
    assert_table(&[
        ("1.2", "1.2.0", S),
        ("1.2", "1.2.9", S),
        ("1.2", "1.3.0", U),
        ("1.2", "1.1.9", U),
        ("1.2.x", "1.2.0", S),
        ("1.2.*", "1.2.7", S),
        ("1.2.X", "1.3.0", U),
        ("=1.2.x", "1.2.5", S),
        ("1", "1.0.0", S),
        ("1", "1.9.9", S),
        ("1", "2.0.0", U),
        ("1.x", "1.0.0", S),
        ("1.x", "0.9.9", U),
        ("1.*.*", "1.5.5", S),
        ("1.X.x", "2.0.0", U),
        ("x", "0.0.0", S),
        ("*", "999.0.0", S),
        ("X", "3.1.4", S),
        ("x.x.x", "1.2.3", S),
        ("*", "1.0.0-rc.1", P),
        ("1.x", "1.1.0-beta", P),
        ("1.x", "2.0.0-beta", U),
        ("*-0", "1.0.0-beta", S),
        ("*-0", "0.0.0-0", S),
        ("1.x-0", "1.5.0-rc.1", S),
        ("1.x-0", "1.0.0-0", S),
        ("1.x-0", "2.0.0-rc.1", U),
        ("1.2.x-0", "1.2.5-alpha", S),
        ("1.2.x-0", "1.3.0-alpha", U),
        ("1.2.x+meta", "1.2.1", S),
    ]);
}

#[test]
fn empty_constraint_means_any_release() {
    assert_table(&[
        ("", "1.0.0", S),
        ("", "0.0.0", S),
        ("", "v99.1", S),
        ("", "1.0.0-beta", P),
        ("   ", "0.1.0", S),
        ("\t\n", "0.1.0-rc.1", P),
    ]);
    for blank in ["", "  ", "\t"] {
        let c = Constraint::parse(blank).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c.as_str(), blank, "original kept");
    }
}

#[test]
fn not_equal() {
    assert_table(&[
        ("!=1.2.3", "1.2.4", S),
        ("!=1.2.3", "1.2.3", U),
        ("!=1.2.3", "v1.2.3+meta", U),
        ("!=1.2.3", "1.2.3-beta", P),
        ("!=1.2.3-beta", "1.2.3-beta", U),
        ("!=1.2.3-beta", "1.2.3-rc", S),
        ("!=1.2.3-beta", "1.2.3", S),
        ("!=1.x", "1.5.0", U),
        ("!=1.x", "1.0.0", U),
        ("!=1.x", "2.0.0", S),
        ("!=1.x", "0.9.0", S),
        ("!=1", "1.9.0", U),
        ("!=1.2.x", "1.2.9", U),
        ("!=1.2.x", "1.3.0", S),
        ("!=1.2.x", "2.2.0", S),
        ("!=1.2", "1.2.0", U),
        ("!=1.2.x-beta", "1.2.5-beta", U),
        ("!=1.2.x-beta", "1.2.5", S),
        ("!=1.2.x-beta", "1.2.5-rc", S),
        ("!=*", "1.0.0", S),
        ("!=*", "0.1.0", S),
        ("!=x", "0.0.1", S),
        ("!=*", "0.0.0", U),
    ]);
}

#[test]
fn greater_than() {
    assert_table(&[
        (">1.2.3", "1.2.4", S),
        (">1.2.3", "2.0.0", S),
        (">1.2.3", "1.2.3", U),
        (">1.2.3", "1.2.3+b", U),
        (">1.2.3", "1.2.2", U),
        (">1.2.3", "1.3.0-beta", P),
        (">1.2.3-alpha", "1.2.3-beta", S),
        (">1.2.3-alpha", "1.2.3", S),
        (">1.2.3-alpha", "1.2.3-alpha", U),
        (">1", "1.9.9", U),
        (">1", "2.0.0", S),
        (">1.x", "1.5.0", U),
        (">1.2", "1.2.9", U),
        (">1.2", "1.3.0", S),
        (">1.2.x", "1.3.0", S),
        (">1.2", "0.9.0", U),
        (">1.2", "2.0.0", S),
        (">*", "0.0.1", S),
        (">*", "0.0.0", U),
        (">x", "3.0.0", S),
        (">0", "0.5.0", U),
        (">0", "1.0.0", S),
    ]);
}

#[test]
fn less_than() {
    assert_table(&[
        ("<1.2.3", "1.2.2", S),
        ("<1.2.3", "0.0.0", S),
        ("<1.2.3", "1.2.3", U),
        ("<1.2.3", "1.3.0", U),
        ("<1.2.3", "1.2.3-rc.1", P),
        ("<2.0.0-0", "1.9.0", S),
        ("<2.0.0-0", "2.0.0-alpha", U),
        ("<2.0.0-beta", "2.0.0-alpha", S),
        ("<1.x", "0.9.9", S),
        ("<1.x", "1.0.0", U),
        ("<1.2", "1.1.9", S),
        ("<1.2", "1.2.0", U),
        ("<*", "0.0.0", U),
        ("<*", "1.0.0", U),
    ]);
}

#[test]
fn greater_or_equal() {
    assert_table(&[
        (">=1.2.3", "1.2.3", S),
        (">=1.2.3", "1.2.2", U),
        ("=>1.2.3", "2.0.0", S),
        ("=>1.2.3", "1.0.0", U),
        (">= 1.2.3", "1.2.3", S),
        (">=1.2.3", "2.0.0-beta", P),
        (">=1.2.3-0", "2.0.0-beta", S),
        (">=1.2.3-0", "1.2.3-0", S),
        (">=1.2.3-beta", "1.2.3-alpha", U),
        (">=1.x", "1.0.0", S),
        (">=1.x", "0.99.0", U),
        (">=1.2", "1.2.0", S),
        (">=1.2", "1.1.99", U),
        (">=*", "0.0.0", S),
    ]);
}

#[test]
fn less_or_equal() {
    assert_table(&[
        ("<=1.2.3", "1.2.3", S),
        ("<=1.2.3", "1.2.4", U),
        ("=<1.2.3", "1.0.0", S),
        ("=<1.2.3", "2.0.0", U),
        ("<=1.2.3", "1.2.3-beta", P),
        ("<=1.2.3-beta", "1.2.3-alpha", S),
        ("<=1.x", "1.99.99", S),
        ("<=1.x", "2.0.0", U),
        ("<=1.2", "1.2.99", S),
        ("<=1.2", "1.3.0", U),
        ("<=1.2.x", "0.1.0", S),
        // A major wildcard keeps minor and patch at 0, so `<=*` only reaches 0.0.x.
        ("<=*", "0.0.7", S),
        ("<=*", "0.5.0", U),
        ("<=*", "1.0.0", U),
    ]);
}

#[test]
fn tilde() {
    assert_table(&[
        ("~1.2.3", "1.2.3", S),
        ("~1.2.3", "1.2.9", S),
        ("~1.2.3", "1.3.0", U),
        ("~1.2.3", "1.2.2", U),
        ("~>1.2.3", "1.2.5", S),
        ("~>1.2.3", "2.2.5", U),
        ("~ 1.2.3", "1.2.4", S),
        ("~1.2", "1.2.0", S),
        ("~1.2", "1.3.0", U),
        ("~1", "1.9.0", S),
        ("~1", "2.0.0", U),
        ("~1.x", "1.4.0", S),
        ("~0", "0.9.0", S),
        ("~0", "1.0.0", U),
        ("~0.0.0", "5.0.0", S),
        ("~0.0", "0.0.5", S),
        ("~0.0", "0.1.0", U),
        ("~*", "4.0.0", S),
        ("~1.2.3-beta", "1.2.3-beta.2", S),
        ("~1.2.3-beta", "1.2.4-alpha", S),
        ("~1.2.3-beta", "1.2.3-alpha", U),
        ("~1.2.3", "1.2.4-alpha", P),
    ]);
}

#[test]
fn caret() {
    assert_table(&[
        ("^1.2.3", "1.2.3", S),
        ("^1.2.3", "1.9.9", S),
        ("^1.2.3", "2.0.0", U),
        ("^1.2.3", "1.2.2", U),
        ("^1.2.3", "1.5.0-rc.1", P),
        ("^0.2.3", "0.2.9", S),
        ("^0.2.3", "0.3.0", U),
        ("^0.2.3", "1.0.0", U),
        ("^0.2.3", "0.2.2", U),
        ("^0.0.3", "0.0.3", S),
        ("^0.0.3", "0.0.4", U),
        ("^0.0.3", "0.1.0", U),
        ("^0.0", "0.0.9", S),
        ("^0.0", "0.1.0", U),
        ("^0", "0.9.9", S),
        ("^0", "1.0.0", U),
        ("^0.x", "0.5.0", S),
        ("^1", "1.9.0", S),
        ("^1.x", "2.0.0", U),
        ("^1.2", "1.9.0", S),
        ("^1.2", "1.1.0", U),
        ("^0.0.0", "0.0.0", S),
        ("^0.0.0", "0.0.1", U),
        ("^*", "0.0.0", S),
        ("^*", "1.0.0", U),
        ("^1.2.3-alpha", "1.2.3-beta", S),
        ("^1.2.3-alpha", "1.3.0-beta", S),
        ("^1.2.3-beta", "1.2.3-alpha", U),
    ]);
}

#[test]
fn hyphen_ranges() {
    assert_table(&[
        ("1.2 - 1.4.5", "1.2.0", S),
        ("1.2 - 1.4.5", "1.4.5", S),
        ("1.2 - 1.4.5", "1.4.6", U),
        ("1.2 - 1.4.5", "1.1.9", U),
        ("1.2.3 - 2", "2.9.9", S),
        ("1.2.3 - 2", "3.0.0", U),
        ("v1.0.0 - v2.0.0", "1.5.0", S),
        ("1.0.0\t-\t2.0.0", "2.0.0", S),
        ("1.0.0 - 2.0.0", "1.5.0-beta", P),
        ("1.0.0-0 - 2.0.0", "1.5.0-beta", S),
        ("1.0.0 - 2.0.0 || 3.0.0 - 4.0.0", "3.5.0", S),
        ("1.0.0 - 2.0.0 || 3.0.0 - 4.0.0", "2.5.0", U),
        // Without spaces, `-` starts a pre-release instead.
        ("1.0.0-2.0.0", "1.5.0", U),
        ("1.0.0-2.0.0", "1.0.0-2.0.0", S),
    ]);
}

#[test]
fn or_groups() {
    assert_table(&[
        ("1.x || 3.x", "3.1.0", S),
        ("1.x || 3.x", "1.1.0", S),
        ("1.x || 3.x", "2.0.0", U),
        ("<1.0.0 || >=2.0.0", "2.1.0", S),
        ("<1.0.0 || >=2.0.0", "1.5.0", U),
        ("=1.0.0||=2.0.0", "2.0.0", S),
        ("^1.0.0 || ^2.0.0-0", "2.0.0-rc.1", S),
        ("^1.0.0 || ^2.0.0-0", "1.1.0-rc.1", P),
        ("^1.0.0 || ^2.0.0-0", "3.0.0-rc.1", U),
    ]);
}

#[test]
fn and_groups_with_comma_or_space() {
    assert_table(&[
        (">=1.2.3 <2.0.0", "1.9.0", S),
        (">=1.2.3 <2.0.0", "2.0.0", U),
        (">=1.2.3, <2.0.0", "1.2.3", S),
        (">=1.2.3,<2.0.0", "1.2.2", U),
        (">= 1.2.3 , < 2.0.0", "1.5.0", S),
        (">1.0.0<2.0.0", "1.5.0", S),
        (">1.0.0 <1.0.0", "1.0.0", U),
        ("1.2.3 !=1.2.3", "1.2.3", U),
        ("~1.2 !=1.2.5", "1.2.5", U),
        ("~1.2 !=1.2.5", "1.2.6", S),
        ("~1.2, !=1.2.5,", "1.2.4", S),
    ]);
}

#[test]
fn prerelease_rule_is_per_group() {
    assert_table(&[
        (">=1.0.0-0 <2.0.0", "1.5.0-rc.1", S),
        (">=1.0.0 <2.0.0-0", "1.5.0-rc.1", S),
        (">=1.0.0 <2.0.0", "1.5.0-rc.1", P),
        (">=1.0.0 <2.0.0", "2.0.0-rc.1", P),
        (">=1.0.0 <2.0.0", "3.0.0-rc.1", U),
        (">=1.0.0-0 <2.0.0 || >=3", "1.5.0-rc.1", S),
        (">=3 || >=1.0.0-0 <2.0.0", "3.5.0-rc.1", P),
        (">=3 || >=1.0.0-0 <2.0.0", "1.5.0-rc.1", S),
        (">=3 || <1.0.0-0", "3.5.0-rc.1", P),
        ("<1.0.0-0 || >=3", "0.5.0-rc.1", S),
    ]);
}

#[test]
fn v_prefixes_on_both_sides() {
    assert_table(&[
        ("v1.2.3", "1.2.3", S),
        (">=v1.0", "v1.0.0", S),
        ("^v1", "v1.5", S),
        ("~v1.2.x", "1.2.1", S),
        ("<v2", "v2.0.0", U),
    ]);
}

/// Odd spellings Masterminds accepts and this port keeps: after a wildcard the remaining parts
/// are ignored, even when they are not numbers (its number class contains a literal `|`).
#[test]
fn masterminds_quirks_are_kept() {
    assert_table(&[
        ("1.x.5", "1.9.0", S),
        ("x.5.5", "7.0.0", S),
        ("x.|", "5.0.0", S),
        ("1.x.|", "1.3.0", S),
        ("1.x.|", "2.3.0", U),
    ]);
}

const INVALID: &[&str] = &[
    "latest",
    "stable",
    ">>1",
    "=>>1",
    "!1.2.3",
    "~~1",
    "^^1",
    "1.2.3.4",
    "1.2.3-",
    "1.2.3+",
    "v",
    "V1.2",
    "1.0.0 ||",
    "|| 1.0.0",
    "1.0.0 |||| 2.0.0",
    "1.2.3-01",
    "1x",
    "1.2x",
    "1.2.3x",
    "1.|",
    "1|2",
    ">=1.0 <=",
    "1.0 - ",
    ">=1.0 - 2.0",
    "18446744073709551616",
    "1.0.0 ;2.0.0",
    "1.0.0 && 2.0.0",
    "1.0.0,,2.0.0",
    ", 1.0.0",
    "1.0.0\u{a0}",
    "1.0.0\x0b",
];

#[test]
fn rejects_invalid_constraints_naming_the_input() {
    for &input in INVALID {
        let err = Constraint::parse(input).err();
        let expected = ConstraintError::Invalid {
            input: input.to_owned(),
        };
        assert_eq!(err.as_ref(), Some(&expected), "case `{input}`");
        let message = expected.to_string();
        assert!(message.contains(input), "message `{message}`");
    }
}

#[test]
fn keeps_the_original_text() {
    for text in [">= 1.2.3, < 2", "1 - 2", "^v1 || ~2.x"] {
        let c: Constraint = text.parse().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c.as_str(), text);
        assert_eq!(c.to_string(), text);
    }
}
