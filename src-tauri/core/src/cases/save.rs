//! Writing a case: registering, saving an edit (refused when stale),
//! deleting, and the bulk insert of demo data and benchmarks.

use chrono::{NaiveDate, NaiveDateTime};
use rusqlite::{params, Connection, Transaction};

use super::detail::{entries, get, named};
use super::entries::{entry_snapshot, insert_entry, stored_entry};
use super::history::{self, Record, Snapshot};
use super::persons::{stored_person, write_person};
use super::validate::{self, CleanCase};
use super::{actor, parse_stamp, received_label, search, CaseDetail, CaseInput, EntryInput};
use crate::store::stamp;
use crate::{text, wareki, Error, Result};

// ------------------------------------------------------------- snapshots

pub(super) fn item_label(conn: &Connection, id: Option<&str>) -> Result<String> {
    match id {
        Some(id) => Ok(named(conn, id)?.name),
        None => Ok(String::new()),
    }
}

pub(super) fn minutes_label(m: Option<i64>) -> String {
    m.map(|m| format!("{m}分")).unwrap_or_default()
}

pub(super) fn case_snapshot(
    conn: &Connection,
    c: &CleanCase,
    person_name: &str,
) -> Result<Snapshot> {
    let names = |ids: &[String]| -> Result<String> {
        let mut names = Vec::new();
        for id in ids {
            names.push(named(conn, id)?.name);
        }
        Ok(names.join("、"))
    };
    let mut s = Snapshot::new();
    s.insert("受付日時", received_label(&stamp(c.received_at)));
    s.insert("受付方法", item_label(conn, Some(&c.intake_method_id))?);
    s.insert("相談者種別", item_label(conn, Some(&c.consulter_type_id))?);
    s.insert("相談者の所属", c.consulter_affiliation.clone());
    s.insert("相談者の氏名", c.consulter_name.clone());
    s.insert("情報入手経路", c.info_source.clone());
    s.insert("新規・継続", if c.is_new { "新規" } else { "継続" }.into());
    s.insert("対象者", person_name.to_string());
    s.insert("相談内容分類", names(&c.category_ids)?);
    s.insert("相談内容", c.content.clone());
    s.insert("対応", names(&c.response_ids)?);
    s.insert("紹介先", c.referral_to.clone());
    s.insert("所要時間", minutes_label(c.minutes));
    s.insert("担当者", item_label(conn, Some(&c.staff_id))?);
    s.insert("状態", c.status.clone());
    s.insert("転帰", item_label(conn, c.outcome_id.as_deref())?);
    Ok(s)
}

/// The stored case in the same clean form the validator produces, for
/// history diffs.
pub(super) fn stored_case(
    conn: &Connection,
    id: &str,
    today: NaiveDate,
) -> Result<(CleanCase, i64, i64)> {
    let d = get(conn, id, today)?;
    let sort_key: i64 = conn.query_row("SELECT sort_key FROM cases WHERE id = ?1", [id], |r| {
        r.get(0)
    })?;
    let received_at = parse_stamp(&d.received_at).unwrap_or_default();
    Ok((
        CleanCase {
            received_at,
            intake_method_id: d.intake_method.id,
            consulter_type_id: d.consulter_type.id,
            consulter_affiliation: d.consulter_affiliation,
            consulter_name: d.consulter_name,
            info_source: d.info_source,
            is_new: d.is_new,
            person: stored_person(conn, &d.person.id)?,
            new_person: false,
            category_ids: d.categories.into_iter().map(|n| n.id).collect(),
            content: d.content,
            response_ids: d.responses.into_iter().map(|n| n.id).collect(),
            referral_to: d.referral_to,
            minutes: d.minutes,
            staff_id: d.staff.id,
            status: d.status,
            outcome_id: d.outcome.map(|o| o.id),
            version: Some(d.version),
        },
        d.version,
        sort_key,
    ))
}

