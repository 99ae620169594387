//! The error as the UI receives it: `{kind, message, field}`. Internal
//! details (SQL errors, paths of I/O failures) go to the log, not the screen.

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
                log::error!("{err}: {err:?}");
            }
            _ => log::info!("refused: {err}"),
        }
        UiError {
            kind: err.kind().to_string(),
            message: err.to_string(),
            field: err.field().map(str::to_string),
        }
    }
}
