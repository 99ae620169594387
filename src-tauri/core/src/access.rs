//! Access record: who is working. At the start of a session (and after the
//! screen locks) a staff member picks their name from the 担当者 list; an
//! optional 4–8 digit PIN, kept only as a salted Argon2id hash, guards it.
//! The shell keeps the signed-in [`Actor`] and passes it to every change.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chrono::NaiveDateTime;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

use crate::{store, text, Error, Result};

/// Minutes without input before the screen locks (0: never).
pub const DEFAULT_LOCK_MINUTES: u32 = 10;
const LOCK_KEY: &str = "access.lock_minutes";

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StaffMember {
    pub id: String,
    pub name: String,
    pub has_pin: bool,
}

/// Who makes a change. Only [`sign_in`] and [`set_own_pin`] (which checks
/// the current PIN again) make one for a member. An office with no staff
/// registered cannot sign in, so [`unregistered`] makes the one actor
/// without a member for it, whose changes are recorded under an empty name
/// (shown as （未設定）).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    member: Option<StaffMember>,
}

impl Actor {
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
            "SELECT i.id, i.name, p.staff_id IS NOT NULL
               FROM case_list_items i LEFT JOIN staff_pins p ON p.staff_id = i.id
              WHERE i.kind = 'staff' AND i.retired = 0
              ORDER BY i.sort_order, i.name",
        )?
        .query_map([], |r| {
            Ok(StaffMember {
                id: r.get(0)?,
                name: r.get(1)?,
                has_pin: r.get(2)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

fn member(conn: &Connection, staff_id: &str) -> Result<StaffMember> {
    let id = text::uuid("staff_id", staff_id)?;
    staff(conn)?
        .into_iter()
        .find(|m| m.id == id)
        .ok_or(Error::NotFound { what: "担当者" })
}

/// A PIN is 4 to 8 digits (full-width digits from an IME are accepted).
fn clean_pin(field: &str, pin: &str) -> Result<String> {
    let pin = text::fold_ascii_width(pin.trim());
    if !(4..=8).contains(&pin.len()) || !pin.chars().all(|c| c.is_ascii_digit()) {
        return Err(Error::invalid(
            field,
            "暗証番号は4〜8桁の数字で入力してください。",
        ));
    }
    Ok(pin)
}

fn stored_hash(conn: &Connection, staff_id: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT pin_hash FROM staff_pins WHERE staff_id = ?1",
            [staff_id],
            |r| r.get(0),
        )
        .optional()?)
}

fn pin_matches(hash: &str, pin: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(pin.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Checks the name and PIN chosen on the sign-in screen.
pub fn sign_in(conn: &Connection, staff_id: &str, pin: &str) -> Result<Actor> {
    Ok(Actor {
        member: Some(check_pin(conn, staff_id, pin)?),
    })
}

fn check_pin(conn: &Connection, staff_id: &str, pin: &str) -> Result<StaffMember> {
    let member = member(conn, staff_id)?;
    if let Some(hash) = stored_hash(conn, &member.id)? {
        let typed = text::fold_ascii_width(pin.trim());
        if typed.is_empty() {
            return Err(Error::invalid("pin", "暗証番号を入力してください。"));
        }
        if !pin_matches(&hash, &typed) {
            return Err(Error::invalid("pin", "暗証番号が違います。"));
        }
    }
    Ok(member)
}

/// Sets, changes (`current` must match the old PIN) or, with an empty
/// `new_pin`, removes a member's PIN.
pub fn set_pin(
    conn: &mut Connection,
    staff_id: &str,
    current: &str,
    new_pin: &str,
    now: NaiveDateTime,
) -> Result<StaffMember> {
    let member = check_pin(conn, staff_id, current).map_err(|e| match e {
        Error::Invalid { message, .. } => Error::invalid("current_pin", message),
        other => other,
    })?;
    if new_pin.trim().is_empty() {
        conn.execute("DELETE FROM staff_pins WHERE staff_id = ?1", [&member.id])?;
        return self::member(conn, &member.id);
    }
    let pin = clean_pin("new_pin", new_pin)?;
    let salt = SaltString::generate(&mut OsRng);
    let hash = Argon2::default()
        .hash_password(pin.as_bytes(), &salt)
        .map_err(|_| {
            Error::Conflict("暗証番号を保存できませんでした。もう一度お試しください。".into())
        })?
        .to_string();
    conn.execute(
        "INSERT INTO staff_pins (staff_id, pin_hash, updated_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (staff_id) DO UPDATE SET pin_hash = excluded.pin_hash, updated_at = excluded.updated_at",
        params![member.id, hash, store::stamp(now)],
    )?;
    self::member(conn, &member.id)
}

/// The signed-in member sets, changes or removes their own PIN, as
/// [`set_pin`]; returns them as they are now.
pub fn set_own_pin(
    conn: &mut Connection,
    me: &Actor,
    current: &str,
    new_pin: &str,
    now: NaiveDateTime,
) -> Result<Actor> {
    let Some(member) = &me.member else {
        return Err(Error::invalid(
            "new_pin",
            "担当者が登録されていないため、暗証番号は設定できません。",
        ));
    };
    let member = set_pin(conn, &member.id, current, new_pin, now)?;
    Ok(Actor {
        member: Some(member),
    })
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
mod tests {
    use super::*;
    use crate::cases::lists::{self, ListItemInput, ListKind};
    use crate::store;

    fn with_staff() -> Result<(Connection, String, String)> {
        let mut conn = store::open_in_memory()?;
        let items = ["山田 花子", "佐藤 一郎"].map(|n| ListItemInput {
            id: None,
            name: n.into(),
            retired: false,
        });
        let list = lists::save(&mut conn, ListKind::Staff, &items)?;
        Ok((conn, list.items[0].id.clone(), list.items[1].id.clone()))
    }

    fn now() -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2025, 4, 1)
            .unwrap()
            .and_hms_opt(9, 0, 0)
            .unwrap()
    }

    #[test]
    fn staff_without_a_pin_sign_in_by_name() -> Result<()> {
        let (conn, yamada, _) = with_staff()?;
        let names: Vec<String> = staff(&conn)?.into_iter().map(|m| m.name).collect();
        assert_eq!(names, ["山田 花子", "佐藤 一郎"]);
        assert_eq!(sign_in(&conn, &yamada, "")?.name(), "山田 花子");
        assert_eq!(
            sign_in(&conn, "not-a-uuid", "").unwrap_err().field(),
            Some("staff_id")
        );
        Ok(())
    }

    #[test]
    fn a_pin_is_hashed_checked_changed_and_removed() -> Result<()> {
        let (mut conn, yamada, sato) = with_staff()?;
        let m = set_pin(&mut conn, &yamada, "", "１２３４", now())?;
        assert!(m.has_pin);
        let hash: String = conn.query_row("SELECT pin_hash FROM staff_pins", [], |r| r.get(0))?;
        assert!(
            hash.starts_with("$argon2id$") && !hash.contains("1234"),
            "{hash}"
        );
        assert_eq!(sign_in(&conn, &yamada, "1234")?.staff_id(), yamada);
        assert_eq!(
            sign_in(&conn, &yamada, "9999").unwrap_err().to_string(),
            "暗証番号が違います。"
        );
        assert_eq!(
            sign_in(&conn, &yamada, "").unwrap_err().field(),
            Some("pin")
        );
        // Another member is not affected.
        assert!(sign_in(&conn, &sato, "").is_ok());
        // Changing needs the current PIN.
        assert_eq!(
            set_pin(&mut conn, &yamada, "0000", "5678", now())
                .unwrap_err()
                .field(),
            Some("current_pin")
        );
        set_pin(&mut conn, &yamada, "1234", "5678", now())?;
        assert!(sign_in(&conn, &yamada, "1234").is_err());
        assert!(sign_in(&conn, &yamada, "5678").is_ok());
        assert!(!set_pin(&mut conn, &yamada, "5678", "", now())?.has_pin);
        assert!(sign_in(&conn, &yamada, "").is_ok());
        Ok(())
    }

    #[test]
    fn an_actor_is_a_signed_in_member_or_the_office_without_staff() -> Result<()> {
        let mut conn = store::open_in_memory()?;
        let nobody = unregistered(&conn)?.expect("no staff registered");
        assert_eq!((nobody.name(), nobody.staff_id()), ("", ""));
        assert_eq!(
            set_own_pin(&mut conn, &nobody, "", "1234", now())
                .unwrap_err()
                .field(),
            Some("new_pin")
        );
        let (mut conn, yamada, _) = with_staff()?;
        assert_eq!(unregistered(&conn)?, None);
        let me = sign_in(&conn, &yamada, "")?;
        assert_eq!(me.member().map(|m| m.has_pin), Some(false));
        let me = set_own_pin(&mut conn, &me, "", "2468", now())?;
        assert_eq!(me.member().map(|m| m.has_pin), Some(true));
        assert!(set_own_pin(&mut conn, &me, "0000", "", now()).is_err());
        Ok(())
    }

    #[test]
    fn pins_must_be_4_to_8_digits() -> Result<()> {
        let (mut conn, yamada, _) = with_staff()?;
        for bad in ["123", "123456789", "12a4", "12 34"] {
            let err = set_pin(&mut conn, &yamada, "", bad, now()).unwrap_err();
            assert_eq!(err.field(), Some("new_pin"), "{bad}");
        }
        assert!(!staff(&conn)?[0].has_pin);
        Ok(())
    }

    #[test]
    fn lock_minutes_default_and_range() -> Result<()> {
        let conn = store::open_in_memory()?;
        assert_eq!(lock_minutes(&conn)?, DEFAULT_LOCK_MINUTES);
        assert_eq!(save_lock_minutes(&conn, 0)?, 0);
        assert_eq!(lock_minutes(&conn)?, 0);
        assert!(save_lock_minutes(&conn, -1).is_err());
        assert!(save_lock_minutes(&conn, 241).is_err());
        assert_eq!(lock_minutes(&conn)?, 0);
        Ok(())
    }
}
