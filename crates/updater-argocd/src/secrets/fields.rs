//! Typed reads of one secret field: text, secret text, Go-style booleans and numbers. Errors name
//! the secret and the field, never the value.

use super::{Secret, SecretValue};

/// Why a field could not be read; the value is never included.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FieldError {
    /// A required field is absent.
    #[error("secret `{namespace}/{name}` does not contain field `{field}`")]
    Missing {
        /// The secret's namespace.
        namespace: String,
        /// The secret's name.
        name: String,
        /// The field.
        field: String,
    },
    /// The field's bytes are not UTF-8.
    #[error("field `{field}` of secret `{namespace}/{name}` is not valid utf-8")]
    NotUtf8 {
        /// The secret's namespace.
        namespace: String,
        /// The secret's name.
        name: String,
        /// The field.
        field: String,
    },
    /// The field is not a boolean as Go's `strconv.ParseBool` reads them.
    #[error("field `{field}` of secret `{namespace}/{name}` is not a boolean")]
    NotABool {
        /// The secret's namespace.
        namespace: String,
        /// The secret's name.
        name: String,
        /// The field.
        field: String,
    },
    /// The field is not a non-negative integer.
    #[error("field `{field}` of secret `{namespace}/{name}` is not a number")]
    NotANumber {
        /// The secret's namespace.
        namespace: String,
        /// The secret's name.
        name: String,
        /// The field.
        field: String,
    },
}

type Variant = fn(String, String, String) -> FieldError;

impl Secret {
    fn field_error(&self, variant: Variant, field: &str) -> FieldError {
        variant(self.namespace.clone(), self.name.clone(), field.to_owned())
    }

    /// The field as text, `None` when absent (an empty field is `Some("")`).
    pub fn text(&self, field: &str) -> Result<Option<&str>, FieldError> {
        let not_utf8: Variant = |namespace, name, field| FieldError::NotUtf8 {
            namespace,
            name,
            field,
        };
        match self.data.get(field) {
            None => Ok(None),
            Some(bytes) => std::str::from_utf8(bytes)
                .map(Some)
                .map_err(|_| self.field_error(not_utf8, field)),
        }
    }

    /// The field as a redacted value, `None` when absent.
    pub fn secret_text(&self, field: &str) -> Result<Option<SecretValue>, FieldError> {
        Ok(self.text(field)?.map(SecretValue::from))
    }

    /// The field as a redacted value; absence is an error.
    pub fn required_secret(&self, field: &str) -> Result<SecretValue, FieldError> {
        let missing: Variant = |namespace, name, field| FieldError::Missing {
            namespace,
            name,
            field,
        };
        self.secret_text(field)?
            .ok_or_else(|| self.field_error(missing, field))
    }

    /// The field as a boolean with Go's `strconv.ParseBool` spellings; absent or empty is false.
    pub fn flag(&self, field: &str) -> Result<bool, FieldError> {
        let not_bool: Variant = |namespace, name, field| FieldError::NotABool {
            namespace,
            name,
            field,
        };
        match self.text(field)?.unwrap_or("") {
            "" | "0" | "f" | "F" | "false" | "FALSE" | "False" => Ok(false),
            "1" | "t" | "T" | "true" | "TRUE" | "True" => Ok(true),
            _ => Err(self.field_error(not_bool, field)),
        }
    }

    /// The field as a number; absent, empty or `0` is `None` (Argo CD's "unset").
    pub fn number(&self, field: &str) -> Result<Option<u64>, FieldError> {
        let not_number: Variant = |namespace, name, field| FieldError::NotANumber {
            namespace,
            name,
            field,
        };
        match self.text(field)?.map(str::trim) {
            None | Some("") => Ok(None),
            Some(text) => text
                .parse::<u64>()
                .map(|n| (n != 0).then_some(n))
                .map_err(|_| self.field_error(not_number, field)),
        }
    }
}
