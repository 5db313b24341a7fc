//! Turning merged settings into an [`ImagePolicy`]: every text is parsed here, once, and any bad
//! value becomes an error that names the image and the value.

use super::{ImagePolicy, Selection, UpdateSettings};
use crate::choose::{Strategy, UnknownStrategy};
use crate::credentials::{CredentialError, CredentialRef};
use crate::filter::{AllowTags, FilterError, IgnoreTags, Platforms};
use crate::image::ImageRef;
use crate::version::{Constraint, ConstraintError};

/// Why an image's policy could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    /// The update strategy is not one of the four (the original falls back to semver).
    #[error("invalid update strategy for image `{image}`")]
    Strategy {
        /// The image.
        image: String,
        /// The parse failure.
        #[source]
        source: UnknownStrategy,
    },
    /// The semver constraint does not parse.
    #[error("invalid version constraint for image `{image}`")]
    Constraint {
        /// The image.
        image: String,
        /// The parse failure.
        #[source]
        source: ConstraintError,
    },
    /// `digest` needs the tag to track.
    #[error("cannot use update strategy 'digest' for image '{image}' without a version constraint")]
    DigestWithoutTag {
        /// The image.
        image: String,
    },
    /// allow-tags, ignore-tags or platforms do not parse.
    #[error("invalid tag filter for image `{image}`")]
    Filter {
        /// The image.
        image: String,
        /// The parse failure.
        #[source]
        source: FilterError,
    },
    /// The pull secret reference does not parse.
    #[error("invalid pull secret for image `{image}`")]
    Credentials {
        /// The image.
        image: String,
        /// The parse failure.
        #[source]
        source: CredentialError,
    },
}

/// Builds the policy of `image` from merged `settings`. `constraint` is the semver constraint or,
/// for `digest`, the tracked tag: normally the tag part of the configured image name, but the
/// `test` command passes its flag. `settings.platforms == None` wants every platform; callers
/// put the runtime default into the global settings.
pub fn resolve(
    image: ImageRef,
    constraint: &str,
    settings: &UpdateSettings,
) -> Result<ImagePolicy, PolicyError> {
    let name = image.to_string();
    let filter_error = |source| PolicyError::Filter {
        image: name.clone(),
        source,
    };
    let selection = selection(&name, settings, constraint)?;
    let allow =
        AllowTags::parse(settings.allow_tags.as_deref().unwrap_or("")).map_err(filter_error)?;
    let ignore =
        IgnoreTags::new(settings.ignore_tags.clone().unwrap_or_default()).map_err(filter_error)?;
    let platforms =
        Platforms::parse(settings.platforms.as_deref().unwrap_or(&[])).map_err(filter_error)?;
    let credentials = credentials(&name, settings.pull_secret.as_deref())?;
    Ok(ImagePolicy {
        image,
        selection,
        allow,
        ignore,
        platforms,
        credentials,
        force_update: settings.force_update.unwrap_or(false),
        allow_downgrade: settings.allow_downgrade.unwrap_or(false),
    })
}

fn selection(
    image: &str,
    settings: &UpdateSettings,
    constraint: &str,
) -> Result<Selection, PolicyError> {
    let strategy_name = settings.update_strategy.as_deref().unwrap_or("semver");
    let strategy = Strategy::parse(strategy_name).map_err(|source| PolicyError::Strategy {
        image: image.to_owned(),
        source,
    })?;
    Ok(match strategy {
        Strategy::Semver => Selection::Semver(Constraint::parse(constraint).map_err(|source| {
            PolicyError::Constraint {
                image: image.to_owned(),
                source,
            }
        })?),
        Strategy::NewestBuild => Selection::NewestBuild,
        Strategy::Alphabetical => Selection::Alphabetical,
        Strategy::Digest if constraint.trim().is_empty() => {
            return Err(PolicyError::DigestWithoutTag {
                image: image.to_owned(),
            });
        }
        Strategy::Digest => Selection::Digest {
            tag: constraint.trim().to_owned(),
        },
    })
}

fn credentials(
    image: &str,
    pull_secret: Option<&str>,
) -> Result<Option<CredentialRef>, PolicyError> {
    let Some(text) = pull_secret.map(str::trim).filter(|text| !text.is_empty()) else {
        return Ok(None);
    };
    CredentialRef::parse(text)
        .map(Some)
        .map_err(|source| PolicyError::Credentials {
            image: image.to_owned(),
            source,
        })
}

#[cfg(test)]
mod tests;
