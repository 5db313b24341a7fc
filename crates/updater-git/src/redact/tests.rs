//! Unit tests for bounding command output.

use super::{OUTPUT_LIMIT, for_message};

#[test]
fn bounds_long_output_on_a_character_boundary() {
    let long = "é".repeat(OUTPUT_LIMIT);
    let bounded = for_message(&long);
    assert!(bounded.ends_with('…'));
    assert!(bounded.len() <= OUTPUT_LIMIT + '…'.len_utf8());
    assert_eq!(for_message("  short \n"), "short");
}
