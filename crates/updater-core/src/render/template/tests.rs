//! Unit tests for template parsing, the added builtins, branch names and the hash helpers.

use super::funcs::slice;
use super::*;
use proptest::prelude::*;

const SAMPLE_SHA256: &str = "8ed164c0ae0df5da7502bd5bab3e0521b3d0cc0c7e66db6c96f888cc6d360642";

fn render_text(text: &str) -> Result<String, TemplateError> {
    CommitTemplate::parse(text)?.render_commit_message(&CommitMessageData::sample())
}

fn rendered(text: &str) -> String {
    render_text(text).unwrap_or_else(|e| panic!("{text}: {e:?}"))
}

fn sample_images() -> Vec<BranchImage> {
    CommitMessageData::sample()
        .changes
        .into_iter()
        .map(|c| BranchImage {
            name: c.image,
            alias: String::new(),
            old_tag: c.old_tag,
            new_tag: c.new_tag,
        })
        .collect()
}

#[test]
fn default_template_parses_and_keeps_its_text() {
    let template = CommitTemplate::default_template();
    assert_eq!(template.text(), DEFAULT_COMMIT_TEMPLATE);
    assert_eq!(template.name(), DEFAULT_COMMIT_TEMPLATE_NAME);
}

#[test]
fn parse_error_names_the_template_and_the_cause() {
    let err = CommitTemplate::parse_named("/tmp/msg.tpl", "{{ if .AppName }}unclosed").unwrap_err();
    assert!(matches!(&err, TemplateError::Parse { name, .. } if name == "/tmp/msg.tpl"));
    assert_eq!(err.to_string(), "cannot parse template `/tmp/msg.tpl`");
    let cause = std::error::Error::source(&err)
        .map(ToString::to_string)
        .unwrap_or_default();
    assert!(!cause.is_empty(), "the cause explains what failed");
}

#[test]
fn unknown_functions_fail_at_parse_time() {
    let err = CommitTemplate::parse("{{ nosuchfunc .AppName }}").unwrap_err();
    assert!(matches!(err, TemplateError::Parse { .. }), "{err:?}");
}

#[test]
fn missing_field_is_an_execution_error() {
    let err = render_text("{{ .NoSuchField }}").unwrap_err();
    assert!(matches!(&err, TemplateError::Execute { name, .. } if name == "commit-message"));
    assert_eq!(err.to_string(), "cannot render template `commit-message`");
}

#[test]
fn missing_label_prints_no_value_but_index_gives_empty() {
    let mut data = CommitMessageData::sample();
    data.changes[0]
        .labels
        .insert("present".into(), "yes".into());
    let template = CommitTemplate::parse(
        "{{ range .AppChanges }}[{{ .Labels.present }}|{{ .Labels.absent }}|{{ index .Labels \"absent\" }}]{{ end }}",
    )
    .expect("parses");
    let out = template.render_commit_message(&data).expect("renders");
    assert_eq!(out, "[yes|<no value>|][<no value>|<no value>|]");
}

#[test]
fn fallback_on_execution_error() {
    let template = CommitTemplate::parse("{{ .Missing }}").expect("parses");
    let data = CommitMessageData::sample();
    assert_eq!(
        template.render_commit_message_or_fallback(&data),
        "build: update of application example-app"
    );
    let ok = CommitTemplate::parse("ok {{ .AppName }}").expect("parses");
    assert_eq!(
        ok.render_commit_message_or_fallback(&data),
        "ok example-app"
    );
}

#[test]
fn commit_template_is_cheap_to_clone_and_debug_shows_the_text() {
    let template = CommitTemplate::parse("hello {{ .AppName }}").expect("parses");
    let copy = template.clone();
    assert_eq!(
        copy.render_commit_message(&CommitMessageData::sample())
            .expect("renders"),
        "hello example-app"
    );
    assert!(format!("{template:?}").contains("hello {{ .AppName }}"));
}

