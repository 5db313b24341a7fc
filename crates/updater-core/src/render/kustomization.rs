//! Kustomization files (§7.3): `images:` edits like `kustomize edit set image`.
