//! The error as the UI receives it: `{kind, message, field}`. Internal
//! details (SQL errors, paths of I/O failures) go to the log, not the screen.
//!
//! This module is also the one place that decides what the log says about a
//! failure: the kind, the field or argument, the command, and internal
//! sources that cannot hold what someone typed. Never a message text (a
//! refusal may quote a person's name and birth date) and never an argument's
//! value.

use serde::Serialize;
use zaitaku_core::Error;

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct UiError {
    pub kind: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl UiError {
    pub fn new(kind: &str, message: impl Into<String>) -> Self {
        UiError {
            kind: kind.into(),
            message: message.into(),
            field: None,
        }
    }
}

impl From<Error> for UiError {
    fn from(err: Error) -> Self {
        match &err {
            Error::Db(_) | Error::Io(_) | Error::CannotOpen { .. } | Error::Corrupt(_) => {
                log::error!("failed: {}", loggable(&err));
            }
            _ => log::info!("refused: {}", loggable(&err)),
        }
        UiError {
            kind: err.kind().to_string(),
            message: err.to_string(),
            field: err.field().map(str::to_string),
        }
    }
}

/// What the log may say about a core error. Messages of `Invalid` and
/// `Conflict` quote what was typed or stored (a duplicate person's name and
/// birth date), and `Corrupt` may quote a stored value, so those give their
/// kind and field only. Paths here are of the database and its backups;
/// SQLite and I/O errors do not carry row values.
pub(crate) fn loggable(err: &Error) -> String {
    let kind = err.kind();
    match err {
        Error::Invalid { field, .. } => format!("{kind}, field {field}"),
        Error::NotFound { what } => format!("{kind}, {what}"),
        Error::Conflict(_) | Error::Corrupt(_) | Error::AdminOnly { .. } => kind.to_string(),
        Error::NewerSchema { found, supported } => {
            format!("{kind}, found {found}, supported {supported}")
        }
        Error::NotADatabase { path }
        | Error::IsADirectory { path }
        | Error::Encrypted { path }
        | Error::WrongKey { path } => format!("{kind}: {path}"),
        Error::CannotOpen { path, source } => format!("{kind}: {path}: {source}"),
        Error::Db(e) => format!("{kind}: {e}: {e:?}"),
        Error::Io(e) => format!("{kind}: {e} ({:?})", e.kind()),
    }
}

/// A command was called without argument `name`.
pub(crate) fn missing_argument(command: &str, name: &str) -> UiError {
    log::info!("refused: {command}: invalid, argument {name} missing");
    UiError::new(
        "invalid",
        format!("送信された内容が足りません（{name}）。画面を開き直してください。"),
    )
}

/// Argument `name` of `command` could not be read. serde's message quotes
/// the offending value, so the log gets its category and position only.
pub(crate) fn malformed_argument(command: &str, name: &str, err: &serde_json::Error) -> UiError {
    log::info!(
        "refused: {command}: invalid, argument {name} malformed ({:?} error at line {}, column {})",
        err.classify(),
        err.line(),
        err.column()
    );
    UiError::new(
        "invalid",
        format!("送信された内容の形式が正しくありません（{name}）。画面を開き直してください。"),
    )
}

/// A file the user chose could not be written or opened. The path is left
/// out: the user named the file, perhaps after the person it is about.
pub(crate) fn file_failure(what: &str, err: &std::io::Error, message: &str) -> UiError {
    log::error!("failed: {what}: {err} ({:?})", err.kind());
    UiError::new("io", message)
}
