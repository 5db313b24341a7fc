//! Tiny images built in memory: a one-file gzipped tar layer, a config, and the OCI or Docker
//! schema 2 manifest or index that ties them together. Pure: no I/O.

use std::collections::BTreeMap;

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// Media types of the manifests, configs and layers the seeder pushes.
pub mod media_type {
    /// OCI image manifest.
    pub const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
    /// OCI image index.
    pub const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
    /// OCI image config.
    pub const OCI_CONFIG: &str = "application/vnd.oci.image.config.v1+json";
    /// OCI gzipped tar layer.
    pub const OCI_LAYER: &str = "application/vnd.oci.image.layer.v1.tar+gzip";
    /// Docker schema 2 manifest.
    pub const DOCKER_MANIFEST: &str = "application/vnd.docker.distribution.manifest.v2+json";
    /// Docker manifest list.
    pub const DOCKER_MANIFEST_LIST: &str =
        "application/vnd.docker.distribution.manifest.list.v2+json";
    /// Docker image config.
    pub const DOCKER_CONFIG: &str = "application/vnd.docker.container.image.v1+json";
    /// Docker gzipped tar layer.
    pub const DOCKER_LAYER: &str = "application/vnd.docker.image.rootfs.diff.tar.gzip";
    /// What a client must accept to get any of the above (distribution 2.8 answers 404 to a GET
    /// of an OCI manifest without it).
    pub const ACCEPT_ALL: &str = "application/vnd.oci.image.index.v1+json, \
        application/vnd.oci.image.manifest.v1+json, \
        application/vnd.docker.distribution.manifest.list.v2+json, \
        application/vnd.docker.distribution.manifest.v2+json";
}

/// Which manifest family to push.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ManifestFormat {
    /// OCI image manifest / index.
    #[default]
    Oci,
    /// Docker schema 2 manifest / manifest list.
    Docker,
}

impl ManifestFormat {
    /// Media type of a single-image manifest.
    pub fn manifest_media_type(self) -> &'static str {
        match self {
            Self::Oci => media_type::OCI_MANIFEST,
            Self::Docker => media_type::DOCKER_MANIFEST,
        }
    }

    /// Media type of a multi-platform index or manifest list.
    pub fn index_media_type(self) -> &'static str {
        match self {
            Self::Oci => media_type::OCI_INDEX,
            Self::Docker => media_type::DOCKER_MANIFEST_LIST,
        }
    }

    fn config_media_type(self) -> &'static str {
        match self {
            Self::Oci => media_type::OCI_CONFIG,
            Self::Docker => media_type::DOCKER_CONFIG,
        }
    }

    fn layer_media_type(self) -> &'static str {
        match self {
            Self::Oci => media_type::OCI_LAYER,
            Self::Docker => media_type::DOCKER_LAYER,
        }
    }
}

/// What an image to push looks like.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageSpec {
    /// The config's `created`; omitted when `None`.
    pub created: Option<jiff::Timestamp>,
    /// The config's `config.Labels`.
    pub labels: BTreeMap<String, String>,
    /// `os`, e.g. `linux`.
    pub os: String,
    /// `architecture`, e.g. `amd64`.
    pub arch: String,
    /// `variant`, e.g. `v8`; omitted when `None`.
    pub variant: Option<String>,
    /// Manifest family (ignored for the children of an index, which follow the index's).
    pub format: ManifestFormat,
    /// Content of the layer's only file. `None` derives it from repository, tag and platform,
    /// so every pushed image has its own digest; set the same value on two specs to get
    /// identical images.
    pub content: Option<String>,
}

impl Default for ImageSpec {
    fn default() -> Self {
        Self {
            created: None,
            labels: BTreeMap::new(),
            os: "linux".to_owned(),
            arch: "amd64".to_owned(),
            variant: None,
            format: ManifestFormat::Oci,
            content: None,
        }
    }
}

impl ImageSpec {
    /// A linux/amd64 OCI image with the given `created`.
    pub fn created(created: jiff::Timestamp) -> Self {
        Self {
            created: Some(created),
            ..Self::default()
        }
    }

    /// A linux image for `arch` and optional `variant`.
    pub fn platform(arch: &str, variant: Option<&str>) -> Self {
        Self {
            arch: arch.to_owned(),
            variant: variant.map(str::to_owned),
            ..Self::default()
        }
    }

    /// The same spec with one more label.
    pub fn with_label(mut self, key: &str, value: &str) -> Self {
        self.labels.insert(key.to_owned(), value.to_owned());
        self
    }

