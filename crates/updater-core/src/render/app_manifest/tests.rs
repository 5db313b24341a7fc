//! Tests of in-place Application manifest edits: exact output texts for each edit rule, the
//! byte-identity of everything else, document selection and the refusals.

use super::*;

fn param(name: &str, value: &str, force_string: bool) -> HelmParameter {
    HelmParameter {
        name: name.to_owned(),
        value: value.to_owned(),
        force_string,
    }
}

fn env(name: &str, value: &str) -> EnvEntry {
    EnvEntry {
        name: name.to_owned(),
        value: value.to_owned(),
    }
}

fn single(name: &str) -> ManifestTarget<'_> {
    ManifestTarget {
        name,
        namespace: None,
        source_index: None,
    }
}

fn helm(parameters: Vec<HelmParameter>) -> SourceLists {
    SourceLists {
        helm_parameters: Some(parameters),
        ..SourceLists::default()
    }
}

fn images(images: &[&str]) -> SourceLists {
    SourceLists {
        kustomize_images: Some(images.iter().map(|s| (*s).to_owned()).collect()),
        ..SourceLists::default()
    }
}

fn edit(text: &str, target: &ManifestTarget<'_>, lists: &SourceLists) -> String {
    edit_application(text, target, lists).unwrap_or_else(|e| panic!("edit failed: {e}\n{text}"))
}

fn error(text: &str, target: &ManifestTarget<'_>, lists: &SourceLists) -> String {
    match edit_application(text, target, lists) {
        Ok(out) => panic!("expected an error, got:\n{out}"),
        Err(e) => e.to_string(),
    }
}

const COMMENTED: &str = r#"# An app of the platform team.
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: guestbook   # keep this name
  namespace: argocd
spec:
  project: default

  source:
    repoURL: https://charts.example.com   # the chart repo
    chart: guestbook
    targetRevision: 1.2.3
    helm:
      releaseName: guestbook
      # Managed by the image updater.
      parameters:
        # The image name.
        - name: image.name
          value: "ghcr.io/org/guestbook"   # the repository

        # The tag, pinned by the updater.
        - name: image.tag
          value: 'v1.0.0'  # trailing comment
          forceString: true
        - name: replicaCount
          value: 2
  destination:
    server: https://kubernetes.default.svc   # in-cluster
    namespace: guestbook
"#;

#[test]
fn only_the_changed_value_bytes_change_in_a_commented_manifest() {
    let lists = helm(vec![
        param("image.name", "ghcr.io/org/guestbook", false),
        param("image.tag", "v1.1.0", true),
    ]);
    let out = edit(COMMENTED, &single("guestbook"), &lists);
    let expected = COMMENTED.replace("value: 'v1.0.0'", "value: 'v1.1.0'");
    assert_eq!(out, expected);
}

#[test]
fn force_string_is_added_to_an_existing_entry_that_lacks_it() {
    let lists = helm(vec![param("image.name", "ghcr.io/org/other", true)]);
    let out = edit(COMMENTED, &single("guestbook"), &lists);
    let expected = COMMENTED.replace(
        "          value: \"ghcr.io/org/guestbook\"   # the repository\n",
        "          value: \"ghcr.io/org/other\"   # the repository\n          forceString: true\n",
    );
    assert_eq!(out, expected);
}

#[test]
fn a_false_force_string_becomes_true_and_a_desired_false_never_clears_it() {
    let text = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: a\nspec:\n  source:\n    helm:\n      parameters:\n      - name: x\n        value: \"1\"\n        forceString: false # no\n      - name: why\n        value: \"2\"\n        forceString: true\n";
    let lists = helm(vec![param("x", "1", true), param("why", "2", false)]);
    let out = edit(text, &single("a"), &lists);
    assert_eq!(
        out,
        text.replace("forceString: false # no", "forceString: true # no")
    );
}

#[test]
fn a_new_parameter_is_appended_in_the_list_style() {
    let lists = helm(vec![
        param("image.name", "ghcr.io/org/guestbook", false),
        param("image.tag", "v1.0.0", true),
        param("image.digest", "sha256:abc", true),
    ]);
    let out = edit(COMMENTED, &single("guestbook"), &lists);
    // Appended after the last entry, `-` and fields at the list's columns, the value quoted
    // like the last entry's value (plain here).
    let expected = COMMENTED.replace(
        "          value: 2\n",
        "          value: 2\n        - name: image.digest\n          value: sha256:abc\n          forceString: true\n",
    );
    assert_eq!(out, expected);
}