pub(super) fn write_links(
    tx: &Transaction,
    table: &str,
    case_id: &str,
    ids: &[String],
    key: i64,
) -> Result<()> {
    tx.execute(
        &format!("DELETE FROM {table} WHERE case_id = ?1"),
        [case_id],
    )?;
    for id in ids {
        if table == "case_categories" {
            tx.prepare_cached(
                "INSERT INTO case_categories (case_id, item_id, sort_key) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![case_id, id, key])?;
        } else {
            tx.prepare_cached(&format!(
                "INSERT INTO {table} (case_id, item_id) VALUES (?1, ?2)"
            ))?
            .execute(params![case_id, id])?;
        }
    }
    Ok(())
}

/// Rebuilds the search text of one case from its rows.
pub(super) fn reindex_case(conn: &Connection, case_id: &str, old_key: Option<i64>) -> Result<()> {
    let (key, fields): (i64, Vec<String>) = conn
        .prepare_cached(
            "SELECT c.sort_key, p.name, p.kana, c.consulter_affiliation, c.consulter_name,
                    c.info_source, c.referral_to, c.content
               FROM cases c JOIN persons p ON p.id = c.person_id WHERE c.id = ?1",
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
    let id = insert_case(&tx, &clean, &by, now)?;
    tx.commit()?;
    get(conn, &id, now.date())
}

/// The insert of [`create`], inside the caller's transaction (demo data
/// and benchmarks insert many in one).
pub(super) fn insert_case(
    tx: &Transaction,
    clean: &CleanCase,
    by: &str,
    now: NaiveDateTime,
) -> Result<String> {
    let id = text::new_id();
    let person_id = write_person(tx, &id, &clean.person, clean.new_person, by, now)?;
    let case_no: i64 =
        tx.query_row("SELECT COALESCE(max(case_no), 0) + 1 FROM cases", [], |r| {
            r.get(0)
        })?;
    let key = search::sort_key(clean.received_at, case_no);
    tx.prepare_cached(
        "INSERT INTO cases (id, case_no, sort_key, person_id, received_at, intake_method_id,
                consulter_type_id, consulter_affiliation, consulter_name, info_source, is_new,
                content, referral_to, minutes, staff_id, status, outcome_id, version,
                created_at, updated_at, city_id, area_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, 1, ?18, ?18,
                 ?19, ?20)",
    )?
    .execute(params![
        id,
        case_no,
        key,
        person_id,
        stamp(clean.received_at),
        clean.intake_method_id,
        clean.consulter_type_id,
        clean.consulter_affiliation,
        clean.consulter_name,
        clean.info_source,
        clean.is_new as i64,
        clean.content,
        clean.referral_to,
        clean.minutes,
        clean.staff_id,
        clean.status,
        clean.outcome_id,
        stamp(now),
        clean.person.city_id,
        clean.person.area_id
    ])?;
    write_links(tx, "case_categories", &id, &clean.category_ids, key)?;
    write_links(tx, "case_responses", &id, &clean.response_ids, key)?;
    let person_name: String = tx.query_row(
        "SELECT name FROM persons WHERE id = ?1",
        [&person_id],
        |r| r.get(0),
    )?;
    let new = case_snapshot(tx, clean, &person_name)?;
    history::record(
        tx,
        &id,
        Record::Case,
        &id,
        "登録",
        &Snapshot::new(),
        &new,
        by,
        now,
    )?;
    let folded = search::index_text([
        clean.person.name.as_str(),
        &clean.person.kana,
        &clean.consulter_affiliation,
        &clean.consulter_name,
        &clean.info_source,
        &clean.referral_to,
        &clean.content,
    ]);
    search::index_case(tx, None, key, &folded)?;
    Ok(id)
}

pub(super) fn stale(conn: &Connection, id: &str) -> Error {
    let who: Option<(String, String)> = conn
        .query_row(
            "SELECT changed_by, changed_at FROM case_changes WHERE case_id = ?1 ORDER BY seq DESC LIMIT 1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .ok();
    let detail = who
        .map(|(by, at)| {
            let at = parse_stamp(&at).map(wareki::format_datetime).unwrap_or(at);
            format!("（{at}、{by}）")
        })
        .unwrap_or_default();
    Error::Conflict(format!(
        "この相談記録は、開いた後に別の画面で変更されています{detail}。上書きしないよう保存を取りやめました。入力内容を控えてから、記録を開き直してください。"
    ))
}

pub(super) fn check_version(
    conn: &Connection,
    id: &str,
    stored: i64,
    given: Option<i64>,
) -> Result<()> {
    match given {
        None => Err(Error::invalid(
            "version",
            "記録の版がありません。画面を開き直してください。",
        )),
        Some(v) if v != stored => Err(stale(conn, id)),
        Some(_) => Ok(()),
    }
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
    let (old, version, old_key) = stored_case(&tx, &id, now.date())?;
    check_version(&tx, &id, version, clean.version)?;
    let person_id = write_person(&tx, &id, &clean.person, clean.new_person, &by, now)?;
    let case_no: i64 = tx.query_row("SELECT case_no FROM cases WHERE id = ?1", [&id], |r| {
        r.get(0)
    })?;
    let key = search::sort_key(clean.received_at, case_no);
    tx.execute(
        "UPDATE cases SET sort_key = ?2, person_id = ?3, received_at = ?4, intake_method_id = ?5,
                consulter_type_id = ?6, consulter_affiliation = ?7, consulter_name = ?8,
                info_source = ?9, is_new = ?10, content = ?11, referral_to = ?12, minutes = ?13,
                staff_id = ?14, status = ?15, outcome_id = ?16, version = version + 1,
                updated_at = ?17, city_id = ?18, area_id = ?19
          WHERE id = ?1",
        params![
            id,
            key,
            person_id,
            stamp(clean.received_at),
            clean.intake_method_id,
            clean.consulter_type_id,
            clean.consulter_affiliation,
            clean.consulter_name,
            clean.info_source,
            clean.is_new as i64,
            clean.content,
            clean.referral_to,
            clean.minutes,
            clean.staff_id,
            clean.status,
            clean.outcome_id,
            stamp(now),
            clean.person.city_id,
            clean.person.area_id
        ],
    )?;
    write_links(&tx, "case_categories", &id, &clean.category_ids, key)?;
    write_links(&tx, "case_responses", &id, &clean.response_ids, key)?;
    let new_name: String = tx.query_row(
        "SELECT name FROM persons WHERE id = ?1",
        [&person_id],
        |r| r.get(0),
    )?;
    // `old` was read before write_person, so it has the person's old name.
    let old_snapshot = case_snapshot(&tx, &old, &old.person.name)?;
    let new_snapshot = case_snapshot(&tx, &clean, &new_name)?;
    let (o, n) = history::diff(&old_snapshot, &new_snapshot);
    history::record(&tx, &id, Record::Case, &id, "変更", &o, &n, &by, now)?;
    reindex_case(&tx, &id, Some(old_key))?;
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
    let (old, stored_version, key) = stored_case(&tx, &id, now.date())?;
    check_version(&tx, &id, stored_version, Some(version))?;
    let old_snapshot = case_snapshot(&tx, &old, &old.person.name)?;
    for e in entries(&tx, &id)? {
        let clean = stored_entry(&tx, &e.id)?;
        let snap = entry_snapshot(&tx, &clean)?;
        history::record(
            &tx,
            &id,
            Record::Entry,
            &e.id,
            "削除",
            &snap,
            &Snapshot::new(),
            &by,
            now,
        )?;
    }
    tx.execute("DELETE FROM case_entries WHERE case_id = ?1", [&id])?;
    tx.execute("DELETE FROM cases WHERE id = ?1", [&id])?;
    search::unindex_case(&tx, key)?;
    history::record(
        &tx,
        &id,
        Record::Case,
        &id,
        "削除",
        &old_snapshot,
        &Snapshot::new(),
        &by,
        now,
    )?;
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
) -> Result<Vec<(String, String)>> {
    let by = actor(conn, changed_by)?;
    let tx = conn.transaction()?;
    let mut written = Vec::with_capacity(inputs.len());
    for (input, entries) in inputs {
        let clean = validate::case(&tx, input, now.date())?;
        let id = insert_case(&tx, &clean, &by, now)?;
        let person_id: String =
            tx.query_row("SELECT person_id FROM cases WHERE id = ?1", [&id], |r| {
                r.get(0)
            })?;
        if !entries.is_empty() {
            let received = clean.received_at.date();
            for e in entries {
                let e = validate::entry(&tx, e, received, now.date())?;
                insert_entry(&tx, &id, &e, &by, now)?;
            }
            reindex_case(&tx, &id, None)?;
        }
        written.push((id, person_id));
    }
    tx.commit()?;
    Ok(written)
}
