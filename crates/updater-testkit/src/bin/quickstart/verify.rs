//! The quick start's own end-to-end checks: each image's new tag is in its file with every
//! comment kept, the commits carry the configured author, and a second pass changes nothing.

use crate::{
    log::Summary,
    scenario::{DemoImage, TagAt},
};

/// One check and its result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// What was checked, for people.
    pub what: String,
    /// Whether it held.
    pub ok: bool,
    /// What was found instead, when it did not.
    pub detail: String,
}

impl Check {
    fn new(what: impl Into<String>, problem: Option<String>) -> Self {
        Self {
            what: what.into(),
            ok: problem.is_none(),
            detail: problem.unwrap_or_default(),
        }
    }
}

/// Whether `image`'s file went from `before` to `after` (`None`: the file is gone) with the
/// expected tag written and every comment of `before` kept.
pub fn check_edit(image: &DemoImage, before: &str, after: Option<&str>) -> Check {
    let expected = image.expected_tag();
    let what = format!(
        "{}: {} sets {expected}, comments kept",
        image.app, image.file
    );
    let Some(after) = after else {
        return Check::new(what, Some("the file is missing".to_owned()));
    };
    let written = written_tag(image.tag_at, after);
    let problem = match (written.as_deref(), lost_comments(before, after).first()) {
        (Some(tag), None) if tag == expected => None,
        (Some(tag), None) => Some(format!("found tag `{tag}`")),
        (None, _) => Some("no tag found".to_owned()),
        (Some(_), Some(comment)) => Some(format!("comment lost: `{comment}`")),
    };
    Check::new(what, problem)
}

/// Whether pass 1 reported every image updated and no error.
pub fn check_first_summary(summary: Option<Summary>, images: u64) -> Check {
    let what = format!("pass 1: summary reports {images} updated, 0 errors");
    let problem = match summary {
        None => Some("no summary line".to_owned()),
        Some(s) if s.updated == images && s.errors == 0 => None,
        Some(s) => Some(format!("updated={} errors={}", s.updated, s.errors)),
    };
    Check::new(what, problem)
}

/// Whether pass 2 found nothing to do: no update, no error, no new commit.
pub fn check_second_pass(summary: Option<Summary>, commits_before: usize, after: usize) -> Check {
    let what = "pass 2: nothing new (0 updated, 0 errors, no new commit)";
    let problem = match summary {
        None => Some("no summary line".to_owned()),
        Some(s) if s.updated != 0 || s.errors != 0 => {
            Some(format!("updated={} errors={}", s.updated, s.errors))
        }
        Some(_) if after != commits_before => Some(format!(
            "{} new commit(s)",
            after.saturating_sub(commits_before)
        )),
        Some(_) => None,
    };
    Check::new(what, problem)
}

/// Whether pass 1 made at least one commit and every new commit has `author`.
pub fn check_authors(authors: &[String], author: &str) -> Check {
    let what = format!("pass 1: new commits by `{author}`");
    let problem = if authors.is_empty() {
        Some("no new commit".to_owned())
    } else {
        authors
            .iter()
            .find(|a| *a != author)
            .map(|a| format!("a commit by `{a}`"))
    };
    Check::new(what, problem)
}

/// Whether a command ran successfully.
pub fn check_exit(what: &str, code: Option<i32>) -> Check {
    let problem = (code != Some(0)).then(|| match code {
        Some(code) => format!("exit code {code}"),
        None => "killed by a signal".to_owned(),
    });
    Check::new(format!("{what} exits with 0"), problem)
}

/// Whether no process the quick start started is left (`alive`: the pids still running).
pub fn check_stopped(alive: &[String]) -> Check {
    let problem = (!alive.is_empty()).then(|| format!("still running: {}", alive.join(", ")));
    Check::new("the registry and the git daemon are stopped", problem)
}

/// The tag written at `at` in `text`.
pub fn written_tag(at: TagAt, text: &str) -> Option<String> {
    match at {
        TagAt::KustomizeNewTag => values_of(text, "newTag").into_iter().next(),
        TagAt::ValuesKey(key) => values_of(text, key).into_iter().next(),
        TagAt::HelmParameter(name) => parameter_value(text, name),
    }
}

/// The values of every `key:` line (list item or not), unquoted, inline comment removed.
fn values_of(text: &str, key: &str) -> Vec<String> {
    text.lines().filter_map(|line| scalar(line, key)).collect()
}

