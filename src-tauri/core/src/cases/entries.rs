//! The timeline of a case (経過記録): adding, correcting and deleting
//! entries, each recorded in the history.

use chrono::{NaiveDate, NaiveDateTime};
use rusqlite::{named_params, params, Connection, Transaction};

use super::detail::{get, item_label};
use super::history::{Log, Record, Snapshot};
use super::save::reindex_case;
use super::validate::{self, CleanEntry};
use super::{actor, minutes_label, stamp_column, CaseDetail, EntryInput};
use crate::store::{self, iso, stamp};
use crate::{text, wareki, Error, Result};

/// An entry as stored, with its ids.
pub(super) struct StoredEntry {
    pub id: String,
    pub case_id: String,
    pub entry: CleanEntry,
}

/// The stored entries `condition` (SQL from code, with one parameter)
/// selects.
fn entry_rows(conn: &Connection, condition: &str, key: &str) -> Result<Vec<StoredEntry>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT id, case_id, entry_date, staff_id, response_id, note, minutes, contact,
                method_id, party_id
           FROM case_entries WHERE {condition}"
    ))?;
    let mut rows = stmt.query([key])?;
    let mut entries = Vec::new();
    while let Some(r) = rows.next()? {
        entries.push(StoredEntry {
            id: r.get("id")?,
            case_id: r.get("case_id")?,
            entry: CleanEntry {
                date: store::parse_iso(&r.get::<_, String>("entry_date")?)?,
                staff_id: r.get("staff_id")?,
                response_id: r.get("response_id")?,
                note: r.get("note")?,
                minutes: r.get("minutes")?,
                contact: r.get("contact")?,
                method_id: r.get("method_id")?,
                party_id: r.get("party_id")?,
            },
        });
    }
    Ok(entries)
}

/// The timeline of a case, oldest first.
pub(super) fn stored_entries(conn: &Connection, case_id: &str) -> Result<Vec<StoredEntry>> {
    entry_rows(
        conn,
        "case_id = ?1 ORDER BY entry_date, created_at",
        case_id,
    )
}

fn stored_entry(conn: &Connection, id: &str) -> Result<StoredEntry> {
    entry_rows(conn, "id = ?1", id)?
        .pop()
        .ok_or(Error::NotFound {
            what: "経過記録"
        })
}

pub(super) fn entry_snapshot(conn: &Connection, e: &CleanEntry) -> Result<Snapshot> {
    Ok(Snapshot::from([
        ("日付", wareki::format_date(e.date)),
        (
            "種別",
            if e.contact {
                "連絡・対応"
            } else {
                "メモ"
            }
            .into(),
        ),
        ("手段", item_label(conn, e.method_id.as_deref())?),
        ("相手", item_label(conn, e.party_id.as_deref())?),
        ("担当者", item_label(conn, Some(&e.staff_id))?),
        ("対応", item_label(conn, e.response_id.as_deref())?),
        ("内容", e.note.clone()),
        ("所要時間", minutes_label(e.minutes)),
    ]))
}

/// The 状態 and the 受付日 of a case.
fn case_status(conn: &Connection, case_id: &str) -> Result<(String, NaiveDate)> {
    let mut stmt = conn.prepare_cached("SELECT status, received_at FROM cases WHERE id = ?1")?;
    let mut rows = stmt.query([case_id])?;
    let r = rows.next()?.ok_or(Error::NotFound {
        what: "相談記録"
    })?;
    Ok((r.get("status")?, stamp_column(r, "received_at")?.date()))
}

/// The one write of an entry row: a new one, or the same id corrected
/// (its case and created_at kept).
fn upsert(
    tx: &Transaction,
    id: &str,
    case_id: &str,
    e: &CleanEntry,
    now: NaiveDateTime,
) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO case_entries (id, case_id, entry_date, staff_id, response_id, note, minutes,
                contact, method_id, party_id, created_at, updated_at)
         VALUES (:id, :case_id, :entry_date, :staff_id, :response_id, :note, :minutes,
                 :contact, :method_id, :party_id, :now, :now)
         ON CONFLICT(id) DO UPDATE SET
                entry_date = excluded.entry_date, staff_id = excluded.staff_id,
                response_id = excluded.response_id, note = excluded.note,
                minutes = excluded.minutes, contact = excluded.contact,
                method_id = excluded.method_id, party_id = excluded.party_id,
                updated_at = excluded.updated_at",
    )?
    .execute(named_params! {
        ":id": id,
        ":case_id": case_id,
        ":entry_date": iso(e.date),
        ":staff_id": e.staff_id,
        ":response_id": e.response_id,
        ":note": e.note,
        ":minutes": e.minutes,
        ":contact": e.contact,
        ":method_id": e.method_id,
        ":party_id": e.party_id,
        ":now": stamp(now),
    })?;
    Ok(())
}

/// Rebuilds the search text of the case (notes are searched too) and
/// commits.
fn finish(tx: Transaction, case_id: &str) -> Result<()> {
    reindex_case(&tx, case_id, None)?;
    tx.commit()?;
    Ok(())
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
    let log = Log::new(&tx, &case_id, &by, now);
    insert_entry(&tx, &log, &case_id, &clean, now)?;
    if status == "終結" {
        tx.execute(
            "UPDATE cases SET status = '対応中', version = version + 1, updated_at = ?2 WHERE id = ?1",
            params![case_id, stamp(now)],
        )?;
        let status = |s: &str| Snapshot::from([("状態", s.to_string())]);
        log.changed(Record::Case, &case_id, &status("終結"), &status("対応中"))?;
    }
    finish(tx, &case_id)?;
    get(conn, &case_id, now.date())
}

/// Writes a new entry and its history row (the caller reindexes).
pub(super) fn insert_entry(
    tx: &Transaction,
    log: &Log,
    case_id: &str,
    clean: &CleanEntry,
    now: NaiveDateTime,
) -> Result<String> {
    let id = text::new_id();
    upsert(tx, &id, case_id, clean, now)?;
    log.added(Record::Entry, &id, &entry_snapshot(tx, clean)?)?;
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
    let case_id = stored_entry(conn, &entry_id)?.case_id;
    let (_, received) = case_status(conn, &case_id)?;
    let clean = validate::entry(conn, input, received, now.date())?;
    let tx = conn.transaction()?;
    let old = entry_snapshot(&tx, &stored_entry(&tx, &entry_id)?.entry)?;
    upsert(&tx, &entry_id, &case_id, &clean, now)?;
    let new = entry_snapshot(&tx, &clean)?;
    Log::new(&tx, &case_id, &by, now).changed(Record::Entry, &entry_id, &old, &new)?;
    finish(tx, &case_id)?;
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
    let stored = stored_entry(&tx, &entry_id)?;
    let old = entry_snapshot(&tx, &stored.entry)?;
    tx.execute("DELETE FROM case_entries WHERE id = ?1", [&entry_id])?;
    Log::new(&tx, &stored.case_id, &by, now).deleted(Record::Entry, &entry_id, &old)?;
    finish(tx, &stored.case_id)?;
    get(conn, &stored.case_id, now.date())
}
