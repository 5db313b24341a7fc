//! Tests of write-back method, target, branch and file-name parsing (spec §3.5, §3.6, §7.2.3).

use super::*;
use proptest::prelude::*;

fn secret(namespace: Option<&str>, name: &str) -> WriteBackMethod {
    WriteBackMethod::Git(GitCredentials::Secret {
        namespace: namespace.map(str::to_owned),
        name: name.to_owned(),
    })
}

#[test]
fn method_argocd_and_git_forms() {
    let repo = WriteBackMethod::Git(GitCredentials::RepoCreds);
    assert_eq!(
        WriteBackMethod::parse("argocd"),
        Ok(WriteBackMethod::ArgoCd)
    );
    assert_eq!(
        WriteBackMethod::parse("  argocd \n"),
        Ok(WriteBackMethod::ArgoCd)
    );
    assert_eq!(WriteBackMethod::parse("git"), Ok(repo.clone()));
    assert_eq!(WriteBackMethod::parse("git:repocreds"), Ok(repo.clone()));
    assert_eq!(WriteBackMethod::parse(" git:repocreds "), Ok(repo));
    assert_eq!(WriteBackMethod::default(), WriteBackMethod::ArgoCd);
}

#[test]
fn method_git_secret_with_and_without_namespace() {
    assert_eq!(
        WriteBackMethod::parse("git:secret:creds"),
        Ok(secret(None, "creds"))
    );
    assert_eq!(
        WriteBackMethod::parse("git:secret:argocd/git-creds"),
        Ok(secret(Some("argocd"), "git-creds"))
    );
}

#[test]
fn method_unknown_mechanism_is_rejected_naming_it() {
    for input in ["", "kubectl", "Git", "argocd:x", "gitx", " ARGOCD"] {
        let err = WriteBackMethod::parse(input).unwrap_err();
        assert_eq!(
            err,
            WriteBackError::InvalidMethod {
                method: input.trim().to_owned()
            }
        );
        assert!(
            err.to_string()
                .starts_with(&format!("invalid update mechanism `{}`", input.trim())),
            "{err}"
        );
    }
}

#[test]
fn method_unknown_credentials_are_rejected() {
    let err = WriteBackMethod::parse("git:foo").unwrap_err();
    assert!(
        matches!(&err, WriteBackError::UnknownCredentials { credentials, .. } if credentials == "foo")
    );
    assert!(err.to_string().contains("`foo`"), "{err}");
    assert!(WriteBackMethod::parse("git:").is_err());
    assert!(WriteBackMethod::parse("git: repocreds").is_err());
}

#[test]
fn method_bad_secret_references_are_rejected() {
    for input in [
        "git:secret:",
        "git:secret:/name",
        "git:secret:ns/",
        "git:secret:a/b/c",
    ] {
        let err = WriteBackMethod::parse(input).unwrap_err();
        assert!(
            matches!(err, WriteBackError::BadSecretReference { .. }),
            "{input}: {err}"
        );
        assert!(err.to_string().contains(input), "{err}");
    }
}

#[test]
fn secret_namespace_must_match_app_namespace() {
    let in_ns = GitCredentials::Secret {
        namespace: Some("team".into()),
        name: "c".into(),
    };
    assert_eq!(in_ns.check_namespace("team"), Ok(()));
    let err = in_ns.check_namespace("other").unwrap_err();
    assert_eq!(
        err.to_string(),
        "secret namespace `team` differs from app namespace `other`"
    );
    let bare = GitCredentials::Secret {
        namespace: None,
        name: "c".into(),
    };
    assert_eq!(bare.check_namespace("anything"), Ok(()));
    assert_eq!(GitCredentials::RepoCreds.check_namespace("x"), Ok(()));
}

fn target(input: &str) -> WriteBackTarget {
    WriteBackTarget::parse(input).unwrap()
}

#[test]
fn target_keyword_forms() {
    assert_eq!(target(""), WriteBackTarget::Default);
    assert_eq!(target("  "), WriteBackTarget::Default);
    assert_eq!(
        target("kustomization"),
        WriteBackTarget::Kustomization { dir: ".".into() }
    );
    assert_eq!(
        target("kustomization:"),
        WriteBackTarget::Kustomization { dir: ".".into() }
    );
    assert_eq!(
        target("kustomization:../base"),
        WriteBackTarget::Kustomization {
            dir: "../base".into()
        }
    );
    assert_eq!(
        target("helmvalues"),
        WriteBackTarget::HelmValues {
            file: "values.yaml".into()
        }
    );
    assert_eq!(
        target(" helmvalues:/env/prod.yaml "),
        WriteBackTarget::HelmValues {
            file: "/env/prod.yaml".into()
        }
    );
}

