//! 管理者 and 職員, and the staff list that only a 管理者 changes: adding a
//! member (with an initial credential), retiring one, changing a role and
//! resetting a credential. At least one active 管理者 always remains: each
//! change is one transaction that checks this before it commits.

use chrono::NaiveDateTime;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::credential::{self, CredentialKind, CredentialPolicy};
use super::{member, staff, Actor, StaffMember};
use crate::{text, Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Admin,
    Staff,
}

impl Role {
    pub fn code(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Staff => "staff",
        }
    }

    /// The stored code; a member without a row is 職員.
    pub(super) fn from_code(code: &str) -> Role {
        if code == "admin" {
            Role::Admin
        } else {
            Role::Staff
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "管理者",
            Role::Staff => "職員",
        }
    }
}

/// The names of the active 管理者, for a refusal that says whom to ask.
pub fn admin_names(conn: &Connection) -> Result<Vec<String>> {
    Ok(staff(conn)?
        .into_iter()
        .filter(|m| m.role == Role::Admin)
        .map(|m| m.name)
        .collect())
}

/// Refuses `by` unless they are a 管理者 as the database has them now.
fn require_admin(conn: &Connection, by: &Actor) -> Result<()> {
    match by.reloaded(conn)? {
        Some(actor) if actor.is_admin() && !actor.needs_credential() => Ok(()),
        _ => Err(Error::AdminOnly {
            admins: admin_names(conn)?.join("、"),
        }),
    }
}

/// Refuses a change that would leave no active 管理者; asked inside the
/// change's transaction, before it commits.
fn ensure_an_admin_remains(conn: &Connection) -> Result<()> {
    if admin_names(conn)?.is_empty() {
        return Err(Error::Conflict(
            "管理者が一人もいなくなるため、この変更はできません。先に別の担当者を管理者にしてください。".into(),
        ));
    }
    Ok(())
}

/// A new member as the 担当者 form sends them.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberInput {
    pub name: String,
    pub role: Role,
    pub kind: CredentialKind,
    pub credential: String,
}

/// Adds a member to the 担当者 list with their role and a checked
/// credential. Part of the caller's transaction.
pub(crate) fn insert_member(
    conn: &Connection,
    input: &MemberInput,
    must_change: bool,
    now: NaiveDateTime,
) -> Result<String> {
    let name = text::single_line("name", "名前", &input.name, 40, true)?;
    let clean = CredentialPolicy::of(conn).check("credential", input.kind, &input.credential)?;
    let taken: Option<bool> = conn
        .query_row(
            "SELECT retired FROM case_list_items WHERE kind = 'staff' AND name = ?1",
            [&name],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(retired) = taken {
        let note = if retired {
            "（退職した担当者）"
        } else {
            ""
        };
        return Err(Error::invalid(
            "name",
            format!("「{name}」は既に登録されています{note}。別の名前にしてください。"),
        ));
    }
    let id = text::new_id();
    conn.execute(
        "INSERT INTO case_list_items (id, kind, name, sort_order, retired)
         VALUES (?1, 'staff', ?2,
                 (SELECT COALESCE(MAX(sort_order), -1) + 1 FROM case_list_items WHERE kind = 'staff'),
                 0)",
        params![id, name],
    )?;
    conn.execute(
        "INSERT INTO staff_roles (staff_id, role) VALUES (?1, ?2)",
        params![id, input.role.code()],
    )?;
    credential::save(conn, &id, input.kind, &clean, must_change, now)?;
    Ok(id)
}

/// A 管理者 adds a member; the credential they give is temporary (the
/// member chooses their own at the first sign-in).
pub fn add_member(
    conn: &mut Connection,
    by: &Actor,
    input: &MemberInput,
    now: NaiveDateTime,
) -> Result<StaffMember> {
    require_admin(conn, by)?;
    let tx = conn.transaction()?;
    let id = insert_member(&tx, input, true, now)?;
    ensure_an_admin_remains(&tx)?;
    tx.commit()?;
    member(conn, &id)
}

/// The first member of a new office: 管理者, with the credential they
/// choose, and signed in. Refused once any member is registered.
pub fn register_first(
    conn: &mut Connection,
    name: &str,
    kind: CredentialKind,
    credential: &str,
    now: NaiveDateTime,
) -> Result<Actor> {
    let tx = conn.transaction()?;
    if !staff(&tx)?.is_empty() {
        return Err(Error::Conflict(
            "担当者は既に登録されています。サインインしてください。".into(),
        ));
    }
    let input = MemberInput {
        name: name.to_string(),
        role: Role::Admin,
        kind,
        credential: credential.to_string(),
    };
    let id = insert_member(&tx, &input, false, now)?;
    tx.commit()?;
    Ok(Actor::of(member(conn, &id)?))
}

/// A 管理者 retires a member: they leave the sign-in list, their records
/// keep their name. The last active 管理者 cannot be retired.
pub fn retire(conn: &mut Connection, by: &Actor, staff_id: &str) -> Result<()> {
    require_admin(conn, by)?;
    let tx = conn.transaction()?;
    let target = member(&tx, staff_id)?;
    tx.execute(
        "UPDATE case_list_items SET retired = 1 WHERE id = ?1",
        [&target.id],
    )?;
    ensure_an_admin_remains(&tx)?;
    tx.commit()?;
    Ok(())
}

/// A 管理者 makes a member 管理者 or 職員. The last active 管理者 cannot
/// become 職員.
pub fn set_role(
    conn: &mut Connection,
    by: &Actor,
    staff_id: &str,
    role: Role,
) -> Result<StaffMember> {
    require_admin(conn, by)?;
    let tx = conn.transaction()?;
    let target = member(&tx, staff_id)?;
    tx.execute(
        "INSERT INTO staff_roles (staff_id, role) VALUES (?1, ?2)
         ON CONFLICT (staff_id) DO UPDATE SET role = excluded.role",
        params![target.id, role.code()],
    )?;
    ensure_an_admin_remains(&tx)?;
    tx.commit()?;
    member(conn, &target.id)
}

/// A 管理者 gives another member a temporary credential, which that member
/// must change at their next sign-in; it also ends any wait after wrong
/// attempts. Their own credential a 管理者 changes as everyone does.
pub fn reset_credential(
    conn: &mut Connection,
    by: &Actor,
    staff_id: &str,
    kind: CredentialKind,
    value: &str,
    now: NaiveDateTime,
) -> Result<StaffMember> {
    require_admin(conn, by)?;
    let target = member(conn, staff_id)?;
    if target.id == by.staff_id() {
        return Err(Error::invalid(
            "staff_id",
            "ご自分の暗証番号・パスワードは「自分の暗証番号・パスワード」で変更してください。",
        ));
    }
    let clean = CredentialPolicy::of(conn).check("credential", kind, value)?;
    let tx = conn.transaction()?;
    credential::save(&tx, &target.id, kind, &clean, true, now)?;
    tx.commit()?;
    member(conn, &target.id)
}