#[test]
fn a_new_parameter_copies_the_quote_style_of_the_last_entry() {
    let text = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: a\nspec:\n  source:\n    helm:\n      parameters:\n      -   name: 'x'\n          value: \"1\"\n";
    let lists = helm(vec![param("x", "1", false), param("why", "v2", false)]);
    let out = edit(text, &single("a"), &lists);
    assert_eq!(
        out,
        format!("{text}      -   name: 'why'\n          value: \"v2\"\n")
    );
}

const NO_HELM: &str = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n    name: a\nspec:\n    source:\n        repoURL: https://x   # repo\n        path: charts/a\n    destination:\n        namespace: a\n";

#[test]
fn helm_parameters_are_created_at_the_document_indentation() {
    let lists = helm(vec![param("image.tag", "1.10", true)]);
    let out = edit(NO_HELM, &single("a"), &lists);
    let expected = NO_HELM.replace(
        "        path: charts/a\n",
        "        path: charts/a\n        helm:\n            parameters:\n            - name: image.tag\n              value: \"1.10\"\n              forceString: true\n",
    );
    assert_eq!(out, expected);
}

#[test]
fn parameters_are_created_in_an_existing_helm_block() {
    let text = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: a\nspec:\n  source:\n    helm:\n      releaseName: r  # r\n  other:\n    - 1\n";
    let out = edit(text, &single("a"), &helm(vec![param("t", "v", false)]));
    let expected = text.replace(
        "releaseName: r  # r\n",
        "releaseName: r  # r\n      parameters:\n        - name: t\n          value: v\n",
    );
    assert_eq!(out, expected);
}

#[test]
fn a_null_or_empty_list_or_block_is_filled() {
    let head = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: a\nspec:\n  source:\n";
    let cases = [
        (
            "    helm:  # none yet\n    path: p\n",
            "    helm:  # none yet\n      parameters:\n      - name: t\n        value: v\n    path: p\n",
        ),
        (
            "    helm: ~\n",
            "    helm:\n      parameters:\n      - name: t\n        value: v\n",
        ),
        (
            "    helm: {}\n",
            "    helm:\n      parameters:\n      - name: t\n        value: v\n",
        ),
        (
            "    helm:\n      parameters: []  # empty\n",
            "    helm:\n      parameters:  # empty\n      - name: t\n        value: v\n",
        ),
        (
            "    helm:\n      parameters:",
            "    helm:\n      parameters:\n      - name: t\n        value: v\n",
        ),
    ];
    for (source, expected) in cases {
        let text = format!("{head}{source}");
        let out = edit(&text, &single("a"), &helm(vec![param("t", "v", false)]));
        assert_eq!(out, format!("{head}{expected}"), "for {source:?}");
    }
}

#[test]
fn a_missing_or_null_value_of_an_existing_entry_is_written() {
    let text = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: a\nspec:\n  source:\n    helm:\n      parameters:\n      - name: x\n      - name: why\n        value:   # later\n      - name: z\n        value: ~\n";
    let lists = helm(vec![
        param("x", "1", false),
        param("why", "2", false),
        param("z", "3", false),
    ]);
    let out = edit(text, &single("a"), &lists);
    let expected = text
        .replace("- name: x\n", "- name: x\n        value: \"1\"\n")
        .replace("value:   # later", "value: \"2\"   # later")
        .replace("value: ~", "value: \"3\"");
    assert_eq!(out, expected);
}

#[test]
fn values_yaml_or_helm_would_misread_are_double_quoted() {
    for (value, written) in [
        ("1.10", "\"1.10\""),
        ("true", "\"true\""),
        ("010", "\"010\""),
        ("", "\"\""),
        ("null", "\"null\""),
        ("a: b", "\"a: b\""),
        ("- x", "\"- x\""),
        ("line\nbreak", "\"line\\nbreak\""),
        ("v1.2.3", "v1.2.3"),
    ] {
        let text = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: a\nspec:\n  source:\n    helm:\n      parameters:\n      - name: x\n        value: old # c\n";
        let out = edit(text, &single("a"), &helm(vec![param("x", value, false)]));
        assert_eq!(
            out,
            text.replace("value: old", &format!("value: {written}")),
            "for {value:?}"
        );
    }
}

