//! How a command fails: the error chain, an optional hint, and the exit code class.

use std::fmt;
use std::process::ExitCode;

/// The exit-code class of a failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitClass {
    /// The work failed, or part of it did (the rest was done); the input was fine.
    Failed,
    /// The input (flags, files, configuration) is wrong; nothing was done.
    BadInput,
}

impl ExitClass {
    /// The process exit code for this class.
    pub fn code(self) -> ExitCode {
        match self {
            Self::Failed => ExitCode::from(1),
            Self::BadInput => ExitCode::from(2),
        }
    }
}

/// A command's failure, printed once by `main`.
#[derive(Debug)]
pub struct Failure {
    /// Exit code class.
    pub class: ExitClass,
    /// The error and its causes.
    pub error: anyhow::Error,
    /// What the user can do about it, when we know.
    pub hint: Option<String>,
}

impl Failure {
    /// A bad-input failure from any error.
    pub fn bad_input(error: impl Into<anyhow::Error>) -> Self {
        Self {
            class: ExitClass::BadInput,
            error: error.into(),
            hint: None,
        }
    }

    /// A failure of the work itself (I/O, a server), not of the input.
    pub fn failed(error: impl Into<anyhow::Error>) -> Self {
        Self {
            class: ExitClass::Failed,
            error: error.into(),
            hint: None,
        }
    }

    /// Adds a hint.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for Failure {
    /// `error:` / `caused by:` lines, then `hint:`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "error: {}", self.error)?;
        for cause in self.error.chain().skip(1) {
            writeln!(f, "caused by: {cause}")?;
        }
        if let Some(hint) = &self.hint {
            writeln!(f, "hint: {hint}")?;
        }
        Ok(())
    }
}

/// An error and its causes on one line (for messages that must be plain strings).
pub fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
