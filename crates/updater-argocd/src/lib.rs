//! The Kubernetes side of argocd-image-updater (stages 1 and 6): Argo CD Applications,
//! `ImageUpdater` resources, secrets (Argo CD repository credentials, `git:secret:` write-back
//! credentials, image pull secrets), patch write-back, events and leases.
//!
//! This crate holds the abstract layer the kube-backed code sits on: secrets are read through
//! the [`secrets::SecretStore`] trait (an in-memory store serves tests and standalone mode), and
//! everything that interprets a secret is a pure function over [`secrets::Secret`] values.
//! Results are plain values ([`credential::GitCredentialValue`], [`secrets::SecretValue`]); the
//! binary adapts them to the git and registry crates, which this crate does not depend on.

pub mod crd_manifest;
pub mod credential;
pub mod git_secret;
pub mod kube;
pub mod lease;
pub mod pull_secret;
pub mod repo_creds;
pub mod repo_url;
pub mod secrets;
