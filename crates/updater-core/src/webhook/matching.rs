//! Which images an event concerns (spec §12 step 2), with the original's Docker Hub `library/`
//! mismatch fixed: an event for `library/nginx` concerns an image configured as `nginx`.

use super::RegistryEvent;
use crate::image::ImageRef;

/// Docker Hub's canonical registry name, as Docker Hub events carry it.
const DOCKER_HUB: &str = "docker.io";
/// Other names of Docker Hub's registry an image or a generic event may use.
const DOCKER_HUB_ALIASES: [&str; 3] = ["docker.io", "index.docker.io", "registry-1.docker.io"];
/// The namespace of Docker Hub's official images.
const LIBRARY_PREFIX: &str = "library/";

/// Whether `event` concerns an image configured with `image_registry` and `image_repository`.
///
/// Pass an [`ImageRef`]'s `registry` and `name` (or use [`concerns_image`]): `nginx` and
/// `library/nginx` give `("", …)`, `docker.io/library/nginx` gives `("docker.io", "nginx")`,
/// `ghcr.io/org/app` gives `("ghcr.io", "org/app")`.
///
/// The registry matches when the image's is empty (it may resolve to a default registry from
/// `registries.conf`, so it is not assumed to be Docker Hub) or names the event's registry; host
/// case and Docker Hub's aliases (`docker.io`, `index.docker.io`, `registry-1.docker.io`) are
/// ignored. The repository must be equal, except that for a Docker Hub event and an image whose
/// registry is empty or Docker Hub, a leading `library/` on either side is ignored.
pub fn concerns(event: &RegistryEvent, image_registry: &str, image_repository: &str) -> bool {
    let event_registry = canonical_registry(&event.registry);
    let image_registry = canonical_registry(image_registry);
    if !image_registry.is_empty() && image_registry != event_registry {
        return false;
    }
    let hub = event_registry == DOCKER_HUB;
    if hub && (image_registry.is_empty() || image_registry == DOCKER_HUB) {
        official_name(&event.repository) == official_name(image_repository)
    } else {
        event.repository == image_repository
    }
}

/// [`concerns`] for a parsed image reference (its `registry` and `name`); tag, digest and alias
/// are ignored, because the event only triggers the image's normal update strategy.
pub fn concerns_image(event: &RegistryEvent, image: &ImageRef) -> bool {
    concerns(event, &image.registry, &image.name)
}

/// Lower-case, with Docker Hub's aliases folded into `docker.io`.
fn canonical_registry(registry: &str) -> String {
    let lower = registry.trim_end_matches('/').to_ascii_lowercase();
    if DOCKER_HUB_ALIASES.contains(&lower.as_str()) {
        DOCKER_HUB.to_owned()
    } else {
        lower
    }
}

/// A Docker Hub repository without the official images' `library/` namespace.
fn official_name(repository: &str) -> &str {
    repository
        .strip_prefix(LIBRARY_PREFIX)
        .unwrap_or(repository)
}
