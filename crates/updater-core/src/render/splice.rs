//! Byte splices of the original text: the only way the in-place editors (kustomizations,
//! Application manifests) change a file, so every byte they do not mean to touch stays.

/// Replace `start..end` of the original with `text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(in crate::render) struct Splice {
    /// First byte replaced.
    pub(in crate::render) start: usize,
    /// Byte after the last one replaced (`start` for an insertion).
    pub(in crate::render) end: usize,
    /// The new text.
    pub(in crate::render) text: String,
}

impl Splice {
    /// Inserts `text` at `at`.
    pub(in crate::render) fn insert(at: usize, text: String) -> Self {
        Self {
            start: at,
            end: at,
            text,
        }
    }

    /// Replaces `start..end` with `text`.
    pub(in crate::render) fn replace(start: usize, end: usize, text: String) -> Self {
        Self { start, end, text }
    }
}

/// Applies splices, or `None` when two overlap or one is not on character boundaries (a bug
/// guard: the planner never makes such splices). Insertions at one offset keep their order.
pub(in crate::render) fn apply(text: &str, mut splices: Vec<Splice>) -> Option<String> {
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