    /// The same spec in another manifest format.
    pub fn with_format(self, format: ManifestFormat) -> Self {
        Self { format, ..self }
    }

    /// `os/arch[/variant]`.
    pub(crate) fn platform_string(&self) -> String {
        match &self.variant {
            Some(variant) => format!("{}/{}/{variant}", self.os, self.arch),
            None => format!("{}/{}", self.os, self.arch),
        }
    }

    /// The `platform` object of an index entry.
    fn platform_json(&self) -> Value {
        let mut platform = json!({"architecture": self.arch, "os": self.os});
        if let Some(variant) = &self.variant {
            platform["variant"] = json!(variant);
        }
        platform
    }
}

/// Bytes addressed by their SHA-256 digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Blob {
    pub(crate) bytes: Vec<u8>,
    /// `sha256:<hex>`.
    pub(crate) digest: String,
}

impl Blob {
    pub(crate) fn new(bytes: Vec<u8>) -> Self {
        let digest = sha256_digest(&bytes);
        Self { bytes, digest }
    }

    /// The descriptor (`mediaType`, `digest`, `size`) that references this blob.
    fn descriptor(&self, media_type: &str) -> Value {
        json!({"mediaType": media_type, "digest": self.digest, "size": self.bytes.len()})
    }
}

/// The layer's file content when a spec sets none: one per repository, tag and platform, so
/// every pushed image has its own digest. Both seeders use it, so their digests agree.
pub(crate) fn default_content(repo: &str, tag: &str, spec: &ImageSpec) -> String {
    format!("{repo}:{tag} {}\n", spec.platform_string())
}

/// `sha256:<hex>` of `bytes`.
pub(crate) fn sha256_digest(bytes: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(bytes)))
}

/// An image ready to upload: its two blobs and its manifest.
#[derive(Debug, Clone)]
pub(crate) struct BuiltImage {
    pub(crate) layer: Blob,
    pub(crate) config: Blob,
    pub(crate) manifest: Blob,
    pub(crate) media_type: &'static str,
}

/// Builds the image `spec` describes, with `default_content` as the layer's file unless the
/// spec sets one.
pub(crate) fn build_image(
    spec: &ImageSpec,
    format: ManifestFormat,
    default_content: &str,
) -> BuiltImage {
    let content = spec.content.as_deref().unwrap_or(default_content);
    let tar = tar_one_file("hello.txt", content.as_bytes());
    let diff_id = sha256_digest(&tar);
    let layer = Blob::new(gzip_stored(&tar));
    let config = Blob::new(to_json(&config_json(spec, &diff_id)));
    let manifest = json!({
        "schemaVersion": 2,
        "mediaType": format.manifest_media_type(),
        "config": config.descriptor(format.config_media_type()),
        "layers": [layer.descriptor(format.layer_media_type())],
    });
    BuiltImage {
        layer,
        config,
        manifest: Blob::new(to_json(&manifest)),
        media_type: format.manifest_media_type(),
    }
}

/// The image config: platform, optional `created`, labels and the layer's diff id.
fn config_json(spec: &ImageSpec, diff_id: &str) -> Value {
    let mut config = json!({
        "architecture": spec.arch,
        "os": spec.os,
        "config": {"Labels": spec.labels},
        "rootfs": {"type": "layers", "diff_ids": [diff_id]},
    });
    if let Some(variant) = &spec.variant {
        config["variant"] = json!(variant);
    }
    if let Some(created) = spec.created {
        config["created"] = json!(created.to_string());
    }
    config
}

/// An index (manifest list) over already built children, with their platforms.
pub(crate) fn build_index(children: &[(&ImageSpec, &BuiltImage)], format: ManifestFormat) -> Blob {
    let manifests: Vec<Value> = children
        .iter()
        .map(|(spec, image)| {
            let mut entry = image.manifest.descriptor(image.media_type);
            entry["platform"] = spec.platform_json();
            entry
        })
        .collect();
    let index = json!({
        "schemaVersion": 2,
        "mediaType": format.index_media_type(),
        "manifests": manifests,
    });
    Blob::new(to_json(&index))
}

/// Compact JSON; serializing a `Value` cannot fail.
fn to_json(value: &Value) -> Vec<u8> {
    serde_json::to_vec(value).unwrap_or_default()
}

const TAR_BLOCK: usize = 512;

