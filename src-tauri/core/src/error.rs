//! The one error type of the core. Every message is Japanese and written for
//! office staff; internal details stay in the `source` chain for the log.

use std::path::Path;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad input in one field; `field` names the form field so the UI can
    /// show the message next to it.
    #[error("{message}")]
    Invalid { field: String, message: String },

    #[error("{what}が見つかりません。一覧を開き直してください。")]
    NotFound { what: &'static str },

    /// The change cannot be made in the current state of the data.
    #[error("{0}")]
    Conflict(String),

    /// Only a 管理者 may do this; `admins` names the active ones to ask.
    #[error("この操作は管理者だけが行えます。管理者（{admins}）に依頼してください。")]
    AdminOnly { admins: String },

    #[error("このデータベースは新しい版のアプリで作られています（データの版 {found}、このアプリが扱える版 {supported}）。アプリを更新してください。ファイルは変更していません。")]
    NewerSchema { found: i64, supported: i64 },

    #[error("「{path}」はこのアプリのデータベースではありません。ファイルは変更していません。")]
    NotADatabase { path: String },

    /// An encrypted database opened without its key.
    #[error("「{path}」は暗号化されています。担当者のパスワードか回復キーで開いてください。ファイルは変更していません。")]
    Encrypted { path: String },

    /// The key given does not open the database (its key file belongs to
    /// another database).
    #[error("「{path}」をこの鍵で開けません。データベースと一緒に保存した鍵ファイルか確かめてください。ファイルは変更していません。")]
    WrongKey { path: String },

    #[error("「{path}」はフォルダです。データベースのファイルを指定してください。")]
    IsADirectory { path: String },

    #[error("「{path}」を開けません（読み書きの権限がないか、フォルダがありません）。ファイルは変更していません。")]
    CannotOpen {
        path: String,
        #[source]
        source: std::io::Error,
    },

    #[error("データベースに問題が見つかりました：{0}")]
    Corrupt(String),

    #[error("データベースの処理に失敗しました。もう一度お試しください。続く場合は管理者に連絡してください。")]
    Db(#[from] rusqlite::Error),

    #[error("ファイルの読み書きに失敗しました。保存先と空き容量を確認してください。")]
    Io(#[from] std::io::Error),
}

impl Error {
    /// A stable machine-readable name the UI can branch on.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Invalid { .. } => "invalid",
            Error::NotFound { .. } => "not_found",
            Error::Conflict(_) => "conflict",
            Error::AdminOnly { .. } => "admin_only",
            Error::NewerSchema { .. } => "newer_schema",
            Error::NotADatabase { .. } => "not_a_database",
            Error::Encrypted { .. } => "encrypted",
            Error::WrongKey { .. } => "wrong_key",
            Error::IsADirectory { .. } => "is_a_directory",
            Error::CannotOpen { .. } => "cannot_open",
            Error::Corrupt(_) => "corrupt",
            Error::Db(_) => "database",
            Error::Io(_) => "io",
        }
    }

    /// The form field the error belongs to, if any.
    pub fn field(&self) -> Option<&str> {
        match self {
            Error::Invalid { field, .. } => Some(field),
            _ => None,
        }
    }

    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }

    /// A path as shown inside a message: long ones are cut in the middle so
    /// the message stays readable (and a hostile path cannot flood it).
    pub(crate) fn path_text(path: &Path) -> String {
        const MAX: usize = 120;
        let full = path.display().to_string();
        let count = full.chars().count();
        if count <= MAX {
            return full;
        }
        let head: String = full.chars().take(MAX / 2).collect();
        let tail: String = full.chars().skip(count - MAX / 2).collect();
        format!("{head}…{tail}")
    }
}
