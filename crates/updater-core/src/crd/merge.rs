//! Layering of CRD levels (write-back §3.5, verification §3.9), pull request label
//! normalisation (§3.7), and the applicationRef specificity order (§3.11 step 3).

use std::cmp::Reverse;
use std::collections::BTreeSet;

use super::{ApplicationRef, GitConfig, ImagesVerification, WriteBackConfig};

/// The write-back configuration of an applicationRef over the global one: `method` is
/// inherited when unset; `repository`, `branch` and `writeBackTarget` are merged field by field;
/// a ref-level `pullRequest` replaces the global one wholesale (labels included).
pub fn merged_write_back(
    global: Option<&WriteBackConfig>,
    app_ref: Option<&WriteBackConfig>,
) -> Option<WriteBackConfig> {
    match (global, app_ref) {
        (Some(global), Some(app_ref)) => Some(WriteBackConfig {
            method: app_ref.method.clone().or_else(|| global.method.clone()),
            git_config: merged_git(global.git_config.as_ref(), app_ref.git_config.as_ref()),
        }),
        (one, other) => one.or(other).cloned(),
    }
}

fn merged_git(global: Option<&GitConfig>, app_ref: Option<&GitConfig>) -> Option<GitConfig> {
    match (global, app_ref) {
        (Some(global), Some(app_ref)) => Some(GitConfig {
            repository: app_ref
                .repository
                .clone()
                .or_else(|| global.repository.clone()),
            branch: app_ref.branch.clone().or_else(|| global.branch.clone()),
            write_back_target: app_ref
                .write_back_target
                .clone()
                .or_else(|| global.write_back_target.clone()),
            pull_request: app_ref
                .pull_request
                .clone()
                .or_else(|| global.pull_request.clone()),
        }),
        (one, other) => one.or(other).cloned(),
    }
}

/// The verification policy of an image, merged global → applicationRef → image field by field;
/// `None` when no level has a block (no verification).
pub fn merged_verification(
    global: Option<&ImagesVerification>,
    app_ref: Option<&ImagesVerification>,
    image: Option<&ImagesVerification>,
) -> Option<ImagesVerification> {
    [global, app_ref, image].into_iter().flatten().fold(
        None,
        |acc: Option<ImagesVerification>, level| {
            let base = acc.unwrap_or_default();
            Some(ImagesVerification {
                enabled: level.enabled.or(base.enabled),
                cosign_key: level.cosign_key.clone().or(base.cosign_key),
            })
        },
    )
}

/// Pull request labels as sent: trimmed, empty ones and repeats dropped, first-seen order kept.
pub fn normalize_labels(labels: &[String]) -> Vec<String> {
    let mut seen = BTreeSet::new();
    labels
        .iter()
        .map(|label| label.trim())
        .filter(|label| !label.is_empty() && seen.insert(*label))
        .map(str::to_owned)
        .collect()
}

const EXACT_PATTERN_SCORE: u64 = 1_000_000;
const SELECTOR_SCORE: u64 = 10_000;
const SELECTOR_ENTRY_SCORE: u64 = 100;

impl ApplicationRef {
    /// How specific this ref is (§3.11 step 3); more specific refs are tried first.
    pub fn specificity(&self) -> u64 {
        let pattern = &self.name_pattern;
        let mut score = literal_len(pattern);
        if !pattern.contains(['*', '?', '[', ']']) {
            score = score.saturating_add(EXACT_PATTERN_SCORE);
        }
        if let Some(selector) = &self.label_selectors {
            let labels = selector.match_labels.as_ref().map_or(0, |m| m.len());
            let expressions = selector.match_expressions.as_ref().map_or(0, Vec::len);
            let entries = u64::try_from(labels + expressions).unwrap_or(u64::MAX);
            score = score
                .saturating_add(SELECTOR_SCORE)
                .saturating_add(SELECTOR_ENTRY_SCORE.saturating_mul(entries));
        }
        score
    }
}

/// Bytes left after removing `[...]` groups (each `[` up to the next `]` on the same line), `*`
/// and `?`; mirrors the original's regular-expression based count.
fn literal_len(pattern: &str) -> u64 {
    let mut count = 0usize;
    let mut rest = pattern;
    while let Some(c) = rest.chars().next() {
        let after = &rest[c.len_utf8()..];
        match c {
            '[' => match group_end(after) {
                Some(end) => {
                    rest = &after[end..];
                    continue;
                }
                None => count += 1,
            },
            '*' | '?' => {}
            other => count += other.len_utf8(),
        }
        rest = after;
    }
    u64::try_from(count).unwrap_or(u64::MAX)
}

/// The byte offset just past the `]` closing a group, if it closes before a newline.
fn group_end(after_open: &str) -> Option<usize> {
    let close = after_open.find(']')?;
    let newline = after_open.find('\n').unwrap_or(usize::MAX);
    (close < newline).then_some(close + 1)
}

/// The refs in the order they are tried: by specificity, descending; ties keep document order.
pub fn sort_refs_by_specificity(refs: &[ApplicationRef]) -> Vec<&ApplicationRef> {
    let mut sorted: Vec<&ApplicationRef> = refs.iter().collect();
    sorted.sort_by_key(|app_ref| Reverse(app_ref.specificity()));
    sorted
}
