//! Writing a case: registering, saving an edit or a new 状態 (refused when
//! stale), deleting, and the bulk insert of demo data and benchmarks.

use chrono::NaiveDateTime;
use rusqlite::{named_params, params, Connection, OptionalExtension, Transaction};

use super::detail::{get, item_label, stored_case};
use super::entries::{entry_snapshot, insert_entry, stored_entries};
use super::history::{Log, Record, Snapshot};
use super::persons::write_person;
use super::validate::{self, CleanCase, CleanEntry};
use super::{actor, minutes_label, received_label, search, CaseDetail, CaseInput, EntryInput};
use crate::store::{self, stamp};
use crate::{text, wareki, Error, Result};

fn case_snapshot(conn: &Connection, c: &CleanCase) -> Result<Snapshot> {
    let names = |ids: &[String]| -> Result<String> {
        let names: Vec<String> = ids
            .iter()
            .map(|id| item_label(conn, Some(id)))
            .collect::<Result<_>>()?;
        Ok(names.join("、"))
    };
    Ok(Snapshot::from([
        ("受付日時", received_label(c.received_at)),
        ("受付方法", item_label(conn, Some(&c.intake_method_id))?),
        ("相談者種別", item_label(conn, Some(&c.consulter_type_id))?),
        ("相談者の所属", c.consulter_affiliation.clone()),
        ("相談者の氏名", c.consulter_name.clone()),
        ("情報入手経路", c.info_source.clone()),
        ("新規・継続", if c.is_new { "新規" } else { "継続" }.into()),
        ("対象者", person_label(c).to_string()),
        ("相談内容分類", names(&c.category_ids)?),
        ("4つの場面", names(&c.scene_ids)?),
        ("相談内容", c.content.clone()),
        ("対応", names(&c.response_ids)?),
        ("紹介先", c.referral_to.clone()),
        ("所要時間", minutes_label(c.minutes)),
        ("担当者", item_label(conn, Some(&c.staff_id))?),
        ("状態", c.status.clone()),
        ("転帰", item_label(conn, c.outcome_id.as_deref())?),
    ]))
}

/// The person's name, or 対象者なし.
fn person_label(c: &CleanCase) -> &str {
    c.person
        .as_ref()
        .map_or(super::NO_PERSON, |p| p.name.as_str())
}

/// The texts of a case the search finds, in the order of [`reindex_case`]
/// (an enquiry without a patient has no name or ふりがな).
fn search_fields(c: &CleanCase) -> [&str; 7] {
    let (name, kana) = c
        .person
        .as_ref()
        .map_or(("", ""), |p| (p.name.as_str(), p.kana.as_str()));
    [
        name,
        kana,
        &c.consulter_affiliation,
        &c.consulter_name,
        &c.info_source,
        &c.referral_to,
        &c.content,
    ]
}

