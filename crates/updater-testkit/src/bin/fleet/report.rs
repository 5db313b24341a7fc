//! The benchmark's results: a table on stdout, the targets met or missed, and a JSON file to
//! compare runs over time. Pure.

use serde_json::{Value, json};

use crate::cluster::ApiCounts;
use crate::counts::PassKind;
use crate::model::{Class, Fleet};
use crate::pass::PassResult;
use crate::world::{Mode, Seeding};

/// One mode's world and passes.
#[derive(Debug, Clone)]
pub struct ModeRun {
    /// The mode.
    pub mode: Mode,
    /// How seeding its world went.
    pub seeding: Seeding,
    /// Its passes, in order.
    pub passes: Vec<PassResult>,
}

/// One target of the issue, measured.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Target {
    /// What is measured.
    pub name: String,
    /// The limit, as text.
    pub limit: String,
    /// The measured value, as text.
    pub measured: String,
    /// Whether the limit is kept.
    pub met: bool,
}

fn target(name: &str, limit: impl ToString, measured: impl ToString, met: bool) -> Target {
    Target {
        name: name.to_owned(),
        limit: limit.to_string(),
        measured: measured.to_string(),
        met,
    }
}

/// The targets for these passes (the timing and memory ones for the large fleet only).
pub fn targets(fleet: &Fleet, passes: &[PassResult]) -> Vec<Target> {
    let mut out = Vec::new();
    let followed: std::collections::BTreeSet<usize> =
        fleet.images().map(|(_, image)| image.repo).collect();
    let digest_images = fleet
        .images()
        .filter(|(_, image)| fleet.repos[image.repo].class == Class::Digest)
        .count();
    if let Some(warm) = passes.iter().find(|p| p.kind == PassKind::Warm) {
        let limit = followed.len() + digest_images;
        let total = warm.registry.total();
        out.push(target(
            "warm: registry requests",
            format!("<= {limit}"),
            total,
            total <= limit,
        ));
        let gets = warm.registry.metadata_gets();
        out.push(target("warm: metadata GETs", "0", gets, gets == 0));
        let fetches = warm.git.max_fetches_per_repo;
        out.push(target(
            "warm: fetches of one repository",
            "<= 1",
            fetches,
            fetches <= 1,
        ));
        out.push(target(
            "warm: commits",
            "0",
            warm.git.commits,
            warm.git.commits == 0,
        ));
        if fleet.size.name == "large" {
            let wall = warm.cost.wall.as_secs_f64();
            out.push(target(
                "warm: wall time (s)",
                "< 5",
                format!("{wall:.2}"),
                wall < 5.0,
            ));
        }
    }
    if let Some(new) = passes.iter().find(|p| p.kind == PassKind::NewTags) {
        let repos = new.git.repos_committed;
        let one_each = new.git.commits == repos && new.git.pushes == repos && repos > 0;
        let measured = format!(
            "{} commits, {} pushes, {repos} repositories",
            new.git.commits, new.git.pushes
        );
        out.push(target(
            "new tags: one commit and push per repository",
            "1 each",
            measured,
            one_each,
        ));
        if fleet.size.name == "large" {
            let wall = new.cost.wall.as_secs_f64();
            let apps = new.expected_apps.1;
            let measured = format!("{wall:.2} s for {apps} monorepo apps");
            out.push(target(
                "new tags: update pass (s)",
                "< 15",
                measured,
                wall < 15.0,
            ));
        }
    }
    if fleet.size.name == "large" {
        let peak = passes
            .iter()
            .map(|p| p.cost.peak_rss_kib)
            .max()
            .unwrap_or(0);
        let mib = peak as f64 / 1024.0;
        out.push(target(
            "peak RSS (MiB)",
            "< 100",
            format!("{mib:.1}"),
            mib < 100.0,
        ));
    }
    out
}

/// Whether every pass did what it had to: exit 0, every target right.
pub fn correct(passes: &[PassResult]) -> bool {
    passes
        .iter()
        .all(|p| p.cost.code == Some(0) && p.wrong.is_empty())
}

/// How one row of the table shows a pass.
type Cell = Box<dyn Fn(&PassResult) -> String>;