#[test]
fn html_escapes_like_go() {
    assert_eq!(
        rendered(r#"{{ html "<a href=\"x\">'&'</a>" }}"#),
        "&lt;a href=&#34;x&#34;&gt;&#39;&amp;&#39;&lt;/a&gt;"
    );
    assert_eq!(rendered("{{ html 1 2 }}"), "1 2");
    assert_eq!(rendered(r#"{{ .AppName | html }}"#), "example-app");
}

#[test]
fn js_escapes_like_go() {
    assert_eq!(
        rendered(r#"{{ js "a'b\"c\\d<e>f&g=h" }}"#),
        r"a\'b\x22c\\d\u003Ce\u003Ef\u0026g\u003Dh".replace(r"\x22", "\\\"")
    );
    assert_eq!(rendered("{{ js \"tab\\there\" }}"), r"tab\u0009here");
    assert_eq!(
        rendered("{{ js \"caf\u{e9} \u{200b}\" }}"),
        "caf\u{e9} \\u200B"
    );
}

#[test]
fn slice_like_go() {
    assert_eq!(rendered(r#"{{ slice "abcdef" 1 3 }}"#), "bc");
    assert_eq!(rendered(r#"{{ slice "abcdef" 2 }}"#), "cdef");
    assert_eq!(rendered(r#"{{ slice "abcdef" }}"#), "abcdef");
    assert_eq!(
        rendered("{{ range slice .AppChanges 1 }}{{ .Image }}{{ end }}"),
        "example/updater"
    );
    assert_eq!(
        rendered("{{ range slice .AppChanges 0 1 2 }}{{ .Image }}{{ end }}"),
        "example/example"
    );
    assert_eq!(
        rendered("{{ slice (index .AppChanges 1).NewTag 0 15 }}"),
        "sha256:7aa7a535"
    );
}

#[test]
fn slice_rejects_bad_indexes() {
    for text in [
        r#"{{ slice "abc" 2 1 }}"#,
        r#"{{ slice "abc" 4 }}"#,
        r#"{{ slice "abc" -1 }}"#,
        r#"{{ slice "abc" 0 1 2 }}"#,
        r#"{{ slice "abc" "x" }}"#,
        r#"{{ slice "h\u00e9" 0 2 }}"#,
        "{{ slice .AppChanges 0 1 2 3 }}",
        "{{ slice .AppChanges 0 2 1 }}",
        "{{ slice 5 0 }}",
    ] {
        let err = render_text(text).expect_err(text);
        assert!(
            matches!(err, TemplateError::Execute { .. }),
            "{text}: {err:?}"
        );
    }
    assert_eq!(
        slice(&[]).map_err(|e| e.to_string()),
        Err("slice requires at least 1 argument(s)".to_owned())
    );
}

#[test]
fn funcs_report_messages_like_go() {
    let message = |args: &[Value]| slice(args).map_err(|e| e.to_string()).unwrap_err();
    assert_eq!(
        message(&[Value::from("abc"), Value::from(2), Value::from(1)]),
        "invalid slice index: 2 > 1"
    );
    assert_eq!(
        message(&[Value::from("abc"), Value::from(9)]),
        "index out of range: 9"
    );
    assert_eq!(
        message(&[
            Value::from("abc"),
            Value::from(0),
            Value::from(1),
            Value::from(2)
        ]),
        "cannot 3-index slice a string"
    );
}

#[test]
fn branch_name_renders_sha_and_target_key() {
    let data = BranchTemplateData {
        target_key: target_key(
            "https://github.com/example/repo.git",
            "main",
            "helm/values.yaml",
        ),
        sha256: changes_sha256(&sample_images()),
        images: sample_images(),
        ..BranchTemplateData::default()
    };
    assert_eq!(
        render_branch_name(PULL_REQUEST_BRANCH_TEMPLATE, &data).expect("renders"),
        format!("image-updater-12b66fe0-{SAMPLE_SHA256}")
    );
}

#[test]
fn branch_name_is_truncated_to_255_bytes_on_a_char_boundary() {
    let data = BranchTemplateData::default();
    let long = render_branch_name(&"a".repeat(300), &data).expect("renders");
    assert_eq!(long.len(), 255);
    // 254 ASCII bytes followed by a 2-byte character: byte 255 is inside it.
    let text = format!("{}\u{e9}tail", "b".repeat(254));
    let cut = render_branch_name(&text, &data).expect("renders");
    assert_eq!(cut, "b".repeat(254));
}

#[test]
fn empty_branch_name_is_an_error() {
    let data = BranchTemplateData::default();
    let err = render_branch_name("{{ .AppName }}", &data).unwrap_err();
    assert!(
        matches!(&err, TemplateError::EmptyBranchName { template } if template == "{{ .AppName }}")
    );
    assert_eq!(
        err.to_string(),
        "branch name template `{{ .AppName }}` rendered an empty branch name"
    );
}

#[test]
fn bad_branch_template_is_an_error_not_a_panic() {
    let data = BranchTemplateData::default();
    let err = render_branch_name("{{ range }}", &data).unwrap_err();
    assert!(matches!(&err, TemplateError::Parse { name, .. } if name == "branch"));
    let err = render_branch_name("{{ .Nope }}", &data).unwrap_err();
    assert!(matches!(err, TemplateError::Execute { .. }));
}

#[test]
fn changes_sha256_hashes_name_old_new_per_change() {
    assert_eq!(changes_sha256(&sample_images()), SAMPLE_SHA256);
    assert_eq!(
        changes_sha256(&[]),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
}

#[test]
fn target_key_is_eight_hex_chars_of_sha256() {
    assert_eq!(
        target_key(
            "https://github.com/example/repo.git",
            "main",
            "helm/values.yaml"
        ),
        "12b66fe0"
    );
    assert_eq!(target_key("", "", ""), "565d240f");
}

#[test]
fn template_errors_are_thread_safe() {
    fn assert_send_sync<T: Send + Sync + 'static>() {}
    assert_send_sync::<TemplateError>();
    assert_send_sync::<CommitTemplate>();
}

proptest! {
    #[test]
    fn parse_never_panics(text in ".{0,80}") {
        let _ = CommitTemplate::parse(&text);
    }

    #[test]
    fn parse_and_render_never_panic_on_template_like_text(
        text in r#"([a-z ]{0,3}\{\{-? ?(\.AppName|\.AppChanges|\.Image|range|end|if|else|with|index|slice|html|js|printf|len|\$x :=|\$x|"[a-z%]{0,3}"|[0-9]|\(|\)|\||\.|,| ){0,6} ?-?\}\}){0,4}"#
    ) {
        if let Ok(template) = CommitTemplate::parse(&text) {
            let _ = template.render_commit_message(&CommitMessageData::sample());
        }
    }

    #[test]
    fn branch_names_never_exceed_255_bytes(text in ".{0,300}") {
        if let Ok(name) = render_branch_name(&text, &BranchTemplateData::default()) {
            prop_assert!(name.len() <= MAX_BRANCH_NAME_BYTES && !name.is_empty());
        }
    }
}

#[test]
fn negative_float_literals_are_truncated_by_gtmpl() {
    // Documented gtmpl quirk: `Value::from(-1.5)` becomes the integer -1.
    assert_eq!(rendered("{{ -1.5 }} {{ 1.5 }}"), "-1 1.5");
}

#[test]
fn batch_message_of_one_app_is_the_original_message() {
    let template = CommitTemplate::default_template();
    let sample = CommitMessageData::sample();
    assert_eq!(
        template.render_batch_commit_message(std::slice::from_ref(&sample)),
        template.render_commit_message(&sample).unwrap()
    );
}

#[test]
fn batch_message_lists_every_application() {
    let template = CommitTemplate::default_template();
    let first = CommitMessageData::sample();
    let mut second = CommitMessageData::sample();
    second.app_name = "other-app".into();
    second.changes.truncate(1);
    let message = template.render_batch_commit_message(&[first, second]);
    assert!(
        message.starts_with("build: automatic update of example-app\n\n"),
        "{message}"
    );
    assert!(
        message.contains("\n\nbuild: automatic update of other-app\n\n"),
        "{message}"
    );
    assert_eq!(message.matches("updates image").count(), 3, "{message}");
    assert!(message.ends_with("to '1.0.1'\n"), "{message}");
}
