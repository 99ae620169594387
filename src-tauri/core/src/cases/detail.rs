//! Reading one case for the screen (and the summary PDF): every value
//! already formatted for display.

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};

use super::persons::load_person;
use super::{parse_stamp, received_label, CaseDetail, Entry, Named, OtherCase};
use crate::{text, wareki, Error, Result};

pub(super) fn named(conn: &Connection, id: &str) -> Result<Named> {
    let name = conn
        .prepare_cached("SELECT name FROM case_list_items WHERE id = ?1")?
        .query_row([id], |r| r.get(0))?;
    Ok(Named {
        id: id.to_string(),
        name,
    })
}

pub(super) fn linked(conn: &Connection, table: &str, case_id: &str) -> Result<Vec<Named>> {
    let sql = format!(
        "SELECT i.id, i.name FROM {table} l JOIN case_list_items i ON i.id = l.item_id
          WHERE l.case_id = ?1 ORDER BY i.sort_order, i.name"
    );
    let items = conn
        .prepare_cached(&sql)?
        .query_map([case_id], |r| {
            Ok(Named {
                id: r.get(0)?,
                name: r.get(1)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(items)
}

/// id, date, staff, response, note, minutes
type EntryRow = (String, String, String, Option<String>, String, Option<i64>);

pub(super) fn entries(conn: &Connection, case_id: &str) -> Result<Vec<Entry>> {
    let rows: Vec<EntryRow> = conn
        .prepare_cached(
            "SELECT id, entry_date, staff_id, response_id, note, minutes FROM case_entries
              WHERE case_id = ?1 ORDER BY entry_date, created_at",
        )?
        .query_map([case_id], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    rows.into_iter()
        .map(|(id, date, staff, response, note, minutes)| {
            Ok(Entry {
                date_label: NaiveDate::parse_from_str(&date, "%Y-%m-%d")
                    .map(wareki::format_date_with_weekday)
                    .unwrap_or_else(|_| date.clone()),
                id,
                date,
                staff: named(conn, &staff)?,
                response: response.map(|r| named(conn, &r)).transpose()?,
                note,
                minutes,
            })
        })
        .collect()
}

/// One case with its person, timeline and the person's other cases.
pub fn get(conn: &Connection, id: &str, today: NaiveDate) -> Result<CaseDetail> {
    let id = text::uuid("id", id)?;
    type Row = (
        i64,
        String,
        String,
        String,
        String,
        String,
        String,
        String,
        bool,
        String,
        String,
        Option<i64>,
        String,
        String,
        Option<String>,
        i64,
        String,
    );
    let row: Row = conn
        .prepare_cached(
            "SELECT case_no, person_id, received_at, intake_method_id, consulter_type_id,
                    consulter_affiliation, consulter_name, info_source, is_new, content,
                    referral_to, minutes, staff_id, status, outcome_id, version, updated_at
               FROM cases WHERE id = ?1",
        )?
        .query_row([&id], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
                r.get::<_, i64>(8)? != 0,
                r.get(9)?,
                r.get(10)?,
                r.get(11)?,
                r.get(12)?,
                r.get(13)?,
                r.get(14)?,
                r.get(15)?,
                r.get(16)?,
            ))
        })
        .optional()?
        .ok_or(Error::NotFound {
            what: "相談記録"
        })?;
    let (case_no, person_id, received_at, intake, consulter_type, affiliation, consulter_name) =
        (row.0, row.1, row.2, row.3, row.4, row.5, row.6);
    let received = parse_stamp(&received_at);
    let other_cases = conn
        .prepare_cached(
            "SELECT id, case_no, received_at, status FROM cases
              WHERE person_id = ?1 AND id <> ?2 ORDER BY sort_key DESC LIMIT 50",
        )?
        .query_map(params![person_id, id], |r| {
            Ok(OtherCase {
                id: r.get(0)?,
                case_no: r.get(1)?,
                received_label: received_label(&r.get::<_, String>(2)?),
                status: r.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(CaseDetail {
        case_no,
        received_date: received
            .map(|t| wareki::format_date(t.date()))
            .unwrap_or_default(),
        received_time: received
            .map(|t| t.format("%H:%M").to_string())
            .unwrap_or_default(),
        received_label: received_label(&received_at),
        received_at,
        intake_method: named(conn, &intake)?,
        consulter_type: named(conn, &consulter_type)?,
        consulter_affiliation: affiliation,
        consulter_name,
        info_source: row.7,
        is_new: row.8,
        person: load_person(conn, &person_id, today)?,
        categories: linked(conn, "case_categories", &id)?,
        content: row.9,
        responses: linked(conn, "case_responses", &id)?,
        referral_to: row.10,
        minutes: row.11,
        staff: named(conn, &row.12)?,
        status: row.13,
        outcome: row.14.map(|o| named(conn, &o)).transpose()?,
        version: row.15,
        updated_label: parse_stamp(&row.16)
            .map(wareki::format_datetime)
            .unwrap_or_default(),
        entries: entries(conn, &id)?,
        other_cases,
        id,
    })
}
