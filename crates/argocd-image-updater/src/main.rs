//! `argocd-image-updater`: the command line.
fn main() {}
