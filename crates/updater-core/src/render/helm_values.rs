//! Helm values files (§7.2.5): in-place edits of image name/tag/spec values.
