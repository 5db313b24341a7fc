//! Masterminds v3.4 constraints: parsing (`NewConstraint`), comparator semantics and `Check`.
//!
//! Parsing deliberately reuses Masterminds' own regular expressions, with Go's leftmost-first
//! semantics (which the `regex` crate shares), so that odd inputs are accepted or rejected exactly
//! as in Go. Constraints are parsed once per image, so the regex cost is off the hot path.

use std::fmt;
use std::str::FromStr;
use std::sync::LazyLock;

use regex::Regex;

use super::Version;

/// Why a string is not a constraint.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConstraintError {
    /// The text does not follow the Masterminds constraint grammar.
    #[error("`{input}` is not a valid semver constraint")]
    Invalid {
        /// The rejected text.
        input: String,
    },
}

/// The outcome of checking one version against a constraint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConstraintCheck {
    /// The version satisfies the constraint.
    Satisfied,
    /// The version would satisfy a group but is a pre-release and no comparator of that group has
    /// one (the v3.4 group-level rule).
    PrereleaseExcluded,
    /// The version is outside the constraint.
    Unsatisfied,
}

/// A parsed Masterminds constraint: `||` of AND-groups of comparators. Empty means `*`.
#[derive(Debug, Clone)]
pub struct Constraint {
    original: String,
    groups: Vec<Group>,
}

/// One `||` alternative: all comparators must hold.
#[derive(Debug, Clone)]
struct Group {
    comparators: Vec<Comparator>,
    /// Whether any comparator names a pre-release, which lets pre-releases into the whole group.
    has_prerelease: bool,
}

/// One operator applied to one (possibly wildcarded) version.
#[derive(Debug, Clone)]
struct Comparator {
    op: Op,
    /// The version with wildcards and missing parts replaced by 0 and metadata dropped.
    con: Version,
    wildcard: Wildcard,
}

/// The comparison functions of Masterminds, one per operator spelling family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    /// `""` and `=`.
    TildeOrEqual,
    /// `!=`.
    NotEqual,
    /// `>`.
    Greater,
    /// `<`.
    Less,
    /// `>=` and `=>`.
    GreaterOrEqual,
    /// `<=` and `=<`.
    LessOrEqual,
    /// `~` and `~>`.
    Tilde,
    /// `^`.
    Caret,
}

/// The first wildcard (`x`, `X`, `*`) or missing part of a comparator version; Masterminds calls
/// any of them "dirty" and the last two "minorDirty" and "patchDirty".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wildcard {
    None,
    Major,
    Minor,
    Patch,
}

/// Go's `\s` (RE2 Perl class): ASCII only and, unlike Rust's `(?-u:\s)`, without `\v`.
const WS: &str = r"[\t\n\f\r ]";
/// Masterminds' operator alternation, in its order (leftmost-first matching depends on it); the
/// empty alternative is the bare version.
const OPS: &str = r"=||!=|>|<|>=|=>|<=|=<|~|~>|\^";
/// Masterminds' `cvRegex`, including the literal `|` in its number classes.
const CV: &str = concat!(
    r"v?([0-9|x|X|\*]+)(\.[0-9|x|X|\*]+)?(\.[0-9|x|X|\*]+)?",
    r"(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?",
    r"(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?",
);

/// The four expressions Masterminds compiles in `init`.
struct Grammar {
    /// `constraintRangeRegex`: `A - B`; group 1 is `A`, group 11 is `B`.
    range: Regex,
    /// `validConstraintRegex`: a whole `||` group.
    valid_group: Regex,
    /// `findConstraintRegex`: one comparator inside a group.
    find_comparator: Regex,
    /// `constraintRegex`: one comparator, anchored; group 1 is the operator, 3–6 the version parts.
    comparator: Regex,
}

static GRAMMAR: LazyLock<Grammar> = LazyLock::new(|| Grammar {
    range: compile(&format!(r"{WS}*({CV}){WS}+-{WS}+({CV}){WS}*")),
    valid_group: compile(&format!(r"^({WS}*({OPS}){WS}*({CV}){WS}*,?)+$")),
    find_comparator: compile(&format!(r"({OPS}){WS}*({CV})")),
    comparator: compile(&format!(r"^{WS}*({OPS}){WS}*({CV}){WS}*$")),
});

/// Compiles one of the constant patterns above; the unit tests compile all of them.
fn compile(pattern: &str) -> Regex {
    Regex::new(pattern).expect("constant constraint grammar pattern compiles")
}

