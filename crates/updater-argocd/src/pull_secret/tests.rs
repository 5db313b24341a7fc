//! Unit tests for reading pull-secret fields and the image-level namespace rule.

use updater_core::credentials::CredentialRef;

use super::{PullSecretError, check_same_namespace, read_secret_field};
use crate::secrets::{InMemorySecrets, Secret};

const CONFIG: &str = r#"{"auths":{"https://registry.test":{"auth":"dXNlcjpUT1BTRUNSRVQ="}}}"#;

fn store() -> InMemorySecrets {
    [Secret::new("team", "pull")
        .with_field(".dockerconfigjson", CONFIG)
        .with_field("creds", "user:TOPSECRET")
        .with_field("binary", vec![0xff])]
    .into_iter()
    .collect()
}

#[tokio::test]
async fn reads_a_field() {
    let value = read_secret_field(&store(), "team", "pull", ".dockerconfigjson")
        .await
        .unwrap();
    assert_eq!(value.expose(), CONFIG);
}

#[tokio::test]
async fn errors_name_namespace_secret_and_field_but_never_values() {
    let store = store();
    let cases = [
        (
            ("team", "absent", "creds"),
            "secret `team/absent` not found",
        ),
        (("other", "pull", "creds"), "secret `other/pull` not found"),
        (
            ("team", "pull", "nope"),
            "secret `team/pull` has no field `nope`",
        ),
        (
            ("team", "pull", "binary"),
            "field `binary` of secret `team/pull` is unusable",
        ),
    ];
    for ((ns, name, field), message) in cases {
        let error = read_secret_field(&store, ns, name, field)
            .await
            .unwrap_err();
        assert_eq!(error.to_string(), message);
        assert!(!format!("{error:?}").contains("TOPSECRET"));
    }
}

#[test]
fn image_level_secrets_must_be_in_the_app_namespace() {
    let same = CredentialRef::parse("pullsecret:team/pull").unwrap();
    assert!(check_same_namespace(&same, "team").is_ok());
    let foreign = CredentialRef::parse("secret:other/pull#creds").unwrap();
    let error = check_same_namespace(&foreign, "team").unwrap_err();
    assert!(matches!(error, PullSecretError::ForeignNamespace(_)));
    assert!(error.to_string().contains("`other`") && error.to_string().contains("`team`"));
    let env = CredentialRef::parse("env:REGISTRY_CREDS").unwrap();
    assert!(check_same_namespace(&env, "team").is_ok());
}
