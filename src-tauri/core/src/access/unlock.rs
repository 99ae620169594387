//! Signing in to an encrypted database, which is closed until then: the
//! member's password unwraps the data key from the key file beside it
//! (`keys`), so the password is checked by the unwrap itself. The count
//! of wrong passwords in a row and the waits after it (the same as
//! [`super::sign_in`]'s) are kept in the key file, since the database
//! cannot be read before; the attempts made while it was closed go into
//! the access log at the next opening.
//!
//! With the printed 回復キー the database opens without a password; a
//! 管理者 then sets a new one at once ([`recover`]).

use std::path::Path;

use chrono::NaiveDateTime;
use rusqlite::Connection;

use super::credential::{self, CredentialKind, CredentialPolicy};
use super::sign_in::{record_attempt, wait_after, wait_label, wait_left};
use super::{member, Actor, Role, StaffMember};
use crate::access_log::{self, Kind};
use crate::keys::{KeyFile, Keyring, PendingAttempt};
use crate::store::{self, DataKey};
use crate::{Error, Result};

/// An encrypted database opened by a sign-in.
#[derive(Debug)]
pub struct Unlocked {
    pub conn: Connection,
    pub keyring: Keyring,
    pub actor: Actor,
}

const LABEL: &str = "パスワード";

fn key_file(db: &Path) -> Result<KeyFile> {
    KeyFile::load(db)?.ok_or_else(|| {
        Error::Conflict(format!(
            "鍵ファイル「{}」が見つかりません。データベースと一緒に保存した鍵ファイルを元の場所に戻してください。",
            crate::Error::path_text(&crate::keys::path_for(db))
        ))
    })
}

/// Member `staff_id` signs in to the encrypted database at `db` with
/// `typed` at `now`: refused while a wait after wrong passwords lasts, and
/// with the same messages as a sign-in to a plain database.
pub fn sign_in_encrypted(
    db: &Path,
    staff_id: &str,
    typed: &str,
    now: NaiveDateTime,
) -> Result<Unlocked> {
    let mut file = key_file(db)?;
    let Some(holder) = file.holders().into_iter().find(|h| h.staff_id == staff_id) else {
        return Err(Error::invalid(
            "staff_id",
            "この担当者はこのデータベースを開けません。管理者にパスワードの設定を依頼してください。",
        ));
    };
    let (count, last) = file.failures(staff_id);
    let last = last.as_deref().map(store::parse_stamp).transpose()?;
    let pend = |file: &mut KeyFile, outcome: &str, detail: String| {
        file.push_pending(PendingAttempt {
            staff_id: holder.staff_id.clone(),
            name: holder.name.clone(),
            at: store::stamp(now),
            outcome: outcome.to_string(),
            detail,
        });
    };
    if let Some(left) = last.and_then(|last| wait_left(count, last, now)) {
        let wait = wait_label(left);
        pend(
            &mut file,
            "refused",
            format!("{LABEL}を確認せず（{count}回まちがえたため、あと{wait}）"),
        );
        if last.is_some_and(|last| now < last) {
            // The clock was set back: the wait runs from now instead.
            file.set_failures(staff_id, count, Some(store::stamp(now)));
        }
        file.save(db)?;
        return Err(Error::invalid(
            "credential",
            format!("{LABEL}を{count}回まちがえたため、あと{wait}お待ちください。"),
        ));
    }
    if typed.is_empty() {
        return Err(Error::invalid(
            "credential",
            format!("{LABEL}を入力してください。"),
        ));
    }
    let key = match file.unwrap_member(staff_id, typed) {
        Ok(key) => key,
        Err(_) => {
            let count = count.saturating_add(1);
            file.set_failures(staff_id, count, Some(store::stamp(now)));
            let (detail, message) = match wait_after(count) {
                Some(wait) => {
                    let wait = wait_label(wait);
                    (
                        format!("{LABEL}の誤り（{count}回続けて、{wait}待ち）"),
                        format!("{LABEL}が違います。{count}回まちがえたため、あと{wait}お待ちください。"),
                    )
                }
                None => (
                    format!("{LABEL}の誤り（{count}回続けて）"),
                    format!("{LABEL}が違います。"),
                ),
            };
            pend(&mut file, "failed", detail);
            file.save(db)?;
            return Err(Error::invalid("credential", message));
        }
    };
    let mut conn = store::open_with(db, Some(&key))?;
    let member = member(&conn, staff_id)?;
    let detail = match count {
        0 => format!("{LABEL}を確認（鍵を開く）"),
        n => format!("{LABEL}を確認（鍵を開く、それまでに{n}回まちがえた）"),
    };
    let pending = file.take_pending();
    file.set_failures(staff_id, 0, None);
    let tx = conn.transaction()?;
    record_pending(&tx, &pending)?;
    tx.execute(
        "DELETE FROM sign_in_failures WHERE staff_id = ?1",
        [&member.id],
    )?;
    record_attempt(&tx, &member, Kind::SignIn, &detail, now)?;
    tx.commit()?;
    // After the records are safe: a crash in between records them twice
    // rather than never.
    file.save(db)?;
    Ok(Unlocked {
        conn,
        keyring: Keyring::new(db, key),
        actor: Actor::of(member),
    })
}

