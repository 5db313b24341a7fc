//! Stages 2 to 4 for one Application: for each image the effective policy, the registry's tags,
//! the decision, and the edit of an in-memory copy of the Application (spec §5.2, §6). The
//! copy is what Git write-back renders files from; the `argocd` method re-applies only the
//! changes to a fresh read.

use std::collections::BTreeMap;

use anyhow::Context;
use updater_core::application::{
    Application, SpecTarget, already_set, live_or_forced, reselect_digest, running, set_image,
    unchanged_image,
};
use updater_core::choose::{self, Decision, Strategy};
use updater_core::discover::{AppKey, TargetImage};
use updater_core::image::ImageRef;
use updater_core::plan::ImageChange;
use updater_core::policy::{self, ImagePolicy, UpdateSettings};
use updater_registry::cycle::CycleTags;

use super::Services;
use super::select::AppWork;
use super::source::AppSource;
use super::target::{self, AppPlan, PlanOutcome};
use crate::failure::error_chain;

/// Image counts, as the original keeps them per Application (spec §6 "Counters per app").
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Images live (or forced) whose tags were looked at.
    pub considered: usize,
    /// Images moved to a new version.
    pub updated: usize,
    /// Images not live, or without a candidate.
    pub skipped: usize,
    /// Failures.
    pub errors: usize,
}

/// What happened to one image.
#[derive(Debug, Clone)]
pub enum ImageOutcome {
    /// Not among the Application's live images (and not forced).
    NotLive,
    /// Considered, but no tag qualifies.
    NoCandidate,
    /// Considered and already on the chosen version.
    UpToDate,
    /// The spec already holds the chosen version (written earlier, not synced yet).
    AlreadySet,
    /// Moved to a new version.
    Updated(Box<ImageChange>),
    /// Failed; `considered` tells whether it counts as considered.
    Failed {
        /// Whether the image was live when it failed.
        considered: bool,
    },
}

/// One image's result and what was written into the in-memory spec for it.
#[derive(Debug, Clone)]
pub struct ImageDone {
    /// The configured image.
    pub image: TargetImage,
    /// Where it is written in the source.
    pub spec_target: Option<SpecTarget>,
    /// The image value written into the in-memory spec (new or current version).
    pub written: Option<ImageRef>,
    /// The outcome.
    pub outcome: ImageOutcome,
}

impl ImageDone {
    fn new(image: &TargetImage) -> Self {
        Self {
            image: image.clone(),
            spec_target: None,
            written: None,
            outcome: ImageOutcome::Failed { considered: false },
        }
    }

    /// The change, when the image was updated.
    pub fn change(&self) -> Option<&ImageChange> {
        match &self.outcome {
            ImageOutcome::Updated(change) => Some(change),
            _ => None,
        }
    }
}

/// One Application after stages 2 to 4.
#[derive(Debug, Clone)]
pub struct AppResult {
    /// The run (ImageUpdater) that selected it.
    pub run: usize,
    /// The Application.
    pub key: AppKey,
    /// As loaded.
    pub original: Application,
    /// With every image's version written in.
    pub edited: Application,
    /// How it is written; `None` when it is not (unsupported type or a configuration error).
    pub plan: Option<AppPlan>,
    /// Per image, in configuration order.
    pub images: Vec<ImageDone>,
    /// Whether it counts in `applicationsMatched`.
    pub matched: bool,
    /// Failures outside any image (configuration, write-back).
    pub app_errors: usize,
    /// Set when the write failed: the updates did not happen.
    pub write_failed: bool,
}

impl AppResult {
    fn new(work: &AppWork) -> Self {
        Self {
            run: work.run,
            key: work.target.app.clone(),
            original: work.app.clone(),
            edited: work.app.clone(),
            plan: None,
            images: Vec::new(),
            matched: false,
            app_errors: 0,
            write_failed: false,
        }
    }

    /// Whether it counts in `applicationsMatched`: selected, writable, with images.
    pub fn is_matched(&self) -> bool {
        self.matched && !self.images.is_empty()
    }

    /// The changes to write.
    pub fn changes(&self) -> Vec<ImageChange> {
        self.images
            .iter()
            .filter_map(ImageDone::change)
            .cloned()
            .collect()
    }

    /// The updated images with where and what to write, for re-applying to a fresh read.
    pub fn spec_writes(&self) -> Vec<(SpecTarget, ImageRef)> {
        self.images
            .iter()
            .filter(|done| done.change().is_some())
            .filter_map(|done| Some((done.spec_target.clone()?, done.written.clone()?)))
            .collect()
    }

