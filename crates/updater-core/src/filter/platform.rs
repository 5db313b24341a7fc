//! Platform normalisation and the original's "variant-less spec covers every variant" rule.

use super::Platform;

/// True when the wanted platform selects the manifest's platform.
///
/// A wanted spec without a variant covers every variant of its `os/arch` (the original's rule).
/// Otherwise both sides are normalised as containerd does and compared exactly, so `arm64/v8`
/// equals a variant-less `arm64` manifest but not `arm64/v9`.
pub(super) fn covers(wanted: &Platform, manifest: &Platform) -> bool {
    let any_variant = wanted.variant.is_empty();
    let wanted = normalize(wanted);
    let manifest = normalize(manifest);
    let same_os_arch = wanted.os == manifest.os && wanted.arch == manifest.arch;
    same_os_arch && (any_variant || wanted.variant == manifest.variant)
}

/// Lower-cases, applies containerd's architecture aliases and spells out the default variants
/// (`arm64` → `v8`, `amd64` → `v1`).
///
/// containerd's `arm` → `arm/v7` default is deliberately left out: a manifest that says only
/// `linux/arm` is not selected by a wanted `linux/arm/v7` in the original.
fn normalize(platform: &Platform) -> Platform {
    let os = platform.os.to_lowercase();
    let arch = match platform.arch.to_lowercase().as_str() {
        "aarch64" => "arm64".to_owned(),
        "x86_64" | "x86-64" => "amd64".to_owned(),
        other => other.to_owned(),
    };
    let variant = platform.variant.to_lowercase();
    let variant = match (arch.as_str(), variant.as_str()) {
        ("arm64", "" | "8" | "v8.0") => "v8".to_owned(),
        ("amd64", "") => "v1".to_owned(),
        _ => variant,
    };
    Platform { os, arch, variant }
}
