//! Reading sessions: the 予定 and 実施済 lists and one session with
//! everything about it.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::kinds::check_kind_filter;
use super::tallies::{tallies_of, QuestionTally};
use super::themes::{themes_where, Theme};
use super::venues::{venues_where, Venue};
use super::{iso, optional_id, validate, Questionnaire, SessionKind, Status};
use crate::period::{Period, PeriodKind};
use crate::store::parse_iso;
use crate::{text, wareki, Error, Result};

/// One line of the 予定 / 実施済 lists.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SessionRow {
    pub id: String,
    pub kind: SessionKind,
    pub theme_id: Option<String>,
    pub theme_number: Option<i64>,
    pub title: String,
    pub session_date: String,
    /// 令和7年6月14日（土）
    pub date_label: String,
    /// 令和7年6月: the heading of the calendar-like list.
    pub month_label: String,
    pub day: u32,
    pub weekday: &'static str,
    pub start_time: String,
    pub end_time: String,
    pub venue_name: String,
    pub city_name: String,
    pub requesting_group: String,
    pub capacity: Option<i64>,
    pub applicants: Option<i64>,
    pub attendees: Option<i64>,
    pub status: Status,
    pub forms_returned: Option<i64>,
    pub response_rate: Option<f64>,
    pub over_capacity: bool,
}

/// Everything about one session, for its screen, a flyer or a report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Session {
    pub id: String,
    pub kind: SessionKind,
    pub theme: Option<Theme>,
    pub title: String,
    pub session_date: String,
    pub date_label: String,
    pub start_time: String,
    pub end_time: String,
    pub venue: Option<Venue>,
    pub requesting_group: String,
    pub lecturers: Vec<String>,
    pub capacity: Option<i64>,
    pub applicants: Option<i64>,
    pub attendees: Option<i64>,
    pub city_id: Option<String>,
    pub city_name: String,
    pub status: Status,
    pub notes: String,
    /// The questionnaire version the tallies are (or will be) counted on.
    pub questionnaire_id: Option<String>,
    pub questionnaire_version: Option<i64>,
    pub forms_returned: Option<i64>,
    pub response_rate: Option<f64>,
    pub tallies: Vec<QuestionTally>,
    pub comments: Vec<String>,
    /// 意志表示帳 handed out at this session (non-voided ledger issues).
    pub booklets_handed_out: i64,
    pub warnings: Vec<String>,
    pub updated_at: String,
}

const ROW_SELECT: &str = "
    SELECT s.id, s.kind, s.theme_id, t.number, s.title, s.session_date, s.start_time, s.end_time,
           coalesce(v.name, ''), coalesce(c.name, ''), s.requesting_group, s.capacity,
           s.applicants, s.attendees, s.status, s.forms_returned
      FROM lecture_sessions s
      LEFT JOIN lecture_themes t ON t.id = s.theme_id
      LEFT JOIN lecture_venues v ON v.id = s.venue_id
      LEFT JOIN cities c ON c.id = s.city_id";

/// A stored day that does not read is [`crate::Error::Corrupt`], reported
/// after the row is read (a row mapper can only fail with a SQLite error).
type Mapped<T> = rusqlite::Result<Result<T>>;

fn row_from(r: &rusqlite::Row) -> Mapped<SessionRow> {
    let session_date: String = r.get(5)?;
    let date = match parse_iso(&session_date) {
        Ok(date) => date,
        Err(e) => return Ok(Err(e)),
    };
    let capacity: Option<i64> = r.get(11)?;
    let attendees: Option<i64> = r.get(13)?;
    let forms_returned: Option<i64> = r.get(15)?;
    Ok(Ok(SessionRow {
        id: r.get(0)?,
        kind: r.get(1)?,
        theme_id: r.get(2)?,
        theme_number: r.get(3)?,
        title: r.get(4)?,
        date_label: wareki::format_date_with_weekday(date),
        month_label: format!("{}{}月", wareki::era_year(date), date.month()),
        day: date.day(),
        weekday: wareki::weekday_kanji(date.weekday()),
        session_date,
        start_time: r.get(6)?,
        end_time: r.get(7)?,
        venue_name: r.get(8)?,
        city_name: r.get(9)?,
        requesting_group: r.get(10)?,
        capacity,
        applicants: r.get(12)?,
        attendees,
        status: r.get(14)?,
        response_rate: rate(forms_returned, attendees),
        forms_returned,
        over_capacity: matches!((capacity, attendees), (Some(c), Some(a)) if a > c),
    }))
}

/// 回収率 of a session whose tally was entered.
fn rate(forms_returned: Option<i64>, attendees: Option<i64>) -> Option<f64> {
    forms_returned.and_then(|n| validate::response_rate(n, attendees.unwrap_or(0)))
}

/// The list rows `condition` (with its ORDER BY) selects.
fn rows(
    conn: &Connection,
    condition: &str,
    args: impl rusqlite::Params,
) -> Result<Vec<SessionRow>> {
    conn.prepare(&format!("{ROW_SELECT} {condition}"))?
        .query_map(args, row_from)?
        .map(|row| row?)
        .collect()
}

/// Sessions from `today` on that are not held yet (cancelled ones included,
/// marked as such): the 予定 list, soonest first.
pub fn upcoming(conn: &Connection, today: NaiveDate) -> Result<Vec<SessionRow>> {
    rows(
        conn,
        "WHERE s.session_date >= ?1 AND s.status <> ?2 ORDER BY s.session_date, s.start_time",
        params![iso(today), Status::Held],
    )
}

