//! Byte splices of the original text, the only way the manifest is changed.

/// Replace `start..end` of the original with `text`.
#[derive(Debug, Clone, PartialEq, Eq)]
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

/// Applies splices, or `None` when two overlap or one is not on character boundaries (a bug
/// guard: the planner never makes such splices). Insertions at one offset keep their order.
pub(super) fn apply(text: &str, mut splices: Vec<Splice>) -> Option<String> {
    // A stable sort keeps insertions at the same offset in the order they were planned.
    splices.sort_by_key(|s| (s.start, s.end));
    let mut out = String::with_capacity(text.len() + 256);
    let mut at = 0;
    for splice in splices {
        if splice.start < at {
            return None;
        }
        out.push_str(text.get(at..splice.start)?);
        text.get(splice.start..splice.end)?;
        out.push_str(&splice.text);
        at = splice.end;
    }
    out.push_str(text.get(at..)?);
    Some(out)
}
