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
        let (mut conn, yamada, _) = with_staff()?;
        let names: Vec<String> = staff(&conn)?.into_iter().map(|m| m.name).collect();
        assert_eq!(names, ["山田 花子", "佐藤 一郎"]);
        assert_eq!(sign_in(&mut conn, &yamada, "", now())?.name(), "山田 花子");
        assert_eq!(
            sign_in(&mut conn, "not-a-uuid", "", now())
                .unwrap_err()
                .field(),
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
        assert_eq!(
            sign_in(&mut conn, &yamada, "1234", now())?.staff_id(),
            yamada
        );
        assert_eq!(
            sign_in(&mut conn, &yamada, "9999", now())
                .unwrap_err()
                .to_string(),
            "暗証番号が違います。"
        );
        assert_eq!(
            sign_in(&mut conn, &yamada, "", now()).unwrap_err().field(),
            Some("pin")
        );
        // Another member is not affected.
        assert!(sign_in(&mut conn, &sato, "", now()).is_ok());
        // Changing needs the current PIN.
        assert_eq!(
            set_pin(&mut conn, &yamada, "0000", "5678", now())
                .unwrap_err()
                .field(),
            Some("current_pin")
        );
        set_pin(&mut conn, &yamada, "1234", "5678", now())?;
        assert!(sign_in(&mut conn, &yamada, "1234", now()).is_err());
        assert!(sign_in(&mut conn, &yamada, "5678", now()).is_ok());
        assert!(!set_pin(&mut conn, &yamada, "5678", "", now())?.has_pin);
        assert!(sign_in(&mut conn, &yamada, "", now()).is_ok());
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
        let me = sign_in(&mut conn, &yamada, "", now())?;
        assert_eq!(me.member().map(|m| m.has_pin), Some(false));
        let me = set_own_pin(&mut conn, &me, "", "2468", now())?;
        assert_eq!(me.member().map(|m| m.has_pin), Some(true));
        assert!(set_own_pin(&mut conn, &me, "0000", "", now()).is_err());
        Ok(())
    }

    fn at(seconds: i64) -> NaiveDateTime {
        now() + Duration::seconds(seconds)
    }

    /// (label, action, actor, row id, summary) of the sign-in records,
    /// oldest first.
    fn sign_in_records(conn: &Connection) -> Vec<(String, String, String, String, String)> {
        let ids: Vec<String> = conn
            .prepare(
                "SELECT row_id FROM audit_log WHERE table_name LIKE 'sign_in%' ORDER BY seq DESC",
            )
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let entries: Vec<_> = store::audit::recent(conn, 1000)
            .unwrap()
            .into_iter()
            .filter(|e| e.table_label == "サインイン")
            .collect();
        assert_eq!(ids.len(), entries.len());
        let mut rows: Vec<_> = entries
            .into_iter()
            .zip(ids)
            .map(|(e, id)| {
                (
                    e.table_label.to_string(),
                    e.action_label.to_string(),
                    e.actor,
                    id,
                    e.summary,
                )
            })
            .collect();
        rows.reverse();
        rows
    }

    #[test]
    fn five_wrong_pins_make_the_next_sign_in_wait() -> Result<()> {
        let (mut conn, yamada, sato) = with_staff()?;
        set_pin(&mut conn, &yamada, "", "1234", now())?;
        for i in 0..4 {
            let err = sign_in(&mut conn, &yamada, "9999", at(i)).unwrap_err();
            assert_eq!(err.to_string(), "暗証番号が違います。");
        }
        let fifth = sign_in(&mut conn, &yamada, "9999", at(4)).unwrap_err();
        assert_eq!(
            fifth.to_string(),
            "暗証番号が違います。5回まちがえたため、あと30秒お待ちください。"
        );
        // Within the wait even the right PIN is refused, unchecked.
        let refused = sign_in(&mut conn, &yamada, "1234", at(4 + 10)).unwrap_err();
        assert_eq!(refused.field(), Some("pin"));
        assert_eq!(
            refused.to_string(),
            "暗証番号を5回まちがえたため、あと20秒お待ちください。"
        );
        // Another member is not affected.
        set_pin(&mut conn, &sato, "", "5555", now())?;
        assert!(sign_in(&mut conn, &sato, "5555", at(15)).is_ok());
        // After the wait the right PIN is accepted, and clears the count.
        assert_eq!(
            sign_in(&mut conn, &yamada, "1234", at(4 + 30))?.staff_id(),
            yamada
        );
        for i in 0..4 {
            let err = sign_in(&mut conn, &yamada, "0000", at(100 + i)).unwrap_err();
            assert_eq!(
                err.to_string(),
                "暗証番号が違います。",
                "count starts again"
            );
        }

        let records = sign_in_records(&conn);
        let yamadas: Vec<_> = records.iter().filter(|r| r.3 == yamada).collect();
        assert_eq!(yamadas.len(), 5 + 1 + 1 + 4, "{records:#?}");
        let actions: Vec<&str> = yamadas.iter().map(|r| r.1.as_str()).collect();
        assert_eq!(
            actions,
            [
                "失敗",
                "失敗",
                "失敗",
                "失敗",
                "失敗",
                "待ち時間中",
                "成功",
                "失敗",
                "失敗",
                "失敗",
                "失敗"
            ]
        );
        assert!(yamadas.iter().all(|r| r.2 == "山田 花子"));
        assert!(
            yamadas[4].4.contains("5回続けて、30秒待ち"),
            "{:?}",
            yamadas[4]
        );
        assert!(yamadas[6].4.contains("それまでに5回"), "{:?}", yamadas[6]);
        let log: String = conn
            .prepare("SELECT at || actor || row_id || ifnull(new_values, '') FROM audit_log")?
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?
            .concat();
        for pin in ["1234", "9999", "0000", "5555"] {
            assert!(!log.contains(pin), "a PIN in the change record: {log}");
        }
        // Recorded at the time given, not the computer's clock.
        let first: String = conn.query_row(
            "SELECT at FROM audit_log WHERE table_name = 'sign_in_failed' ORDER BY seq LIMIT 1",
            [],
            |r| r.get(0),
        )?;
        assert_eq!(first, "2025-04-01T09:00:00");
        // A member without a PIN signs in by name, recorded too.
        set_pin(&mut conn, &sato, "5555", "", now())?;
        sign_in(&mut conn, &sato, "", at(200))?;
        let last = sign_in_records(&conn).pop().unwrap();
        assert_eq!(
            (last.1.as_str(), last.2.as_str(), last.3.as_str()),
            ("成功", "佐藤 一郎", sato.as_str())
        );
        Ok(())
    }

    #[test]
    fn the_wait_grows_with_each_further_wrong_pin_up_to_an_hour() -> Result<()> {
        let (mut conn, yamada, _) = with_staff()?;
        set_pin(&mut conn, &yamada, "", "1234", now())?;
        let mut t = 0;
        for _ in 0..5 {
            let _ = sign_in(&mut conn, &yamada, "9999", at(t));
        }
        for (count, wait, label) in [
            (6, 60, "1分"),
            (7, 300, "5分"),
            (8, 900, "15分"),
            (9, 3600, "1時間"),
            (10, 3600, "1時間"),
        ] {
            let previous = wait_after(count - 1).unwrap().num_seconds();
            t += previous;
            let err = sign_in(&mut conn, &yamada, "9999", at(t)).unwrap_err();
            assert_eq!(
                err.to_string(),
                format!("暗証番号が違います。{count}回まちがえたため、あと{label}お待ちください。")
            );
            assert!(sign_in(&mut conn, &yamada, "1234", at(t + wait - 1)).is_err());
        }
        assert_eq!(
            sign_in(&mut conn, &yamada, "1234", at(t + 1))
                .unwrap_err()
                .to_string(),
            "暗証番号を10回まちがえたため、あと1時間お待ちください。"
        );
        assert_eq!(
            sign_in(&mut conn, &yamada, "1234", at(t + 3600 - 61))
                .unwrap_err()
                .to_string(),
            "暗証番号を10回まちがえたため、あと2分お待ちください。"
        );
        // A clock set back never makes the wait longer than an hour.
        assert_eq!(
            sign_in(&mut conn, &yamada, "1234", at(t - 86_400))
                .unwrap_err()
                .to_string(),
            "暗証番号を10回まちがえたため、あと1時間お待ちください。"
        );
        assert!(sign_in(&mut conn, &yamada, "1234", at(t - 86_400 + 3600)).is_ok());
        Ok(())
    }

    #[test]
    fn the_count_of_wrong_pins_survives_a_restart() -> Result<()> {
        let (_dir, db, mut conn) = store::temp_db()?;
        let items = [ListItemInput {
            id: None,
            name: "山田 花子".into(),
            retired: false,
        }];
        let yamada = lists::save(&mut conn, ListKind::Staff, &items)?.items[0]
            .id
            .clone();
        set_pin(&mut conn, &yamada, "", "1234", now())?;
        for i in 0..5 {
            assert!(sign_in(&mut conn, &yamada, "9999", at(i)).is_err());
        }
        drop(conn);
        let mut conn = store::open(&db)?;
        assert_eq!(
            sign_in(&mut conn, &yamada, "1234", at(10))
                .unwrap_err()
                .to_string(),
            "暗証番号を5回まちがえたため、あと24秒お待ちください。"
        );
        drop(conn);
        let mut conn = store::open(&db)?;
        assert!(sign_in(&mut conn, &yamada, "1234", at(40)).is_ok());
        let failures: i64 =
            conn.query_row("SELECT count(*) FROM sign_in_failures", [], |r| r.get(0))?;
        assert_eq!(failures, 0);
        Ok(())
    }

    #[test]
    fn waits_read_as_staff_say_them() {
        let label = |s: i64| wait_label(Duration::seconds(s));
        assert_eq!(label(30), "30秒");
        assert_eq!(label(59), "59秒");
        assert_eq!(label(60), "1分");
        assert_eq!(label(61), "2分");
        assert_eq!(label(3600), "1時間");
        assert_eq!(label(5400), "1時間30分");
        assert_eq!(wait_label(Duration::milliseconds(29_500)), "30秒");
        assert_eq!(wait_after(4), None);
        assert_eq!(wait_after(5), Some(Duration::seconds(30)));
        assert_eq!(wait_after(50), Some(Duration::seconds(3600)));
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
