//! `.argocd-source-<app>.yaml` override files (§7.2.4).