#[test]
fn a_plain_value_that_reads_as_a_number_is_quoted_even_when_its_text_matches() {
    let text = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: a\nspec:\n  source:\n    helm:\n      parameters:\n      - name: x\n        value: 1.10\n";
    let out = edit(text, &single("a"), &helm(vec![param("x", "1.10", false)]));
    assert_eq!(out, text.replace("value: 1.10", "value: \"1.10\""));
}

#[test]
fn a_single_quoted_value_stays_single_quoted_and_a_block_scalar_becomes_one_line() {
    let text = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: a\nspec:\n  source:\n    helm:\n      parameters:\n      - name: x\n        value: 'it''s'\n      - name: why\n        value: |\n          old\n\n      - name: z\n        value: \"z\"\n";
    let lists = helm(vec![
        param("x", "it's new", false),
        param("why", "new", false),
        param("z", "z", false),
    ]);
    let out = edit(text, &single("a"), &lists);
    let expected = text
        .replace("'it''s'", "'it''s new'")
        .replace("value: |\n          old\n", "value: new\n");
    assert_eq!(out, expected);
}

#[test]
fn duplicate_names_pair_by_occurrence() {
    let text = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: a\nspec:\n  source:\n    plugin:\n      env:\n      - name: X\n        value: one\n      - name: X\n        value: two\n";
    let lists = SourceLists {
        plugin_env: Some(vec![env("X", "one"), env("X", "2"), env("X", "3")]),
        ..SourceLists::default()
    };
    let out = edit(text, &single("a"), &lists);
    let expected =
        text.replace("value: two", "value: \"2\"") + "      - name: X\n        value: \"3\"\n";
    assert_eq!(out, expected);
}

#[test]
fn entries_missing_from_the_desired_list_are_left_alone() {
    let lists = helm(vec![param("image.tag", "v2", true)]);
    let out = edit(COMMENTED, &single("guestbook"), &lists);
    assert_eq!(out, COMMENTED.replace("'v1.0.0'", "'v2'"));
}

#[test]
fn an_up_to_date_manifest_comes_back_byte_for_byte() {
    let lists = helm(vec![
        param("image.name", "ghcr.io/org/guestbook", false),
        param("image.tag", "v1.0.0", true),
    ]);
    assert_eq!(edit(COMMENTED, &single("guestbook"), &lists), COMMENTED);
    // Flow style is only refused when something must change.
    let flow = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: a}\nspec:\n  source:\n    helm: {parameters: [{name: x, value: '1.10'}]}\n    kustomize:\n      images: [a, 'b:1']\n";
    let lists = SourceLists {
        helm_parameters: Some(vec![param("x", "1.10", false)]),
        kustomize_images: Some(vec!["a".to_owned(), "b:1".to_owned()]),
        plugin_env: Some(Vec::new()),
    };
    assert_eq!(edit(flow, &single("a"), &lists), flow);
}

const MULTI_SOURCE: &str = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: multi\nspec:\n  sources:\n    - repoURL: https://charts.example.com\n      chart: app\n      helm:\n        valueFiles:\n          - $values/app/values.yaml\n    - repoURL: https://git.example.com/config.git\n      ref: values\n      kustomize:\n        images:\n          - nginx:1.0  # pinned\n          - \"redis:7\"\n    - repoURL: https://git.example.com/other.git\n";

#[test]
fn a_source_of_a_multi_source_app_is_edited_by_index() {
    let target = ManifestTarget {
        name: "multi",
        namespace: None,
        source_index: Some(0),
    };
    let out = edit(
        MULTI_SOURCE,
        &target,
        &helm(vec![param("image.tag", "2", true)]),
    );
    let expected = MULTI_SOURCE.replace(
        "          - $values/app/values.yaml\n",
        "          - $values/app/values.yaml\n        parameters:\n          - name: image.tag\n            value: \"2\"\n            forceString: true\n",
    );
    assert_eq!(out, expected);
}

#[test]
fn kustomize_images_change_in_place_and_append() {
    let target = ManifestTarget {
        name: "multi",
        namespace: None,
        source_index: Some(1),
    };
    let out = edit(
        MULTI_SOURCE,
        &target,
        &images(&["nginx:1.1", "redis:7", "app=ghcr.io/org/app:3"]),
    );
    let expected = MULTI_SOURCE
        .replace("- nginx:1.0  # pinned", "- nginx:1.1  # pinned")
        .replace(
            "          - \"redis:7\"\n",
            "          - \"redis:7\"\n          - \"app=ghcr.io/org/app:3\"\n",
        );
    assert_eq!(out, expected);
}

