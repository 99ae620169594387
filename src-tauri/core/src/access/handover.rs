//! The credentials of an office whose plain database is being encrypted
//! (`keys::convert`). An encrypted database opens only with a password
//! that wraps its data key, so PINs end with the conversion:
//!
//! - the 管理者 who converts confirms with what they sign in with now
//!   (PIN or password) and chooses their password from now on;
//! - members the 管理者 names get a temporary password (8+ characters),
//!   which they change at their first sign-in, as after a 管理者's reset;
//! - everyone else's credential is removed: they are listed as 未設定 in
//!   設定 › 担当者 and cannot sign in until a 管理者 gives them a temporary
//!   password there (which wraps the key for them).
//!
//! Everything is checked ([`plan`]) before the conversion writes anything,
//! and applied ([`apply`]) to the encrypted copy only, in one transaction,
//! so a refused or interrupted conversion leaves every PIN as it was.

use chrono::NaiveDateTime;
use rusqlite::Connection;
use serde::Deserialize;
use zeroize::Zeroizing;

use super::credential::{self, CredentialKind, CredentialPolicy};
use super::{staff, Role, StaffMember};
use crate::{text, Error, Result};

/// A member to be given a temporary password by the conversion. No
/// `Debug`: it holds the password.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemporaryPassword {
    pub staff_id: String,
    pub password: String,
}

/// The checked credential changes of a conversion.
pub struct Handover {
    pub admin: StaffMember,
    password: Zeroizing<String>,
    temporary: Vec<(StaffMember, Zeroizing<String>)>,
}

impl std::fmt::Debug for Handover {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Handover")
            .field("admin", &self.admin.name)
            .field("temporary", &self.temporary.len())
            .finish()
    }
}

impl Handover {
    /// The 管理者's password from now on (it wraps the data key).
    pub fn password(&self) -> &str {
        &self.password
    }

    /// The members given a temporary password, each with it.
    pub fn temporary(&self) -> impl Iterator<Item = (&StaffMember, &str)> {
        self.temporary.iter().map(|(m, p)| (m, p.as_str()))
    }
}

/// Checks a conversion's credentials on the plain database `conn`:
/// `admin_id` is an active 管理者 whose current PIN or password is
/// `current`, `password` is a valid password for an encrypted database,
/// and each temporary password belongs to another active member, once.
/// Blank temporary passwords are left out (that member gets one later).
pub fn plan(
    conn: &Connection,
    admin_id: &str,
    current: &str,
    password: &str,
    temporary: &[TemporaryPassword],
) -> Result<Handover> {
    let policy = CredentialPolicy { encrypted: true };
    let members = staff(conn)?;
    let admin_id = text::uuid("staff_id", admin_id)?;
    let admin = members
        .iter()
        .find(|m| m.id == admin_id && m.role == Role::Admin)
        .cloned()
        .ok_or_else(|| {
            Error::invalid(
                "staff_id",
                "暗号化は、管理者が自分の暗証番号・パスワードを確かめて行ってください。",
            )
        })?;
    if current.is_empty() {
        return Err(Error::invalid(
            "current",
            "いまお使いの暗証番号・パスワードを入力してください。",
        ));
    }
    let matches = credential::stored(conn, &admin.id)?.is_some_and(|s| s.matches(current));
    if !matches {
        return Err(Error::invalid(
            "current",
            "いまお使いの暗証番号・パスワードが違います。",
        ));
    }
    let password = Zeroizing::new(policy.check("password", CredentialKind::Password, password)?);
    let mut given: Vec<(StaffMember, Zeroizing<String>)> = Vec::new();
    for (i, t) in temporary.iter().enumerate() {
        if t.password.is_empty() {
            continue;
        }
        let field = format!("temporary.{i}.password");
        let id = text::uuid(&field, &t.staff_id)?;
        let Some(member) = members.iter().find(|m| m.id == id) else {
            return Err(Error::invalid(
                &field,
                "この担当者は見つかりません。画面を開き直してください。",
            ));
        };
        if member.id == admin.id {
            return Err(Error::invalid(
                &field,
                "ご自分のパスワードは上の欄で決めてください。",
            ));
        }
        if given.iter().any(|(m, _)| m.id == member.id) {
            return Err(Error::invalid(
                &field,
                format!("{}さんの仮のパスワードが2つあります。", member.name),
            ));
        }
        let clean = policy
            .check(&field, CredentialKind::Password, &t.password)
            .map_err(|e| match e {
                Error::Invalid { field, message } => Error::Invalid {
                    field,
                    message: format!("{}さん：{message}", member.name),
                },
                e => e,
            })?;
        given.push((member.clone(), Zeroizing::new(clean)));
    }
    Ok(Handover {
        admin,
        password,
        temporary: given,
    })
}

/// Applies `plan` to the (encrypted copy's) database `conn` in one
/// transaction, and answers the names of the active members left without a
/// credential, who need a temporary password from a 管理者.
pub fn apply(conn: &mut Connection, plan: &Handover, now: NaiveDateTime) -> Result<Vec<String>> {
    let tx = conn.transaction()?;
    credential::save(
        &tx,
        &plan.admin.id,
        CredentialKind::Password,
        &plan.password,
        false,
        now,
    )?;
    for (member, password) in &plan.temporary {
        credential::save(
            &tx,
            &member.id,
            CredentialKind::Password,
            password,
            true,
            now,
        )?;
    }
    let keep: Vec<&str> = std::iter::once(plan.admin.id.as_str())
        .chain(plan.temporary.iter().map(|(m, _)| m.id.as_str()))
        .collect();
    let mut without = Vec::new();
    for member in staff(&tx)? {
        if !keep.contains(&member.id.as_str()) {
            without.push(member.name);
        }
    }
    let mut stmt = tx.prepare("SELECT staff_id FROM staff_pins")?;
    let stored: Vec<String> = stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    drop(stmt);
    for id in stored.iter().filter(|id| !keep.contains(&id.as_str())) {
        tx.execute("DELETE FROM staff_pins WHERE staff_id = ?1", [id])?;
    }
    tx.commit()?;
    Ok(without)
}
