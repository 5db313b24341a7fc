//! `ext:<absolute path>`: a script prints `user:password`; it runs with a 10 s timeout and is
//! killed when the timeout (or the caller) drops it.

use std::process::Stdio;
use std::time::Duration;

use tokio::process::Command;

use super::env::user_pass;
use super::{BoxFuture, CredentialFetchError, CredentialProvider};
use crate::secret::Credentials;

/// The original's limit for credential scripts.
const SCRIPT_TIMEOUT: Duration = Duration::from_secs(10);

/// Runs a credential script.
pub struct ExtProvider {
    path: String,
    timeout: Duration,
}

impl ExtProvider {
    /// For the script at `path` (absolute; checked by the core's parser).
    pub fn new(path: &str) -> Self {
        Self {
            path: path.to_owned(),
            timeout: SCRIPT_TIMEOUT,
        }
    }

    /// With a different timeout, so tests need not wait 10 s.
    #[cfg(test)]
    pub(super) fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    async fn run(&self) -> Result<String, CredentialFetchError> {
        let fail = |reason: String| CredentialFetchError::new(self.describe(), reason);
        let child = self
            .spawn()
            .await
            .map_err(|error| fail(format!("could not start the script: {error}")))?;
        let output = tokio::time::timeout(self.timeout, child.wait_with_output())
            .await
            .map_err(|_| {
                fail(format!(
                    "the script did not finish within {:?}",
                    self.timeout
                ))
            })?
            .map_err(|error| fail(format!("the script failed: {error}")))?;
        if !output.status.success() {
            return Err(fail(format!("the script exited with {}", output.status)));
        }
        String::from_utf8(output.stdout)
            .map_err(|_| fail("the script's output is not UTF-8".into()))
    }
}

impl ExtProvider {
    /// Starts the script. A script just written by another thread of this process can be
    /// briefly "busy" (ETXTBSY: a concurrent fork still holds its write handle), so that error
    /// is retried a few times.
    async fn spawn(&self) -> std::io::Result<tokio::process::Child> {
        const ETXTBSY: i32 = 26;
        let mut attempts = 0;
        loop {
            let spawned = Command::new(&self.path)
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .kill_on_drop(true)
                .spawn();
            match spawned {
                Err(error) if error.raw_os_error() == Some(ETXTBSY) && attempts < 5 => {
                    attempts += 1;
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                other => return other,
            }
        }
    }
}

impl CredentialProvider for ExtProvider {
    fn credentials(
        &self,
        _refresh: bool,
    ) -> BoxFuture<'_, Result<Credentials, CredentialFetchError>> {
        Box::pin(async move {
            let output = self.run().await?;
            let first_line = output.lines().next().unwrap_or_default();
            user_pass(&self.describe(), first_line)
        })
    }

    fn describe(&self) -> String {
        format!("ext:{}", self.path)
    }
}

#[cfg(test)]
mod tests;