impl Constraint {
    /// Parses `input`; an empty or blank input means `*` (releases only).
    ///
    /// "Blank" means only Go `\s` characters (space, `\t`, `\n`, `\f`, `\r`). Masterminds itself
    /// rejects an empty constraint; treating it as `*` is what the image updater does.
    pub fn parse(input: &str) -> Result<Self, ConstraintError> {
        let effective = if is_blank(input) { "*" } else { input };
        let groups = rewrite_ranges(effective)
            .split("||")
            .map(parse_group)
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| ConstraintError::Invalid {
                input: input.to_owned(),
            })?;
        Ok(Self {
            original: input.to_owned(),
            groups,
        })
    }
    /// The text this constraint was parsed from.
    pub fn as_str(&self) -> &str {
        &self.original
    }
    /// Checks `version`, telling a pre-release exclusion apart from a plain miss.
    pub fn check(&self, version: &Version) -> ConstraintCheck {
        if self
            .groups
            .iter()
            .any(|g| g.passes(version, g.has_prerelease))
        {
            ConstraintCheck::Satisfied
        } else if !version.prerelease().is_empty()
            && self.groups.iter().any(|g| g.passes(version, true))
        {
            ConstraintCheck::PrereleaseExcluded
        } else {
            ConstraintCheck::Unsatisfied
        }
    }
    /// True when `version` satisfies the constraint.
    pub fn matches(&self, version: &Version) -> bool {
        self.check(version) == ConstraintCheck::Satisfied
    }
}

