//! What the quick start prints, as text: written for someone who has never seen the updater.
//! Pure: every function returns the text of one section.

use std::fmt::Write as _;

use crate::{
    gitops::RepoFile,
    log::{LogLine, parse_line},
    scenario::DemoImage,
    seed::platforms_text,
    updater::{Candidate, Explanation, Output},
    verify::Check,
};

/// A numbered section title.
pub fn title(number: u32, text: &str) -> String {
    format!("\n{number}. {text}\n")
}

/// What the quick start is about to do.
pub fn intro(demo: &str) -> String {
    format!(
        "argocd-image-updater quick start\n\
         ================================\n\
         This starts a container registry and a Git server on 127.0.0.1, fills them with\n\
         sample images and a GitOps repository, runs the updater once in standalone mode\n\
         (no Kubernetes needed) and shows what it changed. The servers stop at the end; the\n\
         repository stays in {demo}.\n"
    )
}

/// The registry, its images and their tags with build times.
pub fn registry(url: &str, host: &str, images: &[DemoImage], conf: &str) -> String {
    let mut out = format!("   docker-registry at {url} holds:\n");
    for image in images {
        let _ = writeln!(
            out,
            "\n   {}  ({})",
            image.image(host),
            platforms_text(image)
        );
        for tag in image.tags {
            let running = if tag.name == image.current {
                "  <- running now"
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "     {:<12} built {}{running}",
                tag.name,
                when(tag.created)
            );
        }
    }
    let _ = write!(
        out,
        "\n   The updater finds it through {conf} (plain HTTP, no credentials).\n"
    );
    out
}

/// The repository, its files and the ImageUpdater's policies.
pub fn repository(
    url: &str,
    clone: &str,
    files: &[RepoFile],
    images: &[DemoImage],
    host: &str,
) -> String {
    let mut out = format!("   {url} (git daemon), branch main, one commit, cloned to {clone}:\n\n");
    let width = files.iter().map(|f| f.path.len()).max().unwrap_or(0);
    for file in files {
        let _ = writeln!(out, "     {:<width$}  {}", file.path, file.about);
    }
    out.push_str("\n   The ImageUpdater `demo` (apps/image-updater.yaml) follows:\n\n");
    for image in images {
        let _ = writeln!(
            out,
            "     {:<10} {}\n                policy: {}; write-back: {}",
            image.app,
            image.image_with_constraint(host),
            image.policy_text(),
            image.write_back
        );
    }
    out
}

/// A command line as typed at a prompt.
pub fn command(line: &str) -> String {
    format!("   $ {line}\n")
}

/// The pass's command line, with what its parts mean.
pub fn pass_command(line: &str) -> String {
    format!(
        "   `run --once` makes one pass and exits; `--manifests URL#BRANCH:FOLDER` reads the\n   \
         Applications and ImageUpdaters from a folder of a Git repository instead of a\n   \
         Kubernetes cluster. The log (stderr) is marked with `|`.\n\n{}",
        command(line)
    )
}

/// What a run printed: the log (stderr) marked with `|`, then stdout.
pub fn run_output(output: &Output) -> String {
    let mut out = String::new();
    for line in output.stderr.lines() {
        let _ = writeln!(out, "   | {line}");
    }
    for line in output.stdout.lines() {
        let _ = writeln!(out, "   {line}");
    }
    if !output.success() {
        let _ = writeln!(out, "   (exit code {})", exit_text(output.code));
    }
    out
}

/// For each image: what the pass did (from its log), then the tag-by-tag reasons `test` gives.
pub fn decisions(
    images: &[DemoImage],
    host: &str,
    log: &str,
    explanations: &[Result<Explanation, String>],
) -> String {
    let lines: Vec<LogLine> = log.lines().filter_map(parse_line).collect();
    let mut out = String::new();
    for (image, explanation) in images.iter().zip(explanations) {
        let _ = writeln!(out, "   {} ({})", image.app, image.policy_text());
        out.push_str(&decision(image, host, &lines, log));
        match explanation {
            Ok(explanation) => out.push_str(&reasons(image, explanation)),
            Err(e) => {
                let _ = writeln!(out, "       (no tag-by-tag reasons: {e})");
            }
        }
        out.push('\n');
    }
    out.push_str(
        "   The reasons come from `argocd-image-updater test IMAGE`, which answers the same\n   \
         question for one image without changing anything.\n",
    );
    out
}

