//! Pure rendering of what a human or git reads: commit messages and branch names.
