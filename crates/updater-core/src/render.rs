//! Pure rendering of what a human or git reads: commit messages and branch names.

pub mod template;

#[cfg(test)]
mod tests;
