//! Access record: who is working and what they may do.
//!
//! - Each staff member signs in with a credential ([`credential`]): a PIN
//!   of 4–8 digits or a password, kept only as a salted Argon2id hash.
//! - Wrong credentials in a row make further attempts wait ([`sign_in`]);
//!   every attempt is in the change record (`store::audit`).
//! - Each member is 管理者 or 職員 ([`roles`]); only a 管理者 manages staff.
//!
//! The shell keeps the signed-in [`Actor`] and passes it to every change.

mod credential;
pub mod handover;
mod roles;
mod sign_in;
mod unlock;

pub use credential::{CredentialKind, CredentialPolicy};
pub(crate) use roles::insert_member;
pub use roles::{
    add_member, admin_names, register_first, reset_credential, retire, set_role, MemberInput, Role,
};
pub use sign_in::{set_own_credential, sign_in, FREE_ATTEMPTS};
pub use unlock::{recover, setup_key, sign_in_encrypted, wrap_for_member, Unlocked};

use rusqlite::Connection;
use serde::Serialize;

use crate::{store, text, Error, Result};

/// Whether `typed` is member `staff_id`'s current password (or PIN), as a
/// conversion to encryption checks it; no attempt is counted.
pub fn password_matches(conn: &Connection, staff_id: &str, typed: &str) -> Result<bool> {
    Ok(credential::stored(conn, staff_id)?.is_some_and(|s| s.matches(typed)))
}

/// Minutes without input before the screen locks (0: never).
pub const DEFAULT_LOCK_MINUTES: u32 = 10;
const LOCK_KEY: &str = "access.lock_minutes";

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StaffMember {
    pub id: String,
    pub name: String,
    pub role: Role,
    /// The kind of credential they sign in with; `None` for a member of an
    /// older database who has to set one first.
    pub credential: Option<CredentialKind>,
    /// Set by a 管理者 who gave them a temporary credential: they must
    /// choose their own before doing anything else.
    pub must_change: bool,
}

impl StaffMember {
    /// Whether they may do nothing but set their own credential.
    pub fn needs_credential(&self) -> bool {
        self.credential.is_none() || self.must_change
    }
}

/// Who makes a change. Only [`sign_in`], [`register_first`] and
/// [`set_own_credential`] make one for a member. An office with no staff
/// registered cannot sign in, so [`unregistered`] makes the one actor
/// without a member for it, whose changes are recorded under an empty name
/// (shown as （未設定）).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    member: Option<StaffMember>,
}

impl Actor {
    fn of(member: StaffMember) -> Actor {
        Actor {
            member: Some(member),
        }
    }

    /// The signed-in member; `None` in an office without staff.
    pub fn member(&self) -> Option<&StaffMember> {
        self.member.as_ref()
    }

    /// The name recorded in change histories; empty without a member.
    pub fn name(&self) -> &str {
        self.member.as_ref().map_or("", |m| m.name.as_str())
    }

    /// The member's id in the 担当者 list; empty without a member.
    pub fn staff_id(&self) -> &str {
        self.member.as_ref().map_or("", |m| m.id.as_str())
    }

    /// Whether they may do what only a 管理者 may. The office without staff
    /// has nobody to ask, so it may (until its first member registers).
    pub fn is_admin(&self) -> bool {
        self.member.as_ref().is_none_or(|m| m.role == Role::Admin)
    }

    /// Whether they may do nothing but set their own credential.
    pub fn needs_credential(&self) -> bool {
        self.member
            .as_ref()
            .is_some_and(StaffMember::needs_credential)
    }

    /// The same member as the database has them now (role, credential);
    /// `None` when they were retired meanwhile. The office without staff
    /// stays itself only while it has none.
    pub fn reloaded(&self, conn: &Connection) -> Result<Option<Actor>> {
        let Some(me) = &self.member else {
            return unregistered(conn);
        };
        Ok(staff(conn)?
            .into_iter()
            .find(|m| m.id == me.id)
            .map(Actor::of))
    }
}

/// The actor of an office that has no staff registered, where nobody can
/// sign in; `None` as soon as one member is registered.
pub fn unregistered(conn: &Connection) -> Result<Option<Actor>> {
    Ok(staff(conn)?.is_empty().then_some(Actor { member: None }))
}

/// Active staff, in the order of the 担当者 list.
pub fn staff(conn: &Connection) -> Result<Vec<StaffMember>> {
    let rows = conn
        .prepare(
            "SELECT i.id, i.name, p.kind, COALESCE(p.must_change, 0), COALESCE(r.role, 'staff')
               FROM case_list_items i
               LEFT JOIN staff_pins p ON p.staff_id = i.id
               LEFT JOIN staff_roles r ON r.staff_id = i.id
              WHERE i.kind = 'staff' AND i.retired = 0
              ORDER BY i.sort_order, i.name",
        )?
        .query_map([], |r| {
            let kind: Option<String> = r.get(2)?;
            let role: String = r.get(4)?;
            Ok(StaffMember {
                id: r.get(0)?,
                name: r.get(1)?,
                role: Role::from_code(&role),
                credential: kind.as_deref().map(CredentialKind::from_code),
                must_change: r.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// The active member `staff_id`.
fn member(conn: &Connection, staff_id: &str) -> Result<StaffMember> {
    let id = text::uuid("staff_id", staff_id)?;
    staff(conn)?
        .into_iter()
        .find(|m| m.id == id)
        .ok_or(Error::NotFound { what: "担当者" })
}

pub fn lock_minutes(conn: &Connection) -> Result<u32> {
    Ok(store::setting(conn, LOCK_KEY)?
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_LOCK_MINUTES))
}

pub fn save_lock_minutes(conn: &Connection, minutes: i64) -> Result<u32> {
    let minutes = u32::try_from(minutes)
        .ok()
        .filter(|m| *m <= 240)
        .ok_or_else(|| {
            Error::invalid(
                "lock_minutes",
                "画面ロックまでの時間は0〜240分で指定してください（0はロックしない）。",
            )
        })?;
    store::set_setting(conn, LOCK_KEY, &minutes.to_string())?;
    Ok(minutes)
}

#[cfg(test)]
mod credential_tests;
#[cfg(test)]
mod tests;