/// Rebuilds the search text of one case from its rows.
pub(crate) fn reindex_case(conn: &Connection, case_id: &str, old_key: Option<i64>) -> Result<()> {
    let (key, fields): (i64, Vec<String>) = conn
        .prepare_cached(
            "SELECT c.sort_key, COALESCE(p.name, ''), COALESCE(p.kana, ''),
                    c.consulter_affiliation, c.consulter_name, c.info_source, c.referral_to,
                    c.content
               FROM cases c LEFT JOIN persons p ON p.id = c.person_id WHERE c.id = ?1",
        )?
        .query_row([case_id], |r| {
            Ok((
                r.get(0)?,
                (1..=7)
                    .map(|i| r.get::<_, String>(i))
                    .collect::<rusqlite::Result<_>>()?,
            ))
        })?;
    let notes: Vec<String> = conn
        .prepare_cached("SELECT note FROM case_entries WHERE case_id = ?1 ORDER BY entry_date")?
        .query_map([case_id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let folded = search::index_text(fields.iter().chain(notes.iter()).map(String::as_str));
    search::index_case(conn, Some(old_key.unwrap_or(key)), key, &folded)
}

/// The one write of a case row and its links: a new case numbered
/// `case_no`, or the same id saved again (its number and created_at kept,
/// its version counted up). Returns the sort key.
fn upsert(
    tx: &Transaction,
    id: &str,
    case_no: i64,
    person_id: Option<&str>,
    c: &CleanCase,
    now: NaiveDateTime,
) -> Result<i64> {
    let key = search::sort_key(c.received_at, case_no);
    tx.prepare_cached(
        "INSERT INTO cases (id, case_no, sort_key, person_id, received_at, intake_method_id,
                consulter_type_id, consulter_affiliation, consulter_name, info_source, is_new,
                content, referral_to, minutes, staff_id, status, outcome_id, version,
                created_at, updated_at, city_id, area_id)
         VALUES (:id, :case_no, :sort_key, :person_id, :received_at, :intake_method_id,
                 :consulter_type_id, :consulter_affiliation, :consulter_name, :info_source, :is_new,
                 :content, :referral_to, :minutes, :staff_id, :status, :outcome_id, 1,
                 :now, :now, :city_id, :area_id)
         ON CONFLICT(id) DO UPDATE SET
                sort_key = excluded.sort_key, person_id = excluded.person_id,
                received_at = excluded.received_at, intake_method_id = excluded.intake_method_id,
                consulter_type_id = excluded.consulter_type_id,
                consulter_affiliation = excluded.consulter_affiliation,
                consulter_name = excluded.consulter_name, info_source = excluded.info_source,
                is_new = excluded.is_new, content = excluded.content,
                referral_to = excluded.referral_to, minutes = excluded.minutes,
                staff_id = excluded.staff_id, status = excluded.status,
                outcome_id = excluded.outcome_id, version = cases.version + 1,
                updated_at = excluded.updated_at, city_id = excluded.city_id,
                area_id = excluded.area_id",
    )?
    .execute(named_params! {
        ":id": id,
        ":case_no": case_no,
        ":sort_key": key,
        ":person_id": person_id,
        ":received_at": stamp(c.received_at),
        ":intake_method_id": c.intake_method_id,
        ":consulter_type_id": c.consulter_type_id,
        ":consulter_affiliation": c.consulter_affiliation,
        ":consulter_name": c.consulter_name,
        ":info_source": c.info_source,
        ":is_new": c.is_new,
        ":content": c.content,
        ":referral_to": c.referral_to,
        ":minutes": c.minutes,
        ":staff_id": c.staff_id,
        ":status": c.status,
        ":outcome_id": c.outcome_id,
        ":now": stamp(now),
        ":city_id": c.person.as_ref().and_then(|p| p.city_id.as_deref()),
        ":area_id": c.person.as_ref().and_then(|p| p.area_id.as_deref()),
    })?;
    // Each link carries the case's sort_key, so the report reads a
    // period's links as one range of (item_id, sort_key).
    for (table, items) in [
        ("case_categories", &c.category_ids),
        ("case_responses", &c.response_ids),
        ("case_scenes", &c.scene_ids),
    ] {
        tx.prepare_cached(&format!("DELETE FROM {table} WHERE case_id = ?1"))?
            .execute([id])?;
        let mut insert = tx.prepare_cached(&format!(
            "INSERT INTO {table} (case_id, item_id, sort_key) VALUES (?1, ?2, ?3)"
        ))?;
        for item in items {
            insert.execute(params![id, item, key])?;
        }
    }
    Ok(key)
}

/// Registers a new case (and its person, unless attached to an existing
/// one) in one transaction.
pub fn create(
    conn: &mut Connection,
    input: &CaseInput,
    changed_by: &str,
    now: NaiveDateTime,
) -> Result<CaseDetail> {
    let by = actor(conn, changed_by)?;
    let clean = validate::case(conn, input, now.date())?;
    let tx = conn.transaction()?;
    let (id, _) = insert_case(&tx, &clean, &[], &by, now)?;
    tx.commit()?;
    get(conn, &id, now.date())
}

/// The insert of [`create`] with a timeline, inside the caller's
/// transaction. Returns the ids of the case and of its person (none for
/// an enquiry without a patient).
fn insert_case(
    tx: &Transaction,
    clean: &CleanCase,
    entries: &[CleanEntry],
    by: &str,
    now: NaiveDateTime,
) -> Result<(String, Option<String>)> {
    let id = text::new_id();
    let log = Log::new(tx, &id, by, now);
    let person_id = match &clean.person {
        Some(p) => Some(write_person(tx, &log, p, clean.new_person, now)?),
        None => None,
    };
    let case_no = crate::exchange::next_case_no(tx)?;
    let key = upsert(tx, &id, case_no, person_id.as_deref(), clean, now)?;
    log.added(Record::Case, &id, &case_snapshot(tx, clean)?)?;
    for e in entries {
        insert_entry(tx, &log, &id, e, now)?;
    }
    let notes = entries.iter().map(|e| e.note.as_str());
    let folded = search::index_text(search_fields(clean).into_iter().chain(notes));
    search::index_case(tx, None, key, &folded)?;
    Ok((id, person_id))
}

/// Refuses a save from a form opened on another `version` of the case,
/// naming who saved it last and when.
fn check_version(conn: &Connection, id: &str, stored: i64, given: Option<i64>) -> Result<()> {
    let Some(given) = given else {
        return Err(Error::invalid(
            "version",
            "記録の版がありません。画面を開き直してください。",
        ));
    };
    if given == stored {
        return Ok(());
    }
    let last: Option<(String, String)> = conn
        .query_row(
            "SELECT changed_by, changed_at FROM case_changes WHERE case_id = ?1 ORDER BY seq DESC LIMIT 1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let detail = match last {
        Some((by, at)) => format!(
            "（{}、{by}）",
            wareki::format_datetime(store::parse_stamp(&at)?)
        ),
        None => String::new(),
    };
    Err(Error::Conflict(format!(
        "この相談記録は、開いた後に別の画面で変更されています{detail}。上書きしないよう保存を取りやめました。入力内容を控えてから、記録を開き直してください。"
    )))
}

/// Saves an edited case. Refused when the case changed since `input.version`.
pub fn update(
    conn: &mut Connection,
    id: &str,
    input: &CaseInput,
    changed_by: &str,
    now: NaiveDateTime,
) -> Result<CaseDetail> {
    let id = text::uuid("id", id)?;
    let by = actor(conn, changed_by)?;
    let clean = validate::case(conn, input, now.date())?;
    let tx = conn.transaction()?;
    let old = stored_case(&tx, &id)?;
    check_version(&tx, &id, old.version, clean.version)?;
    // Taken before the person is written: it has the person's old name.
    let old_snapshot = case_snapshot(&tx, &old.case)?;
    let log = Log::new(&tx, &id, &by, now);
    let person_id = match &clean.person {
        Some(p) => Some(write_person(&tx, &log, p, clean.new_person, now)?),
        None => None,
    };
    upsert(&tx, &id, old.case_no, person_id.as_deref(), &clean, now)?;
    log.changed(
        Record::Case,
        &id,
        &old_snapshot,
        &case_snapshot(&tx, &clean)?,
    )?;
    reindex_case(&tx, &id, Some(old.sort_key))?;
    tx.commit()?;
    get(conn, &id, now.date())
}

/// Changes only the 状態 of a case (「終結にする」), keeping everything
/// else as stored. Like [`update`], refused when the case changed since
/// `version`, and recorded in the history as a change of the case.
pub fn set_status(
    conn: &mut Connection,
    id: &str,
    status: &str,
    version: i64,
    changed_by: &str,
    now: NaiveDateTime,
) -> Result<CaseDetail> {
    let id = text::uuid("id", id)?;
    let by = actor(conn, changed_by)?;
    let status = validate::check_status("status", status.trim())?;
    let tx = conn.transaction()?;
    let old = stored_case(&tx, &id)?;
    check_version(&tx, &id, old.version, Some(version))?;
    let old_snapshot = case_snapshot(&tx, &old.case)?;
    let new = CleanCase { status, ..old.case };
    tx.execute(
        "UPDATE cases SET status = ?2, version = version + 1, updated_at = ?3 WHERE id = ?1",
        params![id, new.status, stamp(now)],
    )?;
    Log::new(&tx, &id, &by, now).changed(
        Record::Case,
        &id,
        &old_snapshot,
        &case_snapshot(&tx, &new)?,
    )?;
    tx.commit()?;
    get(conn, &id, now.date())
}

/// Deletes a case and its timeline; the history keeps a record of it.
pub fn delete(
    conn: &mut Connection,
    id: &str,
    version: i64,
    changed_by: &str,
    now: NaiveDateTime,
) -> Result<()> {
    let id = text::uuid("id", id)?;
    let by = actor(conn, changed_by)?;
    let tx = conn.transaction()?;
    let old = stored_case(&tx, &id)?;
    check_version(&tx, &id, old.version, Some(version))?;
    let old_snapshot = case_snapshot(&tx, &old.case)?;
    let log = Log::new(&tx, &id, &by, now);
    for e in stored_entries(&tx, &id)? {
        log.deleted(Record::Entry, &e.id, &entry_snapshot(&tx, &e.entry)?)?;
    }
    tx.execute("DELETE FROM case_entries WHERE case_id = ?1", [&id])?;
    tx.execute("DELETE FROM cases WHERE id = ?1", [&id])?;
    search::unindex_case(&tx, old.sort_key)?;
    log.deleted(Record::Case, &id, &old_snapshot)?;
    tx.commit()?;
    Ok(())
}

/// Inserts many validated cases in one transaction, for demo data and
/// benchmarks. Returns the (case id, person id) of each.
#[doc(hidden)]
pub fn insert_many(
    conn: &mut Connection,
    inputs: &[(CaseInput, Vec<EntryInput>)],
    changed_by: &str,
    now: NaiveDateTime,
) -> Result<Vec<(String, Option<String>)>> {
    let by = actor(conn, changed_by)?;
    let tx = conn.transaction()?;
    let mut written = Vec::with_capacity(inputs.len());
    for (input, entries) in inputs {
        let clean = validate::case(&tx, input, now.date())?;
        let received = clean.received_at.date();
        let entries: Vec<CleanEntry> = entries
            .iter()
            .map(|e| validate::entry(&tx, e, received, now.date()))
            .collect::<Result<_>>()?;
        written.push(insert_case(&tx, &clean, &entries, &by, now)?);
    }
    tx.commit()?;
    Ok(written)
}
