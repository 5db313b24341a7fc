//! Unit tests for secret values, field reads, manifests and the in-memory store.

use super::{FieldError, InMemorySecrets, ManifestError, Secret, SecretStore, SecretValue};

const PASSWORD: &str = "hunter2-very-secret";

fn secret() -> Secret {
    Secret::new("team", "creds")
        .with_label("kind", "git")
        .with_field("password", PASSWORD)
        .with_field("on", "True")
        .with_field("off", "0")
        .with_field("maybe", "yes")
        .with_field("id", "42")
        .with_field("zero", "0")
        .with_field("bytes", vec![0xff, 0xfe])
}

#[test]
fn secret_values_never_format_their_content() {
    let value = SecretValue::new(PASSWORD);
    assert_eq!(value.to_string(), "<redacted>");
    assert_eq!(format!("{value:?}"), "Secret(<redacted>)");
    assert_eq!(value.expose(), PASSWORD);
    assert_eq!(value.into_exposed(), PASSWORD);
}

#[test]
fn secret_debug_shows_keys_not_values() {
    let mut secret = Secret::new("team", "creds")
        .with_label("kind", "git")
        .with_field("password", PASSWORD);
    secret.annotations.insert(
        "kubectl.kubernetes.io/last-applied-configuration".into(),
        format!("{{\"stringData\":{{\"password\":\"{PASSWORD}\"}}}}"),
    );
    assert_eq!(
        format!("{secret:?}"),
        "Secret { name: \"creds\", namespace: \"team\", labels: {\"kind\": \"git\"}, \
         annotations: [\"kubectl.kubernetes.io/last-applied-configuration\"], \
         data: [\"password\"] }"
    );
}

#[test]
fn typed_field_reads() {
    let secret = secret();
    assert_eq!(secret.text("password"), Ok(Some(PASSWORD)));
    assert_eq!(secret.text("absent"), Ok(None));
    assert_eq!(secret.flag("on"), Ok(true));
    assert_eq!(secret.flag("off"), Ok(false));
    assert_eq!(secret.flag("absent"), Ok(false));
    assert_eq!(secret.number("id"), Ok(Some(42)));
    assert_eq!(secret.number("zero"), Ok(None));
    assert!(matches!(
        secret.flag("maybe"),
        Err(FieldError::NotABool { .. })
    ));
    assert!(matches!(
        secret.number("password"),
        Err(FieldError::NotANumber { .. })
    ));
    assert!(matches!(
        secret.text("bytes"),
        Err(FieldError::NotUtf8 { .. })
    ));
    let missing = secret.required_secret("absent").unwrap_err();
    assert_eq!(
        missing.to_string(),
        "secret `team/creds` does not contain field `absent`"
    );
}

#[test]
fn field_errors_never_quote_the_value() {
    let secret = secret().with_field("flag", PASSWORD);
    let errors = [
        secret.flag("flag").unwrap_err(),
        secret.number("flag").unwrap_err(),
    ];
    for error in errors {
        assert!(!error.to_string().contains(PASSWORD));
        assert!(!format!("{error:?}").contains(PASSWORD));
    }
}

#[test]
fn manifests_decode_data_and_prefer_string_data() {
    let json = r#"{"apiVersion":"v1","kind":"Secret",
        "metadata":{"name":"repo","labels":{"argocd.argoproj.io/secret-type":"repository"}},
        "data":{"url":"aHR0cHM6Ly9naXRodWIuY29tL29yZy9yZXBv","password":"b2xk"},
        "stringData":{"password":"new"}}"#;
    let secret = Secret::from_manifest_json(json, "argocd").unwrap();
    assert_eq!(secret.namespace, "argocd");
    assert_eq!(secret.name, "repo");
    assert!(secret.has_label("argocd.argoproj.io/secret-type", "repository"));
    assert_eq!(secret.text("url"), Ok(Some("https://github.com/org/repo")));
    assert_eq!(secret.text("password"), Ok(Some("new")));
}

#[test]
fn manifest_errors_do_not_quote_values() {
    let wrong_shape = format!(r#"{{"metadata":{{"name":"x"}},"data":"{PASSWORD}"}}"#);
    let error = Secret::from_manifest_json(&wrong_shape, "ns").unwrap_err();
    assert!(matches!(error, ManifestError::Json { .. }));
    assert!(!error.to_string().contains(PASSWORD), "{error}");
    let bad_base64 = format!(r#"{{"metadata":{{"name":"x"}},"data":{{"k":"{PASSWORD}!"}}}}"#);
    let error = Secret::from_manifest_json(&bad_base64, "ns").unwrap_err();
    assert_eq!(
        error.to_string(),
        "field `k` of secret `ns/x` is not valid base64"
    );
    let config_map = r#"{"kind":"ConfigMap","metadata":{"name":"x"}}"#;
    assert_eq!(
        Secret::from_manifest_json(config_map, "ns"),
        Err(ManifestError::NotASecret {
            kind: "ConfigMap".into()
        })
    );
    assert_eq!(
        Secret::from_manifest_json("{}", "ns"),
        Err(ManifestError::MissingName)
    );
}

#[tokio::test]
async fn in_memory_store_gets_lists_replaces_and_removes() {
    let store: InMemorySecrets = [
        Secret::new("argocd", "b").with_label("type", "repository"),
        Secret::new("argocd", "a").with_label("type", "repository"),
        Secret::new("argocd", "c").with_label("type", "repo-creds"),
        Secret::new("other", "d").with_label("type", "repository"),
    ]
    .into_iter()
    .collect();
    assert_eq!(store.len(), 4);
    let listed = store
        .list_labeled("argocd", ("type", "repository"))
        .await
        .unwrap();
    let names: Vec<_> = listed.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["a", "b"]);
    assert!(store.get("argocd", "d").await.unwrap().is_none());
    assert!(store.get("other", "d").await.unwrap().is_some());
    let replaced = store.insert(Secret::new("argocd", "a").with_field("k", "v"));
    assert!(replaced.is_some_and(|old| old.data.is_empty()));
    assert!(
        store
            .list_labeled("argocd", ("type", "repository"))
            .await
            .unwrap()
            .len()
            == 1
    );
    assert!(store.remove("argocd", "a").is_some());
    assert!(store.get("argocd", "a").await.unwrap().is_none());
    assert_eq!(store.len(), 3);
    assert!(!store.is_empty());
}
