//! Tests for the template pre-pass: trimming, comments and the inputs kept away from gtmpl.

use super::*;
use crate::render::template::{CommitMessageData, CommitTemplate, TemplateError};
use proptest::prelude::*;

fn rendered(text: &str) -> String {
    CommitTemplate::parse(text)
        .and_then(|t| t.render_commit_message(&CommitMessageData::sample()))
        .unwrap_or_else(|e| panic!("{text:?}: {e:?}"))
}

fn refused(text: &str) -> (usize, &'static str) {
    match CommitTemplate::parse(text) {
        Err(TemplateError::Unsupported { line, problem, .. }) => (line, problem),
        other => panic!("{text:?} must be refused, got {other:?}"),
    }
}

#[test]
fn trim_markers_remove_go_spaces_around_actions() {
    assert_eq!(rendered("a \t\n {{- .AppName -}} \n b"), "aexample-appb");
    assert_eq!(rendered("a {{- .AppName }} b"), "aexample-app b");
    assert_eq!(rendered("a {{ .AppName -}} b"), "a example-appb");
    assert_eq!(rendered("a {{-\t.AppName\t-}} b"), "aexample-appb");
}

#[test]
fn trim_markers_need_a_space_next_to_the_dash() {
    assert_eq!(rendered("{{-3}}"), "-3");
    assert_eq!(rendered("x {{ 3 }}"), "x 3");
}

#[test]
fn trimming_next_to_multibyte_text_is_safe() {
    assert_eq!(
        rendered("\u{1f680}\n{{- .AppName }}"),
        "\u{1f680}example-app"
    );
    assert_eq!(
        rendered("{{ .AppName -}}\n\u{e9}t\u{e9}"),
        "example-app\u{e9}t\u{e9}"
    );
    assert_eq!(rendered("caf\u{e9}{{- .AppName }}"), "caf\u{e9}example-app");
}

#[test]
fn only_go_space_is_trimmed() {
    assert_eq!(rendered("a\u{a0}{{- .AppName }}"), "a\u{a0}example-app");
}

#[test]
fn comments_are_removed() {
    assert_eq!(rendered("a {{/* note \u{e9} */}} b"), "a  b");
    assert_eq!(rendered("a {{- /* note */ -}} b"), "ab");
    assert_eq!(refused("a {{/* note"), (1, "unclosed comment"));
    assert_eq!(
        refused("{{/* note */ .AppName }}"),
        (1, "comment ends before closing delimiter")
    );
}

#[test]
fn string_literals_may_hold_delimiters_and_unicode() {
    assert_eq!(rendered(r#"{{ "}}" }}"#), "}}");
    assert_eq!(rendered("{{ \"caf\u{e9}\" }}"), "caf\u{e9}");
    assert_eq!(rendered("{{ `raw \u{e9} }}` }}"), "raw \u{e9} }}");
    assert_eq!(rendered(r#"{{ "tab\there" }}"#), "tab\there");
    assert_eq!(rendered("{{ '\u{e9}' }}"), "233");
}

#[test]
fn refuses_what_gtmpl_cannot_lex() {
    assert_eq!(
        refused("ok\n\n{{ .AppN\u{e4}me }}"),
        (
            3,
            "non-ASCII character outside a string literal in an action"
        )
    );
    assert_eq!(
        refused("{{\u{e9}}}"),
        (
            1,
            "non-ASCII character outside a string literal in an action"
        )
    );
    assert_eq!(
        refused("{{ \"\\t\u{e9}\" }}"),
        (
            1,
            "non-ASCII character in a string literal with escapes is not supported"
        )
    );
    assert_eq!(
        refused("{{ `a\\b` }}"),
        (1, "backslash in a raw string is not supported")
    );
    assert_eq!(
        refused("{{ `\\` }}"),
        (1, "backslash in a raw string is not supported")
    );
    assert_eq!(refused("{{- - 3 }}"), (1, "bad number syntax: `-`"));
}

#[test]
fn refuses_unclosed_actions_and_literals() {
    assert_eq!(refused("text {{ .AppName"), (1, "unclosed action"));
    assert_eq!(refused("{{"), (1, "unclosed action"));
    assert_eq!(refused("{{-"), (1, "unclosed action"));
    assert_eq!(refused("{{ \"abc }}"), (1, "unterminated quoted string"));
    assert_eq!(refused("{{ `abc }}"), (1, "unterminated raw quoted string"));
}

#[test]
fn actions_may_span_lines() {
    assert_eq!(rendered("{{ printf \"%s!\"\n  .AppName }}"), "example-app!");
}

#[test]
fn refuses_self_invoking_templates() {
    let problem =
        "a `define` or `block` body may not invoke `template` (recursion is not supported)";
    assert_eq!(
        refused("{{ define \"a\" }}{{ template \"a\" . }}{{ end }}{{ template \"a\" . }}"),
        (1, problem)
    );
    assert_eq!(
        refused("{{ block \"b\" . }}{{ if true }}{{ template \"b\" . }}{{ end }}{{ end }}"),
        (1, problem)
    );
}

#[test]
fn named_templates_without_recursion_work() {
    assert_eq!(
        rendered(
            "{{ define \"app\" }}[{{ .AppName }}]{{ end }}{{ template \"app\" . }}{{ template \"app\" . }}"
        ),
        "[example-app][example-app]"
    );
    assert_eq!(rendered("{{ block \"b\" . }}B{{ end }}"), "B");
    assert_eq!(
        rendered("{{ if true }}{{ end }}{{ template \"x\" . }}{{ define \"x\" }}X{{ end }}"),
        "X"
    );
}

#[test]
fn prepare_leaves_plain_text_alone() {
    assert_eq!(
        prepare("no actions \u{1f680}"),
        Ok("no actions \u{1f680}".to_owned())
    );
    assert_eq!(prepare("{ } }} {"), Ok("{ } }} {".to_owned()));
}

proptest! {
    #[test]
    fn parse_never_panics_on_unicode_templates(
        text in "([a-z\u{e9}\u{1f680} \n]{0,3}\\{\\{-? ?([a-z.$ \u{e9}\u{1f680}\"'`\\\\|()]|end|if|define|template){0,6} ?-?\\}\\}){0,4}\\{?\\{?"
    ) {
        if let Ok(template) = CommitTemplate::parse(&text) {
            let _ = template.render_commit_message(&CommitMessageData::sample());
        }
    }

    #[test]
    fn prepared_actions_have_no_trim_markers_or_comments(text in "[a-z \n{}/*\\-]{0,40}") {
        if let Ok(prepared) = prepare(&text) {
            // Outside actions ` -}}` is plain text; only what follows `{{` matters.
            for action in prepared.split("{{").skip(1) {
                prop_assert!(!action.starts_with("- ") && !action.starts_with("/*"), "{:?}", prepared);
                let body = action.split("}}").next().unwrap_or_default();
                prop_assert!(!body.ends_with(" -"), "{:?}", prepared);
            }
        }
    }
}
