//! `run --manifests`: the services and source of standalone mode. No Kubernetes client is
//! built. Secrets come from `--secrets-dir` files (`<namespace>/<name>/<field>`, labels in
//! `.labels`), read exactly as the cluster's would be: `pullsecret:` / `secret:` registry
//! credentials, `git:secret:` and Argo CD's repository secrets for Git. Without it, registries
//! use `registries.conf` (`env:`, `ext:`) and Git remotes are used anonymously.

use std::sync::Arc;

use updater_argocd::secrets::{DirSecrets, InMemorySecrets, SecretStore};
use updater_registry::credentials::SecretSource;

use crate::adapters::StoreSecrets;

use super::{cache_dir, services};
use crate::cli::RunArgs;
use crate::failure::Failure;
use crate::pipeline::Services;
use crate::standalone::{GitAccess, ManifestsLocation, StandaloneSource};

/// The namespace of manifests that set none (Argo CD's usual one).
const DEFAULT_NAMESPACE: &str = "argocd";

/// The services and the manifests source of a standalone run.
pub fn prepare(args: &RunArgs, manifests: &str) -> Result<(Services, StandaloneSource), Failure> {
    let location = ManifestsLocation::parse(manifests).map_err(Failure::bad_input)?;
    let namespace = match args.argocd_namespace.trim() {
        "" => DEFAULT_NAMESPACE.to_owned(),
        namespace => namespace.to_owned(),
    };
    let secrets: Arc<dyn SecretStore> = match &args.secrets_dir {
        Some(dir) => Arc::new(DirSecrets::new(dir)),
        None => Arc::new(InMemorySecrets::new()),
    };
    let registry_secrets: Arc<dyn SecretSource> = Arc::new(StoreSecrets::new(secrets.clone()));
    let services = services(
        args,
        namespace.clone(),
        secrets.clone(),
        Some(registry_secrets),
    )
    .map_err(Failure::bad_input)?;
    let git = GitAccess {
        store: secrets,
        argocd_namespace: namespace.clone(),
        known_hosts: services.settings.ssh_known_hosts.clone(),
    };
    let checkouts = cache_dir(args).join("manifests");
    let source =
        StandaloneSource::new(location, &namespace, &checkouts, git).map_err(Failure::failed)?;
    Ok((services, source))
}
