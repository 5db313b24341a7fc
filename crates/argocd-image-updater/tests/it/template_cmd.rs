use std::io::Write;

use super::updater;

fn stdout_of(args: &[&str]) -> String {
    let output = updater().args(args).assert().success();
    String::from_utf8(output.get_output().stdout.clone()).unwrap()
}

#[test]
fn default_template_renders_the_original_sample_byte_for_byte() {
    let expected = "build: automatic update of example-app\n\
        \n\
        updates image example/example tag '1.0.0' to '1.0.1'\n\
        updates image example/updater tag \
        'sha256:01d09d19c2139a46aebfb577780d123d7396e97201bc7ead210a2ebff8239dee' to \
        'sha256:7aa7a5359173d05b63cfd682e3c38487f3cb4f7f1d60659fe59fab1505977d4c'\n\
        \n";
    assert_eq!(stdout_of(&["template"]), expected);
}

#[test]
fn custom_template_file_is_rendered() {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    let text = "{{ .AppName }}:{{ range .AppChanges }} {{ .Image }}={{ .NewTag }}{{ end }}";
    file.write_all(text.as_bytes()).unwrap();
    let stdout = stdout_of(&["template", file.path().to_str().unwrap()]);
    insta::assert_snapshot!(stdout);
}

#[test]
fn unparsable_template_is_bad_input_naming_the_file() {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(b"{{ range .AppChanges }}").unwrap();
    let path = file.path().to_str().unwrap().to_owned();
    let output = updater().args(["template", &path]).assert().code(2);
    let stderr = String::from_utf8(output.get_output().stderr.clone()).unwrap();
    assert!(
        stderr.starts_with("error: invalid commit message template"),
        "{stderr}"
    );
    assert!(stderr.contains(&path), "{stderr}");
}

#[test]
fn missing_template_file_is_bad_input() {
    let output = updater()
        .args(["template", "/nonexistent/commit.template"])
        .assert()
        .code(2);
    let stderr = String::from_utf8(output.get_output().stderr.clone()).unwrap();
    assert!(
        stderr.contains("`/nonexistent/commit.template`"),
        "{stderr}"
    );
    assert!(stderr.contains("caused by:"), "{stderr}");
}
