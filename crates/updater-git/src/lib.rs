//! Git write-back (stage 6) through the `git` binary: checkout, commit, sign, push.
//!
//! [`GitWriter::apply`] takes a [`Batch`] (one repository and branch, any number of file edits)
//! and turns it into one fetch, one commit and one push, retrying a push that lost a race on a
//! shared branch by re-rendering the edits on the new tip. Working copies live in a cache
//! directory between cycles ([`WorkingCopies`]); every `git` call runs with a private
//! environment and a timeout ([`command`]); credentials reach git only through its environment
//! and temporary files ([`auth`]).

pub mod auth;
pub mod batch;
pub mod branch;
pub mod command;
pub mod copies;
pub mod edit;
pub mod error;
pub mod redact;
pub mod writer;

pub use auth::{GitAuth, GitCredentialSource};
pub use batch::{Author, Batch, BatchOutcome, Signing, SigningMethod};
pub use command::{GitOptions, GitRunner, Invocations};
pub use copies::WorkingCopies;
pub use edit::FileEdit;
pub use error::GitError;
pub use updater_core::secret::Secret;
pub use writer::GitWriter;
