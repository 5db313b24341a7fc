//! `template [PATH]`: renders a commit message template against the original's sample data.

use anyhow::Context;
use updater_core::render::template::{CommitMessageData, CommitTemplate};

use crate::cli::TemplateArgs;
use crate::failure::Failure;

/// Prints the rendered message followed by a newline, as the original does.
pub fn run(args: &TemplateArgs) -> Result<(), Failure> {
    let template = match &args.path {
        None => CommitTemplate::default_template(),
        Some(path) => load(path).map_err(Failure::bad_input)?,
    };
    let message = template
        .render_commit_message(&CommitMessageData::sample())
        .map_err(Failure::bad_input)?;
    println!("{message}");
    Ok(())
}

fn load(path: &std::path::Path) -> anyhow::Result<CommitTemplate> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("could not read template `{}`", path.display()))?;
    CommitTemplate::parse(&text)
        .with_context(|| format!("invalid commit message template `{}`", path.display()))
}
