//! Stage 2, "resolve": the effective policy of one image, merged global → applicationRef → image.

use crate::choose::Strategy;
use crate::credentials::CredentialRef;
use crate::filter::{AllowTags, IgnoreTags, Platforms};
use crate::image::ImageRef;
use crate::version::Constraint;
use serde::{Deserialize, Serialize};

/// How a strategy selects among tags, with what it needs.
#[derive(Debug, Clone)]
pub enum Selection {
    /// Highest version satisfying the constraint (empty constraint means `*`).
    Semver(Constraint),
    /// Newest creation time.
    NewestBuild,
    /// Lexically greatest name.
    Alphabetical,
    /// Newest digest of the one tracked tag.
    Digest {
        /// The tag whose digest is followed.
        tag: String,
    },
}

impl Selection {
    /// The strategy this selection implements.
    pub fn strategy(&self) -> Strategy {
        match self {
            Self::Semver(_) => Strategy::Semver,
            Self::NewestBuild => Strategy::NewestBuild,
            Self::Alphabetical => Strategy::Alphabetical,
            Self::Digest { .. } => Strategy::Digest,
        }
    }
}

/// Everything needed to choose a tag for one image; built once per image per cycle.
#[derive(Debug, Clone)]
pub struct ImagePolicy {
    /// The configured image (its tag part is the constraint or tracked tag).
    pub image: ImageRef,
    /// Strategy and its parameter.
    pub selection: Selection,
    /// `allowTags`.
    pub allow: AllowTags,
    /// `ignoreTags`.
    pub ignore: IgnoreTags,
    /// Wanted platforms (only effective for metadata strategies).
    pub platforms: Platforms,
    /// Image-level credentials, if configured.
    pub credentials: Option<CredentialRef>,
    /// Update even when the image is not among the application's live images.
    pub force_update: bool,
    /// Allow moving to a lower version than the running one (the original always does).
    pub allow_downgrade: bool,
}

/// The CRD's `CommonUpdateSettings` (spec §3.4) plus our `allowDowngrade` extension; every field
/// is optional so that levels can be layered global → applicationRef → image.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateSettings {
    /// `updateStrategy`: `semver`, `newest-build`, `alphabetical`, `digest` (or a deprecated alias).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update_strategy: Option<String>,
    /// `forceUpdate`: treat the image as live even when the application does not run it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub force_update: Option<bool>,
    /// `allowTags`: a match function (`regexp:<re>` or `any`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_tags: Option<String>,
    /// `ignoreTags`: globs; a matching tag is excluded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-kubernetes-list-type" = "atomic"))]
    pub ignore_tags: Option<Vec<String>>,
    /// `pullSecret`: a credential source reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pull_secret: Option<String>,
    /// `platforms`: `os/arch[/variant]` entries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-kubernetes-list-type" = "atomic"))]
    pub platforms: Option<Vec<String>>,
    /// `allowDowngrade` (our extension, absent from the original): permit choosing a version
    /// lower than the running one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_downgrade: Option<bool>,
}

impl UpdateSettings {
    /// Layers `more_specific` over `self`: field by field, a `Some` in `more_specific` wins, and
    /// `Some(vec![])` counts as set (it clears the inherited list).
    pub fn overlay(&self, more_specific: &UpdateSettings) -> UpdateSettings {
        fn pick<T: Clone>(base: &Option<T>, over: &Option<T>) -> Option<T> {
            over.as_ref().or(base.as_ref()).cloned()
        }
        UpdateSettings {
            update_strategy: pick(&self.update_strategy, &more_specific.update_strategy),
            force_update: pick(&self.force_update, &more_specific.force_update),
            allow_tags: pick(&self.allow_tags, &more_specific.allow_tags),
            ignore_tags: pick(&self.ignore_tags, &more_specific.ignore_tags),
            pull_secret: pick(&self.pull_secret, &more_specific.pull_secret),
            platforms: pick(&self.platforms, &more_specific.platforms),
            allow_downgrade: pick(&self.allow_downgrade, &more_specific.allow_downgrade),
        }
    }

    /// The effective settings of one image: global, then applicationRef, then image (the last
    /// non-`None` value of each field wins); absent levels contribute nothing.
    pub fn merge_chain(
        global: Option<&UpdateSettings>,
        app_ref: Option<&UpdateSettings>,
        image: Option<&UpdateSettings>,
    ) -> UpdateSettings {
        [global, app_ref, image]
            .into_iter()
            .flatten()
            .fold(UpdateSettings::default(), |acc, level| acc.overlay(level))
    }
}

mod resolve;
#[cfg(test)]
mod settings_tests;

pub use resolve::{PolicyError, resolve};
