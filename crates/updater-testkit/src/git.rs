//! Real git servers and repository helpers for write-back tests, ported from the recipes
//! `git-servers.sh`, `git-http-server.py` and `git-demo.sh`.
//!
//! [`GitDaemon`] (`git://`), [`SshGitServer`] (`ssh://`, OpenSSH's sshd) and [`HttpGitServer`]
//! (smart HTTP over `git http-backend`, optional Basic auth) each serve a repository root on a
//! free loopback port and stop when dropped; [`GitServers`] bundles the three. [`BareRepo`]
//! seeds and inspects repositories, [`GitEnv`] runs the git CLI isolated from the machine's
//! configuration, and [`ChildCensus`] finds git and ssh processes left behind.
//!
//! ```no_run
//! # fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use updater_testkit::git::{BareRepo, GitEnv, HttpGitServer};
//! let root = tempfile::tempdir()?;
//! let repo = BareRepo::create(root.path(), "app.git", &[("values.yaml", "tag: v1\n")], "main")?;
//! let server = HttpGitServer::start(root.path(), Some(("user", "pass")))?;
//! let env = GitEnv::new()?.with_http_credentials("user", "pass");
//! let work = tempfile::tempdir()?;
//! env.run_ok(work.path(), &["clone", "-q", &server.url("app.git"), "checkout"])?;
//! assert_eq!(repo.commit_count("main")?, 1);
//! # Ok(()) }
//! ```

mod census;
mod command;
mod daemon;
mod env;
mod error;
mod http;
mod launch;
mod repo;
mod servers;
mod ssh;

pub use census::{CensusProcess, ChildCensus};
pub use daemon::{DaemonRequest, GitDaemon};
pub use env::{
    ENV_CREDENTIAL_HELPER, GitEnv, GitOutput, PASSWORD_VAR, SCRUBBED_VARS, TEST_USER_EMAIL,
    TEST_USER_NAME, USERNAME_VAR, git_env,
};
pub use error::GitError;
pub use http::HttpGitServer;
pub use repo::{BareRepo, SEED_MESSAGE};
pub use servers::{GitServers, Transport};
pub use ssh::{SshGitServer, generate_key_pair};