#[test]
fn target_prefix_lookalikes_are_bare_paths_not_keywords() {
    // The original's HasPrefix test would treat these as keyword targets with garbage paths.
    for input in [
        "kustomizationX",
        "kustomization-prod/x.yaml",
        "helmvalues.yaml",
        "helmvaluesX",
    ] {
        assert_eq!(target(input), WriteBackTarget::File { path: input.into() });
    }
}

#[test]
fn target_bare_kustomization_file_is_rejected_with_hint() {
    for input in [
        "kustomization.yaml",
        "overlays/prod/kustomization.yml",
        "/base/Kustomization",
    ] {
        let err = WriteBackTarget::parse(input).unwrap_err();
        assert_eq!(
            err,
            WriteBackError::KustomizationFileTarget {
                target: input.into()
            }
        );
        let text = err.to_string();
        assert!(
            text.contains(input) && text.contains("`kustomization:<dir>`"),
            "{text}"
        );
    }
}

fn resolve(input: &str, source: &str) -> Result<ResolvedTarget, WriteBackError> {
    target(input).resolve(source, ".argocd-source-app.yaml")
}

fn kdir(dir: &str) -> ResolvedTarget {
    ResolvedTarget::Kustomization { dir: dir.into() }
}

fn values(file: &str) -> ResolvedTarget {
    ResolvedTarget::HelmValues { file: file.into() }
}

fn override_file(path: &str) -> ResolvedTarget {
    ResolvedTarget::OverrideFile { path: path.into() }
}

#[test]
fn resolve_kustomization_forms() {
    assert_eq!(resolve("kustomization", "apps/web"), Ok(kdir("apps/web")));
    assert_eq!(resolve("kustomization", ""), Ok(kdir(".")));
    assert_eq!(
        resolve("kustomization", "./apps//web/"),
        Ok(kdir("apps/web"))
    );
    assert_eq!(
        resolve("kustomization:/base/dir", "apps/web"),
        Ok(kdir("base/dir"))
    );
    assert_eq!(resolve("kustomization:/", "apps/web"), Ok(kdir(".")));
    assert_eq!(
        resolve("kustomization:../base", "apps/web"),
        Ok(kdir("apps/base"))
    );
    assert_eq!(
        resolve("kustomization:./overlays/./prod", "apps"),
        Ok(kdir("apps/overlays/prod"))
    );
}

#[test]
fn resolve_helm_values_forms() {
    assert_eq!(
        resolve("helmvalues", "charts/web"),
        Ok(values("charts/web/values.yaml"))
    );
    assert_eq!(resolve("helmvalues", ""), Ok(values("values.yaml")));
    assert_eq!(
        resolve("helmvalues:/env/prod/values.yaml", "charts/web"),
        Ok(values("env/prod/values.yaml"))
    );
    assert_eq!(
        resolve("helmvalues:../shared/v.yaml", "charts/web"),
        Ok(values("charts/shared/v.yaml"))
    );
    assert_eq!(
        resolve("helmvalues:notes.txt", "c"),
        Ok(values("c/notes.txt"))
    );
}

#[test]
fn resolve_bare_file_is_repo_relative_and_classified() {
    assert_eq!(
        resolve("deploy/values-prod.yaml", "apps/web"),
        Ok(values("deploy/values-prod.yaml"))
    );
    assert_eq!(
        resolve("/deploy/x.yml", "apps/web"),
        Ok(values("deploy/x.yml"))
    );
    assert_eq!(
        resolve("deploy/.argocd-source-web.yaml", "apps/web"),
        Ok(override_file("deploy/.argocd-source-web.yaml"))
    );
    assert_eq!(
        resolve("deploy/overrides", "apps/web"),
        Ok(override_file("deploy/overrides"))
    );
    assert_eq!(
        resolve("kustomizationX", "apps"),
        Ok(override_file("kustomizationX"))
    );
}

#[test]
fn resolve_default_is_source_file_in_source_path() {
    assert_eq!(
        resolve("", "apps/web"),
        Ok(override_file("apps/web/.argocd-source-app.yaml"))
    );
    assert_eq!(
        resolve("", ""),
        Ok(override_file(".argocd-source-app.yaml"))
    );
    assert_eq!(
        resolve("", "."),
        Ok(override_file(".argocd-source-app.yaml"))
    );
}