#[test]
fn a_shorter_image_list_loses_the_surplus_lines_and_an_empty_one_becomes_brackets() {
    let target = ManifestTarget {
        name: "multi",
        namespace: None,
        source_index: Some(1),
    };
    let out = edit(MULTI_SOURCE, &target, &images(&["redis:7"]));
    let expected = MULTI_SOURCE.replace(
        "          - nginx:1.0  # pinned\n          - \"redis:7\"\n",
        "          - redis:7  # pinned\n",
    );
    assert_eq!(out, expected);
    let out = edit(MULTI_SOURCE, &target, &images(&[]));
    let expected = MULTI_SOURCE.replace(
        "        images:\n          - nginx:1.0  # pinned\n          - \"redis:7\"\n",
        "        images: []\n",
    );
    assert_eq!(out, expected);
}

#[test]
fn kustomize_images_are_created_when_absent() {
    let target = ManifestTarget {
        name: "multi",
        namespace: None,
        source_index: Some(2),
    };
    let out = edit(MULTI_SOURCE, &target, &images(&["nginx:2"]));
    let expected =
        format!("{MULTI_SOURCE}      kustomize:\n        images:\n          - nginx:2\n");
    assert_eq!(out, expected);
}

#[test]
fn a_missing_source_index_is_an_error() {
    let target = ManifestTarget {
        name: "multi",
        namespace: None,
        source_index: Some(3),
    };
    assert_eq!(
        error(MULTI_SOURCE, &target, &images(&["a"])),
        "Application `multi` has no `spec.sources[3]`"
    );
    assert_eq!(
        error(MULTI_SOURCE, &single("multi"), &images(&["a"])),
        "Application `multi` has no `spec.source`"
    );
}

#[test]
fn plugin_env_entries_are_updated_and_appended() {
    let text = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: p\nspec:\n  source:\n    plugin:\n      name: my-plugin\n      env:\n        - name: IMAGE_NAME   # the name\n          value: ghcr.io/org/app\n        - name: IMAGE_TAG\n          value: \"1.0\"\n";
    let lists = SourceLists {
        plugin_env: Some(vec![
            env("IMAGE_NAME", "ghcr.io/org/app"),
            env("IMAGE_TAG", "1.1"),
            env("IMAGE_DIGEST", "sha256:0"),
        ]),
        ..SourceLists::default()
    };
    let out = edit(text, &single("p"), &lists);
    let expected = text.replace("\"1.0\"", "\"1.1\"")
        + "        - name: IMAGE_DIGEST\n          value: \"sha256:0\"\n";
    assert_eq!(out, expected);
}

const APP_OF_APPS: &str = r#"# Apps of the platform.
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: frontend
  namespace: argocd
spec:
  source:
    repoURL: https://git.example.com/frontend.git
    helm:
      parameters:
      - name: image.tag
        value: "1.0"   # frontend tag
---
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: backend
  namespace: argocd
spec:
  source:
    repoURL: https://git.example.com/backend.git
    helm:
      parameters:
      - name: image.tag
        value: "1.0"   # backend tag
---
# not an Application, though it has the name
apiVersion: v1
kind: ConfigMap
metadata:
  name: backend
data:
  image.tag: "1.0"
---
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: worker
spec:
  source:
    repoURL: https://git.example.com/worker.git
    helm:
      parameters:
      - name: image.tag
        value: "1.0"   # worker tag
"#;

#[test]
fn only_the_target_document_of_an_app_of_apps_file_changes() {
    let target = ManifestTarget {
        name: "backend",
        namespace: Some("argocd"),
        source_index: None,
    };
    let out = edit(
        APP_OF_APPS,
        &target,
        &helm(vec![param("image.tag", "2.0", false)]),
    );
    let expected = APP_OF_APPS.replace(
        "value: \"1.0\"   # backend tag",
        "value: \"2.0\"   # backend tag",
    );
    assert_eq!(out, expected);
}

#[test]
fn a_namespace_matches_an_equal_or_absent_namespace() {
    let lists = helm(vec![param("image.tag", "2.0", false)]);
    let worker = ManifestTarget {
        name: "worker",
        namespace: Some("anywhere"),
        source_index: None,
    };
    let out = edit(APP_OF_APPS, &worker, &lists);
    assert_eq!(
        out,
        APP_OF_APPS.replace("\"1.0\"   # worker tag", "\"2.0\"   # worker tag")
    );
    let elsewhere = ManifestTarget {
        name: "frontend",
        namespace: Some("other"),
        source_index: None,
    };
    assert_eq!(
        error(APP_OF_APPS, &elsewhere, &lists),
        "the file holds no Application `other/frontend`"
    );
    // Without a namespace, any namespace matches.
    let out = edit(APP_OF_APPS, &single("frontend"), &lists);
    assert_eq!(
        out,
        APP_OF_APPS.replace("\"1.0\"   # frontend tag", "\"2.0\"   # frontend tag")
    );
}

