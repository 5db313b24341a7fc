//! Snapshot tests of rendered commit messages and branch names (what a human or git reads).

use super::template::*;

fn sample_with_labels() -> CommitMessageData {
    let mut data = CommitMessageData::sample();
    if let Some(first) = data.changes.first_mut() {
        first
            .labels
            .insert("org.opencontainers.image.revision".into(), "abc1234".into());
        first.labels.insert(
            "org.opencontainers.image.source".into(),
            "https://github.com/example/example".into(),
        );
    }
    data
}

fn render(text: &str, data: &CommitMessageData) -> String {
    CommitTemplate::parse(text)
        .and_then(|t| t.render_commit_message(data))
        .unwrap_or_else(|e| panic!("{e:?}"))
}

#[test]
fn default_template_renders_the_sample_byte_for_byte() {
    let rendered = CommitTemplate::default_template()
        .render_commit_message(&CommitMessageData::sample())
        .expect("default template renders");
    assert_eq!(
        rendered,
        "build: automatic update of example-app\n\n\
         updates image example/example tag '1.0.0' to '1.0.1'\n\
         updates image example/updater tag \
         'sha256:01d09d19c2139a46aebfb577780d123d7396e97201bc7ead210a2ebff8239dee' to \
         'sha256:7aa7a5359173d05b63cfd682e3c38487f3cb4f7f1d60659fe59fab1505977d4c'\n"
    );
}

#[test]
fn snapshot_default_template_on_sample() {
    let rendered = CommitTemplate::default_template()
        .render_commit_message(&CommitMessageData::sample())
        .expect("renders");
    insta::assert_snapshot!(rendered);
}

#[test]
fn snapshot_custom_template_with_range_index_if_printf_and_labels() {
    let text = r#"chore({{ .AppName }}): update {{ len .AppChanges }} image(s)
{{ range $i, $c := .AppChanges }}
{{ printf "%d. %s" $i $c.Image }}: {{ $c.OldTag }} -> {{ $c.NewTag }}
{{- if $c.Labels }}
   revision: {{ index $c.Labels "org.opencontainers.image.revision" }}
   source: {{ index $c.Labels "org.opencontainers.image.source" }}
{{- else }}
   (no labels)
{{- end }}
{{- end }}
first image: {{ (index .AppChanges 0).Image }}
short digest: {{ slice (index .AppChanges 1).NewTag 7 19 }}
"#;
    insta::assert_snapshot!(render(text, &sample_with_labels()));
}

#[test]
fn snapshot_erroring_template_falls_back() {
    let template =
        CommitTemplate::parse("update {{ .AppName }} {{ .NoSuchField }}").expect("parses");
    let data = CommitMessageData::sample();
    assert!(template.render_commit_message(&data).is_err());
    insta::assert_snapshot!(template.render_commit_message_or_fallback(&data));
}

#[test]
fn snapshot_branch_template_with_sha_and_target_key() {
    let images: Vec<BranchImage> = CommitMessageData::sample()
        .changes
        .into_iter()
        .zip(["main-app", "updater"])
        .map(|(c, alias)| BranchImage {
            name: c.image,
            alias: alias.to_owned(),
            old_tag: c.old_tag,
            new_tag: c.new_tag,
        })
        .collect();
    let data = BranchTemplateData {
        app_name: "example-app".into(),
        app_namespace: "argocd".into(),
        target_key: target_key(
            "https://github.com/example/repo.git",
            "main",
            ".argocd-source-example-app.yaml",
        ),
        sha256: changes_sha256(&images),
        images,
    };
    let template = "image-updater/{{ .AppNamespace }}/{{ .AppName }}/{{ .TargetKey }}\
                    {{ range .Images }}-{{ .Alias }}{{ end }}-{{ slice .SHA256 0 12 }}";
    insta::assert_snapshot!(render_branch_name(template, &data).expect("renders"));
}
