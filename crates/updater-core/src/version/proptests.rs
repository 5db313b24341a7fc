//! Property tests: `Ord` laws, agreement between ordering and constraints, and no panics.

use std::cmp::Ordering;

use proptest::prelude::*;

use super::{Constraint, ConstraintCheck, Version};

/// Mostly small numbers, so that ties and near-ties are common.
fn number() -> impl Strategy<Value = u64> {
    prop_oneof![4 => 0u64..4, 1 => any::<u64>()]
}

/// A number as text, sometimes with leading zeros (which parsing coerces).
fn number_text() -> impl Strategy<Value = String> {
    (number(), 0usize..3).prop_map(|(n, zeros)| format!("{}{n}", "0".repeat(zeros)))
}

fn identifiers(pattern: &'static str) -> impl Strategy<Value = String> {
    prop::collection::vec(pattern, 1..4).prop_map(|ids| ids.join("."))
}

fn prerelease() -> impl Strategy<Value = String> {
    identifiers("0|[1-9][0-9]{0,2}|[0-9]{0,2}[a-cA-C-][0-9a-c-]{0,2}")
}

fn metadata() -> impl Strategy<Value = String> {
    identifiers("[0-9a-zA-Z-]{1,3}")
}

fn suffix(pre: Option<String>, meta: Option<String>) -> String {
    let pre = pre.map(|p| format!("-{p}")).unwrap_or_default();
    let meta = meta.map(|m| format!("+{m}")).unwrap_or_default();
    pre + &meta
}

/// Any valid version text: optional `v`, 1–3 parts, optional pre-release and metadata.
fn version_text() -> impl Strategy<Value = String> {
    let parts = prop::collection::vec(number_text(), 1..=3);
    let extras = (prop::option::of(prerelease()), prop::option::of(metadata()));
    (any::<bool>(), parts, extras).prop_map(|(v, parts, (pre, meta))| {
        let prefix = if v { "v" } else { "" };
        format!("{prefix}{}{}", parts.join("."), suffix(pre, meta))
    })
}

/// A full `M.m.p` text (no wildcard), with or without a pre-release.
fn full_text(with_pre: bool) -> impl Strategy<Value = String> {
    let pre = if with_pre {
        prop::option::of(prerelease()).boxed()
    } else {
        Just(None).boxed()
    };
    let nums = (number_text(), number_text(), number_text());
    (any::<bool>(), nums, pre, prop::option::of(metadata())).prop_map(
        |(v, (a, b, c), pre, meta)| {
            let prefix = if v { "v" } else { "" };
            format!("{prefix}{a}.{b}.{c}{}", suffix(pre, meta))
        },
    )
}

/// Text biased toward the characters of the version and constraint grammars.
fn grammar_soup() -> impl Strategy<Value = String> {
    "[0-9.vxX*+~^><=!|, a-]{0,40}"
}

fn version(text: &str) -> Version {
    Version::parse(text).unwrap_or_else(|e| panic!("generated `{text}`: {e}"))
}

fn constraint(text: &str) -> Constraint {
    Constraint::parse(text).unwrap_or_else(|e| panic!("generated `{text}`: {e}"))
}

/// Pairs where the second is sometimes the very same text.
fn pair() -> impl Strategy<Value = (String, String)> {
    prop_oneof![
        (version_text(), version_text()),
        version_text().prop_map(|t| (t.clone(), t)),
    ]
}

