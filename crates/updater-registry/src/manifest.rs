//! The JSON the registry returns: image manifests, indexes (manifest lists) and image configs,
//! in both the OCI and the Docker schema 2 flavours.

use std::collections::BTreeMap;

use serde::Deserialize;
use updater_core::filter::Platform;

/// OCI image index media type.
pub const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
/// OCI image manifest media type.
pub const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
/// Docker manifest list media type.
pub const DOCKER_LIST: &str = "application/vnd.docker.distribution.manifest.list.v2+json";
/// Docker schema 2 manifest media type.
pub const DOCKER_MANIFEST: &str = "application/vnd.docker.distribution.manifest.v2+json";

/// Why a manifest or config could not be understood.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    /// The body is not the JSON we expect.
    #[error("malformed {what} `{digest}`")]
    Malformed {
        /// `manifest` or `image config`.
        what: &'static str,
        /// The digest of the document.
        digest: String,
        /// The parse failure.
        #[source]
        source: serde_json::Error,
    },
    /// Neither an image manifest nor an index.
    #[error("unsupported manifest `{digest}` of media type `{media_type}`")]
    Unsupported {
        /// The digest of the document.
        digest: String,
        /// The media type the registry declared.
        media_type: String,
    },
}

/// What a manifest points to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ManifestKind {
    /// A single image: its config blob.
    Image {
        /// Digest of the config blob.
        config_digest: String,
    },
    /// An index: one child manifest per platform.
    Index {
        /// The children with their platforms (unknown platform: `None`).
        children: Vec<(String, Option<Platform>)>,
    },
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawManifest {
    media_type: Option<String>,
    config: Option<Descriptor>,
    manifests: Option<Vec<Descriptor>>,
}

#[derive(Deserialize)]
struct Descriptor {
    digest: String,
    platform: Option<RawPlatform>,
}

#[derive(Deserialize)]
struct RawPlatform {
    os: String,
    architecture: String,
    variant: Option<String>,
}

impl RawPlatform {
    fn to_platform(&self) -> Platform {
        Platform::new(
            &self.os,
            &self.architecture,
            self.variant.as_deref().unwrap_or(""),
        )
    }
}

/// Parses a manifest body; `media_type` is the response's Content-Type (the body's own
/// `mediaType` is optional in OCI, so both are consulted).
pub fn parse_manifest(
    digest: &str,
    media_type: &str,
    bytes: &[u8],
) -> Result<ManifestKind, ManifestError> {
    let raw: RawManifest =
        serde_json::from_slice(bytes).map_err(|source| ManifestError::Malformed {
            what: "manifest",
            digest: digest.to_owned(),
            source,
        })?;
    if let Some(children) = raw.manifests {
        let children = children
            .into_iter()
            .map(|child| {
                let platform = child.platform.as_ref().map(RawPlatform::to_platform);
                (child.digest, platform)
            })
            .collect();
        return Ok(ManifestKind::Index { children });
    }
    match raw.config {
        Some(config) => Ok(ManifestKind::Image {
            config_digest: config.digest,
        }),
        None => Err(ManifestError::Unsupported {
            digest: digest.to_owned(),
            media_type: raw.media_type.unwrap_or_else(|| media_type.to_owned()),
        }),
    }
}

/// What the strategies need from an image config.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigInfo {
    /// `created`, when present and valid.
    pub created: Option<jiff::Timestamp>,
    /// The image's platform.
    pub platform: Platform,
    /// OCI labels (`config.Labels`).
    pub labels: BTreeMap<String, String>,
}

#[derive(Deserialize)]
struct RawConfig {
    created: Option<String>,
    #[serde(default)]
    os: String,
    #[serde(default)]
    architecture: String,
    variant: Option<String>,
    config: Option<RawRuntimeConfig>,
}

#[derive(Deserialize)]
struct RawRuntimeConfig {
    #[serde(rename = "Labels")]
    labels: Option<BTreeMap<String, String>>,
}

/// Parses an image config blob.
pub fn parse_config(digest: &str, bytes: &[u8]) -> Result<ConfigInfo, ManifestError> {
    let raw: RawConfig =
        serde_json::from_slice(bytes).map_err(|source| ManifestError::Malformed {
            what: "image config",
            digest: digest.to_owned(),
            source,
        })?;
    let labels = raw
        .config
        .and_then(|config| config.labels)
        .unwrap_or_default();
    Ok(ConfigInfo {
        created: raw.created.and_then(|text| text.parse().ok()),
        platform: Platform::new(
            &raw.os,
            &raw.architecture,
            raw.variant.as_deref().unwrap_or(""),
        ),
        labels,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_manifest_points_to_its_config() {
        let body = br#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
            "config":{"mediaType":"x","digest":"sha256:c","size":1},"layers":[]}"#;
        let kind = parse_manifest("sha256:m", OCI_MANIFEST, body).unwrap();
        assert_eq!(
            kind,
            ManifestKind::Image {
                config_digest: "sha256:c".into()
            }
        );
    }

    #[test]
    fn index_lists_children_with_platforms() {
        let body = br#"{"schemaVersion":2,"manifests":[
            {"digest":"sha256:a","platform":{"os":"linux","architecture":"amd64"}},
            {"digest":"sha256:b","platform":{"os":"linux","architecture":"arm64","variant":"v8"}},
            {"digest":"sha256:c"}]}"#;
        let ManifestKind::Index { children } = parse_manifest("sha256:i", OCI_INDEX, body).unwrap()
        else {
            panic!("not an index");
        };
        assert_eq!(children.len(), 3);
        assert_eq!(children[1].1, Some(Platform::new("linux", "arm64", "v8")));
        assert_eq!(children[2].1, None);
    }

    #[test]
    fn malformed_and_unsupported_manifests_are_errors() {
        let error = parse_manifest("sha256:m", OCI_MANIFEST, b"{not json").unwrap_err();
        assert!(
            error.to_string().contains("malformed manifest `sha256:m`"),
            "{error}"
        );
        let error =
            parse_manifest("sha256:m", "application/x", br#"{"schemaVersion":1}"#).unwrap_err();
        assert!(error.to_string().contains("`application/x`"), "{error}");
    }

    #[test]
    fn config_gives_created_platform_and_labels() {
        let body = br#"{"created":"2025-03-04T05:06:07.123Z","os":"linux","architecture":"arm64",
            "variant":"v8","config":{"Labels":{"org.opencontainers.image.revision":"abc"}}}"#;
        let info = parse_config("sha256:c", body).unwrap();
        assert_eq!(
            info.created.unwrap().to_string(),
            "2025-03-04T05:06:07.123Z"
        );
        assert_eq!(info.platform, Platform::new("linux", "arm64", "v8"));
        assert_eq!(info.labels["org.opencontainers.image.revision"], "abc");
        let bare = parse_config("sha256:c", br#"{"created":"garbage"}"#).unwrap();
        assert_eq!(bare.created, None);
        assert!(parse_config("sha256:c", b"[]").is_err());
    }
}
