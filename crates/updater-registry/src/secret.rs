//! Registry credentials; the password is the core's redacting [`Secret`].

use std::fmt;

pub use updater_core::secret::Secret;

/// A username and password for a registry.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    /// The user name (not secret).
    pub username: String,
    /// The password or token.
    pub password: Secret,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("username", &self.username)
            .field("password", &self.password)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_redact() {
        let credentials = Credentials {
            username: "bob".into(),
            password: Secret::new("hunter2"),
        };
        let shown = format!("{credentials:?} {}", credentials.password);
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("bob"), "{shown}");
        assert_eq!(credentials.password.expose(), "hunter2");
    }
}
