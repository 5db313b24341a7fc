//! Unit tests for path safety and applying edits to a directory.

use std::path::Path;

use super::{EditError, FileEdit, apply_all, checked_relative};

fn set(path: &str, content: &'static str) -> FileEdit {
    FileEdit::new(path, move |_| Ok(content.to_owned()))
}

#[test]
fn paths_must_stay_inside_the_repository() {
    for path in [
        "",
        "/etc/passwd",
        "../x",
        "a/../../x",
        ".git/config",
        "a/.GIT/hooks/x",
        ".",
        "a\0b",
    ] {
        assert!(
            matches!(checked_relative(path), Err(EditError::UnsafePath { .. })),
            "{path:?}"
        );
    }
    assert_eq!(
        checked_relative("./apps/x/values.yaml").unwrap(),
        Path::new("apps/x/values.yaml")
    );
}

#[test]
fn new_files_get_parent_directories_and_unchanged_files_are_not_reported() {
    let root = tempfile::tempdir().unwrap();
    std::fs::write(root.path().join("same.yaml"), "a: 1\n").unwrap();
    let edits = [
        set("same.yaml", "a: 1\n"),
        set("deep/new/file.yaml", "b: 2\n"),
    ];
    let changed = apply_all(root.path(), &edits).unwrap();
    assert_eq!(changed, ["deep/new/file.yaml"]);
    let written = std::fs::read_to_string(root.path().join("deep/new/file.yaml")).unwrap();
    assert_eq!(written, "b: 2\n");
}

#[test]
fn later_edits_of_a_path_see_earlier_results() {
    let root = tempfile::tempdir().unwrap();
    let append = |line: &'static str| {
        FileEdit::new("list.txt", move |current| {
            Ok(format!("{}{line}\n", current.unwrap_or("")))
        })
    };
    let changed = apply_all(root.path(), &[append("one"), append("two")]).unwrap();
    assert_eq!(changed, ["list.txt"]);
    assert_eq!(
        std::fs::read_to_string(root.path().join("list.txt")).unwrap(),
        "one\ntwo\n"
    );
}

#[test]
fn render_sees_none_for_a_missing_file_and_its_error_names_the_path() {
    let root = tempfile::tempdir().unwrap();
    let edit = FileEdit::new("missing.yaml", |current| match current {
        None => Err("no such document".to_owned()),
        Some(_) => Ok(String::new()),
    });
    let error = apply_all(root.path(), &[edit]).unwrap_err();
    assert_eq!(
        error.to_string(),
        "cannot render `missing.yaml`: no such document"
    );
}

#[test]
fn symbolic_links_out_of_the_repository_are_refused() {
    let outside = tempfile::tempdir().unwrap();
    let root = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(outside.path(), root.path().join("escape")).unwrap();
    std::os::unix::fs::symlink(outside.path().join("f"), root.path().join("link.yaml")).unwrap();
    for path in ["escape/x.yaml", "escape/new/dir/x.yaml", "link.yaml"] {
        let error = apply_all(root.path(), &[set(path, "x")]).unwrap_err();
        assert!(
            matches!(error, EditError::UnsafePath { .. }),
            "{path}: {error}"
        );
    }
    assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0);
}

#[test]
fn binary_files_are_not_text() {
    let root = tempfile::tempdir().unwrap();
    std::fs::write(root.path().join("blob"), [0xff, 0xfe]).unwrap();
    let error = apply_all(root.path(), &[set("blob", "x")]).unwrap_err();
    assert!(matches!(error, EditError::NotText { .. }), "{error}");
}

#[test]
fn an_edit_with_alternatives_writes_the_first_existing_name_or_creates_the_first() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("kustomization.yml"), "old\n").unwrap();
    let alternatives = vec!["kustomization.yml".to_owned(), "Kustomization".to_owned()];
    let edit = |content: &'static str| {
        FileEdit::new("kustomization.yaml", move |current| {
            Ok(format!("{}{content}", current.unwrap_or("")))
        })
        .or_existing(alternatives.clone())
    };
    let changed = apply_all(dir.path(), &[edit("new\n")]).unwrap();
    assert_eq!(changed, ["kustomization.yml"]);
    let written = std::fs::read_to_string(dir.path().join("kustomization.yml")).unwrap();
    assert_eq!(written, "old\nnew\n");
    assert!(!dir.path().join("kustomization.yaml").exists());

    let empty = tempfile::tempdir().unwrap();
    let changed = apply_all(empty.path(), &[edit("fresh\n")]).unwrap();
    assert_eq!(changed, ["kustomization.yaml"]);
}
