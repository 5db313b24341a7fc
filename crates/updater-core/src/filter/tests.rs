//! Unit tests for globs, allow-tags, ignore-tags and platforms.

use super::*;

fn matches(pattern: &str, name: &str) -> bool {
    glob_match(pattern, name).unwrap_or_else(|_| panic!("`{pattern}` should be well-formed"))
}

#[test]
fn glob_literal_matches_only_itself() {
    assert!(matches("v1.0", "v1.0"));
    assert!(!matches("v1.0", "v1.00"));
    assert!(!matches("v1.0", "v1."));
    assert!(matches("", ""));
    assert!(!matches("", "a"));
}

#[test]
fn glob_star_matches_runs_without_slash() {
    assert!(matches("*", "anything-at.all"));
    assert!(matches("*", ""));
    assert!(!matches("*", "a/b"));
    assert!(matches("v*-rc", "v1.2-rc"));
    assert!(!matches("v*-rc", "v1/2-rc"));
    assert!(matches("a*b*c", "axxbyyc"));
    assert!(!matches("a*b*c", "axxbyyd"));
    assert!(matches("*/b", "a/b"));
    assert!(!matches("*b", "a/b"));
    assert!(matches("a**", "abc"));
}

#[test]
fn glob_star_last_chunk_must_exhaust_name() {
    assert!(matches("*c", "abcbc"));
    assert!(!matches("*c", "abcbd"));
    assert!(matches("*x*", "axbxc"));
}

#[test]
fn glob_question_mark_is_one_non_slash_char() {
    assert!(matches("v?", "v1"));
    assert!(!matches("v?", "v12"));
    assert!(!matches("v?", "v"));
    assert!(!matches("a?b", "a/b"));
    assert!(matches("?", "é"));
    assert!(matches("?x", "日x"));
}

#[test]
fn glob_classes_and_ranges() {
    assert!(matches("[abc]", "b"));
    assert!(!matches("[abc]", "d"));
    assert!(matches("v[0-9]", "v7"));
    assert!(!matches("v[0-9]", "vx"));
    assert!(matches("[a-cx-z]", "y"));
    assert!(!matches("[a-cx-z]", "m"));
    assert!(matches("[α-ω]", "λ"));
    assert!(!matches("[α-ω]", "a"));
    assert!(matches("[*]", "*"));
    assert!(!matches("[*]", "x"));
}

#[test]
fn glob_caret_negates_but_bang_does_not() {
    assert!(matches("[^0-9]", "x"));
    assert!(!matches("[^0-9]", "5"));
    assert!(matches("[!a]", "!"));
    assert!(matches("[!a]", "a"));
    assert!(!matches("[!a]", "b"));
}

#[test]
fn glob_class_does_not_match_nothing() {
    assert!(!matches("[^a]", ""));
    assert!(!matches("x[a-z]", "x"));
}

#[test]
fn glob_escapes() {
    assert!(matches(r"\*", "*"));
    assert!(!matches(r"\*", "a"));
    assert!(matches(r"a\?", "a?"));
    assert!(!matches(r"a\?", "ab"));
    assert!(matches(r"[\]]", "]"));
    assert!(matches(r"[\-]", "-"));
    assert!(!matches(r"[\-]", "a"));
    assert!(matches(r"[\^x]", "^"));
    assert!(matches(r"\[", "["));
}

