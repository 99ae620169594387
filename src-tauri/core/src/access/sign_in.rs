//! Signing in, and checking a member's current credential again when they
//! change it. Both share one count of wrong credentials in a row
//! (`sign_in_failures`, kept across restarts): after [`FREE_ATTEMPTS`] each
//! further attempt waits (30 s, then 1, 5, 15 minutes, then 1 hour). Every
//! attempt is in the access log (never what was typed).

use chrono::{Duration, NaiveDateTime};
use rusqlite::{params, Connection, OptionalExtension};

use super::credential::{self, CredentialKind, CredentialPolicy, Stored};
use super::{member, Actor, StaffMember};
use crate::access_log::{self, Kind};
use crate::{store, Error, Result};

/// Wrong credentials a member may type in a row before each further
/// attempt has to wait.
pub const FREE_ATTEMPTS: u32 = 5;

/// The wait after the 5th, 6th, 7th, 8th wrong credential in a row, in
/// seconds; the last one for every one after.
const WAITS: [i64; 5] = [30, 60, 5 * 60, 15 * 60, 60 * 60];

/// The wait that `failures` wrong credentials in a row impose, if any.
pub(super) fn wait_after(failures: u32) -> Option<Duration> {
    let step = failures.checked_sub(FREE_ATTEMPTS)? as usize;
    Some(Duration::seconds(WAITS[step.min(WAITS.len() - 1)]))
}

/// Wrong credentials in a row of one member, as stored in `sign_in_failures`.
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
    fn left(&self, now: NaiveDateTime) -> Option<Duration> {
        wait_left(self.count, self.last, now)
    }
}

/// What is left at `now` of the wait after `count` wrong credentials in a
/// row, the last at `last`. A clock set back since the last failure never
/// makes the wait longer than it is.
pub(super) fn wait_left(count: u32, last: NaiveDateTime, now: NaiveDateTime) -> Option<Duration> {
    let wait = wait_after(count)?;
    let passed = (now - last).max(Duration::zero());
    Some(wait - passed).filter(|left| *left > Duration::zero())
}

/// A wait as staff read it: 30秒, 5分, 1時間 (rounded up).
pub(super) fn wait_label(wait: Duration) -> String {
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

/// Where a credential is checked: the history and the form field differ.
#[derive(Clone, Copy)]
enum Check {
    SignIn,
    /// The current credential, typed to change it.
    Change,
}

impl Check {
    fn field(self) -> &'static str {
        match self {
            Check::SignIn => "credential",
            Check::Change => "current_credential",
        }
    }

    /// What the history calls the check: 「暗証番号」 or 「暗証番号（変更時）」.
    fn what(self, kind: CredentialKind) -> String {
        match self {
            Check::SignIn => kind.label().to_string(),
            Check::Change => format!("{}（変更時）", kind.label()),
        }
    }
}

/// Records a sign-in attempt (or a check of the current credential) in the
/// access log, under the member it was for, with their id as the target.
pub(super) fn record_attempt(
    conn: &Connection,
    member: &StaffMember,
    kind: Kind,
    detail: &str,
    now: NaiveDateTime,
) -> Result<()> {
    access_log::record_for(
        conn,
        &member.id,
        &member.name,
        kind,
        &member.id,
        detail,
        now,
    )
}

