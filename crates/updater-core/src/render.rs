//! Pure rendering of what a human or git reads: commit messages and branch names, and the new
//! bytes of every write-back target (override files, kustomizations, Helm values) given the
//! current bytes and the changes. No I/O: the git crate reads and writes the files.

pub mod app_manifest;
pub mod helm_values;
pub mod kustomization;
pub mod source_file;
mod span_tree;
mod splice;
pub mod template;

#[cfg(test)]
mod tests;
