//! Table tests for lenient version parsing and precedence.

use std::cmp::Ordering;

use super::{Version, VersionError};

fn parse(text: &str) -> Version {
    Version::parse(text).unwrap_or_else(|e| panic!("`{text}` should parse: {e}"))
}

/// (input, major, minor, patch, pre-release, metadata)
const VALID: &[(&str, u64, u64, u64, &str, &str)] = &[
    ("1.2.3", 1, 2, 3, "", ""),
    ("v1.2.3", 1, 2, 3, "", ""),
    ("1.2", 1, 2, 0, "", ""),
    ("1", 1, 0, 0, "", ""),
    ("v2", 2, 0, 0, "", ""),
    ("0.0.0", 0, 0, 0, "", ""),
    ("1.02.3", 1, 2, 3, "", ""),
    ("01.002.0003", 1, 2, 3, "", ""),
    ("00", 0, 0, 0, "", ""),
    ("000000000000000000000000000001.0.0", 1, 0, 0, "", ""),
    ("18446744073709551615.0.0", u64::MAX, 0, 0, "", ""),
    ("1.18446744073709551615", 1, u64::MAX, 0, "", ""),
    ("1.2.3-beta", 1, 2, 3, "beta", ""),
    ("1.2.3-beta.1", 1, 2, 3, "beta.1", ""),
    ("1.2.3-0", 1, 2, 3, "0", ""),
    ("1.2.3-0a", 1, 2, 3, "0a", ""),
    ("1.2.3-alpha-1", 1, 2, 3, "alpha-1", ""),
    ("1.2.3--", 1, 2, 3, "-", ""),
    ("1.2.3-DEV.SNAPSHOT", 1, 2, 3, "DEV.SNAPSHOT", ""),
    (
        "1.2.3-18446744073709551616",
        1,
        2,
        3,
        "18446744073709551616",
        "",
    ),
    ("v1.2.3-rc.1+build.5", 1, 2, 3, "rc.1", "build.5"),
    ("1.2.3+001", 1, 2, 3, "", "001"),
    ("1.2.3+a-b", 1, 2, 3, "", "a-b"),
    ("1.2.3+a-b.c", 1, 2, 3, "", "a-b.c"),
    ("1-2", 1, 0, 0, "2", ""),
    ("1.2-rc1", 1, 2, 0, "rc1", ""),
    ("v1+meta", 1, 0, 0, "", "meta"),
    ("1.0-a+b-c", 1, 0, 0, "a", "b-c"),
];

#[test]
fn parses_valid_and_coerced_versions() {
    for &(input, major, minor, patch, pre, meta) in VALID {
        let v = parse(input);
        let got = (
            v.major(),
            v.minor(),
            v.patch(),
            v.prerelease(),
            v.metadata(),
        );
        assert_eq!(got, (major, minor, patch, pre, meta), "case `{input}`");
        assert_eq!(v.original(), input, "original of `{input}`");
        assert_eq!(v.to_string(), input, "display of `{input}`");
        assert_eq!(
            input.parse::<Version>().as_ref(),
            Ok(&v),
            "from_str of `{input}`"
        );
    }
}

const INVALID: &[&str] = &[
    "",
    "v",
    "V1.2.3",
    "vv1",
    "latest",
    "stable",
    "1.2.3.4",
    "1..2",
    "1.",
    ".1",
    "1.2.",
    "-1",
    "+1.2.3",
    "1.2.3-",
    "1.2.3+",
    "1.2.3-beta+",
    "1.2.3-a..b",
    "1.2.3-.a",
    "1.2.3-a.",
    "1.2.3+a+b",
    "1.2.3+a..b",
    "1.2.3-01",
    "1.2.3-rc.00",
    "1.2.3-a_b",
    "1.2.3_4",
    " 1.2.3",
    "1.2.3 ",
    "1.2.3\n",
    "1.2.3-é",
    "1.x",
    "1.2.*",
    "1,2,3",
    "١.2.3",
    "18446744073709551616",
    "1.18446744073709551616.0",
    "1.0.99999999999999999999",
];

