use std::sync::atomic::{AtomicUsize, Ordering};

use base64::Engine;

use super::*;
use crate::secret::Secret;

/// Counts fetches; the password is the fetch number.
struct Counting(AtomicUsize);

impl CredentialProvider for Counting {
    fn credentials(
        &self,
        _refresh: bool,
    ) -> BoxFuture<'_, Result<Credentials, CredentialFetchError>> {
        let number = self.0.fetch_add(1, Ordering::SeqCst) + 1;
        Box::pin(async move {
            Ok(Credentials {
                username: "u".into(),
                password: Secret::new(number.to_string()),
            })
        })
    }

    fn describe(&self) -> String {
        "counting".into()
    }
}

#[tokio::test]
async fn cache_keeps_credentials_until_refresh() {
    let cached = CachedProvider::new(Arc::new(Counting(AtomicUsize::new(0))), None);
    assert_eq!(
        cached.credentials(false).await.unwrap().password.expose(),
        "1"
    );
    assert_eq!(
        cached.credentials(false).await.unwrap().password.expose(),
        "1"
    );
    assert_eq!(
        cached.credentials(true).await.unwrap().password.expose(),
        "2"
    );
}

#[tokio::test]
async fn cache_expires_after_credsexpire() {
    let inner = Arc::new(Counting(AtomicUsize::new(0)));
    let cached = CachedProvider::new(inner, Some(Duration::from_millis(50)));
    assert_eq!(
        cached.credentials(false).await.unwrap().password.expose(),
        "1"
    );
    tokio::time::sleep(Duration::from_millis(80)).await;
    assert_eq!(
        cached.credentials(false).await.unwrap().password.expose(),
        "2"
    );
}

fn secrets_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let pull = dir.path().join("argocd/regcred");
    std::fs::create_dir_all(&pull).unwrap();
    let auth = base64::engine::general_purpose::STANDARD.encode("puller:pw1");
    let document = format!(r#"{{"auths":{{"https://index.docker.io/v1/":{{"auth":"{auth}"}}}}}}"#);
    std::fs::write(pull.join(".dockerconfigjson"), document).unwrap();
    let plain = dir.path().join("argocd/plain");
    std::fs::create_dir_all(&plain).unwrap();
    std::fs::write(plain.join("creds"), "user2:pw2\n").unwrap();
    dir
}

async fn fetch(
    reference: &str,
    api_url: &str,
    dir: &tempfile::TempDir,
) -> Result<Credentials, CredentialFetchError> {
    let reference = CredentialRef::parse(reference).unwrap();
    let secrets: Arc<dyn SecretSource> = Arc::new(FileSecrets::new(dir.path()));
    provider_for(&reference, api_url, Some(secrets), None)?
        .credentials(false)
        .await
}

#[tokio::test]
async fn pull_secret_and_secret_field_from_files() {
    let dir = secrets_dir();
    let hub = fetch(
        "pullsecret:argocd/regcred",
        "https://registry-1.docker.io",
        &dir,
    )
    .await
    .unwrap();
    assert_eq!(
        (hub.username.as_str(), hub.password.expose()),
        ("puller", "pw1")
    );
    let plain = fetch("secret:argocd/plain#creds", "https://ghcr.io", &dir)
        .await
        .unwrap();
    assert_eq!(
        (plain.username.as_str(), plain.password.expose()),
        ("user2", "pw2")
    );
    let missing = fetch("secret:argocd/nope#creds", "https://ghcr.io", &dir)
        .await
        .unwrap_err();
    assert!(
        missing.to_string().contains("`argocd/nope#creds`"),
        "{missing}"
    );
    let escape = fetch("secret:../etc#passwd", "https://ghcr.io", &dir)
        .await
        .unwrap_err();
    assert!(
        escape.to_string().contains("not a plain secret path"),
        "{escape}"
    );
}

#[tokio::test]
async fn secret_references_need_a_secret_source() {
    let reference = CredentialRef::parse("pullsecret:argocd/regcred").unwrap();
    let error = provider_for(&reference, "https://ghcr.io", None, None)
        .err()
        .unwrap();
    assert!(error.to_string().contains("no secret source"), "{error}");
}

#[tokio::test]
async fn env_reference_reads_the_variable_at_fetch_time() {
    let reference = CredentialRef::parse("env:UPDATER_TEST_CREDS_UNSET_VARIABLE").unwrap();
    let provider = provider_for(&reference, "https://ghcr.io", None, None).unwrap();
    let error = provider.credentials(false).await.unwrap_err().to_string();
    assert!(
        error.contains("env:UPDATER_TEST_CREDS_UNSET_VARIABLE") && error.contains("not set"),
        "{error}"
    );
}
