//! `test IMAGE`: what would this image move to? Evaluated offline against candidate tags from
//! `--tags-from`; the registry-backed mode arrives with the registry client.

mod registry;
mod report;
mod tags;

use std::io::Read;
use std::path::Path;

use anyhow::Context;
use updater_core::choose::{self, Running, TagInfo};
use updater_core::credentials::CredentialRef;
use updater_core::image::ImageRef;
use updater_core::policy::{self, ImagePolicy, UpdateSettings};
use updater_core::registries::RegistryTable;

use crate::cli::TestArgs;
use crate::failure::Failure;
use crate::{settings, telemetry};

/// Runs `test`: resolve the policy from flags, read tags, choose, print.
pub fn run(args: &TestArgs) -> Result<(), Failure> {
    let level = telemetry::parse_level(&args.loglevel).map_err(Failure::bad_input)?;
    telemetry::init_text(level);
    let policy = resolve_policy(args)?;
    let table = registry_table(args, &policy)?;
    let (tags, requests) = match &args.tags_from {
        Some(source) => (read_candidate_tags(source)?, None),
        None => {
            let (tags, requests) = registry::fetch(args, &policy, &table)?;
            (tags, Some(requests))
        }
    };
    tracing::info!("Found {} tags in registry", tags.len());
    let running = args.current.as_ref().map(|tag| Running {
        tag: Some(tag.clone()),
        digest: None,
    });
    let decision = choose::choose(&policy, &tags, running.as_ref());
    if let Some(prevented) = &decision.downgrade_prevented {
        tracing::warn!(
            "not moving from `{}` down to `{}`: downgrades are off (the Go original would move; \
             pass --allow-downgrade to allow)",
            prevented.running,
            prevented.candidate
        );
    }
    let report = report::Report::new(&policy, args.current.as_deref(), &decision, requests);
    report.print(args.output);
    Ok(())
}

fn resolve_policy(args: &TestArgs) -> Result<ImagePolicy, Failure> {
    let image = ImageRef::parse(&args.image)
        .with_context(|| format!("invalid image `{}`", args.image))
        .map_err(Failure::bad_input)?;
    let platforms = if args.platforms.is_empty() {
        vec![settings::runtime_platform()]
    } else {
        args.platforms.clone()
    };
    let settings = UpdateSettings {
        update_strategy: Some(args.update_strategy.clone()),
        allow_tags: Some(args.allow_tags.clone()),
        ignore_tags: Some(args.ignore_tags.clone()),
        platforms: Some(platforms),
        allow_downgrade: Some(args.allow_downgrade),
        ..UpdateSettings::default()
    };
    // As in the original, `test` takes the constraint from the flag, never from IMAGE's tag.
    policy::resolve(image, &args.semver_constraint, &settings).map_err(|error| {
        Failure::bad_input(error).with_hint("see `argocd-image-updater test --help` for the flags")
    })
}

/// Loads the registry table, validates the registry side of the flags and says which endpoint
/// serves the image.
fn registry_table(args: &TestArgs, policy: &ImagePolicy) -> Result<RegistryTable, Failure> {
    let table = settings::load_registries(Path::new(&args.registries_conf_path))
        .map_err(Failure::bad_input)?;
    let endpoint = table
        .endpoint_for(&policy.image.registry, &policy.image.name)
        .with_context(|| format!("no registry endpoint for image `{}`", policy.image))
        .map_err(Failure::bad_input)?;
    tracing::debug!(
        "registry endpoint for `{}` is {} ({})",
        policy.image,
        endpoint.name,
        endpoint.api_url
    );
    if !args.credentials.is_empty() {
        CredentialRef::parse(&args.credentials)
            .with_context(|| "invalid --credentials")
            .map_err(Failure::bad_input)?;
    }
    if args.rate_limit == Some(0) {
        return Err(Failure::bad_input(anyhow::anyhow!(
            "--rate-limit must be at least 1"
        )));
    }
    Ok(table)
}

fn read_candidate_tags(source: &Path) -> Result<Vec<TagInfo>, Failure> {
    let text = read_source(source)?;
    tags::parse(&text)
        .with_context(|| format!("invalid tag list `{}`", source.display()))
        .map_err(Failure::bad_input)
}

/// A tag file that cannot be read is bad input; a failing stdin is not the user's input.
fn read_source(source: &Path) -> Result<String, Failure> {
    if source == Path::new("-") {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .context("could not read tags from stdin")
            .map_err(Failure::failed)?;
        return Ok(text);
    }
    std::fs::read_to_string(source)
        .with_context(|| format!("could not read tags from `{}`", source.display()))
        .map_err(Failure::bad_input)
}
