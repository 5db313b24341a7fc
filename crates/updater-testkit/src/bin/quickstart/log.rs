//! Reading what the updater printed: its text-format log lines (`TIME LEVEL message k=v…`)
//! and the `summary:` line that ends a pass.

use std::collections::BTreeMap;

/// One log line of the updater's text format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    /// `INFO`, `WARN`, `ERROR`…
    pub level: String,
    /// The message, e.g. `updating image`.
    pub message: String,
    /// The `key=value` fields after the message.
    pub fields: BTreeMap<String, String>,
}

impl LogLine {
    /// The value of field `key`.
    pub fn field(&self, key: &str) -> Option<&str> {
        self.fields.get(key).map(String::as_str)
    }
}

/// Parses `2025-01-01T00:00:00.000000Z  INFO updating image application=argocd/web old=a`;
/// `None` when the line does not have that shape.
pub fn parse_line(line: &str) -> Option<LogLine> {
    let mut words = line.split_whitespace();
    let timestamp = words.next()?;
    if !timestamp.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let level = words.next()?;
    if !is_level(level) {
        return None;
    }
    let rest: Vec<&str> = words.collect();
    // The fields follow the message; the first `key=value` word starts them.
    let split = rest
        .iter()
        .position(|word| as_field(word).is_some())
        .unwrap_or(rest.len());
    let fields = rest[split..]
        .iter()
        .filter_map(|word| as_field(word))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    Some(LogLine {
        level: level.to_owned(),
        message: rest[..split].join(" "),
        fields,
    })
}

fn is_level(word: &str) -> bool {
    matches!(word, "TRACE" | "DEBUG" | "INFO" | "WARN" | "ERROR")
}

/// `key=value` with a lowercase identifier as key.
fn as_field(word: &str) -> Option<(&str, &str)> {
    let (key, value) = word.split_once('=')?;
    let is_key = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.');
    is_key.then_some((key, value))
}

/// The counts of the `summary:` line of a pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Summary {
    /// Applications matched.
    pub applications: u64,
    /// Images considered.
    pub images: u64,
    /// Images updated.
    pub updated: u64,
    /// Images skipped.
    pub skipped: u64,
    /// Errors.
    pub errors: u64,
}

/// The last `summary: applications=A images=I updated=U skipped=S errors=E` line of `stdout`.
pub fn parse_summary(stdout: &str) -> Option<Summary> {
    let line = stdout
        .lines()
        .rev()
        .find_map(|line| line.trim().strip_prefix("summary:"))?;
    let mut summary = Summary::default();
    let mut seen = 0;
    for (key, value) in line.split_whitespace().filter_map(as_field) {
        let value: u64 = value.parse().ok()?;
        let slot = match key {
            "applications" => &mut summary.applications,
            "images" => &mut summary.images,
            "updated" => &mut summary.updated,
            "skipped" => &mut summary.skipped,
            "errors" => &mut summary.errors,
            _ => continue,
        };
        *slot = value;
        seen += 1;
    }
    (seen == 5).then_some(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_decision_line() {
        let line = "2026-11-22T03:34:46.700285Z  INFO updating image application=argocd/web \
                    image=127.0.0.1:5000/demo/web old=build-a new=build-b";
        let parsed = parse_line(line).unwrap();
        assert_eq!(parsed.level, "INFO");
        assert_eq!(parsed.message, "updating image");
        assert_eq!(parsed.field("application"), Some("argocd/web"));
        assert_eq!(parsed.field("old"), Some("build-a"));
        assert_eq!(parsed.field("new"), Some("build-b"));
    }

    #[test]
    fn message_with_punctuation_and_no_fields() {
        let parsed = parse_line("2026-01-01T00:00:00Z  WARN no tag matched; skipped").unwrap();
        assert_eq!(parsed.level, "WARN");
        assert_eq!(parsed.message, "no tag matched; skipped");
        assert!(parsed.fields.is_empty());
    }

    #[test]
    fn other_lines_are_not_log_lines() {
        assert_eq!(parse_line("summary: applications=1"), None);
        assert_eq!(parse_line("2026 NOTALEVEL x"), None);
        assert_eq!(parse_line(""), None);
    }

    #[test]
    fn summary_takes_the_last_complete_line() {
        let out = "registry requests: 3\n\
                   summary: applications=3 images=3 updated=2 skipped=1 errors=0\n";
        let summary = parse_summary(out).unwrap();
        assert_eq!(
            summary,
            Summary {
                applications: 3,
                images: 3,
                updated: 2,
                skipped: 1,
                errors: 0
            }
        );
        assert_eq!(parse_summary("summary: applications=3 images=x"), None);
        assert_eq!(parse_summary("nothing"), None);
    }
}