/// The value of `key: value` on `line`, if that is what it holds.
fn scalar(line: &str, key: &str) -> Option<String> {
    let line = line.trim_start();
    let line = line.strip_prefix("- ").unwrap_or(line).trim_start();
    let rest = line.strip_prefix(key)?.strip_prefix(':')?;
    let value = rest.split(" #").next().unwrap_or_default().trim();
    Some(value.trim_matches(|c| c == '"' || c == '\'').to_owned())
}

/// The `value:` of the Helm parameter item whose `name:` is `name`: the item's next lines, up
/// to the next list item.
fn parameter_value(text: &str, name: &str) -> Option<String> {
    let lines: Vec<&str> = text.lines().collect();
    let start = lines
        .iter()
        .position(|line| scalar(line, "name").as_deref() == Some(name))?;
    lines[start + 1..]
        .iter()
        .take_while(|line| !line.trim_start().starts_with("- "))
        .find_map(|line| scalar(line, "value"))
}

/// The comments of `before` (whole-line or trailing) missing from `after`.
pub fn lost_comments(before: &str, after: &str) -> Vec<String> {
    before
        .lines()
        .filter_map(comment)
        .filter(|c| !after.lines().any(|line| comment(line) == Some(*c)))
        .map(str::to_owned)
        .collect()
}

/// The comment on `line`: from a `#` that starts the line or follows a space.
fn comment(line: &str) -> Option<&str> {
    let trimmed = line.trim_start();
    if trimmed.starts_with('#') {
        return Some(trimmed.trim_end());
    }
    line.find(" #").map(|at| line[at + 1..].trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{gitops, scenario::IMAGES};

    fn original(image: &DemoImage) -> String {
        gitops::files("127.0.0.1:5000", "git://h/r.git")
            .into_iter()
            .find(|f| f.path == image.file)
            .unwrap()
            .content
    }

    #[test]
    fn the_seeded_files_hold_the_current_tags() {
        for image in IMAGES {
            let text = original(&image);
            assert_eq!(
                written_tag(image.tag_at, &text).as_deref(),
                Some(image.current),
                "{}",
                image.app
            );
            let check = check_edit(&image, &text, Some(&text));
            assert!(!check.ok, "unchanged {} must fail", image.app);
        }
    }

    #[test]
    fn an_in_place_edit_passes() {
        for image in IMAGES {
            let text = original(&image);
            let edited = text.replacen(image.current, image.expected_tag(), 1);
            let check = check_edit(&image, &text, Some(&edited));
            assert!(check.ok, "{}: {}", image.app, check.detail);
        }
    }

    #[test]
    fn a_lost_comment_fails() {
        let image = IMAGES[1];
        let text = original(&image);
        let edited = text
            .replacen(image.current, image.expected_tag(), 1)
            .replace("  # build tags sort by name, not by age", "");
        let check = check_edit(&image, &text, Some(&edited));
        assert!(!check.ok);
        assert!(check.detail.contains("build tags sort"), "{}", check.detail);
    }

    #[test]
    fn quoted_values_and_force_string_are_read() {
        let text = "  - name: image.tag\n    value: \"2.1.0\"\n    forceString: true\n";
        assert_eq!(parameter_value(text, "image.tag").as_deref(), Some("2.1.0"));
        assert_eq!(
            values_of("  newTag: '1.1.0'  # x\n", "newTag"),
            vec!["1.1.0".to_owned()]
        );
    }

    #[test]
    fn second_pass_must_be_quiet() {
        let quiet = Summary::default();
        assert!(check_second_pass(Some(quiet), 2, 2).ok);
        assert!(!check_second_pass(Some(quiet), 2, 3).ok);
        let busy = Summary {
            updated: 1,
            ..quiet
        };
        assert!(!check_second_pass(Some(busy), 2, 2).ok);
        assert!(!check_second_pass(None, 2, 2).ok);
    }

    #[test]
    fn authors_must_all_match() {
        let authors = ["quickstart".to_owned(), "someone".to_owned()];
        assert!(!check_authors(&authors, "quickstart").ok);
        assert!(check_authors(&authors[..1], "quickstart").ok);
        assert!(!check_authors(&[], "quickstart").ok);
    }
}
