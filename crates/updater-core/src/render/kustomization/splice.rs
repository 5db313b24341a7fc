//! Byte splices of the original text, the only way the kustomization is changed.

/// Replace `text[start..end]` with `text`.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Splice {
    /// First byte replaced.
    pub(super) start: usize,
    /// Byte after the last one replaced (`start` for an insertion).
    pub(super) end: usize,
    /// The new text.
    pub(super) text: String,
}

impl Splice {
    /// Inserts `text` at `at`.
    pub(super) fn insert(at: usize, text: String) -> Self {
        Self {
            start: at,
            end: at,
            text,
        }
    }

    /// Replaces `start..end` with `text`.
    pub(super) fn replace(start: usize, end: usize, text: String) -> Self {
        Self { start, end, text }
    }
}

/// Applies splices that do not overlap; insertions at one offset keep their order.
pub(super) fn apply(text: &str, mut splices: Vec<Splice>) -> String {
    splices.sort_by_key(|s| (s.start, s.end));
    let mut out = String::with_capacity(text.len() + 256);
    let mut at = 0;
    for splice in splices {
        let (Some(kept), true) = (text.get(at..splice.start), splice.start >= at) else {
            continue;
        };
        out.push_str(kept);
        out.push_str(&splice.text);
        at = splice.end;
    }
    out.push_str(text.get(at..).unwrap_or(""));
    out
}