#[test]
fn no_match_or_several_matches_are_errors() {
    let lists = helm(vec![param("image.tag", "2.0", false)]);
    assert_eq!(
        error(APP_OF_APPS, &single("missing"), &lists),
        "the file holds no Application `missing`"
    );
    let twice = format!(
        "{APP_OF_APPS}---\n{}",
        APP_OF_APPS.replace("argocd", "team")
    );
    assert_eq!(
        error(&twice, &single("backend"), &lists),
        "the file holds 2 Applications matching `backend`"
    );
    // `worker` has no namespace, so it matches `team/worker` and the copy's `worker` too.
    let team = ManifestTarget {
        name: "worker",
        namespace: Some("team"),
        source_index: None,
    };
    assert_eq!(
        error(&twice, &team, &lists),
        "the file holds 2 Applications matching `team/worker`"
    );
    let other_kind = APP_OF_APPS.replace("argoproj.io/v1alpha1", "example.com/v1");
    assert_eq!(
        error(&other_kind, &single("backend"), &lists),
        "the file holds no Application `backend`"
    );
}

#[test]
fn crlf_line_endings_are_kept_on_new_lines() {
    let text = NO_HELM.replace('\n', "\r\n");
    let out = edit(&text, &single("a"), &helm(vec![param("t", "v", true)]));
    let expected = NO_HELM
        .replace(
            "        path: charts/a\n",
            "        path: charts/a\n        helm:\n            parameters:\n            - name: t\n              value: v\n              forceString: true\n",
        )
        .replace('\n', "\r\n");
    assert_eq!(out, expected);
}

#[test]
fn a_file_without_a_final_line_break_gets_new_lines_after_a_break() {
    let text = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: a\nspec:\n  source:\n    path: p";
    let out = edit(text, &single("a"), &images(&["x:1"]));
    assert_eq!(
        out,
        format!("{text}\n    kustomize:\n      images:\n      - x:1\n")
    );
}

#[test]
fn shapes_that_cannot_be_edited_safely_are_refused() {
    // The anchors `*v` and `*h` refer to.
    let head = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nanchors: [&v '0', &h {}]\nmetadata:\n  name: a\nspec:\n";
    let cases = [
        (
            "  source:\n    helm:\n      parameters: [{name: x, value: '1'}]\n",
            "cannot edit `spec.source.helm.parameters` of Application `a` in place: it is written in flow style",
        ),
        (
            "  source:\n    helm:\n      parameters:\n      - {name: x, value: '1'}\n",
            "cannot edit `spec.source.helm.parameters[0]` of Application `a` in place: it is written in flow style",
        ),
        (
            "  source: {repoURL: x}\n",
            "cannot edit `spec.source` of Application `a` in place: it is written in flow style",
        ),
        (
            "  source:\n    helm:\n      parameters: &p\n      - name: x\n        value: '1'\n",
            "cannot edit `spec.source.helm.parameters` of Application `a` in place: it is written with an anchor or alias",
        ),
        (
            "  source:\n    helm:\n      parameters:\n      - name: x\n        value: *v\n",
            "cannot edit `spec.source.helm.parameters` of Application `a` in place: it is written with an anchor or alias",
        ),
        (
            "  source:\n    helm: *h\n",
            "cannot edit `spec.source.helm` of Application `a` in place: it is written as an alias",
        ),
        (
            "  source: x\n",
            "`spec.source` of Application `a` is a scalar, expected a mapping",
        ),
        (
            "  source:\n    helm: [x]\n",
            "`spec.source.helm` of Application `a` is a sequence, expected a mapping",
        ),
        (
            "  source:\n    helm:\n      parameters: x\n",
            "`spec.source.helm.parameters` of Application `a` is a scalar, expected a sequence",
        ),
        (
            "  source:\n    helm:\n      parameters:\n      - name: x\n        value: {a: 1}\n",
            "`spec.source.helm.parameters[0].value` of Application `a` is a mapping, expected a scalar",
        ),
        (
            "  source:\n    helm:\n      parameters:\n      - name: x\n        value: !!str '1'\n",
            "cannot edit `spec.source.helm.parameters[0].value` of Application `a` in place: it is written with an anchor or tag",
        ),
    ];
    for (spec, message) in cases {
        let text = format!("{head}{spec}");
        assert_eq!(
            error(&text, &single("a"), &helm(vec![param("x", "2", false)])),
            message,
            "for {spec:?}"
        );
    }
}