#[test]
fn resolve_outside_repository_is_rejected() {
    for (input, source, resolved) in [
        ("kustomization:../../x", "apps", "../x"),
        ("helmvalues:../v.yaml", "", "../v.yaml"),
        ("../secrets.yaml", "apps", "../secrets.yaml"),
        ("kustomization", "..", ".."),
    ] {
        let err = resolve(input, source).unwrap_err();
        assert_eq!(
            err,
            WriteBackError::TargetOutsideRepository {
                target: target(input).to_string(),
                resolved: resolved.into(),
            },
            "{input} in {source}"
        );
        assert!(err.to_string().contains(resolved), "{err}");
    }
}

#[test]
fn resolved_target_path_accessor() {
    assert_eq!(resolve("kustomization", "a").unwrap().path(), "a");
    assert_eq!(resolve("helmvalues", "a").unwrap().path(), "a/values.yaml");
    assert_eq!(resolve("x", "a").unwrap().path(), "x");
}

#[test]
fn clean_path_matches_go_filepath_clean() {
    for (input, want) in [
        ("", "."),
        (".", "."),
        ("/", "/"),
        ("a/b/../c", "a/c"),
        ("a//b/./c/", "a/b/c"),
        ("../../a", "../../a"),
        ("a/../..", ".."),
        ("/../a", "/a"),
        ("/a/b/../../..", "/"),
        ("./a/./", "a"),
    ] {
        assert_eq!(clean_path(input), want, "{input}");
    }
}

fn branch(input: &str) -> BranchSpec {
    BranchSpec::parse(input, false).unwrap()
}

fn spec(base: Option<&str>, write: Option<&str>) -> BranchSpec {
    BranchSpec {
        base: base.map(str::to_owned),
        write_template: write.map(str::to_owned),
    }
}

#[test]
fn branch_forms() {
    assert_eq!(branch(""), spec(None, None));
    assert_eq!(branch("main"), spec(Some("main"), None));
    assert_eq!(branch(" main "), spec(Some("main"), None));
    assert_eq!(
        branch("main:image-updater-{{.SHA256}}"),
        spec(Some("main"), Some("image-updater-{{.SHA256}}"))
    );
    assert_eq!(branch(":update"), spec(None, Some("update")));
    assert_eq!(branch("main:"), spec(Some("main"), None));
}

#[test]
fn branch_more_than_one_colon_is_rejected() {
    for pr in [false, true] {
        let err = BranchSpec::parse("a:b:c", pr).unwrap_err();
        assert_eq!(
            err,
            WriteBackError::BranchTooManyColons {
                branch: "a:b:c".into()
            }
        );
        assert!(err.to_string().contains("`a:b:c`"), "{err}");
    }
}

#[test]
fn branch_with_pull_request_rejects_any_colon() {
    assert_eq!(
        BranchSpec::parse("main", true),
        Ok(spec(Some("main"), None))
    );
    for input in ["main:write", ":write", "main:"] {
        let err = BranchSpec::parse(input, true).unwrap_err();
        assert_eq!(
            err,
            WriteBackError::BranchWriteWithPullRequest {
                branch: input.into()
            }
        );
        assert!(err.to_string().contains(input), "{err}");
    }
}

#[test]
fn source_file_name_rule() {
    assert_eq!(
        source_file_name("web", "argocd", "argocd"),
        ".argocd-source-web.yaml"
    );
    assert_eq!(
        source_file_name("web", "", "argocd"),
        ".argocd-source-web.yaml"
    );
    assert_eq!(
        source_file_name("web", "team-a", "argocd"),
        ".argocd-source-team-a_web.yaml"
    );
    assert_eq!(
        source_file_name("web", "team-a", "default"),
        ".argocd-source-web.yaml"
    );
    assert_eq!(
        source_file_name("web", "default", "argocd"),
        ".argocd-source-default_web.yaml"
    );
}

proptest! {
    #[test]
    fn parsers_never_panic(input in any::<String>(), source in any::<String>(), pr in any::<bool>()) {
        let _ = WriteBackMethod::parse(&input);
        let _ = BranchSpec::parse(&input, pr);
        if let Ok(parsed) = WriteBackTarget::parse(&input)
            && let Ok(resolved) = parsed.resolve(&source, "f")
        {
            let path = resolved.path();
            prop_assert!(!path.starts_with('/') && path != ".." && !path.starts_with("../"));
        }
    }

    #[test]
    fn structured_inputs_never_panic(
        prefix in prop::sample::select(vec!["git:", "git:secret:", "kustomization:", "helmvalues:", ":", ""]),
        rest in "[a-z/.:]{0,12}",
    ) {
        let input = format!("{prefix}{rest}");
        let _ = WriteBackMethod::parse(&input);
        let _ = BranchSpec::parse(&input, false);
        if let Ok(parsed) = WriteBackTarget::parse(&input) {
            let _ = parsed.resolve(&rest, "f");
        }
    }
}
