//! The pure core of argocd-image-updater: everything that decides, and nothing that does I/O.
//!
//! Parsing of image references, versions, constraints and configuration, tag filtering, the update
//! strategies and template rendering all take values and return values, so every rule of the Go
//! original can be tested exhaustively without a registry, a cluster or a git server. This crate's
//! normal dependency tree must never contain tokio, hyper, reqwest, kube or git libraries
//! (`scripts/check-core-deps.sh` enforces it).

pub mod annotations;
pub mod application;
pub mod choose;
pub mod crd;
pub mod credentials;
pub mod discover;
pub mod duration;
pub mod filter;
pub mod image;
pub mod plan;
pub mod policy;
pub mod redact;
pub mod registries;
pub mod render;
pub mod secret;
pub mod version;
pub mod webhook;
pub mod writeback;