fn is_blank(text: &str) -> bool {
    text.bytes()
        .all(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\x0c' | b'\r'))
}

/// Masterminds `rewriteRange`: each `A - B` becomes `>= A, <= B `, replacing the first
/// occurrence of the matched text in the string rewritten so far (as Go's `strings.Replace`).
fn rewrite_ranges(input: &str) -> String {
    let mut out = input.to_owned();
    for caps in GRAMMAR.range.captures_iter(input) {
        let (Some(whole), Some(low), Some(high)) = (caps.get(0), caps.get(1), caps.get(11)) else {
            continue;
        };
        let replacement = format!(">= {}, <= {} ", low.as_str(), high.as_str());
        out = out.replacen(whole.as_str(), &replacement, 1);
    }
    out
}

/// One `||` alternative; `None` when it is not valid.
fn parse_group(text: &str) -> Option<Group> {
    if !GRAMMAR.valid_group.is_match(text) {
        return None;
    }
    // The validation above guarantees at least one comparator is found.
    let comparators = GRAMMAR
        .find_comparator
        .find_iter(text)
        .map(|m| parse_comparator(m.as_str()))
        .collect::<Option<Vec<_>>>()?;
    let has_prerelease = comparators.iter().any(|c| !c.con.prerelease().is_empty());
    Some(Group {
        comparators,
        has_prerelease,
    })
}

/// Masterminds `parseConstraint`: the operator, then the version with wildcards and missing parts
/// zeroed (keeping the pre-release, dropping metadata), parsed leniently.
fn parse_comparator(text: &str) -> Option<Comparator> {
    let caps = GRAMMAR.comparator.captures(text)?;
    let part = |i: usize| caps.get(i).map_or("", |m| m.as_str());
    let (major, minor, patch, pre) = (part(3), part(4), part(5), part(6));
    let (wildcard, zeroed) = if is_wildcard(major) {
        (Wildcard::Major, format!("0.0.0{pre}"))
    } else if is_wildcard(minor.trim_start_matches('.')) {
        (Wildcard::Minor, format!("{major}.0.0{pre}"))
    } else if is_wildcard(patch.trim_start_matches('.')) {
        (Wildcard::Patch, format!("{major}{minor}.0{pre}"))
    } else {
        (Wildcard::None, part(2).to_owned())
    };
    Some(Comparator {
        op: parse_op(part(1))?,
        con: Version::parse(&zeroed).ok()?,
        wildcard,
    })
}

/// A wildcard or an absent part (Go's `isX(s) || s == ""`).
fn is_wildcard(part: &str) -> bool {
    matches!(part, "" | "x" | "X" | "*")
}

fn parse_op(text: &str) -> Option<Op> {
    Some(match text {
        "" | "=" => Op::TildeOrEqual,
        "!=" => Op::NotEqual,
        ">" => Op::Greater,
        "<" => Op::Less,
        ">=" | "=>" => Op::GreaterOrEqual,
        "<=" | "=<" => Op::LessOrEqual,
        "~" | "~>" => Op::Tilde,
        "^" => Op::Caret,
        _ => return None,
    })
}

impl Group {
    fn passes(&self, version: &Version, include_prerelease: bool) -> bool {
        self.comparators
            .iter()
            .all(|c| c.accepts(version, include_prerelease))
    }
}

impl Comparator {
    /// Masterminds `constraint.check`: a pre-release fails unless the group lets them in.
    fn accepts(&self, v: &Version, include_prerelease: bool) -> bool {
        if !v.prerelease().is_empty() && !include_prerelease {
            return false;
        }
        match self.op {
            Op::TildeOrEqual if self.wildcard != Wildcard::None => self.tilde(v),
            Op::TildeOrEqual => v.cmp_precedence(&self.con).is_eq(),
            Op::NotEqual => self.not_equal(v),
            Op::Greater => self.greater(v),
            Op::Less => v.cmp_precedence(&self.con).is_lt(),
            Op::GreaterOrEqual => v.cmp_precedence(&self.con).is_ge(),
            Op::LessOrEqual => self.less_or_equal(v),
            Op::Tilde => self.tilde(v),
            Op::Caret => self.caret(v),
        }
    }

    /// `!=`: a wildcard excludes its whole range.
    fn not_equal(&self, v: &Version) -> bool {
        let c = &self.con;
        if self.wildcard != Wildcard::None {
            if c.major() != v.major() {
                return true;
            }
            match self.wildcard {
                Wildcard::Minor => return false,
                _ if c.minor() != v.minor() => return true,
                Wildcard::Patch => return c.prerelease() != v.prerelease(),
                // A major wildcard with equal major and minor falls through to plain equality.
                _ if c.patch() != v.patch() => return true,
                _ => {}
            }
        }
        v.cmp_precedence(c).is_ne()
    }

    /// `>`: with a wildcard, the version must be above the whole wildcard range.
    fn greater(&self, v: &Version) -> bool {
        let c = &self.con;
        if self.wildcard == Wildcard::None {
            return v.cmp_precedence(c).is_gt();
        }
        match v.major().cmp(&c.major()) {
            std::cmp::Ordering::Greater => true,
            std::cmp::Ordering::Less => false,
            std::cmp::Ordering::Equal => match self.wildcard {
                Wildcard::Minor => false,
                Wildcard::Patch => v.minor() > c.minor(),
                _ => v.cmp_precedence(c).is_gt(),
            },
        }
    }

    /// `<=`: with a wildcard, anything up to the end of the wildcard range.
    fn less_or_equal(&self, v: &Version) -> bool {
        let c = &self.con;
        if self.wildcard == Wildcard::None {
            return v.cmp_precedence(c).is_le();
        }
        let above_minor =
            v.major() == c.major() && v.minor() > c.minor() && self.wildcard != Wildcard::Minor;
        v.major() <= c.major() && !above_minor
    }

    /// `~`: at least the version, within its minor (or its major when the minor is a wildcard).
    fn tilde(&self, v: &Version) -> bool {
        let c = &self.con;
        if v.cmp_precedence(c).is_lt() {
            return false;
        }
        let zero = (c.major(), c.minor(), c.patch()) == (0, 0, 0);
        if zero && !matches!(self.wildcard, Wildcard::Minor | Wildcard::Patch) {
            return true;
        }
        v.major() == c.major() && (v.minor() == c.minor() || self.wildcard == Wildcard::Minor)
    }

    /// `^`: at least the version, without changing the left-most non-zero part.
    fn caret(&self, v: &Version) -> bool {
        let c = &self.con;
        if v.cmp_precedence(c).is_lt() {
            return false;
        }
        if c.major() > 0 || self.wildcard == Wildcard::Minor {
            return v.major() == c.major();
        }
        if v.major() > 0 {
            return false;
        }
        if c.minor() > 0 || self.wildcard == Wildcard::Patch {
            return v.minor() == c.minor();
        }
        v.minor() == 0 && v.patch() == c.patch()
    }
}

impl FromStr for Constraint {
    type Err = ConstraintError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}
impl fmt::Display for Constraint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.original)
    }
}

#[cfg(test)]
mod tests;
