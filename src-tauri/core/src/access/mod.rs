//! Access record: who is working. At the start of a session (and after the
//! screen locks) a staff member picks their name from the 担当者 list; an
//! optional 4–8 digit PIN, kept only as a salted Argon2id hash, guards it.
//! The shell keeps the signed-in [`Actor`] and passes it to every change.
//! Wrong PINs in a row make further sign-ins wait (see [`sign_in`]); every
//! attempt is in the change record (`store::audit`).

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chrono::{Duration, NaiveDateTime};
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

/// Wrong PINs a member may type in a row before each further sign-in
/// has to wait.
pub const FREE_ATTEMPTS: u32 = 5;

/// The wait after the 5th, 6th, 7th, 8th wrong PIN in a row, in seconds;
/// the last one for every one after.
const WAITS: [i64; 5] = [30, 60, 5 * 60, 15 * 60, 60 * 60];

/// The wait that `failures` wrong PINs in a row impose, if any.
fn wait_after(failures: u32) -> Option<Duration> {
    let step = failures.checked_sub(FREE_ATTEMPTS)? as usize;
    Some(Duration::seconds(WAITS[step.min(WAITS.len() - 1)]))
}

/// Wrong PINs in a row of one member, as stored in `sign_in_failures`.
struct Failures {
    count: u32,
    last: NaiveDateTime,
}

fn failures(conn: &Connection, staff_id: &str) -> Result<Option<Failures>> {
    let row: Option<(u32, String)> = conn
        .query_row(
            "SELECT failures, last_failed_at FROM sign_in_failures WHERE staff_id = ?1",
            [staff_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    row.map(|(count, last)| {
        Ok(Failures {
            count,
            last: store::parse_stamp(&last)?,
        })
    })
    .transpose()
}

impl Failures {
    /// What is left of the wait at `now`. A clock set back since the last
    /// failure never makes the wait longer than it is.
    fn left(&self, now: NaiveDateTime) -> Option<Duration> {
        let wait = wait_after(self.count)?;
        let passed = (now - self.last).max(Duration::zero());
        Some(wait - passed).filter(|left| *left > Duration::zero())
    }
}

/// A wait as staff read it: 30秒, 5分, 1時間 (rounded up).
fn wait_label(wait: Duration) -> String {
    let mut seconds = wait.num_seconds();
    if wait > Duration::seconds(seconds) {
        seconds += 1;
    }
    if seconds < 60 {
        return format!("{seconds}秒");
    }
    let minutes = (seconds + 59) / 60;
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m}分"),
        (h, 0) => format!("{h}時間"),
        (h, m) => format!("{h}時間{m}分"),
    }
}

fn wait_message(count: u32, left: Duration) -> String {
    format!(
        "暗証番号を{count}回まちがえたため、あと{}お待ちください。",
        wait_label(left)
    )
}

/// Checks the name and PIN chosen on the sign-in screen at `now`, and
/// records the attempt in the change record (never the PIN).
///
/// After [`FREE_ATTEMPTS`] wrong PINs in a row a member's sign-in is refused
/// without looking at the PIN until a wait has passed (30 s, then 1, 5, 15
/// minutes, then 1 hour after each further wrong PIN); the count is kept in
/// the database, so restarting the app does not clear it. The right PIN
/// clears it.
pub fn sign_in(
    conn: &mut Connection,
    staff_id: &str,
    pin: &str,
    now: NaiveDateTime,
) -> Result<Actor> {
    let member = member(conn, staff_id)?;
    let record = |conn: &Connection, what: &str, detail: &str| {
        store::audit::record_member_event(conn, now, what, &member.id, &member.name, detail)
    };
    let before = failures(conn, &member.id)?;
    let Some(hash) = stored_hash(conn, &member.id)? else {
        let tx = conn.transaction()?;
        tx.execute(
            "DELETE FROM sign_in_failures WHERE staff_id = ?1",
            [&member.id],
        )?;
        record(&tx, store::audit::SIGN_IN, "暗証番号なし")?;
        tx.commit()?;
        return Ok(Actor {
            member: Some(member),
        });
    };
    if let Some(f) = &before {
        if let Some(left) = f.left(now) {
            let tx = conn.transaction()?;
            if now < f.last {
                // The clock was set back: the wait runs from now instead.
                tx.execute(
                    "UPDATE sign_in_failures SET last_failed_at = ?2 WHERE staff_id = ?1",
                    params![member.id, store::stamp(now)],
                )?;
            }
            let detail = format!(
                "暗証番号を確認せず（{}回まちがえたため、あと{}）",
                f.count,
                wait_label(left)
            );
            record(&tx, store::audit::SIGN_IN_REFUSED, &detail)?;
            tx.commit()?;
            return Err(Error::invalid("pin", wait_message(f.count, left)));
        }
    }
    let typed = text::fold_ascii_width(pin.trim());
    if typed.is_empty() {
        return Err(Error::invalid("pin", "暗証番号を入力してください。"));
    }
    let right = pin_matches(&hash, &typed);
    let tx = conn.transaction()?;
    if right {
        tx.execute(
            "DELETE FROM sign_in_failures WHERE staff_id = ?1",
            [&member.id],
        )?;
        let detail = match &before {
            Some(f) => format!("暗証番号を確認（それまでに{}回まちがえた）", f.count),
            None => "暗証番号を確認".to_string(),
        };
        record(&tx, store::audit::SIGN_IN, &detail)?;
        tx.commit()?;
        return Ok(Actor {
            member: Some(member),
        });
    }
    let count = before.map_or(0, |f| f.count).saturating_add(1);
    tx.execute(
        "INSERT INTO sign_in_failures (staff_id, failures, last_failed_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (staff_id) DO UPDATE SET failures = excluded.failures,
                                              last_failed_at = excluded.last_failed_at",
        params![member.id, count, store::stamp(now)],
    )?;
    let (detail, message) = match wait_after(count) {
        Some(wait) => (
            format!(
                "暗証番号の誤り（{count}回続けて、{}待ち）",
                wait_label(wait)
            ),
            format!(
                "暗証番号が違います。{count}回まちがえたため、あと{}お待ちください。",
                wait_label(wait)
            ),
        ),
        None => (
            format!("暗証番号の誤り（{count}回続けて）"),
            "暗証番号が違います。".to_string(),
        ),
    };
    record(&tx, store::audit::SIGN_IN_FAILED, &detail)?;
    tx.commit()?;
    Err(Error::invalid("pin", message))
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
mod tests;