/// The table of passes.
pub fn table(passes: &[PassResult]) -> String {
    let rows: Vec<(&str, Cell)> = vec![
        (
            "wall (s)",
            Box::new(|p| format!("{:.2}", p.cost.wall.as_secs_f64())),
        ),
        (
            "CPU updater (s)",
            Box::new(|p| format!("{:.2}", p.cost.cpu_self_secs)),
        ),
        (
            "CPU with git (s)",
            Box::new(|p| format!("{:.2}", p.cost.cpu_total_secs)),
        ),
        (
            "peak RSS (MiB)",
            Box::new(|p| format!("{:.1}", p.cost.peak_rss_kib as f64 / 1024.0)),
        ),
        (
            "registry requests",
            Box::new(|p| p.registry.total().to_string()),
        ),
        (
            "  minimum possible",
            Box::new(|p| p.minimum_requests.to_string()),
        ),
        (
            "  tags list pages",
            Box::new(|p| p.registry.tags_list.to_string()),
        ),
        (
            "  manifest GET",
            Box::new(|p| p.registry.manifest_get.to_string()),
        ),
        (
            "  manifest HEAD",
            Box::new(|p| p.registry.manifest_head.to_string()),
        ),
        ("  blob GET", Box::new(|p| p.registry.blob_get.to_string())),
        ("  other", Box::new(|p| p.registry.other.to_string())),
        ("  repeated", Box::new(|p| p.registry.repeated.to_string())),
        (
            "  failed (>= 400)",
            Box::new(|p| p.registry.failed.to_string()),
        ),
        ("git fetches", Box::new(|p| p.git.fetches.to_string())),
        (
            "  most of one repo",
            Box::new(|p| p.git.max_fetches_per_repo.to_string()),
        ),
        ("git commits", Box::new(|p| p.git.commits.to_string())),
        ("git pushes", Box::new(|p| p.git.pushes.to_string())),
        ("images updated", Box::new(updated)),
        ("  expected", Box::new(|p| p.expected_images.to_string())),
        (
            "apps to update",
            Box::new(|p| format!("{} ({} monorepo)", p.expected_apps.0, p.expected_apps.1)),
        ),
        ("wrong targets", Box::new(|p| p.wrong.len().to_string())),
        (
            "apps synced before",
            Box::new(|p| p.synced.map_or("-".to_owned(), |n| n.to_string())),
        ),
        (
            "API requests",
            Box::new(|p| {
                p.api
                    .as_ref()
                    .map_or("-".to_owned(), |a| a.total().to_string())
            }),
        ),
        (
            "  writes",
            Box::new(|p| {
                p.api
                    .as_ref()
                    .map_or("-".to_owned(), |a| a.writes().to_string())
            }),
        ),
        (
            "exit code",
            Box::new(|p| p.cost.code.map_or("signal".to_owned(), |c| c.to_string())),
        ),
    ];
    let mut text = format!("{:<20}", "");
    for pass in passes {
        text.push_str(&format!("{:>22}", kind_name(pass.kind)));
    }
    text.push('\n');
    for (label, cell) in rows {
        text.push_str(&format!("{label:<20}"));
        for pass in passes {
            text.push_str(&format!("{:>22}", cell(pass)));
        }
        text.push('\n');
    }
    text
}

fn updated(pass: &PassResult) -> String {
    pass.summary.map_or("?".to_owned(), |s| s[2].to_string())
}

/// The targets as lines.
pub fn target_lines(targets: &[Target]) -> String {
    targets
        .iter()
        .map(|t| {
            let verdict = if t.met { "met   " } else { "MISSED" };
            format!(
                "{verdict} {:<48} limit {:<8} measured {}\n",
                t.name, t.limit, t.measured
            )
        })
        .collect()
}

fn kind_name(kind: PassKind) -> &'static str {
    match kind {
        PassKind::Cold => "cold",
        PassKind::Warm => "warm",
        PassKind::NewTags => "new tags",
    }
}

/// Everything as JSON.
pub fn json(fleet: &Fleet, runs: &[ModeRun]) -> Value {
    let modes: Vec<Value> = runs
        .iter()
        .map(|run| {
            json!({
                "mode": run.mode,
                "seeding": run.seeding,
                "passes": run.passes.iter().map(pass_json).collect::<Vec<_>>(),
                "targets": targets(fleet, &run.passes),
                "correct": correct(&run.passes),
            })
        })
        .collect();
    json!({
        "format": 2,
        "size": fleet.size,
        "strategies": strategy_mix(fleet),
        "modes": modes,
        "correct": runs.iter().all(|run| correct(&run.passes)),
    })
}

fn pass_json(pass: &PassResult) -> Value {
    let summary = pass.summary.map(|s| {
        json!({"applications": s[0], "images": s[1], "updated": s[2], "skipped": s[3], "errors": s[4]})
    });
    json!({
        "kind": pass.kind,
        "exit_code": pass.cost.code,
        "wall_secs": pass.cost.wall.as_secs_f64(),
        "cpu_updater_secs": pass.cost.cpu_self_secs,
        "cpu_with_git_secs": pass.cost.cpu_total_secs,
        "peak_rss_kib": pass.cost.peak_rss_kib,
        "registry": pass.registry,
        "registry_total": pass.registry.total(),
        "minimum_requests": pass.minimum_requests,
        "git": pass.git,
        "api": pass.api.as_ref().map(|api| &api.by_kind),
        "api_total": pass.api.as_ref().map(ApiCounts::total),
        "synced_apps": pass.synced,
        "summary": summary,
        "expected_images": pass.expected_images,
        "expected_apps": pass.expected_apps.0,
        "expected_monorepo_apps": pass.expected_apps.1,
        "wrong_targets": pass.wrong.len(),
        "wrong_sample": pass.wrong.iter().take(10).collect::<Vec<_>>(),
    })
}

/// Image references per strategy.
pub fn strategy_mix(fleet: &Fleet) -> Value {
    let count = |wanted: fn(Class) -> bool| {
        fleet
            .images()
            .filter(|(_, image)| wanted(fleet.repos[image.repo].class))
            .count()
    };
    json!({
        "semver": count(|c| matches!(c, Class::Semver { .. })),
        "newest-build": count(|c| c == Class::Build),
        "digest": count(|c| c == Class::Digest),
        "alphabetical": count(|c| c == Class::Alpha),
    })
}
