use super::*;

fn change(name: &str, old: &str, new: &str) -> ImageChange {
    ImageChange {
        alias: None,
        image: ImageRef::parse(name).unwrap(),
        old_tag: Some(old.into()),
        old_digest: None,
        new_tag: new.into(),
        new_digest: None,
        labels: BTreeMap::new(),
    }
}

fn app(name: &str) -> PlannedApp<()> {
    PlannedApp {
        app: AppKey {
            namespace: "argocd".into(),
            name: name.into(),
        },
        changes: vec![change("ghcr.io/org/app", "1.0", "1.1")],
        payload: (),
    }
}

fn destination(repository: &str, write: Option<&str>) -> GitDestination {
    GitDestination {
        repository: repository.into(),
        base_branch: Some("main".into()),
        write_branch: write.map(str::to_owned),
    }
}

#[test]
fn two_hundred_apps_in_one_repository_make_one_batch() {
    let planned = (0..200)
        .map(|n| {
            (
                destination("https://git/mono", None),
                app(&format!("app-{n}")),
            )
        })
        .collect();
    let batches = group_git(planned);
    assert_eq!(batches.len(), 1);
    assert_eq!(batches[0].apps.len(), 200);
    assert_eq!(
        batches[0].apps[199].app.name, "app-199",
        "planning order kept"
    );
}

#[test]
fn repositories_and_write_branches_split_batches_in_first_seen_order() {
    let planned = vec![
        (destination("https://git/b", None), app("one")),
        (destination("https://git/a", None), app("two")),
        (destination("https://git/b", Some("updates")), app("three")),
        (destination("https://git/b", None), app("four")),
    ];
    let batches = group_git(planned);
    let shape: Vec<(&str, usize)> = batches
        .iter()
        .map(|batch| (batch.destination.repository.as_str(), batch.apps.len()))
        .collect();
    assert_eq!(
        shape,
        [
            ("https://git/b", 2),
            ("https://git/a", 1),
            ("https://git/b", 1)
        ]
    );
}

#[test]
fn commit_data_uses_names_without_registry_and_prefers_digests() {
    let mut planned = app("guestbook");
    planned.changes.push(ImageChange {
        old_digest: Some("sha256:old".into()),
        new_digest: Some("sha256:new".into()),
        ..change("quay.io/org/worker", "stable", "stable")
    });
    let batch = GitBatchPlan {
        destination: destination("https://git/a", None),
        apps: vec![planned],
    };
    let data = &batch.commit_messages()[0];
    assert_eq!(data.app_name, "guestbook");
    assert_eq!(data.changes[0].image, "org/app");
    assert_eq!(
        (
            data.changes[0].old_tag.as_str(),
            data.changes[0].new_tag.as_str()
        ),
        ("1.0", "1.1")
    );
    assert_eq!(
        (
            data.changes[1].old_tag.as_str(),
            data.changes[1].new_tag.as_str()
        ),
        ("sha256:old", "sha256:new")
    );
}

#[test]
fn write_branch_from_a_constant_template_batches_and_from_sha256_splits() {
    let first = [change("org/a", "1", "2")];
    let second = [change("org/b", "1", "2")];
    let constant = |changes: &[ImageChange]| {
        render_write_branch("image-updater", changes, "r", "main", "t").unwrap()
    };
    assert_eq!(constant(&first), constant(&second));
    let per_change = |changes: &[ImageChange]| {
        render_write_branch("updates-{{.SHA256}}", changes, "r", "main", "t").unwrap()
    };
    assert_ne!(per_change(&first), per_change(&second));
    let expected = format!("updates-{}", changes_sha256(&[branch_image(&first[0])]));
    assert_eq!(per_change(&first), expected);
}

#[test]
fn write_branch_target_key_depends_on_repository_branch_and_target() {
    let changes = [change("org/a", "1", "2")];
    let key = |repo: &str, base: &str, target: &str| {
        render_write_branch("{{.TargetKey}}", &changes, repo, base, target).unwrap()
    };
    assert_eq!(key("r", "main", "t"), target_key("r", "main", "t"));
    assert_ne!(key("r", "main", "t"), key("r", "dev", "t"));
    assert_eq!(key("r", "main", "t").len(), 8);
}
