//! The manifest's YAML tree ([`crate::render::span_tree`]), deep enough to reach an Application
//! source's lists and their entries.

use serde_saphyr::granit_parser::ScanError;

pub(super) use crate::render::span_tree::{Kind, Node};

/// Collections at this depth or above keep their children. The deepest node an edit reads is a
/// field of a list entry: root (1) → spec (2) → sources (3) → source (4) → helm (5) →
/// parameters (6) → entry (7) → its scalars.
const KEEP_DEPTH: usize = 8;

/// Every document's root node, in order.
pub(super) fn parse(text: &str) -> Result<Vec<Node>, ScanError> {
    crate::render::span_tree::parse(text, KEEP_DEPTH)
}