proptest! {
    #[test]
    fn ord_is_antisymmetric_and_consistent_with_eq((a, b) in pair()) {
        let (va, vb) = (version(&a), version(&b));
        prop_assert_eq!(va.cmp(&vb), vb.cmp(&va).reverse());
        prop_assert_eq!(va.cmp_precedence(&vb), vb.cmp_precedence(&va).reverse());
        let same = a == b && va.cmp_precedence(&vb) == Ordering::Equal;
        prop_assert_eq!(va.cmp(&vb) == Ordering::Equal, same);
        prop_assert_eq!(va == vb, same);
    }

    #[test]
    fn ord_is_transitive(a in version_text(), b in version_text(), c in version_text()) {
        let vs = [version(&a), version(&b), version(&c)];
        for [i, j, k] in [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]] {
            let (x, y, z) = (&vs[i], &vs[j], &vs[k]);
            if x <= y && y <= z {
                prop_assert!(x <= z, "{x} <= {y} <= {z}");
            }
            if x.cmp_precedence(y).is_le() && y.cmp_precedence(z).is_le() {
                prop_assert!(x.cmp_precedence(z).is_le(), "precedence {x} {y} {z}");
            }
        }
    }

    #[test]
    fn release_order_agrees_with_constraints(a in full_text(false), b in full_text(false)) {
        let (va, vb) = (version(&a), version(&b));
        let (lo, hi, lo_text, hi_text) = match va.cmp_precedence(&vb) {
            Ordering::Less => (&va, &vb, &a, &b),
            Ordering::Greater => (&vb, &va, &b, &a),
            Ordering::Equal => return Ok(()),
        };
        let holds = |op: &str, text: &str, v: &Version| constraint(&format!("{op}{text}")).matches(v);
        prop_assert!(holds(">=", lo_text, hi), "`>={}` on `{}`", lo_text, hi);
        prop_assert!(holds(">", lo_text, hi), "`>{}` on `{}`", lo_text, hi);
        prop_assert!(holds("<", hi_text, lo), "`<{}` on `{}`", hi_text, lo);
        prop_assert!(holds("<=", hi_text, lo), "`<={}` on `{}`", hi_text, lo);
        prop_assert!(!holds(">", lo_text, lo), "`>{}` on `{}`", lo_text, lo);
        prop_assert!(!holds("<", hi_text, hi), "`<{}` on `{}`", hi_text, hi);
        prop_assert!(holds("!=", lo_text, hi), "`!={}` on `{}`", lo_text, hi);
    }

    #[test]
    fn equals_matches_exactly_equal_precedence(a in full_text(true), b in version_text()) {
        let (va, vb) = (version(&a), version(&b));
        let c = constraint(&format!("={a}"));
        let equal = vb.cmp_precedence(&va) == Ordering::Equal;
        prop_assert_eq!(c.matches(&vb), equal);
        prop_assert!(c.matches(&va));
    }

    #[test]
    fn sorting_is_independent_of_input_order(
        (texts, shuffled) in prop::collection::vec(version_text(), 0..20)
            .prop_flat_map(|v| (Just(v.clone()), Just(v).prop_shuffle()))
    ) {
        let sort = |texts: &[String]| {
            let mut vs: Vec<Version> = texts.iter().map(|t| version(t)).collect();
            vs.sort();
            vs.into_iter().map(|v| v.original().to_owned()).collect::<Vec<_>>()
        };
        prop_assert_eq!(sort(&texts), sort(&shuffled));
    }

    #[test]
    fn parsing_arbitrary_text_never_panics(text in any::<String>()) {
        let _ = Version::parse(&text);
        let _ = Constraint::parse(&text);
    }

    #[test]
    fn grammar_like_text_never_panics(c in grammar_soup(), v in grammar_soup()) {
        let (Ok(c), Ok(v)) = (Constraint::parse(&c), Version::parse(&v)) else {
            return Ok(());
        };
        let check = c.check(&v);
        prop_assert_eq!(c.matches(&v), check == ConstraintCheck::Satisfied);
        if v.prerelease().is_empty() {
            prop_assert_ne!(check, ConstraintCheck::PrereleaseExcluded);
        }
    }

    #[test]
    fn generated_constraints_check_without_panic(
        op in "|=|!=|>|<|>=|=>|<=|=<|~|~>|\\^",
        c in "[0-9xX*]{1,2}(\\.[0-9xX*]{1,2}){0,2}(-[0-9a-z]{1,2})?",
        v in version_text(),
    ) {
        let parsed = Constraint::parse(&format!("{op}{c}"));
        if let Ok(parsed) = parsed {
            let check = parsed.check(&version(&v));
            prop_assert_eq!(parsed.matches(&version(&v)), check == ConstraintCheck::Satisfied);
        }
    }
}
