//! What one write-back to one repository and branch asks for ([`Batch`]) and what came of it
//! ([`BatchOutcome`]).

use crate::auth::GitAuth;
use crate::command::Invocations;
use crate::edit::FileEdit;

/// The commit message used when a batch has none, as in the original.
pub const DEFAULT_MESSAGE: &str = "Update parameters";

/// All edits for one repository and branch: one checkout, one commit, one push.
#[derive(Debug, Clone)]
pub struct Batch {
    /// The repository URL (no credentials in it).
    pub repo_url: String,
    /// Credentials for the remote.
    pub auth: GitAuth,
    /// The branch to check out; `None`, `""` or `HEAD` mean the remote's default branch.
    pub base_branch: Option<String>,
    /// The branch to push to when it differs from the base (already rendered from the
    /// template); it is created from the base when missing and force-pushed.
    pub write_branch: Option<String>,
    /// The file edits, applied in order.
    pub edits: Vec<FileEdit>,
    /// The commit message; empty means [`DEFAULT_MESSAGE`].
    pub message: String,
    /// Author and committer.
    pub author: Author,
    /// Commit signing, if configured.
    pub signing: Option<Signing>,
    /// Add a `Signed-off-by` trailer (`git commit -s`).
    pub sign_off: bool,
}

/// The commit author and committer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Author {
    /// `user.name`.
    pub name: String,
    /// `user.email`.
    pub email: String,
}

/// How commits are signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signing {
    /// The key: an OpenPGP key id, or the path of an SSH private key (as `-S<key>` takes it).
    pub key: String,
    /// The signature format.
    pub method: SigningMethod,
}

/// The signature format (`gpg.format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SigningMethod {
    /// OpenPGP through `gpg`.
    OpenPgp,
    /// SSH through `ssh-keygen -Y sign`.
    Ssh,
}

impl SigningMethod {
    /// The `gpg.format` value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::OpenPgp => "openpgp",
            Self::Ssh => "ssh",
        }
    }
}

/// What a batch did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BatchOutcome {
    /// Every file already had its new content: nothing was committed (in a dry run too).
    Unchanged {
        /// The branch that was checked.
        branch: String,
        /// Render passes (more than one when a lost push race made the change redundant).
        attempts: u32,
        /// Git calls by subcommand.
        invocations: Invocations,
    },
    /// A commit was pushed.
    Committed {
        /// The pushed commit.
        sha: String,
        /// The branch pushed to.
        branch: String,
        /// Paths whose content changed, in edit order.
        files_changed: Vec<String>,
        /// Push attempts (1 unless the branch moved under us).
        attempts: u32,
        /// Git calls by subcommand.
        invocations: Invocations,
    },
    /// Dry run: the diff a commit would contain; nothing was committed or pushed.
    DryRun {
        /// `git diff` of the staged edits (unified format).
        diff: String,
        /// The branch that would be pushed.
        branch: String,
        /// Paths whose content would change.
        files_changed: Vec<String>,
        /// Git calls by subcommand.
        invocations: Invocations,
    },
}

impl BatchOutcome {
    /// The branch checked or pushed.
    pub fn branch(&self) -> &str {
        match self {
            Self::Unchanged { branch, .. }
            | Self::Committed { branch, .. }
            | Self::DryRun { branch, .. } => branch,
        }
    }

    /// Git calls by subcommand.
    pub fn invocations(&self) -> &Invocations {
        match self {
            Self::Unchanged { invocations, .. }
            | Self::Committed { invocations, .. }
            | Self::DryRun { invocations, .. } => invocations,
        }
    }
}
