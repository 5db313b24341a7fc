//! Tests for credential reference parsing and the `user:password` splitter.

use super::*;
use proptest::prelude::*;

fn parse(input: &str) -> CredentialRef {
    CredentialRef::parse(input).unwrap_or_else(|e| panic!("{input}: {e}"))
}

fn pull_secret(namespace: &str, name: &str) -> CredentialSource {
    CredentialSource::PullSecret {
        namespace: namespace.into(),
        name: name.into(),
    }
}

#[test]
fn parses_pull_secret() {
    let parsed = parse("pullsecret:argocd/regcred");
    assert_eq!(parsed.registry, None);
    assert_eq!(parsed.source, pull_secret("argocd", "regcred"));
}

#[test]
fn parses_secret_with_field() {
    assert_eq!(
        parse("secret:ns/creds#token").source,
        CredentialSource::Secret {
            namespace: "ns".into(),
            name: "creds".into(),
            field: "token".into(),
        }
    );
}

#[test]
fn parses_env_and_ext() {
    assert_eq!(
        parse("env:REGISTRY_CREDS").source,
        CredentialSource::Env {
            var: "REGISTRY_CREDS".into()
        }
    );
    assert_eq!(
        parse("ext:/usr/local/bin/creds.sh").source,
        CredentialSource::Ext {
            path: "/usr/local/bin/creds.sh".into()
        }
    );
}

#[test]
fn type_is_case_insensitive() {
    assert_eq!(parse("PullSecret:a/b").source, pull_secret("a", "b"));
    assert_eq!(
        parse("ENV:X").source,
        CredentialSource::Env { var: "X".into() }
    );
}

#[test]
fn parses_registry_prefix_at_first_equals() {
    let parsed = parse("gcr.io=pullsecret:argocd/gcr");
    assert_eq!(parsed.registry.as_deref(), Some("gcr.io"));
    assert_eq!(parsed.source, pull_secret("argocd", "gcr"));
}

#[test]
fn an_empty_side_of_equals_is_no_registry_prefix() {
    // Go keeps the whole text as the definition in both cases.
    assert_eq!(
        CredentialRef::parse("=env:X"),
        Err(CredentialError::UnknownSource {
            kind: "=env".into(),
            input: "=env:X".into()
        })
    );
    let parsed = parse("env:X=");
    assert_eq!(parsed.registry, None);
    assert_eq!(parsed.source, CredentialSource::Env { var: "X=".into() });
}

#[test]
fn an_equals_sign_in_the_definition_is_read_as_a_prefix() {
    // `env:A=B` splits into registry `env:A` and definition `B`, which has no type.
    let err = CredentialRef::parse("env:A=B").unwrap_err();
    assert_eq!(
        err,
        CredentialError::InvalidSpec {
            input: "env:A=B".into()
        }
    );
}

#[test]
fn rejects_specs_not_split_in_two_by_colon() {
    for input in [
        "",
        "env",
        "env:",
        ":X",
        "ext:/bin/a:b",
        "secret:ns/name#a:b",
        "reg=env",
        "reg=env:a:b",
    ] {
        let err = CredentialRef::parse(input).unwrap_err();
        assert_eq!(
            err,
            CredentialError::InvalidSpec {
                input: input.into()
            },
            "{input}"
        );
        assert!(err.to_string().contains(&format!("`{input}`")));
    }
}

#[test]
fn rejects_unknown_source_type() {
    let err = CredentialRef::parse("vault:secret/path").unwrap_err();
    assert_eq!(
        err,
        CredentialError::UnknownSource {
            kind: "vault".into(),
            input: "vault:secret/path".into()
        }
    );
    assert_eq!(
        err.to_string(),
        "unknown credential source `vault` in `vault:secret/path`"
    );
}