/// Checks `typed` against `stored` for `member` at `now`, under the shared
/// attempt limit, and records the attempt.
fn check_limited(
    conn: &mut Connection,
    member: &StaffMember,
    stored: &Stored,
    typed: &str,
    now: NaiveDateTime,
    check: Check,
) -> Result<()> {
    let (label, what) = (stored.kind.label(), check.what(stored.kind));
    let record = |conn: &Connection, kind: Kind, detail: &str| {
        record_attempt(conn, member, kind, detail, now)
    };
    let before = failures(conn, &member.id)?;
    if let Some((f, left)) = before.as_ref().and_then(|f| Some((f, f.left(now)?))) {
        let tx = conn.transaction()?;
        if now < f.last {
            // The clock was set back: the wait runs from now instead.
            tx.execute(
                "UPDATE sign_in_failures SET last_failed_at = ?2 WHERE staff_id = ?1",
                params![member.id, store::stamp(now)],
            )?;
        }
        let wait = wait_label(left);
        let detail = format!(
            "{what}を確認せず（{}回まちがえたため、あと{wait}）",
            f.count
        );
        record(&tx, Kind::SignInRefused, &detail)?;
        tx.commit()?;
        let message = format!(
            "{label}を{}回まちがえたため、あと{wait}お待ちください。",
            f.count
        );
        return Err(Error::invalid(check.field(), message));
    }
    if stored.kind.typed(typed).is_empty() {
        return Err(Error::invalid(
            check.field(),
            format!("{label}を入力してください。"),
        ));
    }
    let right = stored.matches(typed);
    let tx = conn.transaction()?;
    if right {
        tx.execute(
            "DELETE FROM sign_in_failures WHERE staff_id = ?1",
            [&member.id],
        )?;
        let detail = match &before {
            Some(f) => format!("{what}を確認（それまでに{}回まちがえた）", f.count),
            None => format!("{what}を確認"),
        };
        record(&tx, Kind::SignIn, &detail)?;
        tx.commit()?;
        return Ok(());
    }
    let count = before.map_or(0, |f| f.count).saturating_add(1);
    tx.execute(
        "INSERT INTO sign_in_failures (staff_id, failures, last_failed_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (staff_id) DO UPDATE SET failures = excluded.failures,
                                              last_failed_at = excluded.last_failed_at",
        params![member.id, count, store::stamp(now)],
    )?;
    let (detail, message) = match wait_after(count) {
        Some(wait) => {
            let wait = wait_label(wait);
            (
                format!("{what}の誤り（{count}回続けて、{wait}待ち）"),
                format!("{label}が違います。{count}回まちがえたため、あと{wait}お待ちください。"),
            )
        }
        None => (
            format!("{what}の誤り（{count}回続けて）"),
            format!("{label}が違います。"),
        ),
    };
    record(&tx, Kind::SignInFailed, &detail)?;
    tx.commit()?;
    Err(Error::invalid(check.field(), message))
}

/// Checks the member chosen on the sign-in screen and what they typed at
/// `now`, and records the attempt in the change record.
///
/// A member without a credential yet (an older database) signs in without
/// one, as does one whose credential a 管理者 reset: either way the session
/// may only set their own credential ([`Actor::needs_credential`]).
pub fn sign_in(
    conn: &mut Connection,
    staff_id: &str,
    typed: &str,
    now: NaiveDateTime,
) -> Result<Actor> {
    let member = member(conn, staff_id)?;
    let Some(stored) = credential::stored(conn, &member.id)? else {
        let tx = conn.transaction()?;
        tx.execute(
            "DELETE FROM sign_in_failures WHERE staff_id = ?1",
            [&member.id],
        )?;
        let detail = "暗証番号・パスワード未設定（設定だけ可能）";
        record_attempt(&tx, &member, Kind::SignIn, detail, now)?;
        tx.commit()?;
        return Ok(Actor::of(member));
    };
    check_limited(conn, &member, &stored, typed, now, Check::SignIn)?;
    Ok(Actor::of(member))
}

/// The signed-in member sets their own credential (of `kind`) and works on
/// as the member they now are. The current one must be typed again, under
/// the same attempt limit as signing in; not when they have none or were
/// given a temporary one, which they typed at this sign-in.
pub fn set_own_credential(
    conn: &mut Connection,
    me: &Actor,
    current: &str,
    kind: CredentialKind,
    new: &str,
    now: NaiveDateTime,
) -> Result<Actor> {
    let Some(me) = &me.member else {
        return Err(Error::invalid(
            "new_credential",
            "担当者が登録されていないため、暗証番号・パスワードは設定できません。",
        ));
    };
    let member = member(conn, &me.id)?;
    // The new one first: a refused change costs no attempt and records none.
    let clean = CredentialPolicy::of(conn).check("new_credential", kind, new)?;
    let stored = credential::stored(conn, &member.id)?;
    if let Some(s) = stored.as_ref().filter(|s| !s.must_change) {
        check_limited(conn, &member, s, current, now, Check::Change)?;
    }
    if stored
        .as_ref()
        .is_some_and(|s| s.must_change && s.matches(&clean))
    {
        return Err(Error::invalid(
            "new_credential",
            "管理者が設定した仮のものとは別の暗証番号・パスワードにしてください。",
        ));
    }
    credential::save(conn, &member.id, kind, &clean, false, now)?;
    Ok(Actor::of(super::member(conn, &member.id)?))
}
