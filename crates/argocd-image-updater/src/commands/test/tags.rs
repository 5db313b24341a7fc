//! The `--tags-from` format: one tag per line, optionally with tab-separated creation time,
//! digest and platforms. Blank lines and `#` comments are skipped.

use updater_core::choose::TagInfo;
use updater_core::filter::Platform;

/// A line of the tag list that does not parse.
#[derive(Debug, thiserror::Error)]
#[error("line {line}: {problem}")]
pub struct TagLineError {
    line: usize,
    problem: String,
}

/// Parses a whole tag list.
pub fn parse(text: &str) -> Result<Vec<TagInfo>, TagLineError> {
    let mut tags = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let tag = parse_line(line).map_err(|problem| TagLineError {
            line: index + 1,
            problem,
        })?;
        tags.push(tag);
    }
    Ok(tags)
}

fn parse_line(line: &str) -> Result<TagInfo, String> {
    let mut fields = line.split('\t').map(str::trim);
    let name = fields.next().unwrap_or_default();
    if name.is_empty() || name.contains(char::is_whitespace) {
        return Err(format!("`{name}` is not a tag name"));
    }
    let mut tag = TagInfo::named(name);
    tag.created = optional(fields.next()).map(parse_created).transpose()?;
    tag.digest = optional(fields.next()).map(parse_digest).transpose()?;
    tag.platforms = optional(fields.next()).map(parse_platforms).transpose()?;
    if let Some(extra) = fields.next() {
        return Err(format!("unexpected fifth field `{extra}`"));
    }
    Ok(tag)
}

fn optional(field: Option<&str>) -> Option<&str> {
    field.filter(|value| !value.is_empty())
}

fn parse_created(value: &str) -> Result<jiff::Timestamp, String> {
    value
        .parse()
        .map_err(|_| format!("`{value}` is not an RFC 3339 time"))
}

fn parse_digest(value: &str) -> Result<String, String> {
    let valid = value.split_once(':').is_some_and(|(algorithm, hex)| {
        !algorithm.is_empty()
            && hex.len() >= 32
            && hex
                .chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
    });
    if valid {
        Ok(value.to_owned())
    } else {
        Err(format!(
            "`{value}` is not a digest (expected `sha256:<hex>`)"
        ))
    }
}

fn parse_platforms(value: &str) -> Result<Vec<Platform>, String> {
    value
        .split(',')
        .map(|spec| Platform::parse(spec.trim()).map_err(|error| error.to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_only_and_full_lines() {
        let digest = format!("sha256:{}", "a".repeat(64));
        let text = format!("1.0\n\n# comment\n2.0\t2025-01-02T03:04:05Z\t{digest}\tlinux/amd64\n");
        let tags = parse(&text).unwrap();
        assert_eq!(tags.len(), 2);
        assert_eq!(tags[0], TagInfo::named("1.0"));
        assert_eq!(tags[1].created.unwrap().to_string(), "2025-01-02T03:04:05Z");
        assert_eq!(tags[1].digest.as_deref(), Some(digest.as_str()));
        assert_eq!(tags[1].platforms.as_ref().unwrap().len(), 1);
    }

    #[test]
    fn empty_middle_fields_are_allowed() {
        let digest = format!("sha256:{}", "b".repeat(64));
        let tags = parse(&format!("x\t\t{digest}\n")).unwrap();
        assert_eq!(tags[0].created, None);
        assert!(tags[0].digest.is_some());
    }

    #[test]
    fn errors_name_the_line_and_value() {
        let cases = [
            (
                "ok\nv1\tyesterday\n",
                "line 2: `yesterday` is not an RFC 3339 time",
            ),
            ("v1\t\tsha256:xyz\n", "line 1: `sha256:xyz` is not a digest"),
            ("v1\t\t\tlinux\n", "line 1: invalid platform `linux`"),
            ("a b\n", "line 1: `a b` is not a tag name"),
            ("v\t\t\t\tmore\n", "line 1: unexpected fifth field `more`"),
        ];
        for (input, expected) in cases {
            let error = parse(input).unwrap_err().to_string();
            assert!(error.starts_with(expected), "{input:?}: {error}");
        }
    }
}
