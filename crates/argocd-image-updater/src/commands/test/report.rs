//! What `test` prints: one JSON object (`--output json`) or a short human summary.

use serde::Serialize;
use updater_core::choose::Decision;
use updater_core::image::ImageRef;
use updater_core::policy::{ImagePolicy, Selection};

use crate::cli::OutputFormat;

/// The result of `test`, shaped as the documented JSON.
#[derive(Debug, Serialize)]
pub struct Report {
    image: String,
    strategy: &'static str,
    constraint: Option<String>,
    current: Option<String>,
    chosen: Option<String>,
    chosen_digest: Option<String>,
    update_needed: bool,
    candidates: Vec<Candidate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    registry_requests: Option<u64>,
    #[serde(skip)]
    chosen_image: Option<String>,
}

/// One considered tag.
#[derive(Debug, Serialize)]
struct Candidate {
    tag: String,
    accepted: bool,
    reason: Option<String>,
}

impl Report {
    /// Builds the report of one decision.
    pub fn new(
        policy: &ImagePolicy,
        current: Option<&str>,
        decision: &Decision,
        registry_requests: Option<u64>,
    ) -> Self {
        let chosen = decision.chosen.as_ref();
        Self {
            image: policy.image.to_string(),
            strategy: policy.selection.strategy().as_str(),
            constraint: constraint_text(&policy.selection),
            current: current.map(str::to_owned),
            chosen: chosen.map(|tag| tag.name.clone()),
            chosen_digest: chosen.and_then(|tag| tag.digest.clone()),
            update_needed: decision.update_needed,
            candidates: candidates(decision),
            registry_requests,
            chosen_image: chosen.map(|tag| with_tag(&policy.image, &tag.name, &tag.digest)),
        }
    }

    /// Prints to stdout in `format`.
    pub fn print(&self, format: OutputFormat) {
        match format {
            OutputFormat::Json => println!("{}", self.to_json()),
            OutputFormat::Text => print!("{}", self.to_text()),
        }
    }

    fn to_json(&self) -> String {
        serde_json::to_string_pretty(self)
            .unwrap_or_else(|error| format!("{{\"error\":\"{error}\"}}"))
    }

    fn to_text(&self) -> String {
        let mut text = format!("image: {} (strategy {}", self.image, self.strategy);
        if let Some(constraint) = &self.constraint {
            text.push_str(&format!(", constraint `{constraint}`"));
        }
        text.push_str(&format!(")\n{} tags considered\n", self.candidates.len()));
        let width = self
            .candidates
            .iter()
            .map(|c| c.tag.len())
            .max()
            .unwrap_or(0);
        for candidate in &self.candidates {
            let verdict = candidate.reason.as_deref().unwrap_or("chosen");
            text.push_str(&format!("  {:width$}  {verdict}\n", candidate.tag));
        }
        text.push_str(&self.conclusion());
        if let Some(requests) = self.registry_requests {
            text.push_str(&format!("registry requests: {requests}\n"));
        }
        text
    }

    fn conclusion(&self) -> String {
        let Some(image) = &self.chosen_image else {
            return "no newer version of image found\n".to_owned();
        };
        let mut line = format!("latest image according to constraint is {image}\n");
        match (&self.current, self.update_needed) {
            (Some(current), true) => {
                line.push_str(&format!("update needed: running `{current}`\n"))
            }
            (Some(current), false) => {
                line.push_str(&format!("no update needed: running `{current}`\n"))
            }
            (None, _) => {}
        }
        line
    }
}

fn constraint_text(selection: &Selection) -> Option<String> {
    match selection {
        Selection::Semver(constraint) => Some(constraint.as_str().to_owned()),
        Selection::Digest { tag } => Some(tag.clone()),
        Selection::NewestBuild | Selection::Alphabetical => None,
    }
}

fn candidates(decision: &Decision) -> Vec<Candidate> {
    decision
        .verdicts
        .iter()
        .map(|verdict| Candidate {
            tag: verdict.tag.clone(),
            accepted: verdict.rejection.is_none(),
            reason: verdict.rejection.as_ref().map(ToString::to_string),
        })
        .collect()
}

fn with_tag(image: &ImageRef, tag: &str, digest: &Option<String>) -> String {
    let mut image = image.clone();
    image.tag = Some(tag.to_owned());
    image.digest = digest.clone();
    image.to_string()
}
