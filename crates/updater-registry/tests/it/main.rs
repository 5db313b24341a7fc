//! The registry client and query stage against a real registry (Debian's `docker-registry`,
//! distribution 2.8) started by `updater-testkit`: every auth mode, TLS, every strategy, and the
//! request-cost guarantees.

mod auth_modes;
mod cost;
mod strategies;
mod tag_memo;

use std::sync::Arc;

use updater_core::choose::{self, Decision};
use updater_core::image::ImageRef;
use updater_core::policy::{self, ImagePolicy, UpdateSettings};
use updater_core::registries::{RegistriesConf, RegistryEndpoint};
use updater_registry::cache::MetadataCache;
use updater_registry::client::{ClientOptions, RegistryClient};
use updater_registry::credentials::{BoxFuture, CredentialFetchError, CredentialProvider};
use updater_registry::cycle::CycleTags;
use updater_registry::query::{QueryContext, TagQuery, query_tags};
use updater_registry::secret::{Credentials, Secret};
use updater_registry::tag_digests::{DEFAULT_TAG_DIGEST_TTL, TagDigests};
use updater_testkit::{AuthMode, RegistryOptions, RegistryServer};

/// Starts a registry; the testkit picks a free port.
pub fn start(auth: AuthMode, tls: bool) -> RegistryServer {
    updater_testkit::install_crypto();
    let options = RegistryOptions::new(auth);
    let options = if tls { options.with_tls() } else { options };
    RegistryServer::start(options).expect("registry starts")
}

/// The endpoint for `server`, through `registries.conf` as a user would write it.
pub fn endpoint(server: &RegistryServer) -> RegistryEndpoint {
    let mut conf = format!(
        "registries:\n- name: test\n  prefix: {}\n  api_url: {}\n  limit: 1000\n",
        server.host(),
        server.url()
    );
    if let Some(ca) = server.ca_pem() {
        conf.push_str(&format!("  ca_file: {}\n", ca.display()));
    }
    let table = RegistriesConf::parse(&conf).expect("valid registries.conf");
    table
        .endpoint_for(&server.host(), "x")
        .expect("endpoint")
        .into_owned()
}

/// Fixed credentials, as a provider.
pub struct Fixed(pub &'static str, pub &'static str);

impl CredentialProvider for Fixed {
    fn credentials(
        &self,
        _refresh: bool,
    ) -> BoxFuture<'_, Result<Credentials, CredentialFetchError>> {
        let credentials = Credentials {
            username: self.0.to_owned(),
            password: Secret::new(self.1),
        };
        Box::pin(async move { Ok(credentials) })
    }

    fn describe(&self) -> String {
        "fixed".into()
    }
}

/// A client for `server`, with its test credentials when it has any.
pub fn client(server: &RegistryServer) -> RegistryClient {
    let credentials: Option<Arc<dyn CredentialProvider>> = server
        .username()
        .zip(server.password())
        .map(|(user, password)| Arc::new(Fixed(user, password)) as Arc<dyn CredentialProvider>);
    let options = ClientOptions {
        tls_certs_dir: None,
        ..ClientOptions::default()
    };
    RegistryClient::new(endpoint(server), credentials, options).expect("client builds")
}

/// A policy for `image` with `strategy`, `constraint` and `platforms`.
pub fn policy(image: &str, strategy: &str, constraint: &str, platforms: &[&str]) -> ImagePolicy {
    let settings = UpdateSettings {
        update_strategy: Some(strategy.into()),
        platforms: Some(platforms.iter().map(|p| p.to_string()).collect()),
        ..UpdateSettings::default()
    };
    policy::resolve(ImageRef::parse(image).unwrap(), constraint, &settings).unwrap()
}

/// Queries like one image of a cycle, remembering tag digests only for this call.
pub async fn query(
    client: &RegistryClient,
    cycle: &CycleTags,
    cache: &MetadataCache,
    policy: &ImagePolicy,
) -> TagQuery {
    let tag_digests = TagDigests::in_memory(DEFAULT_TAG_DIGEST_TTL);
    query_remembering(client, cycle, cache, &tag_digests, policy).await
}

/// Queries like one image of a cycle, with tag digests remembered in `tag_digests`.
pub async fn query_remembering(
    client: &RegistryClient,
    cycle: &CycleTags,
    cache: &MetadataCache,
    tag_digests: &TagDigests,
    policy: &ImagePolicy,
) -> TagQuery {
    let endpoint_url = client.registry().to_owned();
    let context = QueryContext {
        client,
        api_url: &endpoint_url,
        cycle,
        cache,
        tag_digests,
        sort_mode: updater_core::registries::TagSortMode::None,
        concurrency: 4,
    };
    query_tags(&context, policy, &policy.image.name)
        .await
        .expect("query succeeds")
}

/// The decision for `policy` with a fresh cycle and an in-memory cache.
pub async fn decide(client: &RegistryClient, policy: &ImagePolicy) -> Decision {
    let tags = query(
        client,
        &CycleTags::new(),
        &MetadataCache::in_memory(),
        policy,
    )
    .await;
    assert!(tags.failures.is_empty(), "{:?}", tags.failures);
    choose::choose(policy, &tags.tags, None)
}

/// `2025-01-DDT00:00:00Z`.
pub fn day(day: u8) -> jiff::Timestamp {
    format!("2025-01-{day:02}T00:00:00Z").parse().unwrap()
}
