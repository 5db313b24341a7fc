//! Everything read from the environment or files, resolved once into typed values. Nothing
//! downstream reads files or the environment.

use std::path::{Path, PathBuf};

use anyhow::Context;
use updater_core::registries::{EndpointOrigin, RegistriesConf, RegistryTable, TagSortMode};

/// Env for `--cache-dir` (ours; the original has no persistent cache).
pub const ENV_CACHE_DIR: &str = "IMAGE_UPDATER_CACHE_DIR";

/// Files kept in the metadata cache at most (each is a few hundred bytes).
pub const METADATA_CACHE_MAX_FILES: usize = 100_000;

/// Where the original mounts `registries.conf` from its ConfigMap.
pub const DEFAULT_REGISTRIES_CONF: &str = "/app/config/registries.conf";

/// Loads the registry table: an explicit path must load; an empty path uses
/// [`DEFAULT_REGISTRIES_CONF`] when it is a file, else the built-in table.
pub fn load_registries(path: &Path) -> anyhow::Result<RegistryTable> {
    if !path.as_os_str().is_empty() {
        return read_registries(path);
    }
    let default = Path::new(DEFAULT_REGISTRIES_CONF);
    if default.is_file() {
        return read_registries(default);
    }
    Ok(RegistryTable::builtin())
}

fn read_registries(path: &Path) -> anyhow::Result<RegistryTable> {
    let text = std::fs::read_to_string(path).with_context(|| {
        format!(
            "could not read registries configuration `{}`",
            path.display()
        )
    })?;
    let table = RegistriesConf::parse(&text)
        .with_context(|| format!("invalid registries configuration `{}`", path.display()))?;
    warn_about_differences(&table);
    Ok(table)
}

/// Says once, at load, where a configured entry behaves unlike the Go original or skips work.
fn warn_about_differences(table: &RegistryTable) {
    for endpoint in table.endpoints() {
        if endpoint.origin == EndpointOrigin::Configured && endpoint.limit.unwrap_or(0) == 0 {
            tracing::warn!(
                "registry `{}` has no `limit`: using {} requests/s (the Go original would not limit it)",
                endpoint.name,
                endpoint.effective_rate_limit()
            );
        }
        if endpoint.tag_sort_mode != TagSortMode::None {
            tracing::warn!(
                "registry `{}` declares tagsortmode `{}`: image metadata is never fetched, creation \
                 dates come from the listing order",
                endpoint.name,
                endpoint.tag_sort_mode
            );
        }
    }
}

/// The platform this process runs on, in `os/arch` form as Go names them; the original's
/// default for `--platforms` and the `platforms` setting.
pub fn runtime_platform() -> String {
    let arch = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "x86" => "386",
        "powerpc64" => "ppc64le",
        other => other,
    };
    format!("{}/{arch}", std::env::consts::OS)
}

/// The metadata cache directory: the flag, else `$XDG_CACHE_HOME/argocd-image-updater`, else
/// `$HOME/.cache/argocd-image-updater`, else none (memory only).
pub fn cache_dir(flag: Option<&Path>) -> Option<PathBuf> {
    if let Some(dir) = flag {
        return Some(dir.to_path_buf());
    }
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|value| !value.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache")))?;
    Some(base.join("argocd-image-updater"))
}

/// Where Kubernetes mounts the service account's namespace in a pod.
const SERVICE_ACCOUNT_NAMESPACE: &str = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";

/// The updater's own namespace: `POD_NAMESPACE`, else the service account's, else `fallback`
/// (the kube client's), as the original resolves it.
pub fn own_namespace(fallback: &str) -> String {
    let from_env = std::env::var("POD_NAMESPACE").ok();
    let from_file = || std::fs::read_to_string(SERVICE_ACCOUNT_NAMESPACE).ok();
    from_env
        .or_else(from_file)
        .map(|ns| ns.trim().to_owned())
        .filter(|ns| !ns.is_empty())
        .unwrap_or_else(|| fallback.to_owned())
}

/// The pod name (`HOSTNAME`), the base of this replica's identity in the Lease.
pub fn hostname() -> Option<String> {
    std::env::var("HOSTNAME").ok()
}

/// `--watch-namespaces`: `*` for all, `a,b` for a list (trimmed), empty for `own`.
pub fn watch_namespaces(text: &str, own: &str) -> anyhow::Result<Option<Vec<String>>> {
    let text = text.trim();
    if text == "*" {
        return Ok(None);
    }
    if text.is_empty() {
        return Ok(Some(vec![own.to_owned()]));
    }
    let list: Vec<String> = text
        .split(',')
        .map(|ns| ns.trim().to_owned())
        .filter(|ns| !ns.is_empty())
        .collect();
    anyhow::ensure!(
        !list.is_empty(),
        "--watch-namespaces `{text}` names no namespace"
    );
    Ok(Some(list))
}

/// The commit message template: a missing file means the default template (as in the
/// original); a file that does not parse is an error.
pub fn load_commit_template(
    path: &Path,
) -> anyhow::Result<updater_core::render::template::CommitTemplate> {
    use updater_core::render::template::CommitTemplate;
    if !path.is_file() {
        tracing::debug!(
            "no commit message template at `{}`: using the default",
            path.display()
        );
        return Ok(CommitTemplate::default_template());
    }
    let text = std::fs::read_to_string(path).with_context(|| {
        format!(
            "could not read commit message template `{}`",
            path.display()
        )
    })?;
    CommitTemplate::parse_named(&path.display().to_string(), &text)
        .with_context(|| format!("invalid commit message template `{}`", path.display()))
}

/// Where the original's install mounts Argo CD's `argocd-ssh-known-hosts-cm`.
pub const SSH_KNOWN_HOSTS: &str = "/app/config/ssh/ssh_known_hosts";

/// The SSH known hosts for Git remotes: `SSH_KNOWN_HOSTS` (Argo CD's mount), when readable.
pub fn ssh_known_hosts() -> Option<String> {
    let text = std::fs::read_to_string(SSH_KNOWN_HOSTS).ok()?;
    tracing::debug!("verifying git ssh hosts against `{SSH_KNOWN_HOSTS}`");
    Some(text)
}

/// The process environment's value of `name` (unset or not UTF-8: `None`); the lookup the
/// flags are seeded through (`cli::env` applies the original's rules to it).
pub fn env_var(name: &str) -> Option<String> {
    std::env::var(name).ok()
}
