//! Stage 2, "resolve": the effective policy of one image, merged global → applicationRef → image.

use crate::choose::Strategy;
use crate::credentials::CredentialRef;
use crate::filter::{AllowTags, IgnoreTags, Platforms};
use crate::image::ImageRef;
use crate::version::Constraint;

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
