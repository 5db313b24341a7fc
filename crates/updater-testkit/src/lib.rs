//! Dev-only helpers that start real servers on free loopback ports for other crates' tests.
//!
//! [`RegistryServer`] runs a distribution 2.8 registry (`docker-registry`), optionally with
//! htpasswd or token authentication (our own token service) and TLS; [`Seeder`] pushes tiny
//! images, indexes and tags to it over the HTTP API, no Docker needed; [`StoreSeeder`] writes
//! the same images straight into its storage, much faster, for benchmarks.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use updater_testkit::{AuthMode, ImageSpec, RegistryOptions, RegistryServer};
//! updater_testkit::install_crypto();
//! let registry = RegistryServer::start(RegistryOptions::new(AuthMode::Token))?;
//! let seeder = registry.seeder()?;
//! seeder.push_image("myorg/app", "v1.0.0", &ImageSpec::default()).await?;
//! # Ok(()) }
//! ```

mod certs;
mod config;
mod error;
pub mod git;
mod image;
mod jwt;
pub mod kube;
mod minihttp;
mod probe;
mod process;
mod registry;
mod seed;
mod store;
mod token;

pub use error::TestkitError;
pub use image::{ImageSpec, ManifestFormat, media_type};
pub use jwt::libtrust_key_id;
pub use registry::{
    AuthMode, PASSWORD, RegistryOptions, RegistryRequest, RegistryServer, TOKEN_ISSUER,
    TOKEN_SERVICE, USERNAME,
};
pub use seed::{SeedError, Seeder};
pub use store::{StoreError, StoreSeeder};

/// Installs rustls' ring provider as the process default; reqwest is built without one.
///
/// Call it first in tests that build their own reqwest clients; calling it again is harmless.
pub fn install_crypto() {
    // Err only means a provider is installed already, which is what we want.
    let _ = rustls::crypto::ring::default_provider().install_default();
}
