//! Stage 3, "query": an OCI distribution client on reqwest, and the cost controls around it.
//!
//! [`client`] speaks the registry API (ping, auth, tags, manifests, blobs) with rate limits and
//! bounded retries; [`credentials`] turns the core's credential references into values;
//! the rest turns a cycle's repositories into the `TagInfo` lists the strategies choose from,
//! each repository listed once per cycle, metadata cached by digest across restarts and each
//! tag's digest remembered for a bounded time.

pub mod cache;
pub mod client;
pub mod credentials;
pub mod cycle;
pub mod manifest;
pub mod query;
pub mod secret;
pub mod tag_digests;

/// Installs rustls' ring provider once; reqwest is built without one so exactly one exists.
pub fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}