/// Writes the attempts made while the database was closed to the access
/// log, as the sign-in of a plain database records them.
fn record_pending(conn: &Connection, pending: &[PendingAttempt]) -> Result<()> {
    for p in pending {
        let kind = if p.outcome == "refused" {
            Kind::SignInRefused
        } else {
            Kind::SignInFailed
        };
        let at = store::parse_stamp(&p.at)?;
        access_log::record_for(conn, &p.staff_id, &p.name, kind, &p.staff_id, &p.detail, at)?;
    }
    Ok(())
}

/// Opens the encrypted database at `db` with the 回復キー as typed, and
/// active 管理者 `admin_id` sets a new password (`new`) at once and is
/// signed in with it. Nothing changes unless all of it is right.
pub fn recover(
    db: &Path,
    recovery_key: &str,
    admin_id: &str,
    new: &str,
    now: NaiveDateTime,
) -> Result<Unlocked> {
    let file = key_file(db)?;
    // The new password first: a refused one costs no key derivation.
    let policy = CredentialPolicy { encrypted: true };
    let clean = policy.check("new_credential", CredentialKind::Password, new)?;
    let key = file.unwrap_recovery(recovery_key)?;
    let mut conn = store::open_with(db, Some(&key))?;
    let admin = member(&conn, admin_id)?;
    if admin.role != Role::Admin {
        return Err(Error::invalid(
            "staff_id",
            "回復キーで開いたときは、管理者が新しいパスワードを設定してください。",
        ));
    }
    let keyring = Keyring::new(db, key);
    let tx = conn.transaction()?;
    credential::save(&tx, &admin.id, CredentialKind::Password, &clean, false, now)?;
    record_attempt(
        &tx,
        &admin,
        Kind::SignIn,
        "回復キーで開き、パスワードを設定し直した",
        now,
    )?;
    tx.commit()?;
    keyring.wrap_for(&admin.id, &admin.name, &clean)?;
    let actor = Actor::of(member(&conn, &admin.id)?);
    Ok(Unlocked {
        conn,
        keyring,
        actor,
    })
}

/// After a member's password was set (their own, a 管理者's reset or the
/// first 管理者 of 初期設定): wraps the key for them under it. Only
/// passwords open an encrypted database; the credential policy refused
/// anything else before.
pub fn wrap_for_member(
    keyring: &Keyring,
    member: &StaffMember,
    kind: CredentialKind,
    typed: &str,
) -> Result<()> {
    if kind != CredentialKind::Password {
        return Err(Error::invalid(
            "credential",
            "暗号化したデータベースでは、暗証番号ではなくパスワードを使ってください。",
        ));
    }
    keyring.wrap_for(&member.id, &member.name, &kind.typed(typed))
}

/// The data key an encrypted database still keeps in its key file during
/// 初期設定 (before its first 管理者 has a password), if any.
pub fn setup_key(db: &Path) -> Result<Option<DataKey>> {
    Ok(KeyFile::load(db)?.and_then(|f| f.setup_key()))
}
