//! Pushing the demo images to the local registry with the test kit's seeder: one image per
//! tag for this machine's platform, or an index over linux/amd64 and linux/arm64.

use anyhow::Context;
use updater_testkit::{ImageSpec, ManifestFormat, RegistryServer};

use crate::scenario::{DemoImage, DemoTag, host_arch};

/// The platforms of a multi-arch demo image.
pub const MULTI_ARCH: [&str; 2] = ["amd64", "arm64"];

/// Pushes every tag of every image.
pub async fn push_all(registry: &RegistryServer, images: &[DemoImage]) -> anyhow::Result<()> {
    let seeder = registry.seeder().context("cannot reach the registry")?;
    for image in images {
        for tag in image.tags {
            push_tag(&seeder, image, tag)
                .await
                .with_context(|| format!("cannot push `{}:{}`", image.repository, tag.name))?;
        }
    }
    Ok(())
}

/// Pushes one tag, built at `tag.created`.
async fn push_tag(
    seeder: &updater_testkit::Seeder,
    image: &DemoImage,
    tag: &DemoTag,
) -> anyhow::Result<()> {
    let created: jiff::Timestamp = tag.created.parse()?;
    if image.multi_arch {
        let specs = MULTI_ARCH.map(|arch| ImageSpec {
            created: Some(created),
            ..ImageSpec::platform(arch, None)
        });
        seeder
            .push_index(image.repository, tag.name, &specs, ManifestFormat::Oci)
            .await?;
    } else {
        let spec = ImageSpec {
            created: Some(created),
            ..ImageSpec::platform(host_arch(), None)
        };
        seeder.push_image(image.repository, tag.name, &spec).await?;
    }
    Ok(())
}

/// The platforms an image is pushed for, for people: `linux/amd64, linux/arm64`.
pub fn platforms_text(image: &DemoImage) -> String {
    if image.multi_arch {
        MULTI_ARCH.map(|arch| format!("linux/{arch}")).join(", ")
    } else {
        format!("linux/{}", host_arch())
    }
}
