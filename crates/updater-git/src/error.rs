//! [`GitError`]: one variant per write-back operation, naming the repository (userinfo
//! stripped) and branch, with git's redacted, bounded output in the source.

use std::io;
use std::path::PathBuf;

use crate::auth::AuthError;
use crate::command::CommandError;
use crate::edit::EditError;

/// Why a batch could not be written back.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    /// The private git environment could not be set up.
    #[error("cannot set up the git runner")]
    Runner {
        /// The cause.
        #[source]
        source: CommandError,
    },
    /// The cache directory for working copies is unusable.
    #[error("cannot use the working-copy directory `{path}`")]
    CacheDir {
        /// The directory.
        path: PathBuf,
        /// The cause.
        #[source]
        source: io::Error,
    },
    /// The repository URL is refused before git sees it.
    #[error("repository URL `{repo}` is not accepted: {reason}")]
    InvalidUrl {
        /// The URL, userinfo stripped.
        repo: String,
        /// Why.
        reason: &'static str,
    },
    /// A branch name is not a valid git branch name.
    #[error("branch name `{branch}` for `{repo}` is not valid")]
    InvalidBranch {
        /// The repository.
        repo: String,
        /// The name (a rendered template).
        branch: String,
    },
    /// The commit author needs both a name and an email.
    #[error("the commit author for `{repo}` needs a name and an email")]
    MissingAuthor {
        /// The repository.
        repo: String,
    },
    /// The credentials could not be handed to git.
    #[error("cannot prepare the credentials for `{repo}`")]
    Credentials {
        /// The repository.
        repo: String,
        /// The cause.
        #[source]
        source: AuthError,
    },
    /// The working copy could not be created (directory, `git init`, `git remote add`).
    #[error("cannot create the working copy of `{repo}`")]
    Create {
        /// The repository.
        repo: String,
        /// The cause.
        #[source]
        source: CreateError,
    },
    /// The kept working copy is not a usable repository.
    #[error("the working copy of `{repo}` is damaged")]
    Damaged {
        /// The repository.
        repo: String,
        /// The failed check.
        #[source]
        source: CommandError,
    },
    /// `git ls-remote --symref` failed.
    #[error("cannot read the default branch of `{repo}`")]
    DefaultBranch {
        /// The repository.
        repo: String,
        /// The cause.
        #[source]
        source: CommandError,
    },
    /// The remote's `HEAD` does not name a branch (an empty repository).
    #[error("`{repo}` has no default branch")]
    NoDefaultBranch {
        /// The repository.
        repo: String,
    },
    /// Fetching a branch failed.
    #[error("cannot fetch branch `{branch}` of `{repo}`")]
    Fetch {
        /// The repository.
        repo: String,
        /// The branch.
        branch: String,
        /// The cause.
        #[source]
        source: CommandError,
    },
    /// Checking out (or cleaning) the branch failed.
    #[error("cannot check out branch `{branch}` of `{repo}`")]
    Checkout {
        /// The repository.
        repo: String,
        /// The branch.
        branch: String,
        /// The cause.
        #[source]
        source: CommandError,
    },
    /// An edit failed; the working copy was restored and nothing was committed.
    #[error("cannot apply the edits for `{repo}` on branch `{branch}`")]
    Edit {
        /// The repository.
        repo: String,
        /// The branch.
        branch: String,
        /// The failing edit.
        #[source]
        source: EditError,
    },
    /// The edit task itself failed (a render function panicked).
    #[error("the edits for `{repo}` on branch `{branch}` did not complete")]
    EditTask {
        /// The repository.
        repo: String,
        /// The branch.
        branch: String,
    },
    /// Resetting the working copy after a failure or a dry run failed.
    #[error("cannot restore the working copy of `{repo}` on branch `{branch}`")]
    Restore {
        /// The repository.
        repo: String,
        /// The branch.
        branch: String,
        /// The cause.
        #[source]
        source: CommandError,
    },
    /// `git add` failed.
    #[error("cannot stage the changes for `{repo}` on branch `{branch}`")]
    Stage {
        /// The repository.
        repo: String,
        /// The branch.
        branch: String,
        /// The cause.
        #[source]
        source: CommandError,
    },
    /// `git diff` failed (dry run).
    #[error("cannot compute the diff for `{repo}` on branch `{branch}`")]
    Diff {
        /// The repository.
        repo: String,
        /// The branch.
        branch: String,
        /// The cause.
        #[source]
        source: CommandError,
    },
    /// The commit message file could not be written.
    #[error("cannot write the commit message for `{repo}`")]
    MessageFile {
        /// The repository.
        repo: String,
        /// The cause.
        #[source]
        source: io::Error,
    },
    /// `git commit` (or reading the new commit) failed.
    #[error("cannot commit to branch `{branch}` of `{repo}`")]
    Commit {
        /// The repository.
        repo: String,
        /// The branch.
        branch: String,
        /// The cause.
        #[source]
        source: CommandError,
    },
    /// `git push` failed for a reason other than a lost race.
    #[error("cannot push branch `{branch}` to `{repo}`")]
    Push {
        /// The repository.
        repo: String,
        /// The branch.
        branch: String,
        /// The cause.
        #[source]
        source: CommandError,
    },
    /// Every push attempt was rejected as non-fast-forward.
    #[error(
        "push of branch `{branch}` to `{repo}` was rejected as non-fast-forward {attempts} times"
    )]
    PushRejected {
        /// The repository.
        repo: String,
        /// The branch.
        branch: String,
        /// How many pushes were tried.
        attempts: u32,
    },
}

impl GitError {
    /// A stable name for the failing operation, for metric labels and log fields.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Runner { .. } => "runner",
            Self::CacheDir { .. } => "cache_dir",
            Self::InvalidUrl { .. } => "invalid_url",
            Self::InvalidBranch { .. } => "invalid_branch",
            Self::MissingAuthor { .. } => "missing_author",
            Self::Credentials { .. } => "credentials",
            Self::Create { .. } => "create",
            Self::Damaged { .. } => "damaged",
            Self::DefaultBranch { .. } | Self::NoDefaultBranch { .. } => "default_branch",
            Self::Fetch { .. } => "fetch",
            Self::Checkout { .. } => "checkout",
            Self::Edit { .. } | Self::EditTask { .. } => "edit",
            Self::Restore { .. } => "restore",
            Self::Stage { .. } => "stage",
            Self::Diff { .. } => "diff",
            Self::MessageFile { .. } | Self::Commit { .. } => "commit",
            Self::Push { .. } => "push",
            Self::PushRejected { .. } => "push_rejected",
        }
    }
}

/// Why a working copy could not be created.
#[derive(Debug, thiserror::Error)]
pub enum CreateError {
    /// A directory operation failed.
    #[error("cannot prepare directory `{path}`")]
    Directory {
        /// The directory.
        path: PathBuf,
        /// The cause.
        #[source]
        source: io::Error,
    },
    /// `git init` or `git remote add` failed.
    #[error("cannot initialise the repository")]
    Git {
        /// The cause.
        #[source]
        source: CommandError,
    },
}