#[test]
fn glob_bad_patterns() {
    for pattern in [
        "[", "[]", "[a", "[a-", "[a-]", "[-a]", "[^]", "[^", r"\", r"a\", r"[\", r"[\]", "[a-b-c]",
        "[]a]", "*[", "a[",
    ] {
        assert_eq!(
            glob_match(pattern, "a"),
            Err(BadPattern),
            "`{pattern}` vs `a`"
        );
        assert_eq!(
            glob_match(pattern, ""),
            Err(BadPattern),
            "`{pattern}` vs ``"
        );
    }
}

#[test]
fn glob_bad_pattern_reported_after_mismatch() {
    // Go 1.16+ scans the rest of the pattern even when the name already failed.
    assert_eq!(glob_match("x*[", "y"), Err(BadPattern));
    assert_eq!(glob_match("a*b*[", "zzz"), Err(BadPattern));
    assert_eq!(glob_match("b[", "a"), Err(BadPattern));
    assert_eq!(glob_match("x*[a-", "xyz"), Err(BadPattern));
    assert_eq!(glob_match("x*y", "z"), Ok(false));
}

#[test]
fn allow_tags_empty_and_any_accept_everything() {
    for input in ["", "any", "ANY", "Any", "any:ignored"] {
        let allow = AllowTags::parse(input).expect("valid");
        assert!(matches!(allow, AllowTags::Any), "`{input}`");
        assert!(allow.matches("whatever"));
    }
}

#[test]
fn allow_tags_regexp_is_unanchored_and_prefix_case_insensitive() {
    for input in ["regexp:^v[0-9]+$", "REGEXP:^v[0-9]+$", "RegExp:^v[0-9]+$"] {
        let allow = AllowTags::parse(input).expect("valid");
        assert!(allow.matches("v12"), "`{input}`");
        assert!(!allow.matches("v12-rc"), "`{input}`");
    }
    let unanchored = AllowTags::parse("regexp:rc").expect("valid");
    assert!(unanchored.matches("v1-rc1"));
    assert!(!unanchored.matches("v1"));
    let with_colon = AllowTags::parse("regexp:^a:b$").expect("valid");
    assert!(with_colon.matches("a:b"));
    assert!(AllowTags::parse("regexp:").expect("valid").matches("x"));
}

#[test]
fn allow_tags_bad_regexp_is_an_error() {
    let error = AllowTags::parse("regexp:v[0-9").expect_err("bad regexp");
    assert!(
        matches!(&error, FilterError::BadRegexp { pattern, .. } if pattern == "v[0-9"),
        "{error:?}"
    );
}

#[test]
fn allow_tags_unknown_function_is_an_error() {
    for input in ["^v1", "regexp", "glob:v*", "anything", " any"] {
        assert_eq!(
            AllowTags::parse(input).expect_err(input),
            FilterError::UnknownMatchFunction {
                input: input.to_owned()
            }
        );
    }
}

#[test]
fn ignore_tags_returns_first_matching_pattern() {
    let ignore = IgnoreTags::new(vec!["latest".into(), "*-rc*".into(), "v1-*".into()])
        .expect("valid patterns");
    assert_eq!(ignore.matching_pattern("latest"), Some("latest"));
    assert_eq!(ignore.matching_pattern("v1-rc1"), Some("*-rc*"));
    assert_eq!(ignore.matching_pattern("v1-beta"), Some("v1-*"));
    assert_eq!(ignore.matching_pattern("v2.0"), None);
}

#[test]
fn ignore_tags_star_ignores_everything_and_empty_ignores_nothing() {
    let all = IgnoreTags::new(vec!["*".into()]).expect("valid");
    assert_eq!(all.matching_pattern("v1"), Some("*"));
    let none = IgnoreTags::new(Vec::new()).expect("valid");
    assert_eq!(none.matching_pattern("v1"), None);
}

#[test]
fn ignore_tags_empty_pattern_matches_only_empty_tag() {
    let ignore = IgnoreTags::new(vec![String::new()]).expect("empty pattern is allowed");
    assert_eq!(ignore.matching_pattern(""), Some(""));
    assert_eq!(ignore.matching_pattern("v1"), None);
}

#[test]
fn ignore_tags_bad_glob_is_named() {
    let error = IgnoreTags::new(vec!["ok*".into(), "bad[".into()]).expect_err("bad glob");
    assert_eq!(
        error,
        FilterError::BadGlob {
            pattern: "bad[".into()
        }
    );
    assert_eq!(
        error.to_string(),
        "invalid glob pattern `bad[` in ignore-tags"
    );
}

#[test]
fn platform_parses_two_or_three_parts_lowercased() {
    let two = Platform::parse("Linux/AMD64").expect("valid");
    assert_eq!(two, Platform::new("linux", "amd64", ""));
    assert_eq!(two.to_string(), "linux/amd64");
    let three = Platform::parse("linux/arm/V7").expect("valid");
    assert_eq!(three, Platform::new("linux", "arm", "v7"));
    assert_eq!(three.to_string(), "linux/arm/v7");
}

#[test]
fn platform_rejects_other_shapes() {
    for input in [
        "",
        "linux",
        "linux/",
        "/amd64",
        "linux//v7",
        "linux/arm/",
        "a/b/c/d",
        "/",
    ] {
        assert_eq!(
            Platform::parse(input),
            Err(FilterError::BadPlatform {
                input: input.to_owned()
            }),
            "`{input}`"
        );
    }
}

fn platforms(specs: &[&str]) -> Platforms {
    Platforms::parse(specs).expect("valid platforms")
}

fn wants(set: &Platforms, platform: &str) -> bool {
    set.wants(&Platform::parse(platform).expect("valid platform"))
}

#[test]
fn platforms_empty_set_wants_everything() {
    let set = platforms(&[]);
    assert!(set.is_empty());
    assert!(wants(&set, "linux/amd64"));
    assert!(wants(&set, "windows/arm64/v8"));
}

#[test]
fn platforms_exact_key_matches() {
    let set = platforms(&["linux/amd64", "linux/arm/v7"]);
    assert!(!set.is_empty());
    assert!(wants(&set, "linux/amd64"));
    assert!(wants(&set, "linux/arm/v7"));
    assert!(!wants(&set, "linux/386"));
    assert!(!wants(&set, "windows/amd64"));
}

#[test]
fn platforms_variantless_spec_covers_every_variant() {
    let set = platforms(&["linux/arm"]);
    assert!(wants(&set, "linux/arm/v6"));
    assert!(wants(&set, "linux/arm/v7"));
    assert!(wants(&set, "linux/arm"));
    assert!(!wants(&set, "linux/arm64"));
}

#[test]
fn platforms_variant_spec_does_not_cover_other_variants() {
    let set = platforms(&["linux/arm/v7"]);
    assert!(!wants(&set, "linux/arm/v6"));
    assert!(!wants(&set, "linux/arm"));
}

#[test]
fn platforms_arm64_default_variant_is_v8() {
    let v8 = platforms(&["linux/arm64/v8"]);
    assert!(wants(&v8, "linux/arm64"));
    assert!(wants(&v8, "linux/arm64/v8"));
    assert!(!wants(&v8, "linux/arm64/v9"));
    let plain = platforms(&["linux/arm64"]);
    assert!(wants(&plain, "linux/arm64/v8"));
    assert!(wants(&plain, "linux/arm64"));
}

#[test]
fn platforms_amd64_default_variant_is_v1() {
    let v1 = platforms(&["linux/amd64/v1"]);
    assert!(wants(&v1, "linux/amd64"));
    assert!(!wants(&v1, "linux/amd64/v2"));
    let plain = platforms(&["linux/amd64"]);
    assert!(wants(&plain, "linux/amd64/v1"));
    assert!(wants(&plain, "linux/amd64/v3"));
    let v3 = platforms(&["linux/amd64/v3"]);
    assert!(!wants(&v3, "linux/amd64"));
}

#[test]
fn platforms_normalise_manifest_case_and_arch_aliases() {
    let set = platforms(&["linux/arm64", "linux/amd64"]);
    assert!(set.wants(&Platform::new("Linux", "ARM64", "")));
    assert!(set.wants(&Platform::new("linux", "aarch64", "")));
    assert!(set.wants(&Platform::new("linux", "x86_64", "")));
    assert!(!set.wants(&Platform::new("linux", "riscv64", "")));
}

#[test]
fn platforms_parse_reports_the_bad_spec() {
    assert_eq!(
        Platforms::parse(&["linux/amd64", "arm64"]),
        Err(FilterError::BadPlatform {
            input: "arm64".into()
        })
    );
    assert_eq!(
        platforms(&["linux/amd64", "linux/arm/v7"]).platforms(),
        &[
            Platform::new("linux", "amd64", ""),
            Platform::new("linux", "arm", "v7")
        ]
    );
}

/// Go's own `filepath.Match` test table (`match_test.go`, Go 1.2x).
#[test]
fn glob_agrees_with_go_match_test_table() {
    let ok = |m: bool| Ok::<bool, BadPattern>(m);
    let bad = Err::<bool, BadPattern>(BadPattern);
    let table = [
        ("abc", "abc", ok(true)),
        ("*", "abc", ok(true)),
        ("*c", "abc", ok(true)),
        ("a*", "a", ok(true)),
        ("a*", "abc", ok(true)),
        ("a*", "ab/c", ok(false)),
        ("a*/b", "abc/b", ok(true)),
        ("a*/b", "a/c/b", ok(false)),
        ("a*b*c*d*e*/f", "axbxcxdxe/f", ok(true)),
        ("a*b*c*d*e*/f", "axbxcxdxexxx/f", ok(true)),
        ("a*b*c*d*e*/f", "axbxcxdxe/xxx/f", ok(false)),
        ("a*b*c*d*e*/f", "axbxcxdxexxx/fff", ok(false)),
        ("a*b?c*x", "abxbbxdbxebxczzx", ok(true)),
        ("a*b?c*x", "abxbbxdbxebxczzy", ok(false)),
        ("ab[c]", "abc", ok(true)),
        ("ab[b-d]", "abc", ok(true)),
        ("ab[e-g]", "abc", ok(false)),
        ("ab[^c]", "abc", ok(false)),
        ("ab[^b-d]", "abc", ok(false)),
        ("ab[^e-g]", "abc", ok(true)),
        ("a\\*b", "a*b", ok(true)),
        ("a\\*b", "ab", ok(false)),
        ("a?b", "a☺b", ok(true)),
        ("a[^a]b", "a☺b", ok(true)),
        ("a???b", "a☺b", ok(false)),
        ("a[^a][^a][^a]b", "a☺b", ok(false)),
        ("[a-ζ]*", "α", ok(true)),
        ("*[a-ζ]", "A", ok(false)),
        ("a?b", "a/b", ok(false)),
        ("a*b", "a/b", ok(false)),
        ("[\\]a]", "]", ok(true)),
        ("[\\-]", "-", ok(true)),
        ("[x\\-]", "x", ok(true)),
        ("[x\\-]", "-", ok(true)),
        ("[x\\-]", "z", ok(false)),
        ("[\\-x]", "x", ok(true)),
        ("[\\-x]", "-", ok(true)),
        ("[\\-x]", "a", ok(false)),
        ("[]a]", "]", bad),
        ("[-]", "-", bad),
        ("[x-]", "x", bad),
        ("[x-]", "-", bad),
        ("[x-]", "z", bad),
        ("[-x]", "x", bad),
        ("[-x]", "-", bad),
        ("[-x]", "a", bad),
        ("\\", "a", bad),
        ("[a-b-c]", "a", bad),
        ("[", "a", bad),
        ("[^", "a", bad),
        ("[^bc", "a", bad),
        ("a[", "a", bad),
        ("a[", "ab", bad),
        ("a[", "x", bad),
        ("a/b[", "x", bad),
        ("*x", "xxx", ok(true)),
    ];
    for (pattern, name, expected) in table {
        assert_eq!(
            glob_match(pattern, name),
            expected,
            "`{pattern}` vs `{name}`"
        );
    }
}

#[test]
fn bad_regexp_message_is_one_line_naming_the_pattern() {
    let error = AllowTags::parse("regexp:([").unwrap_err().to_string();
    assert_eq!(
        error,
        "invalid regular expression `([` in allow-tags: unclosed character class"
    );
}
