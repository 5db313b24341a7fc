//! Reading `user:password` for one registry out of a Docker `config.json` / `.dockerconfigjson`
//! document.
//!
//! The original takes the first `auths` key that starts with the registry's API URL (with or
//! without scheme). Docker Hub credentials are usually stored under
//! `https://index.docker.io/v1/`, which that never matches for `registry-1.docker.io`; here every
//! usual Docker Hub key matches Docker Hub (a deliberate difference).

use std::collections::BTreeMap;

use base64::Engine;
use serde::Deserialize;

use super::CredentialFetchError;
use super::env::user_pass;
use crate::secret::{Credentials, Secret};

/// The keys under which Docker Hub credentials are found in the wild.
const DOCKER_HUB_HOSTS: [&str; 4] = [
    "index.docker.io",
    "docker.io",
    "registry-1.docker.io",
    "registry.hub.docker.com",
];

#[derive(Deserialize)]
struct DockerConfig {
    auths: Option<BTreeMap<String, AuthEntry>>,
}

#[derive(Deserialize)]
struct AuthEntry {
    auth: Option<String>,
    username: Option<String>,
    password: Option<String>,
}

/// The credentials `document` holds for the registry at `api_url`.
pub fn credentials_from_docker_config(
    source: &str,
    document: &str,
    api_url: &str,
) -> Result<Credentials, CredentialFetchError> {
    let config: DockerConfig = serde_json::from_str(document).map_err(|error| {
        CredentialFetchError::new(source, format!("not a docker config: {error}"))
    })?;
    let auths = config
        .auths
        .ok_or_else(|| CredentialFetchError::new(source, "no credentials in image pull secret"))?;
    let entry = auths
        .iter()
        .find(|(key, _)| key_matches(key, api_url))
        .map(|(_, entry)| entry)
        .ok_or_else(|| {
            let reason =
                format!("no valid auth entry for registry `{api_url}` found in image pull secret");
            CredentialFetchError::new(source, reason)
        })?;
    entry_credentials(source, entry)
}

fn entry_credentials(source: &str, entry: &AuthEntry) -> Result<Credentials, CredentialFetchError> {
    if let (Some(username), Some(password)) = (&entry.username, &entry.password)
        && !username.is_empty()
        && !password.is_empty()
    {
        return Ok(Credentials {
            username: username.clone(),
            password: Secret::new(password.clone()),
        });
    }
    let encoded = entry.auth.as_deref().unwrap_or_default();
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .ok_or_else(|| {
            CredentialFetchError::new(source, "the auth entry is not base64 `user:password`")
        })?;
    user_pass(source, &decoded)
}

/// The original's prefix rule, plus: host-level equality, and Docker Hub's aliases.
fn key_matches(key: &str, api_url: &str) -> bool {
    let bare_api = strip_scheme(api_url).trim_end_matches('/');
    if key.starts_with(api_url) || strip_scheme(key).starts_with(bare_api) {
        return true;
    }
    let key_host = host_of(key);
    let api_host = host_of(api_url);
    key_host == api_host || (is_docker_hub(key_host) && is_docker_hub(api_host))
}

fn strip_scheme(text: &str) -> &str {
    text.split_once("://").map_or(text, |(_, rest)| rest)
}

fn host_of(text: &str) -> &str {
    strip_scheme(text).split('/').next().unwrap_or_default()
}

fn is_docker_hub(host: &str) -> bool {
    DOCKER_HUB_HOSTS.contains(&host)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(key: &str) -> String {
        let auth = base64::engine::general_purpose::STANDARD.encode("bob:hunter2");
        format!(r#"{{"auths":{{"{key}":{{"auth":"{auth}"}}}}}}"#)
    }

    #[test]
    fn docker_hub_matches_under_every_usual_key() {
        for key in [
            "https://index.docker.io/v1/",
            "docker.io",
            "registry-1.docker.io",
            "https://registry-1.docker.io",
        ] {
            let found =
                credentials_from_docker_config("t", &config(key), "https://registry-1.docker.io");
            let credentials = found.unwrap_or_else(|error| panic!("{key}: {error}"));
            assert_eq!(credentials.username, "bob");
            assert_eq!(credentials.password.expose(), "hunter2");
        }
    }

    #[test]
    fn other_registries_match_by_url_or_host_only() {
        let ghcr = config("ghcr.io");
        assert!(credentials_from_docker_config("t", &ghcr, "https://ghcr.io").is_ok());
        let error = credentials_from_docker_config("t", &ghcr, "https://quay.io").unwrap_err();
        assert!(
            error
                .to_string()
                .contains("no valid auth entry for registry `https://quay.io`")
        );
        let docker = config("docker.io");
        assert!(credentials_from_docker_config("t", &docker, "https://ghcr.io").is_err());
    }

    #[test]
    fn username_and_password_fields_work_too() {
        let document = r#"{"auths":{"quay.io":{"username":"u","password":"p"}}}"#;
        let credentials = credentials_from_docker_config("t", document, "https://quay.io").unwrap();
        assert_eq!(
            (credentials.username.as_str(), credentials.password.expose()),
            ("u", "p")
        );
    }

    #[test]
    fn malformed_documents_are_errors_without_secrets() {
        let no_auths = credentials_from_docker_config("t", "{}", "https://quay.io").unwrap_err();
        assert!(
            no_auths
                .to_string()
                .contains("no credentials in image pull secret")
        );
        let bad = r#"{"auths":{"quay.io":{"auth":"aHVudGVyMg=="}}}"#; // "hunter2", no colon
        let error = credentials_from_docker_config("t", bad, "https://quay.io").unwrap_err();
        assert!(!format!("{error} {error:?}").contains("hunter2"));
        assert!(credentials_from_docker_config("t", "not json", "https://quay.io").is_err());
    }
}