/// Filters of the 実施済 list. Empty strings mean "all".
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PastFilter {
    pub period: Period,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub theme_id: String,
    #[serde(default)]
    pub city_id: String,
}

impl PastFilter {
    pub fn fiscal(year: i32) -> PastFilter {
        PastFilter {
            period: Period {
                kind: PeriodKind::Fiscal,
                year,
            },
            kind: String::new(),
            theme_id: String::new(),
            city_id: String::new(),
        }
    }
}

/// Past sessions in the filter's period, newest first: every session before
/// `today` (a 予定 one still waiting to be marked 実施済 or 中止) and those
/// already marked 実施済 today.
pub fn past(conn: &Connection, filter: &PastFilter, today: NaiveDate) -> Result<Vec<SessionRow>> {
    let (from, to) = filter.period.check()?.range();
    let kind = check_kind_filter(&filter.kind)?;
    let theme = optional_id("theme_id", &filter.theme_id)?;
    let city = optional_id("city_id", &filter.city_id)?;
    rows(
        conn,
        "WHERE s.session_date BETWEEN ?1 AND ?2
           AND (s.session_date < ?6 OR s.status = ?7)
           AND (?3 IS NULL OR s.kind = ?3) AND (?4 IS NULL OR s.theme_id = ?4)
           AND (?5 IS NULL OR s.city_id = ?5)
         ORDER BY s.session_date DESC, s.start_time DESC",
        params![
            iso(from),
            iso(to),
            kind,
            theme,
            city,
            iso(today),
            Status::Held
        ],
    )
}

/// The theme, venue and questionnaire ids a stored session points to.
type Links = (Option<String>, Option<String>, Option<String>);

/// One session with its theme, organisation, venue address, tallies and
/// comments: everything a flyer or the tally form needs in one call.
pub fn session(conn: &Connection, id: &str) -> Result<Session> {
    session_cached(conn, id, &mut HashMap::new())
}

/// [`session`] reusing questionnaire versions already read (the export
/// reads hundreds of sessions on the same one or two versions).
pub(crate) fn session_cached(
    conn: &Connection,
    id: &str,
    versions: &mut HashMap<String, Questionnaire>,
) -> Result<Session> {
    let id = text::uuid("id", id)?;
    let (mut session, (theme_id, venue_id, questionnaire_id)) = conn
        .query_row(
            "SELECT s.kind, s.theme_id, s.title, s.session_date, s.start_time, s.end_time,
                    s.venue_id, s.requesting_group, s.lecturers, s.capacity, s.applicants,
                    s.attendees, s.city_id, coalesce(c.name, ''), s.status, s.notes,
                    s.questionnaire_id, s.forms_returned, s.updated_at
               FROM lecture_sessions s LEFT JOIN cities c ON c.id = s.city_id
              WHERE s.id = ?1",
            [&id],
            |r| -> Mapped<(Session, Links)> {
                let session_date: String = r.get(3)?;
                let date = match parse_iso(&session_date) {
                    Ok(date) => date,
                    Err(e) => return Ok(Err(e)),
                };
                let lecturers: String = r.get(8)?;
                let (capacity, applicants, attendees) = (r.get(9)?, r.get(10)?, r.get(11)?);
                let forms_returned = r.get(17)?;
                let session = Session {
                    id: id.clone(),
                    kind: r.get(0)?,
                    theme: None,
                    title: r.get(2)?,
                    date_label: wareki::format_date_with_weekday(date),
                    session_date,
                    start_time: r.get(4)?,
                    end_time: r.get(5)?,
                    venue: None,
                    requesting_group: r.get(7)?,
                    lecturers: lecturers.lines().map(str::to_string).collect(),
                    capacity,
                    applicants,
                    warnings: validate::capacity_warnings(capacity, applicants, attendees),
                    attendees,
                    city_id: r.get(12)?,
                    city_name: r.get(13)?,
                    status: r.get(14)?,
                    notes: r.get(15)?,
                    questionnaire_id: None,
                    questionnaire_version: None,
                    response_rate: rate(forms_returned, attendees),
                    forms_returned,
                    tallies: Vec::new(),
                    comments: Vec::new(),
                    booklets_handed_out: 0,
                    updated_at: r.get(18)?,
                };
                Ok(Ok((session, (r.get(1)?, r.get(6)?, r.get(16)?))))
            },
        )
        .optional()?
        .ok_or(Error::NotFound {
            what: "講座の開催"
        })??;
    if let Some(t) = theme_id {
        session.theme = themes_where(conn, Some(&t))?.pop();
    }
    if let Some(v) = venue_id {
        session.venue = venues_where(conn, Some(&v))?.pop();
    }
    let (questionnaire, tallies) = tallies_of(
        conn,
        &id,
        questionnaire_id.as_deref(),
        session.forms_returned.unwrap_or(0),
        versions,
    )?;
    session.questionnaire_id = questionnaire.as_ref().map(|q| q.id.clone());
    session.questionnaire_version = questionnaire.as_ref().map(|q| q.version);
    session.tallies = tallies;
    session.comments = conn
        .prepare("SELECT text FROM lecture_comments WHERE session_id = ?1 ORDER BY position")?
        .query_map([&id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    session.booklets_handed_out = conn.query_row(
        "SELECT coalesce(sum(quantity), 0) FROM booklet_entries
          WHERE lecture_session_id = ?1 AND kind = 'issue' AND voided_at IS NULL",
        [&id],
        |r| r.get(0),
    )?;
    Ok(session)
}