#[test]
fn rejects_invalid_versions_naming_the_input() {
    for &input in INVALID {
        let err = Version::parse(input).err();
        let expected = VersionError::Invalid {
            input: input.to_owned(),
        };
        assert_eq!(err.as_ref(), Some(&expected), "case `{input}`");
        let message = expected.to_string();
        assert!(
            message.contains(&format!("`{input}`")),
            "message `{message}`"
        );
    }
}

/// Strictly ascending precedence.
const ASCENDING: &[&str] = &[
    "0.0.0-0",
    "0.0.0-1",
    "0.0.0-9",
    "0.0.0-10",
    "0.0.0-18446744073709551615",
    // Too large for u64: Go orders it as a word, above every number and below letters.
    "0.0.0-18446744073709551616",
    "0.0.0-A",
    "0.0.0-a",
    "0.0.0-a.0",
    "0.0.0-a.1",
    "0.0.0-a.a",
    "0.0.0-a0",
    "0.0.0-alpha",
    "0.0.0-b",
    "0.0.0",
    "0.0.1-rc.1",
    "0.0.1",
    "0.1.0",
    "0.9.0",
    "0.10.0",
    "1.0.0-alpha",
    "1.0.0-alpha.1",
    "1.0.0-alpha.beta",
    "1.0.0-beta",
    "1.0.0-beta.2",
    "1.0.0-beta.11",
    "1.0.0-rc.1",
    "1.0.0",
    "1.0.1",
    "1.1.0",
    "2.0.0",
    "10.0.0",
    "18446744073709551615.0.0",
];

#[test]
fn precedence_follows_semver_order() {
    let versions: Vec<Version> = ASCENDING.iter().map(|t| parse(t)).collect();
    for (i, a) in versions.iter().enumerate() {
        for (j, b) in versions.iter().enumerate() {
            let expected = i.cmp(&j);
            assert_eq!(a.cmp_precedence(b), expected, "`{a}` vs `{b}`");
            assert_eq!(a.cmp(b), expected, "ord of `{a}` vs `{b}`");
        }
    }
}

/// Pairs with equal precedence but different text: `Ord` breaks the tie by the original.
const SAME_PRECEDENCE: &[(&str, &str)] = &[
    ("1", "1.0.0"),
    ("v1.2.3", "1.2.3"),
    ("1.2.3+a", "1.2.3+b"),
    ("1.02.3", "1.2.3"),
    ("v2.0", "2.0.0"),
    ("1.0.0-rc.1+x", "1.0.0-rc.1"),
    ("007.0.0", "7"),
];

#[test]
fn equal_precedence_is_tie_broken_by_original_text() {
    for &(a, b) in SAME_PRECEDENCE {
        let (va, vb) = (parse(a), parse(b));
        assert_eq!(va.cmp_precedence(&vb), Ordering::Equal, "`{a}` vs `{b}`");
        assert_eq!(va.cmp(&vb), a.cmp(b), "ord of `{a}` vs `{b}`");
        assert_ne!(va, vb, "`{a}` and `{b}` are distinct");
        assert_eq!(va, parse(a), "`{a}` equals itself");
    }
}

#[test]
fn sorting_breaks_ties_lexically() {
    let mut versions: Vec<Version> = ["v2.0", "2.0.0+b", "2", "1.9", "2.0.0", "2.0.0-rc.1"]
        .iter()
        .map(|t| parse(t))
        .collect();
    versions.sort();
    let sorted: Vec<&str> = versions.iter().map(Version::original).collect();
    assert_eq!(
        sorted,
        ["1.9", "2.0.0-rc.1", "2", "2.0.0", "2.0.0+b", "v2.0"]
    );
}

#[test]
fn hash_agrees_with_eq() {
    use std::collections::HashSet;
    let set: HashSet<Version> = ["1.0.0", "v1.0.0", "1.0.0", "1"]
        .iter()
        .map(|t| parse(t))
        .collect();
    assert_eq!(set.len(), 3);
}