#[test]
fn invalid_yaml_is_a_parse_error() {
    let message = error("a: [\n", &single("a"), &SourceLists::default());
    assert_eq!(message, "cannot parse the manifest file as YAML");
}

#[test]
fn an_edit_with_every_list_at_once_changes_each() {
    let text = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: a\nspec:\n  source:\n    repoURL: r\n";
    let lists = SourceLists {
        helm_parameters: Some(vec![param("t", "1", true)]),
        kustomize_images: Some(vec!["i:1".to_owned()]),
        plugin_env: Some(vec![env("E", "e")]),
    };
    let out = edit(text, &single("a"), &lists);
    let expected = format!(
        "{text}    helm:\n      parameters:\n      - name: t\n        value: \"1\"\n        forceString: true\n    kustomize:\n      images:\n      - i:1\n    plugin:\n      env:\n      - name: E\n        value: e\n"
    );
    assert_eq!(out, expected);
    // A second run finds nothing to do.
    assert_eq!(edit(&out, &single("a"), &lists), out);
}

#[test]
fn the_check_refuses_an_edit_that_does_not_read_back_as_intended() {
    let lists = helm(vec![param("image.tag", "2.0", false)]);
    let target = ManifestTarget {
        name: "backend",
        namespace: Some("argocd"),
        source_index: None,
    };
    let check = |edited: &str| {
        verify::check(APP_OF_APPS, edited, &target, &lists, "argocd/backend")
            .map_err(|e| e.to_string())
    };
    let good = APP_OF_APPS.replace("\"1.0\"   # backend", "\"2.0\"   # backend");
    assert_eq!(check(&good), Ok(()));
    let refused = Err(
        "editing Application `argocd/backend` did not give a file that reads back the desired lists"
            .to_owned(),
    );
    // Another document changed as well.
    assert_eq!(
        check(&good.replace("\"1.0\"   # worker", "\"2.0\"   # worker")),
        refused
    );
    // The target does not hold the value.
    assert_eq!(check(APP_OF_APPS), refused);
    // Another field of the target changed.
    assert_eq!(check(&good.replace("backend.git", "other.git")), refused);
    // Broken YAML.
    assert_eq!(check(&good.replace("\"2.0\"", "\"2.0")), refused);
}

#[test]
fn a_file_whose_documents_are_not_data_is_refused_when_an_edit_is_needed() {
    let text = format!("{NO_HELM}---\n? [a, b]\n: complex key\n");
    let lists = helm(vec![param("t", "v", false)]);
    assert_eq!(
        error(&text, &single("a"), &lists),
        "cannot read the documents of the manifest file as data"
    );
    // Nothing to do needs no reading.
    assert_eq!(edit(&text, &single("a"), &helm(Vec::new())), text);
}

#[test]
fn an_item_whose_dash_stands_alone_keeps_its_field_column_for_new_items() {
    let text = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: a\nspec:\n  source:\n    helm:\n      parameters:\n      -\n        name: x\n        value: v\n";
    let out = edit(
        text,
        &single("a"),
        &helm(vec![param("x", "v", false), param("t", "w", false)]),
    );
    assert_eq!(out, format!("{text}      - name: t\n        value: w\n"));
}

#[test]
fn a_block_scalar_image_is_rewritten_with_its_header() {
    let text = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: a\nspec:\n  source:\n    kustomize:\n      images:\n      - |-\n        a:1\n      - b:1\n";
    let out = edit(text, &single("a"), &images(&["a:2", "b:1"]));
    assert_eq!(out, text.replace("- |-\n        a:1\n", "- a:2\n"));
}

#[test]
fn an_image_appended_after_a_block_scalar_item_sits_at_the_item_dash() {
    let text = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: a\nspec:\n  source:\n    kustomize:\n      images:\n        - |-\n          a:1\n";
    let out = edit(text, &single("a"), &images(&["a:1", "b:1"]));
    assert_eq!(out, format!("{text}        - b:1\n"));
}