    /// Records a failed write: logged once, its updates do not count.
    pub fn fail_write(&mut self, error: &anyhow::Error) {
        tracing::error!(application = %self.key, "{error:#}");
        self.app_errors += 1;
        self.write_failed = true;
    }

    /// The counts of this Application.
    pub fn counts(&self) -> Counts {
        let mut counts = Counts {
            errors: self.app_errors,
            ..Counts::default()
        };
        for done in &self.images {
            count(&mut counts, &done.outcome);
        }
        if self.write_failed {
            counts.updated = 0;
        }
        counts
    }
}

fn count(counts: &mut Counts, outcome: &ImageOutcome) {
    match outcome {
        ImageOutcome::NotLive => counts.skipped += 1,
        ImageOutcome::NoCandidate => {
            counts.considered += 1;
            counts.skipped += 1;
        }
        ImageOutcome::UpToDate | ImageOutcome::AlreadySet => counts.considered += 1,
        ImageOutcome::Updated(_) => {
            counts.considered += 1;
            counts.updated += 1;
        }
        ImageOutcome::Failed { considered } => {
            counts.considered += usize::from(*considered);
            counts.errors += 1;
        }
    }
}

/// Takes one Application through stages 2 to 4.
pub async fn update_app<S: AppSource>(
    services: &Services,
    source: &S,
    pass: &CycleTags,
    work: &AppWork,
) -> AppResult {
    let mut result = AppResult::new(work);
    let settings = &services.settings;
    let write_back = work.target.write_back.as_ref();
    let mut plan = match target::plan(&work.app, write_back, &settings.controller_namespace) {
        Ok(PlanOutcome::Ready(plan)) => plan,
        Ok(PlanOutcome::Unsupported(reason)) => {
            tracing::warn!(application = %result.key, "skipping: {reason}");
            return result;
        }
        Err(error) => {
            result.matched = true;
            result.fail_write(&error.context("cannot plan the write-back"));
            return result;
        }
    };
    result.matched = true;
    if plan.git.is_none() {
        plan.git = source.argocd_as_git(&result.key);
    }
    let live = work.app.live_images();
    for entry in &live.unparsable {
        tracing::debug!(application = %result.key, "ignoring live image `{entry}`: not an image reference");
    }
    let context = ImageContext {
        services,
        source,
        pass,
        plan: &plan,
        app: &result.key,
        original: &work.app,
        live: &live.images,
    };
    for image in &work.target.images {
        let done = context.update_image(image, &mut result.edited).await;
        result.images.push(done);
    }
    result.plan = Some(plan);
    result
}

/// What every image of one Application shares.
struct ImageContext<'a, S> {
    services: &'a Services,
    source: &'a S,
    pass: &'a CycleTags,
    plan: &'a AppPlan,
    app: &'a AppKey,
    original: &'a Application,
    live: &'a [ImageRef],
}

