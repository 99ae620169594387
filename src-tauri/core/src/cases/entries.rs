//! The timeline of a case (経過記録): adding, correcting and deleting
//! entries, each recorded in the history.

use chrono::{NaiveDate, NaiveDateTime};
use rusqlite::{params, Connection, OptionalExtension, Transaction};

use super::detail::get;
use super::history::{self, Record, Snapshot};
use super::save::{item_label, minutes_label, reindex_case};
use super::validate::{self, CleanEntry};
use super::{actor, parse_stamp, CaseDetail, EntryInput};
use crate::store::stamp;
use crate::{text, wareki, Error, Result};

pub(super) fn entry_snapshot(conn: &Connection, e: &CleanEntry) -> Result<Snapshot> {
    let mut s = Snapshot::new();
    s.insert("日付", wareki::format_date(e.date));
    s.insert("担当者", item_label(conn, Some(&e.staff_id))?);
    s.insert("対応", item_label(conn, e.response_id.as_deref())?);
    s.insert("内容", e.note.clone());
    s.insert("所要時間", minutes_label(e.minutes));
    Ok(s)
}

pub(super) fn stored_entry(conn: &Connection, id: &str) -> Result<CleanEntry> {
    conn.prepare_cached(
        "SELECT entry_date, staff_id, response_id, note, minutes FROM case_entries WHERE id = ?1",
    )?
    .query_row([id], |r| {
        Ok(CleanEntry {
            date: NaiveDate::parse_from_str(&r.get::<_, String>(0)?, "%Y-%m-%d")
                .unwrap_or_default(),
            staff_id: r.get(1)?,
            response_id: r.get(2)?,
            note: r.get(3)?,
            minutes: r.get(4)?,
        })
    })
    .optional()?
    .ok_or(Error::NotFound {
        what: "経過記録"
    })
}

pub(super) fn case_status(conn: &Connection, case_id: &str) -> Result<(String, NaiveDate)> {
    conn.query_row(
        "SELECT status, received_at FROM cases WHERE id = ?1",
        [case_id],
        |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)),
    )
    .optional()?
    .map(|(s, at)| (s, parse_stamp(&at).map(|t| t.date()).unwrap_or_default()))
    .ok_or(Error::NotFound {
        what: "相談記録"
    })
}

/// Adds a 経過記録. A 終結 case is refused unless `reopen`, which sets it
/// back to 対応中 (recorded in the history).
pub fn add_entry(
    conn: &mut Connection,
    case_id: &str,
    input: &EntryInput,
    reopen: bool,
    changed_by: &str,
    now: NaiveDateTime,
) -> Result<CaseDetail> {
    let case_id = text::uuid("id", case_id)?;
    let by = actor(conn, changed_by)?;
    let (status, received) = case_status(conn, &case_id)?;
    let clean = validate::entry(conn, input, received, now.date())?;
    if status == "終結" && !reopen {
        return Err(Error::Conflict(
            "この相談は終結しています。経過を追加するには相談を再開してください。".into(),
        ));
    }
    let tx = conn.transaction()?;
    insert_entry(&tx, &case_id, &clean, &by, now)?;
    if status == "終結" {
        tx.execute(
            "UPDATE cases SET status = '対応中', version = version + 1, updated_at = ?2 WHERE id = ?1",
            params![case_id, stamp(now)],
        )?;
        let mut o = Snapshot::new();
        o.insert("状態", "終結".into());
        let mut n = Snapshot::new();
        n.insert("状態", "対応中".into());
        history::record(
            &tx,
            &case_id,
            Record::Case,
            &case_id,
            "変更",
            &o,
            &n,
            &by,
            now,
        )?;
    }
    reindex_case(&tx, &case_id, None)?;
    tx.commit()?;
    get(conn, &case_id, now.date())
}

pub(super) fn insert_entry(
    tx: &Transaction,
    case_id: &str,
    clean: &CleanEntry,
    by: &str,
    now: NaiveDateTime,
) -> Result<String> {
    let id = text::new_id();
    tx.prepare_cached(
        "INSERT INTO case_entries (id, case_id, entry_date, staff_id, response_id, note, minutes, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
    )?
    .execute(params![
        id,
        case_id,
        clean.date.format("%Y-%m-%d").to_string(),
        clean.staff_id,
        clean.response_id,
        clean.note,
        clean.minutes,
        stamp(now)
    ])?;
    let snap = entry_snapshot(tx, clean)?;
    history::record(
        tx,
        case_id,
        Record::Entry,
        &id,
        "登録",
        &Snapshot::new(),
        &snap,
        by,
        now,
    )?;
    Ok(id)
}

/// Corrects a 経過記録.
pub fn update_entry(
    conn: &mut Connection,
    entry_id: &str,
    input: &EntryInput,
    changed_by: &str,
    now: NaiveDateTime,
) -> Result<CaseDetail> {
    let entry_id = text::uuid("entry_id", entry_id)?;
    let by = actor(conn, changed_by)?;
    let case_id: String = conn
        .query_row(
            "SELECT case_id FROM case_entries WHERE id = ?1",
            [&entry_id],
            |r| r.get(0),
        )
        .optional()?
        .ok_or(Error::NotFound {
            what: "経過記録"
        })?;
    let (_, received) = case_status(conn, &case_id)?;
    let clean = validate::entry(conn, input, received, now.date())?;
    let tx = conn.transaction()?;
    let old = entry_snapshot(&tx, &stored_entry(&tx, &entry_id)?)?;
    tx.execute(
        "UPDATE case_entries SET entry_date = ?2, staff_id = ?3, response_id = ?4, note = ?5,
                minutes = ?6, updated_at = ?7 WHERE id = ?1",
        params![
            entry_id,
            clean.date.format("%Y-%m-%d").to_string(),
            clean.staff_id,
            clean.response_id,
            clean.note,
            clean.minutes,
            stamp(now)
        ],
    )?;
    let (o, n) = history::diff(&old, &entry_snapshot(&tx, &clean)?);
    history::record(
        &tx,
        &case_id,
        Record::Entry,
        &entry_id,
        "変更",
        &o,
        &n,
        &by,
        now,
    )?;
    reindex_case(&tx, &case_id, None)?;
    tx.commit()?;
    get(conn, &case_id, now.date())
}

/// Deletes a 経過記録 (recorded in the history).
pub fn delete_entry(
    conn: &mut Connection,
    entry_id: &str,
    changed_by: &str,
    now: NaiveDateTime,
) -> Result<CaseDetail> {
    let entry_id = text::uuid("entry_id", entry_id)?;
    let by = actor(conn, changed_by)?;
    let tx = conn.transaction()?;
    let case_id: String = tx
        .query_row(
            "SELECT case_id FROM case_entries WHERE id = ?1",
            [&entry_id],
            |r| r.get(0),
        )
        .optional()?
        .ok_or(Error::NotFound {
            what: "経過記録"
        })?;
    let old = entry_snapshot(&tx, &stored_entry(&tx, &entry_id)?)?;
    tx.execute("DELETE FROM case_entries WHERE id = ?1", [&entry_id])?;
    history::record(
        &tx,
        &case_id,
        Record::Entry,
        &entry_id,
        "削除",
        &old,
        &Snapshot::new(),
        &by,
        now,
    )?;
    reindex_case(&tx, &case_id, None)?;
    tx.commit()?;
    get(conn, &case_id, now.date())
}
