//! Reading a case: as stored (for saves and history diffs), and for the
//! screen and the summary PDF, with every value already formatted.

use chrono::{NaiveDate, NaiveDateTime};
use rusqlite::{params, Connection};

use super::entries::stored_entries;
use super::persons::{show_person, stored_person};
use super::validate::CleanCase;
use super::{received_label, stamp_column, CaseDetail, Entry, Named, OtherCase};
use crate::store::{iso, stamp};
use crate::{text, wareki, Error, Result};

/// A case as stored, its values in the clean form the validator produces
/// (so a history diff compares like with like), with what only the store
/// knows beside them.
pub(super) struct StoredCase {
    pub case_no: i64,
    pub sort_key: i64,
    pub version: i64,
    pub updated_at: NaiveDateTime,
    pub case: CleanCase,
}

pub(super) fn stored_case(conn: &Connection, id: &str) -> Result<StoredCase> {
    let mut stmt = conn.prepare_cached(
        "SELECT case_no, sort_key, person_id, received_at, intake_method_id, consulter_type_id,
                consulter_affiliation, consulter_name, info_source, is_new, content,
                referral_to, minutes, staff_id, status, outcome_id, version, updated_at
           FROM cases WHERE id = ?1",
    )?;
    let mut rows = stmt.query([id])?;
    let r = rows.next()?.ok_or(Error::NotFound {
        what: "相談記録"
    })?;
    let version = r.get("version")?;
    Ok(StoredCase {
        case_no: r.get("case_no")?,
        sort_key: r.get("sort_key")?,
        version,
        updated_at: stamp_column(r, "updated_at")?,
        case: CleanCase {
            received_at: stamp_column(r, "received_at")?,
            intake_method_id: r.get("intake_method_id")?,
            consulter_type_id: r.get("consulter_type_id")?,
            consulter_affiliation: r.get("consulter_affiliation")?,
            consulter_name: r.get("consulter_name")?,
            info_source: r.get("info_source")?,
            is_new: r.get("is_new")?,
            person: match r.get::<_, Option<String>>("person_id")? {
                Some(person) => Some(stored_person(conn, &person)?),
                None => None,
            },
            new_person: false,
            category_ids: link_ids(conn, "case_categories", id)?,
            scene_ids: link_ids(conn, "case_scenes", id)?,
            content: r.get("content")?,
            response_ids: link_ids(conn, "case_responses", id)?,
            referral_to: r.get("referral_to")?,
            minutes: r.get("minutes")?,
            staff_id: r.get("staff_id")?,
            status: r.get("status")?,
            outcome_id: r.get("outcome_id")?,
            version: Some(version),
        },
    })
}

/// The list items a case links to in `table` (a name from code), in the
/// order of their list.
fn link_ids(conn: &Connection, table: &str, case_id: &str) -> Result<Vec<String>> {
    let sql = format!(
        "SELECT i.id FROM {table} l JOIN case_list_items i ON i.id = l.item_id
          WHERE l.case_id = ?1 ORDER BY i.sort_order, i.name"
    );
    let ids = conn
        .prepare_cached(&sql)?
        .query_map([case_id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(ids)
}

pub(super) fn named(conn: &Connection, id: &str) -> Result<Named> {
    let name = conn
        .prepare_cached("SELECT name FROM case_list_items WHERE id = ?1")?
        .query_row([id], |r| r.get(0))?;
    Ok(Named {
        id: id.to_string(),
        name,
    })
}

fn all_named(conn: &Connection, ids: &[String]) -> Result<Vec<Named>> {
    ids.iter().map(|id| named(conn, id)).collect()
}

/// The name of an optional list item, empty when none.
pub(super) fn item_label(conn: &Connection, id: Option<&str>) -> Result<String> {
    id.map_or(Ok(String::new()), |id| Ok(named(conn, id)?.name))
}

fn entries(conn: &Connection, case_id: &str) -> Result<Vec<Entry>> {
    stored_entries(conn, case_id)?
        .into_iter()
        .map(|stored| {
            let e = stored.entry;
            Ok(Entry {
                id: stored.id,
                date: iso(e.date),
                date_label: wareki::format_date_with_weekday(e.date),
                date_input: wareki::format_date(e.date),
                staff: named(conn, &e.staff_id)?,
                response: e.response_id.map(|r| named(conn, &r)).transpose()?,
                note: e.note,
                minutes: e.minutes,
                contact: e.contact,
                method: e.method_id.map(|m| named(conn, &m)).transpose()?,
                party: e.party_id.map(|p| named(conn, &p)).transpose()?,
            })
        })
        .collect()
}

/// The same person's other cases, newest first.
fn other_cases(conn: &Connection, person_id: &str, case_id: &str) -> Result<Vec<OtherCase>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, case_no, received_at, status FROM cases
          WHERE person_id = ?1 AND id <> ?2 ORDER BY sort_key DESC LIMIT 50",
    )?;
    let mut rows = stmt.query(params![person_id, case_id])?;
    let mut cases = Vec::new();
    while let Some(r) = rows.next()? {
        cases.push(OtherCase {
            id: r.get("id")?,
            case_no: r.get("case_no")?,
            received_label: received_label(stamp_column(r, "received_at")?),
            status: r.get("status")?,
        });
    }
    Ok(cases)
}

/// One case with its person, timeline and the person's other cases.
pub fn get(conn: &Connection, id: &str, today: NaiveDate) -> Result<CaseDetail> {
    let id = text::uuid("id", id)?;
    let stored = stored_case(conn, &id)?;
    let c = stored.case;
    let person = match c.person {
        Some(p) => Some(show_person(conn, p, today)?),
        None => None,
    };
    let other_cases = match &person {
        Some(p) => other_cases(conn, &p.id, &id)?,
        None => Vec::new(),
    };
    let at = c.received_at;
    Ok(CaseDetail {
        case_no: stored.case_no,
        received_at: stamp(at),
        received_date: wareki::format_date(at.date()),
        received_time: at.format("%H:%M").to_string(),
        received_label: received_label(at),
        intake_method: named(conn, &c.intake_method_id)?,
        consulter_type: named(conn, &c.consulter_type_id)?,
        consulter_affiliation: c.consulter_affiliation,
        consulter_name: c.consulter_name,
        info_source: c.info_source,
        is_new: c.is_new,
        categories: all_named(conn, &c.category_ids)?,
        scenes: all_named(conn, &c.scene_ids)?,
        content: c.content,
        responses: all_named(conn, &c.response_ids)?,
        referral_to: c.referral_to,
        minutes: c.minutes,
        staff: named(conn, &c.staff_id)?,
        status: c.status,
        outcome: c.outcome_id.map(|o| named(conn, &o)).transpose()?,
        version: stored.version,
        updated_label: wareki::format_datetime(stored.updated_at),
        entries: entries(conn, &id)?,
        other_cases,
        person_label: person
            .as_ref()
            .map_or_else(|| super::NO_PERSON.to_string(), |p| p.name.clone()),
        person,
        id,
    })
}
