//! Credentials: a PIN (4–8 digits) or a password, kept only as a salted
//! Argon2id hash in `staff_pins` (the hash column keeps its old name;
//! `kind` says which it is).

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chrono::NaiveDateTime;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::{store, text, Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CredentialKind {
    Pin,
    Password,
}

impl CredentialKind {
    pub fn code(self) -> &'static str {
        match self {
            CredentialKind::Pin => "pin",
            CredentialKind::Password => "password",
        }
    }

    /// The stored code; the schema allows only 'pin' and 'password'.
    pub(super) fn from_code(code: &str) -> CredentialKind {
        if code == "password" {
            CredentialKind::Password
        } else {
            CredentialKind::Pin
        }
    }

    /// What staff call it: 暗証番号 or パスワード.
    pub fn label(self) -> &'static str {
        match self {
            CredentialKind::Pin => "暗証番号",
            CredentialKind::Password => "パスワード",
        }
    }

    /// What was typed, as it is compared: a PIN without spaces and with
    /// full-width digits from an IME folded; a password exactly as typed.
    pub(super) fn typed(self, value: &str) -> String {
        match self {
            CredentialKind::Pin => text::fold_ascii_width(value.trim()),
            CredentialKind::Password => value.to_string(),
        }
    }
}

/// What a new credential must be: the one home of the rule. An encrypted
/// database accepts only passwords of
/// [`CredentialPolicy::MIN_PASSWORD_ENCRYPTED`] characters or more (they
/// wrap its data key).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CredentialPolicy {
    pub encrypted: bool,
}

impl CredentialPolicy {
    pub const MIN_PASSWORD: usize = 8;
    pub const MIN_PASSWORD_ENCRYPTED: usize = 8;
    pub const MAX_PASSWORD: usize = 128;

    /// The policy of the database `conn`: encrypted or not, as its file
    /// and key file say (an in-memory database is plain).
    pub fn of(conn: &Connection) -> CredentialPolicy {
        let encrypted = conn
            .path()
            .filter(|p| !p.is_empty())
            .and_then(|p| store::storage(std::path::Path::new(p)).ok())
            == Some(store::Storage::Encrypted);
        CredentialPolicy { encrypted }
    }

    fn min_password(self) -> usize {
        if self.encrypted {
            Self::MIN_PASSWORD_ENCRYPTED
        } else {
            Self::MIN_PASSWORD
        }
    }

    /// The credential to store for `value` typed into `field`, or why not.
    pub fn check(self, field: &str, kind: CredentialKind, value: &str) -> Result<String> {
        let value = kind.typed(value);
        match kind {
            CredentialKind::Pin if self.encrypted => Err(Error::invalid(
                field,
                "暗号化したデータベースでは、暗証番号ではなくパスワードを使ってください。",
            )),
            CredentialKind::Pin => {
                let digits = value.chars().all(|c| c.is_ascii_digit());
                if (4..=8).contains(&value.len()) && digits {
                    Ok(value)
                } else {
                    Err(Error::invalid(
                        field,
                        "暗証番号は4〜8桁の数字で入力してください。",
                    ))
                }
            }
            CredentialKind::Password => self.check_password(field, value),
        }
    }

    fn check_password(self, field: &str, value: String) -> Result<String> {
        let count = value.chars().count();
        if value.chars().any(char::is_control) {
            return Err(Error::invalid(
                field,
                "パスワードに改行や制御文字は使えません。",
            ));
        }
        if value.trim() != value {
            return Err(Error::invalid(
                field,
                "パスワードの最初と最後に空白は使えません。",
            ));
        }
        let (min, max) = (self.min_password(), Self::MAX_PASSWORD);
        if count < min || count > max {
            return Err(Error::invalid(
                field,
                format!("パスワードは{min}〜{max}文字で入力してください。"),
            ));
        }
        Ok(value)
    }
}

/// A member's stored credential.
pub(super) struct Stored {
    pub kind: CredentialKind,
    pub hash: String,
    pub must_change: bool,
}

impl Stored {
    /// Whether `typed` (as it was typed) is this credential.
    pub fn matches(&self, typed: &str) -> bool {
        let typed = self.kind.typed(typed);
        PasswordHash::new(&self.hash)
            .map(|parsed| {
                Argon2::default()
                    .verify_password(typed.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false)
    }
}

pub(super) fn stored(conn: &Connection, staff_id: &str) -> Result<Option<Stored>> {
    Ok(conn
        .query_row(
            "SELECT kind, pin_hash, must_change FROM staff_pins WHERE staff_id = ?1",
            [staff_id],
            |r| {
                Ok(Stored {
                    kind: CredentialKind::from_code(&r.get::<_, String>(0)?),
                    hash: r.get(1)?,
                    must_change: r.get(2)?,
                })
            },
        )
        .optional()?)
}

/// A salted Argon2id hash of `clean` (a value [`CredentialPolicy::check`]
/// accepted).
pub(super) fn hash(clean: &str) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(Argon2::default()
        .hash_password(clean.as_bytes(), &salt)
        .map_err(|_| {
            Error::Conflict(
                "暗証番号・パスワードを保存できませんでした。もう一度お試しください。".into(),
            )
        })?
        .to_string())
}

/// Stores a member's credential (an already checked value), replacing the
/// one they had. A new credential clears the count of wrong ones.
pub(super) fn save(
    conn: &Connection,
    staff_id: &str,
    kind: CredentialKind,
    clean: &str,
    must_change: bool,
    now: NaiveDateTime,
) -> Result<()> {
    conn.execute(
        "INSERT INTO staff_pins (staff_id, pin_hash, updated_at, kind, must_change)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (staff_id) DO UPDATE SET pin_hash = excluded.pin_hash,
             updated_at = excluded.updated_at, kind = excluded.kind,
             must_change = excluded.must_change",
        params![
            staff_id,
            hash(clean)?,
            store::stamp(now),
            kind.code(),
            must_change
        ],
    )?;
    conn.execute(
        "DELETE FROM sign_in_failures WHERE staff_id = ?1",
        [staff_id],
    )?;
    Ok(())
}