/// A ustar archive with one regular file (mode 0644, owner 0, mtime 0).
fn tar_one_file(name: &str, content: &[u8]) -> Vec<u8> {
    let mut header = [0u8; TAR_BLOCK];
    put(&mut header, 0, name.as_bytes());
    put(&mut header, 100, b"0000644\0");
    put(&mut header, 108, b"0000000\0");
    put(&mut header, 116, b"0000000\0");
    put(
        &mut header,
        124,
        format!("{:011o}\0", content.len()).as_bytes(),
    );
    put(&mut header, 136, b"00000000000\0");
    header[156] = b'0';
    put(&mut header, 257, b"ustar\0");
    put(&mut header, 263, b"00");
    // The checksum is computed with its own field read as spaces.
    put(&mut header, 148, b"        ");
    let checksum: u32 = header.iter().map(|&b| u32::from(b)).sum();
    put(&mut header, 148, format!("{checksum:06o}\0 ").as_bytes());
    let mut tar = header.to_vec();
    tar.extend_from_slice(content);
    tar.resize(tar.len().next_multiple_of(TAR_BLOCK), 0);
    // Two zero blocks end the archive.
    tar.resize(tar.len() + 2 * TAR_BLOCK, 0);
    tar
}

fn put(block: &mut [u8], at: usize, bytes: &[u8]) {
    block[at..at + bytes.len()].copy_from_slice(bytes);
}

/// gzip with "stored" (uncompressed) deflate blocks: valid, deterministic, and no compression
/// library needed for a layer of a few KB.
fn gzip_stored(data: &[u8]) -> Vec<u8> {
    // Magic, deflate, no flags, mtime 0, no extra flags, OS unknown.
    let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
    let mut chunks = data.chunks(usize::from(u16::MAX)).peekable();
    if chunks.peek().is_none() {
        out.extend_from_slice(&[1, 0, 0, 0xff, 0xff]);
    }
    while let Some(chunk) = chunks.next() {
        let last = u8::from(chunks.peek().is_none());
        let len = u16::try_from(chunk.len()).unwrap_or(u16::MAX);
        out.push(last);
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(chunk);
    }
    out.extend_from_slice(&crc32(data).to_le_bytes());
    // ISIZE is the length modulo 2^32 by definition.
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out
}

/// CRC-32 (IEEE, reflected), as gzip's trailer needs.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = (crc >> 1) ^ (0xEDB8_8320 & (crc & 1).wrapping_neg());
        }
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_check_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn gzip_layer_is_readable_by_gzip_and_tar() {
        let dir = tempfile::tempdir().unwrap();
        let tar = tar_one_file("hello.txt", b"hi there\n");
        // Header, one content block, two end blocks.
        assert_eq!(tar.len(), 4 * TAR_BLOCK);
        let path = dir.path().join("layer.tgz");
        std::fs::write(&path, gzip_stored(&tar)).unwrap();
        let out = std::process::Command::new("tar")
            .arg("-xzOf")
            .arg(&path)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(out.stdout, b"hi there\n");
    }

    #[test]
    fn docker_image_uses_docker_media_types() {
        let spec = ImageSpec::platform("arm64", Some("v8")).with_label("a", "b");
        let image = build_image(&spec, ManifestFormat::Docker, "x");
        let manifest: Value = serde_json::from_slice(&image.manifest.bytes).unwrap();
        assert_eq!(manifest["mediaType"], media_type::DOCKER_MANIFEST);
        assert_eq!(manifest["config"]["mediaType"], media_type::DOCKER_CONFIG);
        assert_eq!(manifest["layers"][0]["mediaType"], media_type::DOCKER_LAYER);
        assert_eq!(manifest["config"]["digest"], json!(image.config.digest));
        let config: Value = serde_json::from_slice(&image.config.bytes).unwrap();
        assert_eq!(config["variant"], "v8");
        assert_eq!(config["config"]["Labels"]["a"], "b");
        assert!(config.get("created").is_none());
    }

    #[test]
    fn content_decides_the_digest() {
        let spec = ImageSpec::default();
        let a = build_image(&spec, ManifestFormat::Oci, "a");
        let b = build_image(&spec, ManifestFormat::Oci, "b");
        assert_ne!(a.manifest.digest, b.manifest.digest);
        let fixed = ImageSpec {
            content: Some("same".into()),
            ..spec
        };
        let c = build_image(&fixed, ManifestFormat::Oci, "a");
        let d = build_image(&fixed, ManifestFormat::Oci, "b");
        assert_eq!(c.manifest.digest, d.manifest.digest);
    }
}