#[test]
fn rejects_malformed_pull_secrets() {
    for input in [
        "pullsecret:name",
        "pullsecret:/name",
        "pullsecret:ns/",
        "pullsecret:a/b/c",
        "pullsecret:/",
    ] {
        assert_eq!(
            CredentialRef::parse(input),
            Err(CredentialError::InvalidPullSecret {
                input: input.into()
            }),
            "{input}"
        );
    }
}

#[test]
fn rejects_malformed_secrets() {
    for input in [
        "secret:ns/name",
        "secret:ns/name#",
        "secret:#field",
        "secret:ns#field",
        "secret:/name#field",
        "secret:ns/#field",
        "secret:a/b/c#field",
        "secret:ns/name#f#g",
    ] {
        assert_eq!(
            CredentialRef::parse(input),
            Err(CredentialError::InvalidSecret {
                input: input.into()
            }),
            "{input}"
        );
    }
}

#[test]
fn rejects_relative_ext_paths() {
    let err = CredentialRef::parse("ext:scripts/creds.sh").unwrap_err();
    assert_eq!(
        err,
        CredentialError::RelativeScriptPath {
            path: "scripts/creds.sh".into(),
            input: "ext:scripts/creds.sh".into()
        }
    );
    assert!(
        err.to_string()
            .starts_with("path to script must be absolute")
    );
}

#[test]
fn ext_existence_is_not_checked() {
    assert!(CredentialRef::parse("ext:/does/not/exist").is_ok());
}

#[test]
fn display_renders_the_canonical_reference() {
    for (input, shown) in [
        ("PULLSECRET:a/b", "pullsecret:a/b"),
        ("reg.io=secret:ns/n#f", "reg.io=secret:ns/n#f"),
        ("Env:VAR", "env:VAR"),
        ("ext:/bin/x", "ext:/bin/x"),
    ] {
        let rendered = parse(input).to_string();
        assert_eq!(rendered, shown);
        assert_eq!(parse(&rendered), parse(input), "display must re-parse");
    }
}

#[test]
fn namespace_check_applies_to_secrets_only() {
    let own = "argocd";
    assert_eq!(parse("pullsecret:argocd/x").check_namespace(own), Ok(()));
    assert_eq!(parse("secret:argocd/x#f").check_namespace(own), Ok(()));
    assert_eq!(parse("env:X").check_namespace(own), Ok(()));
    assert_eq!(parse("ext:/x").check_namespace(own), Ok(()));
    for input in ["pullsecret:other/x", "secret:other/x#f"] {
        let err = parse(input).check_namespace(own).unwrap_err();
        assert_eq!(
            err,
            CredentialError::ForeignNamespace {
                reference: input.into(),
                namespace: "other".into(),
                app_namespace: own.into(),
            }
        );
        assert!(err.to_string().contains("`other`") && err.to_string().contains("`argocd`"));
    }
}

#[test]
fn splits_user_pass_at_first_colon() {
    assert_eq!(
        parse_user_pass("user:pa:ss"),
        Ok(("user".to_owned(), "pa:ss".to_owned()))
    );
}

#[test]
fn rejects_malformed_user_pass_without_echoing_it() {
    for value in ["", "alicepass", ":secret-value", "alice:", ":"] {
        let err = parse_user_pass(value).unwrap_err();
        assert_eq!(err, CredentialError::MalformedUserPass);
        if value.len() > 1 {
            assert!(!err.to_string().contains(value), "{value} leaked");
        }
    }
    assert!(
        !parse_user_pass(":hunter2")
            .unwrap_err()
            .to_string()
            .contains("hunter2")
    );
}

proptest! {
    #[test]
    fn parse_never_panics(input in ".{0,60}") {
        let _ = CredentialRef::parse(&input);
    }

    #[test]
    fn parse_never_panics_on_reference_like_text(
        input in "([a-z.]{0,5}=)?(pullsecret|secret|env|ext|x)?:[a-z/#:=]{0,12}"
    ) {
        if let Ok(parsed) = CredentialRef::parse(&input) {
            prop_assert_eq!(CredentialRef::parse(&parsed.to_string()), Ok(parsed));
        }
    }
}