/// The pass's decision for `image` from its parsed log `lines`, or the raw lines that mention
/// it when none parses.
fn decision(image: &DemoImage, host: &str, lines: &[LogLine], log: &str) -> String {
    let name = image.image(host);
    let app = format!("/{}", image.app);
    let about = |line: &&LogLine| {
        line.field("image").is_some_and(|i| i.starts_with(&name))
            || line.field("application").is_some_and(|a| a.ends_with(&app))
    };
    let updated = lines
        .iter()
        .filter(about)
        .find(|line| line.message == "updating image");
    if let Some(line) = updated {
        let old = line.field("old").unwrap_or("?");
        let new = line.field("new").unwrap_or("?");
        return format!("     updated {old} -> {new}; {}\n", image.write_back);
    }
    let other: Vec<&LogLine> = lines.iter().filter(about).collect();
    if let Some(line) = other.last() {
        return format!("     not updated: {} ({})\n", line.message, line.level);
    }
    raw_mentions(log, &name)
}

/// The log lines mentioning `name`, verbatim.
fn raw_mentions(log: &str, name: &str) -> String {
    let mentions: Vec<&str> = log.lines().filter(|l| l.contains(name)).collect();
    if mentions.is_empty() {
        return "     no decision found in the log\n".to_owned();
    }
    let mut out = "     the log says:\n".to_owned();
    for line in mentions {
        let _ = writeln!(out, "       {line}");
    }
    out
}

/// The candidates of `explanation`, with build times for strategies that use them.
fn reasons(image: &DemoImage, explanation: &Explanation) -> String {
    let mut out = String::new();
    let with_times = image.policy.strategy == "newest-build";
    let mut candidates: Vec<&Candidate> = explanation.candidates.iter().collect();
    // In the order they were pushed (oldest first), which the registry's listing is not.
    candidates.sort_by_key(|c| image.tags.iter().position(|t| t.name == c.tag));
    for candidate in candidates {
        let verdict = if candidate.accepted {
            "chosen".to_owned()
        } else {
            candidate
                .reason
                .clone()
                .unwrap_or_else(|| "not chosen".to_owned())
        };
        let built = match image.created(&candidate.tag) {
            Some(created) if with_times => format!("built {}  ", when(created)),
            _ => String::new(),
        };
        let _ = writeln!(out, "       {:<12} {built}{verdict}", candidate.tag);
    }
    out.push_str(&alphabetical_note(image, explanation));
    out
}

/// For `newest-build`, a note when sorting by name would have picked another tag.
fn alphabetical_note(image: &DemoImage, explanation: &Explanation) -> String {
    let last_by_name = explanation.candidates.iter().map(|c| &c.tag).max();
    match (image.policy.strategy, last_by_name, &explanation.chosen) {
        ("newest-build", Some(last), Some(chosen)) if last != chosen => {
            format!("       (by name, `{last}` would come last: newest-build goes by build time)\n")
        }
        _ => String::new(),
    }
}

/// The commits of the pass, each as `git show --stat --patch` prints it.
pub fn commits(clone: &str, shows: &[(String, String)]) -> String {
    let mut out = match shows.len() {
        0 => return "   The pass made no commit.\n".to_owned(),
        1 => format!("   One new commit on main; in {clone}:\n"),
        n => format!("   {n} new commits on main; in {clone}:\n"),
    };
    for (commit, show) in shows {
        let short = commit.get(..10).unwrap_or(commit);
        let _ = writeln!(out, "\n   $ git show --stat --patch {short}");
        for line in show.lines() {
            let _ = writeln!(out, "   {line}");
        }
    }
    out
}

/// The checks, one per line.
pub fn checks(checks: &[Check]) -> String {
    let mut out = String::new();
    for check in checks {
        if check.ok {
            let _ = writeln!(out, "   ok    {}", check.what);
        } else {
            let _ = writeln!(out, "   FAIL  {}: {}", check.what, check.detail);
        }
    }
    out
}

