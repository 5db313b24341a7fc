//! The source types Argo CD would record in `status.sourceType(s)`, which manifests lack: a
//! source's explicit `helm`, `kustomize` or `plugin` block decides, else the files at its path
//! (`Chart.yaml` → Helm, a kustomization → Kustomize, else Directory), as Argo CD detects them.

use std::path::Path;

use serde_json::Value;
use updater_core::render::kustomization::KUSTOMIZATION_FILE_NAMES;

/// The type named by a source's explicit block, if any.
pub fn from_block(source: &Value) -> Option<&'static str> {
    [
        ("helm", "Helm"),
        ("kustomize", "Kustomize"),
        ("plugin", "Plugin"),
        ("directory", "Directory"),
    ]
    .into_iter()
    .find(|(key, _)| source.get(*key).is_some_and(|block| !block.is_null()))
    .map(|(_, kind)| kind)
}

/// The type detected from the files at `path` of a checkout.
pub fn from_files(root: &Path, path: &str) -> &'static str {
    let dir = root.join(path.trim_matches('/'));
    if dir.join("Chart.yaml").is_file() {
        "Helm"
    } else if KUSTOMIZATION_FILE_NAMES
        .iter()
        .any(|name| dir.join(name).is_file())
    {
        "Kustomize"
    } else {
        "Directory"
    }
}

/// Records `types` (one per source) in the Application JSON's status, as Argo CD would.
pub fn record(app: &mut Value, types: &[&str], multi_source: bool) {
    let Some(object) = app.as_object_mut() else {
        return;
    };
    let status = object
        .entry("status")
        .or_insert_with(|| Value::Object(serde_json::Map::new()));
    let Some(status) = status.as_object_mut() else {
        return;
    };
    if multi_source {
        status.insert(
            "sourceTypes".into(),
            types.iter().map(|t| Value::from(*t)).collect(),
        );
    } else if let Some(first) = types.first() {
        status.insert("sourceType".into(), Value::from(*first));
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn blocks_then_files_decide_and_the_status_records_them() {
        assert_eq!(
            from_block(&json!({"helm": {"releaseName": "x"}})),
            Some("Helm")
        );
        assert_eq!(from_block(&json!({"kustomize": {}})), Some("Kustomize"));
        assert_eq!(from_block(&json!({"path": "x"})), None);
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("chart")).unwrap();
        std::fs::write(dir.path().join("chart/Chart.yaml"), "name: c\n").unwrap();
        std::fs::create_dir_all(dir.path().join("overlay")).unwrap();
        std::fs::write(
            dir.path().join("overlay/kustomization.yml"),
            "resources: []\n",
        )
        .unwrap();
        assert_eq!(from_files(dir.path(), "chart"), "Helm");
        assert_eq!(from_files(dir.path(), "/overlay/"), "Kustomize");
        assert_eq!(from_files(dir.path(), "plain"), "Directory");
        let mut single = json!({"spec": {}});
        record(&mut single, &["Helm"], false);
        assert_eq!(single["status"], json!({"sourceType": "Helm"}));
        let mut multi = json!({"status": {"health": {}}});
        record(&mut multi, &["Helm", "Directory"], true);
        assert_eq!(multi["status"]["sourceTypes"], json!(["Helm", "Directory"]));
        assert_eq!(multi["status"]["health"], json!({}));
    }
}
