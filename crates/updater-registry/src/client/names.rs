//! Input checks before anything reaches a URL: repository paths, tags and digests must match
//! the distribution grammar, so no caller value can add path segments, a query or a fragment.

use super::{RegistryClient, RegistryError, digest};

impl RegistryClient {
    pub(super) fn check_repository(&self, repository: &str) -> Result<(), RegistryError> {
        if is_repository(repository) {
            return Ok(());
        }
        Err(RegistryError::InvalidRepository {
            registry: self.registry.clone(),
            repository: repository.to_owned(),
        })
    }

    pub(super) fn check_reference(
        &self,
        repository: &str,
        reference: &str,
    ) -> Result<(), RegistryError> {
        self.check_repository(repository)?;
        if is_tag(reference) || digest::is_valid(reference) {
            return Ok(());
        }
        Err(self.invalid_reference(repository, reference))
    }

    pub(super) fn check_blob_digest(
        &self,
        repository: &str,
        digest: &str,
    ) -> Result<(), RegistryError> {
        self.check_repository(repository)?;
        if digest::is_checkable(digest) {
            return Ok(());
        }
        Err(self.invalid_reference(repository, digest))
    }

    fn invalid_reference(&self, repository: &str, reference: &str) -> RegistryError {
        RegistryError::InvalidReference {
            registry: self.registry.clone(),
            repository: repository.to_owned(),
            reference: reference.to_owned(),
        }
    }
}

/// `/`-separated components of `[A-Za-z0-9._-]`, none empty, `.` or `..`. Upper case is let
/// through (the registry decides), path tricks are not.
fn is_repository(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 255
        && text.split('/').all(|component| {
            !component.is_empty()
                && component != "."
                && component != ".."
                && component
                    .bytes()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'-'))
        })
}

/// `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`.
fn is_tag(text: &str) -> bool {
    let bytes = text.as_bytes();
    let word = |c: &u8| c.is_ascii_alphanumeric() || *c == b'_';
    !bytes.is_empty()
        && bytes.len() <= 128
        && word(&bytes[0])
        && bytes[1..]
            .iter()
            .all(|c| word(c) || matches!(c, b'.' | b'-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repositories() {
        for good in ["nginx", "library/nginx", "a/b/c.d_e-f", "Org/App"] {
            assert!(is_repository(good), "{good}");
        }
        for bad in [
            "", "/a", "a/", "a//b", "a/../b", "./a", "a?b", "a#b", "a b", "a%2fb",
        ] {
            assert!(!is_repository(bad), "{bad}");
        }
    }

    #[test]
    fn tags() {
        for good in ["latest", "v1.2.3", "_x", "1.0-rc.1"] {
            assert!(is_tag(good), "{good}");
        }
        for bad in ["", ".x", "-x", "a/b", "a:b", &"a".repeat(129)] {
            assert!(!is_tag(bad), "{bad}");
        }
    }
}
