//! Merge patch against the RFC 7386 appendix examples, JSON patch against RFC 6902 cases.

use serde_json::{Value, json};

use super::*;

fn merged(target: Value, patch: Value) -> Value {
    let mut target = target;
    merge(&mut target, &patch);
    target
}

fn patched(doc: Value, operations: Value) -> Result<Value, String> {
    let mut doc = doc;
    json_patch(&mut doc, &operations).map(|()| doc)
}

#[test]
fn merge_patch_follows_rfc_7386_examples() {
    assert_eq!(merged(json!({"a":"b"}), json!({"a":"c"})), json!({"a":"c"}));
    assert_eq!(
        merged(json!({"a":"b"}), json!({"b":"c"})),
        json!({"a":"b","b":"c"})
    );
    assert_eq!(merged(json!({"a":"b"}), json!({"a":null})), json!({}));
    assert_eq!(
        merged(json!({"a":[{"b":"c"}]}), json!({"a":[1]})),
        json!({"a":[1]})
    );
    assert_eq!(merged(json!(["a"]), json!({"a":"c"})), json!({"a":"c"}));
    assert_eq!(
        merged(json!({"e":null}), json!({"a":1})),
        json!({"e":null,"a":1})
    );
    assert_eq!(
        merged(json!({}), json!({"a":{"bb":{"ccc":null}}})),
        json!({"a":{"bb":{}}})
    );
    assert_eq!(merged(json!({"a":"foo"}), json!("bar")), json!("bar"));
}

#[test]
fn json_patch_add_remove_replace_test() {
    let doc = json!({"spec": {"list": [1, 3], "a/b": 1}});
    let ops = json!([
        {"op": "add", "path": "/spec/list/1", "value": 2},
        {"op": "add", "path": "/spec/list/-", "value": 4},
        {"op": "replace", "path": "/spec/a~1b", "value": 2},
        {"op": "test", "path": "/spec/a~1b", "value": 2},
        {"op": "remove", "path": "/spec/list/0"},
        {"op": "copy", "from": "/spec/list", "path": "/copy"},
        {"op": "move", "from": "/copy", "path": "/moved"},
    ]);
    let expected = json!({"spec": {"list": [2, 3, 4], "a/b": 2}, "moved": [2, 3, 4]});
    assert_eq!(patched(doc, ops), Ok(expected));
}

#[test]
fn json_patch_failures() {
    let doc = json!({"a": [1]});
    let cases = [
        json!({"op": "test", "path": "/a/0", "value": 2}),
        json!({"op": "replace", "path": "/b", "value": 2}),
        json!({"op": "remove", "path": "/a/1"}),
        json!({"op": "add", "path": "/a/5", "value": 2}),
        json!({"op": "add", "path": "/x/y", "value": 2}),
        json!({"op": "frobnicate", "path": "/a"}),
        json!({"op": "add", "path": "/a"}),
    ];
    for case in cases {
        assert!(patched(doc.clone(), json!([case])).is_err(), "{case}");
    }
    assert!(patched(doc, json!({"op": "add"})).is_err(), "not an array");
}
