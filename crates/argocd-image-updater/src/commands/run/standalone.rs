//! `run --manifests`: the services and source of standalone mode. No Kubernetes client is
//! built: registry credentials come from `registries.conf` (`env:`, `ext:`) and, for
//! `pullsecret:` / `secret:`, from `--secrets-dir` files; Git credentials are those the remote
//! accepts without Argo CD's secrets (anonymous, or ssh/https set up for the `git` binary).

use std::sync::Arc;

use updater_argocd::secrets::{InMemorySecrets, SecretStore};
use updater_registry::credentials::{FileSecrets, SecretSource};

use super::{cache_dir, services};
use crate::cli::RunArgs;
use crate::failure::Failure;
use crate::pipeline::Services;
use crate::standalone::{ManifestsLocation, StandaloneSource};

/// The namespace of manifests that set none (Argo CD's usual one).
const DEFAULT_NAMESPACE: &str = "argocd";

/// The services and the manifests source of a standalone run.
pub fn prepare(args: &RunArgs, manifests: &str) -> Result<(Services, StandaloneSource), Failure> {
    let location = ManifestsLocation::parse(manifests).map_err(Failure::bad_input)?;
    let namespace = match args.argocd_namespace.trim() {
        "" => DEFAULT_NAMESPACE.to_owned(),
        namespace => namespace.to_owned(),
    };
    let secrets: Arc<dyn SecretStore> = Arc::new(InMemorySecrets::new());
    let registry_secrets = args
        .secrets_dir
        .as_ref()
        .map(|dir| Arc::new(FileSecrets::new(dir)) as Arc<dyn SecretSource>);
    let services =
        services(args, namespace.clone(), secrets, registry_secrets).map_err(Failure::bad_input)?;
    let checkouts = cache_dir(args).join("manifests");
    let source =
        StandaloneSource::new(location, &namespace, &checkouts).map_err(Failure::failed)?;
    Ok((services, source))
}
