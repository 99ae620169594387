//! The session form: checking what it sends and saving it.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use rusqlite::{named_params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};

use super::sessions::{session, Session};
use super::{
    check_kind_filter, clock, id_to_save, in_transaction, iso, known_id, stamp, upsert_sql,
    validate, value, SessionKind, Status,
};
use crate::{text, Error, Result};

/// What the session form sends; numbers and dates as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SessionInput {
    pub id: Option<String>,
    pub kind: String,
    pub theme_id: String,
    /// Empty: the theme's title.
    pub title: String,
    pub session_date: String,
    pub start_time: String,
    pub end_time: String,
    pub venue_id: String,
    pub requesting_group: String,
    /// One lecturer per line.
    pub lecturers: String,
    pub capacity: String,
    pub applicants: String,
    pub attendees: String,
    /// Empty: the venue's 市.
    pub city_id: String,
    pub status: String,
    pub notes: String,
}

/// A saved session and what the person should look at again.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Saved {
    pub session: Session,
    pub warnings: Vec<String>,
}

struct CleanSession {
    kind: SessionKind,
    theme_id: Option<String>,
    title: String,
    date: NaiveDate,
    start: NaiveTime,
    end: NaiveTime,
    venue_id: Option<String>,
    requesting_group: String,
    lecturers: String,
    capacity: Option<i64>,
    applicants: Option<i64>,
    attendees: Option<i64>,
    city_id: Option<String>,
    status: Status,
    notes: String,
}

fn validate_session(
    conn: &Connection,
    input: &SessionInput,
    today: NaiveDate,
) -> Result<CleanSession> {
    let kind = check_kind_filter(&input.kind)?
        .ok_or_else(|| Error::invalid("kind", "種別を選んでください。"))?;
    let theme_id = known_id(
        conn,
        "lecture_themes",
        "theme_id",
        "テーマ",
        &input.theme_id,
    )?;
    let mut title = text::single_line("title", "題名", &input.title, 100, false)?;
    if title.is_empty() {
        let Some(theme) = &theme_id else {
            return Err(Error::invalid(
                "title",
                "テーマを選ぶか、題名を入力してください。",
            ));
        };
        let sql = "SELECT title FROM lecture_themes WHERE id = ?1";
        title = value(conn, sql, theme, "講座テーマ")?;
    }
    let date = validate::date("session_date", "開催日", &input.session_date)?;
    let start = text::time_of_day("start_time", "開始時刻", &input.start_time)?;
    let end = text::time_of_day("end_time", "終了時刻", &input.end_time)?;
    validate::check_times(start, end)?;
    let venue_id = known_id(conn, "lecture_venues", "venue_id", "会場", &input.venue_id)?;
    let requesting_group = text::single_line(
        "requesting_group",
        "依頼団体",
        &input.requesting_group,
        80,
        false,
    )?;
    let lecturers = text::multi_line("lecturers", "講師", &input.lecturers, 400)?
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    let capacity = text::count("capacity", "定員", &input.capacity, validate::COUNT)?;
    let applicants = text::count("applicants", "申込数", &input.applicants, validate::COUNT)?;
    let attendees = text::count("attendees", "参加者数", &input.attendees, validate::COUNT)?;
    let mut city_id = known_id(conn, "cities", "city_id", "市", &input.city_id)?;
    if let (None, Some(venue)) = (&city_id, &venue_id) {
        let sql = "SELECT city_id FROM lecture_venues WHERE id = ?1";
        city_id = value(conn, sql, venue, "会場")?;
    }
    let status = Status::parse(input.status.trim())
        .ok_or_else(|| Error::invalid("status", "状態を選んでください。"))?;
    if status == Status::Held && date > today {
        return Err(Error::invalid(
            "status",
            format!("開催日がまだ来ていない開催は「{status}」にできません。"),
        ));
    }
    if status != Status::Held && attendees.is_some() && date > today {
        return Err(Error::invalid(
            "attendees",
            "参加者数は開催の後に入力してください。",
        ));
    }
    let notes = text::multi_line("notes", "備考", &input.notes, 2000)?;
    Ok(CleanSession {
        kind,
        theme_id,
        title,
        date,
        start,
        end,
        venue_id,
        requesting_group,
        lecturers,
        capacity,
        applicants,
        attendees,
        city_id,
        status,
        notes,
    })
}

/// Creates or updates a session. More attendees than the 定員 is saved with
/// a warning; fewer attendees than forms already returned is refused.
pub fn save_session(
    conn: &mut Connection,
    input: &SessionInput,
    now: NaiveDateTime,
) -> Result<Saved> {
    let id = in_transaction(conn, |tx| save_session_in(tx, input, now))?;
    let session = session(conn, &id)?;
    Ok(Saved {
        warnings: session.warnings.clone(),
        session,
    })
}

pub(crate) fn save_session_in(
    tx: &Transaction,
    input: &SessionInput,
    now: NaiveDateTime,
) -> Result<String> {
    let id = id_to_save(tx, "lecture_sessions", input.id.as_deref(), "講座の開催")?;
    let c = validate_session(tx, input, now.date())?;
    let returned: Option<i64> = tx
        .query_row(
            "SELECT forms_returned FROM lecture_sessions WHERE id = ?1",
            [&id],
            |r| r.get(0),
        )
        .optional()?
        .flatten();
    if let Some(n) = returned.filter(|n| *n > 0) {
        if c.attendees.unwrap_or(0) < n || c.status != Status::Held {
            return Err(Error::invalid(
                "attendees",
                format!(
                    "アンケートが{n}枚回収済みです。参加者数を{n}人以上にし、状態は「{}」のままにしてください。",
                    Status::Held
                ),
            ));
        }
    }
    tx.execute(
        &upsert_sql(
            "lecture_sessions",
            "kind, theme_id, title, session_date, start_time, end_time, venue_id,
             requesting_group, lecturers, capacity, applicants, attendees, city_id, status, notes",
        ),
        named_params! {
            ":id": id,
            ":kind": c.kind,
            ":theme_id": c.theme_id,
            ":title": c.title,
            ":session_date": iso(c.date),
            ":start_time": clock(c.start),
            ":end_time": clock(c.end),
            ":venue_id": c.venue_id,
            ":requesting_group": c.requesting_group,
            ":lecturers": c.lecturers,
            ":capacity": c.capacity,
            ":applicants": c.applicants,
            ":attendees": c.attendees,
            ":city_id": c.city_id,
            ":status": c.status,
            ":notes": c.notes,
            ":at": stamp(now),
        },
    )?;
    Ok(id)
}
