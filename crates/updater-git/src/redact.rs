//! Making text safe to show: URLs lose their userinfo, and git's stderr is trimmed and bounded.

#[cfg(test)]
mod tests;

pub use updater_core::redact::{redact_urls, strip_userinfo};

/// The most bytes of a command's output kept in an error message.
pub const OUTPUT_LIMIT: usize = 2048;

/// Prepares command output for an error message: userinfo stripped, surrounding whitespace
/// trimmed, and at most [`OUTPUT_LIMIT`] bytes (cut on a character boundary, marked with `…`).
pub fn for_message(output: &str) -> String {
    let redacted = redact_urls(output.trim());
    if redacted.len() <= OUTPUT_LIMIT {
        return redacted;
    }
    let mut cut = OUTPUT_LIMIT;
    while !redacted.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}…", &redacted[..cut])
}
