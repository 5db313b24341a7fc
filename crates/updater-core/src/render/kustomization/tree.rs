//! The kustomization's YAML tree ([`crate::render::span_tree`]), kept just deep enough to edit
//! `images:`: the root, its entries, the `images` elements and their fields.

use serde_saphyr::granit_parser::ScanError;

pub(super) use crate::render::span_tree::{Kind, Node};

/// Collections at this depth or above keep their children (root = 1, `images` value = 2,
/// element = 3); deeper ones keep only their span.
const KEEP_DEPTH: usize = 3;

/// Every document's root node, in order.
pub(super) fn parse(text: &str) -> Result<Vec<Node>, ScanError> {
    crate::render::span_tree::parse(text, KEEP_DEPTH)
}