impl<S: AppSource> ImageContext<'_, S> {
    async fn update_image(&self, image: &TargetImage, edited: &mut Application) -> ImageDone {
        let mut done = ImageDone::new(image);
        if let Err(error) = self.try_update(image, edited, &mut done).await {
            let what = format!("image `{}`", image.image_name);
            tracing::error!(application = %self.app, "{what}: {}", error_chain(error.as_ref()));
        }
        done
    }

    /// Fills `done`; an error leaves it `Failed` (with `considered` as set so far).
    async fn try_update(
        &self,
        image: &TargetImage,
        edited: &mut Application,
        done: &mut ImageDone,
    ) -> anyhow::Result<()> {
        if let Some(error) = &image.error {
            return Err(anyhow::Error::new(error.clone()));
        }
        let policy = self.policy(image)?;
        let spec_target = target::spec_target(image, self.plan.source_type)?;
        done.spec_target = Some(spec_target.clone());
        let kustomize_name = kustomize_name(&spec_target);
        let strategy = policy.selection.strategy();
        let force = policy.force_update;
        let current = self.current_image(&spec_target, &policy.image).await?;
        let known = current.as_deref().unwrap_or(self.live);
        let live = live_or_forced(&policy.image, kustomize_name, strategy, known, force);
        let Some(live) = live else {
            tracing::debug!(application = %self.app, image = %policy.image, "not running in the application, skipped");
            done.outcome = ImageOutcome::NotLive;
            return Ok(());
        };
        done.outcome = ImageOutcome::Failed { considered: true };
        let query = self.services.registries.query(self.pass, &policy).await?;
        let (live, decision) = self.decide(&policy, kustomize_name, live, &query.tags);
        let index = self.plan.source_index;
        let Some(chosen) = decision.chosen.clone() else {
            tracing::warn!(application = %self.app, image = %policy.image, "no tag matched; skipped");
            done.outcome = ImageOutcome::NoCandidate;
            return Ok(());
        };
        let renamed = kustomize_name.is_some() && !same_repository(&live, &policy.image);
        if !decision.update_needed && !renamed {
            let current = unchanged_image(&policy.image, &live, strategy);
            set_image(edited, index, &spec_target, &current)?;
            done.written = Some(current);
            done.outcome = ImageOutcome::UpToDate;
            tracing::debug!(application = %self.app, image = %policy.image, version = %chosen.name, "up to date");
            return Ok(());
        }
        let digest = (strategy == Strategy::Digest)
            .then(|| chosen.digest.clone())
            .flatten();
        let new_image = ImageRef {
            alias: None,
            tag: Some(chosen.name.clone()),
            digest: digest.clone(),
            ..policy.image.clone()
        };
        done.written = Some(new_image.clone());
        let written_already = current
            .iter()
            .flatten()
            .any(|held| held.full_name_with_tag() == new_image.full_name_with_tag());
        if written_already || already_set(edited, index, &spec_target, &new_image) {
            tracing::info!(application = %self.app, image = %policy.image, version = %new_image.full_name_with_tag(), "already set");
            done.outcome = ImageOutcome::AlreadySet;
            return Ok(());
        }
        set_image(edited, index, &spec_target, &new_image)
            .with_context(|| format!("cannot set image `{}`", new_image.full_name_with_tag()))?;
        let change = ImageChange {
            alias: image.alias.clone(),
            image: policy.image.clone(),
            old_tag: live.tag.clone(),
            old_digest: live.digest.clone(),
            new_tag: chosen.name.clone(),
            new_digest: digest,
            labels: BTreeMap::new(),
        };
        tracing::info!(
            application = %self.app,
            image = %policy.image.full_name_without_tag(),
            old = %change.old_display(),
            new = %change.new_display(),
            "updating image"
        );
        done.outcome = ImageOutcome::Updated(Box::new(change));
        Ok(())
    }

    /// What the write-back target holds now, for sources without live status; `None`: use
    /// the Application's live images.
    async fn current_image(
        &self,
        spec_target: &SpecTarget,
        image: &ImageRef,
    ) -> anyhow::Result<Option<Vec<ImageRef>>> {
        let read = self
            .source
            .current_image(self.original, self.plan, spec_target, image)
            .await;
        match read {
            None => Ok(None),
            Some(result) => {
                let current = result.context("cannot read the current version")?;
                Ok(Some(current.into_iter().collect()))
            }
        }
    }

    /// Stage 2: the configured settings over the runtime's default platforms; the tag part of
    /// the configured image is the constraint (or the tracked tag).
    fn policy(&self, image: &TargetImage) -> anyhow::Result<ImagePolicy> {
        let configured = ImageRef::parse(&image.image_name)
            .with_context(|| format!("invalid image `{}`", image.image_name))?;
        let defaults = UpdateSettings {
            platforms: Some(self.services.settings.default_platforms.clone()),
            ..UpdateSettings::default()
        };
        let settings = defaults.overlay(&image.settings);
        let constraint = configured.tag.clone().unwrap_or_default();
        Ok(policy::resolve(configured, &constraint, &settings)?)
    }

    /// Stage 4: the decision, re-taken for `digest` when another live entry of the image is
    /// the one to compare against the newest digest (spec §5.2).
    fn decide(
        &self,
        policy: &ImagePolicy,
        kustomize_name: Option<&str>,
        live: ImageRef,
        tags: &[choose::TagInfo],
    ) -> (ImageRef, Decision) {
        let decision = choose::choose(policy, tags, Some(&running(&live)));
        if let Some(prevented) = &decision.downgrade_prevented {
            tracing::warn!(
                application = %self.app,
                image = %policy.image,
                "not moving from `{}` down to `{}`: downgrades are off (set allowDowngrade to allow)",
                prevented.running,
                prevented.candidate
            );
        }
        let digest = decision.chosen.as_ref().and_then(|c| c.digest.clone());
        let (Strategy::Digest, Some(digest)) = (policy.selection.strategy(), digest) else {
            return (live, decision);
        };
        match reselect_digest(&policy.image, kustomize_name, self.live, &digest) {
            Some(other) if other != live => {
                let decision = choose::choose(policy, tags, Some(&running(&other)));
                (other, decision)
            }
            _ => (live, decision),
        }
    }
}

fn kustomize_name(target: &SpecTarget) -> Option<&str> {
    match target {
        SpecTarget::Kustomize { name } => name.as_deref().filter(|n| !n.is_empty()),
        _ => None,
    }
}

fn same_repository(live: &ImageRef, configured: &ImageRef) -> bool {
    live.registry == configured.registry && live.name == configured.name
}