/// Where to look and what to try next.
pub fn next_steps(demo: &str, clone: &str) -> String {
    format!(
        "\nNext steps\n\
         ----------\n   \
         - Look around: cd {clone} && git log --stat\n     \
         (apps/ holds the Applications and the ImageUpdater; pass-1.log and pass-2.log in\n     \
         {demo} are the updater's full output.)\n   \
         - Run it again: bash scripts/quickstart.sh {demo}\n     \
         (it wipes that demo and starts over; the second pass above shows that a run with\n     \
         nothing new to do makes no commit.)\n   \
         - Point it at your own repository, without writing anything:\n     \
         argocd-image-updater run --once --dry-run --manifests 'https://git.example.com/you/gitops.git#main:apps'\n   \
         - Ask about one image: argocd-image-updater test nginx --semver-constraint '~1.25'\n   \
         - Read README.md for the cluster mode, registries.conf and the write-back options.\n"
    )
}

/// A build time for people: `2025-01-06 10:00 UTC`.
fn when(created: &str) -> String {
    created
        .parse::<jiff::Timestamp>()
        .map(|t| t.strftime("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_else(|_| created.to_owned())
}

/// An exit code for people.
pub fn exit_text(code: Option<i32>) -> String {
    code.map_or_else(|| "killed by a signal".to_owned(), |c| c.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{scenario::IMAGES, updater::Candidate};

    const HOST: &str = "127.0.0.1:5000";

    #[test]
    fn decisions_come_from_the_log_and_the_reasons_from_test() {
        let log = "2026-01-01T00:00:00Z  INFO updating image application=argocd/web \
                   image=127.0.0.1:5000/demo/web old=build-a new=build-b\n\
                   2026-01-01T00:00:00Z  WARN no tag matched; skipped application=argocd/api \
                   image=127.0.0.1:5000/demo/api\n";
        let web = Explanation {
            chosen: Some("build-b".into()),
            update_needed: true,
            candidates: vec![
                Candidate {
                    tag: "build-a".into(),
                    accepted: false,
                    reason: Some("older than `build-b`".into()),
                },
                Candidate {
                    tag: "build-b".into(),
                    accepted: true,
                    reason: None,
                },
            ],
        };
        let explanations = [
            Err("registry down".to_owned()),
            Ok(web),
            Err("x".to_owned()),
        ];
        let text = decisions(&IMAGES, HOST, log, &explanations);
        assert!(text.contains("updated build-a -> build-b; git commit to helm/web/values.yaml"));
        assert!(
            text.contains("build-b      built 2025-03-03 09:00 UTC  chosen"),
            "{text}"
        );
        assert!(text.contains("not updated: no tag matched; skipped (WARN)"));
        assert!(text.contains("no decision found in the log"));
        assert!(text.contains("(no tag-by-tag reasons: registry down)"));
    }

    #[test]
    fn newest_build_notes_when_the_name_order_differs() {
        let candidate = |tag: &str, accepted| Candidate {
            tag: tag.into(),
            accepted,
            reason: None,
        };
        let mut explanation = Explanation {
            chosen: Some("build-b".into()),
            update_needed: true,
            candidates: vec![candidate("build-b", true), candidate("build-c", false)],
        };
        let note = "(by name, `build-c` would come last: newest-build goes by build time)";
        assert!(reasons(&IMAGES[1], &explanation).contains(note));
        explanation.chosen = Some("build-c".into());
        assert!(!reasons(&IMAGES[1], &explanation).contains("by name"));
        assert!(!reasons(&IMAGES[0], &explanation).contains("by name"));
    }

    #[test]
    fn unparsed_lines_are_shown_verbatim() {
        let log = "something odd about 127.0.0.1:5000/demo/guestbook happened\n";
        let text = decisions(&IMAGES[..1], HOST, log, &[Err("x".to_owned())]);
        assert!(
            text.contains("the log says:\n       something odd about"),
            "{text}"
        );
    }

    #[test]
    fn the_registry_listing_marks_the_running_tag() {
        let text = registry("http://127.0.0.1:5000", HOST, &IMAGES, "/d/registries.conf");
        assert!(text.contains("1.0.0        built 2025-01-06 10:00 UTC  <- running now"));
        assert!(text.contains("127.0.0.1:5000/demo/api  (linux/amd64, linux/arm64)"));
    }

    #[test]
    fn failed_checks_say_why() {
        let text = checks(&[crate::verify::check_exit("pass 1", Some(2))]);
        assert_eq!(text, "   FAIL  pass 1 exits with 0: exit code 2\n");
    }
}
