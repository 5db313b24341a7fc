//! `env:<VAR>`: `user:password` from an environment variable, read at fetch time as the original
//! does (the one place outside `settings.rs` that reads the environment: that is the source's
//! meaning).

use super::{BoxFuture, CredentialFetchError, CredentialProvider};
use crate::secret::{Credentials, Secret};

/// Reads one environment variable.
pub struct EnvProvider {
    var: String,
}

impl EnvProvider {
    /// For variable `var`.
    pub fn new(var: &str) -> Self {
        Self {
            var: var.to_owned(),
        }
    }
}

impl CredentialProvider for EnvProvider {
    fn credentials(
        &self,
        _refresh: bool,
    ) -> BoxFuture<'_, Result<Credentials, CredentialFetchError>> {
        Box::pin(async move {
            let value = std::env::var(&self.var).map_err(|_| {
                CredentialFetchError::new(self.describe(), "the variable is not set")
            })?;
            user_pass(&self.describe(), &value)
        })
    }

    fn describe(&self) -> String {
        format!("env:{}", self.var)
    }
}

/// Splits a `user:password` value; the error never shows the value.
pub(super) fn user_pass(source: &str, value: &str) -> Result<Credentials, CredentialFetchError> {
    let (username, password) = updater_core::credentials::parse_user_pass(value.trim())
        .map_err(|error| CredentialFetchError::new(source, error.to_string()))?;
    Ok(Credentials {
        username,
        password: Secret::new(password),
    })
}
