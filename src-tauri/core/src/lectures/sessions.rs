//! Reading sessions: the 予定 and 実施済 lists and one session with
//! everything about it.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use rusqlite::{params, Connection, Row};
use serde::{Deserialize, Serialize};

use super::kinds::check_kind_filter;
use super::tallies::{tallies_of, QuestionTally};
use super::themes::{theme, Theme};
use super::venues::{venue, Venue};
use super::{iso, one, optional_id, select, validate, Questionnaire, SessionKind, Status};
use crate::period::{Period, PeriodKind};
use crate::store::parse_iso;
use crate::{text, wareki, Result};

/// What a line of the lists and the full session both say about a session.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SessionBasics {
    pub id: String,
    pub kind: SessionKind,
    pub title: String,
    pub session_date: String,
    /// 令和7年6月14日（土）
    pub date_label: String,
    pub start_time: String,
    pub end_time: String,
    pub requesting_group: String,
    pub capacity: Option<i64>,
    pub applicants: Option<i64>,
    pub attendees: Option<i64>,
    pub city_name: String,
    pub status: Status,
    /// The questionnaire tally may be entered (the session is 実施済).
    pub tally_allowed: bool,
    pub forms_returned: Option<i64>,
    /// 回収率, once the tally was entered.
    pub response_rate: Option<f64>,
}

/// One line of the 予定 / 実施済 lists.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SessionRow {
    #[serde(flatten)]
    pub basics: SessionBasics,
    pub theme_id: Option<String>,
    pub theme_number: Option<i64>,
    /// 令和7年6月: the heading of the calendar-like list.
    pub month_label: String,
    pub day: u32,
    pub weekday: &'static str,
    pub venue_name: String,
    pub over_capacity: bool,
    /// The list offers 集計入力: the day has come and the session is not
    /// cancelled. Until it is marked 実施済 ([`SessionBasics::tally_allowed`])
    /// the tally form only says to do that first.
    pub tally_offered: bool,
}

/// Everything about one session, for its screen, a flyer or a report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Session {
    pub theme: Option<Theme>,
    pub venue: Option<Venue>,
    pub lecturers: Vec<String>,
    pub city_id: Option<String>,
    pub notes: String,
    /// The questionnaire version the tallies are (or will be) counted on.
    pub questionnaire_id: Option<String>,
    pub questionnaire_version: Option<i64>,
    pub tallies: Vec<QuestionTally>,
    pub comments: Vec<String>,
    /// 意志表示帳 handed out at this session (non-voided ledger issues).
    pub booklets_handed_out: i64,
    /// The ledger channel a hand-out here is recorded under (by its current
    /// name; empty when no channel is in use).
    pub handout_channel: String,
    pub warnings: Vec<String>,
    pub updated_at: String,
    #[serde(flatten)]
    pub basics: SessionBasics,
}

/// The columns [`basics`] reads, first in every query here: `s` is the
/// session and `c` its city.
const BASICS: &str = "s.id, s.kind, s.title, s.session_date, s.start_time, s.end_time,
    s.requesting_group, s.capacity, s.applicants, s.attendees, coalesce(c.name, ''), s.status,
    s.forms_returned";
/// The index of the first column after [`BASICS`].
const AFTER_BASICS: usize = 13;

/// A stored day that does not read is [`Error::Corrupt`], reported after the
/// row is read (a row mapper can only fail with a SQLite error).
type Mapped<T> = rusqlite::Result<Result<T>>;

/// The value of a [`Mapped`] inside a row mapper, or its error out of it.
macro_rules! stored {
    ($mapped:expr) => {
        match $mapped? {
            Ok(value) => value,
            Err(e) => return Ok(Err(e)),
        }
    };
}

/// [`SessionBasics`] from the first columns of `r`, and the day they name.
fn basics(r: &Row) -> Mapped<(SessionBasics, NaiveDate)> {
    let mut basics = from_row!(r => SessionBasics { id, kind, title, session_date, start_time,
        end_time, requesting_group, capacity, applicants, attendees, city_name, status,
        forms_returned; date_label: String::new(), tally_allowed: false, response_rate: None });
    let date = match parse_iso(&basics.session_date) {
        Ok(date) => date,
        Err(e) => return Ok(Err(e)),
    };
    basics.date_label = wareki::format_date_with_weekday(date);
    basics.tally_allowed = basics.status.takes_tally();
    basics.response_rate = basics
        .forms_returned
        .and_then(|n| validate::response_rate(n, basics.attendees.unwrap_or(0)));
    Ok(Ok((basics, date)))
}

fn row_from(r: &Row, today: NaiveDate) -> Mapped<SessionRow> {
    let (basics, date) = stored!(basics(r));
    let next = AFTER_BASICS;
    Ok(Ok(SessionRow {
        theme_id: r.get(next)?,
        theme_number: r.get(next + 1)?,
        venue_name: r.get(next + 2)?,
        month_label: format!("{}{}月", wareki::era_year(date), date.month()),
        day: date.day(),
        weekday: wareki::weekday_kanji(date.weekday()),
        over_capacity: matches!((basics.capacity, basics.attendees), (Some(c), Some(a)) if a > c),
        tally_offered: date <= today && basics.status != Status::Cancelled,
        basics,
    }))
}

/// The list rows `condition` (with its ORDER BY) selects, seen on `today`.
fn list(
    conn: &Connection,
    today: NaiveDate,
    condition: &str,
    args: impl rusqlite::Params,
) -> Result<Vec<SessionRow>> {
    let sql = format!(
        "SELECT {BASICS}, s.theme_id, t.number, coalesce(v.name, '')
           FROM lecture_sessions s
           LEFT JOIN lecture_themes t ON t.id = s.theme_id
           LEFT JOIN lecture_venues v ON v.id = s.venue_id
           LEFT JOIN cities c ON c.id = s.city_id
         {condition}"
    );
    select(conn, &sql, args, |r| row_from(r, today))?
        .into_iter()
        .collect()
}

/// Sessions from `today` on that are not held yet (cancelled ones included,
/// marked as such): the 予定 list, soonest first.
pub fn upcoming(conn: &Connection, today: NaiveDate) -> Result<Vec<SessionRow>> {
    list(
        conn,
        today,
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
    list(
        conn,
        today,
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

/// One session with its theme, organisation, venue address, tallies and
/// comments: everything a flyer or the tally form needs in one call.
pub fn session(conn: &Connection, id: &str) -> Result<Session> {
    session_cached(conn, id, &mut HashMap::new())
}

/// The theme, venue and questionnaire ids a stored session points to.
type Links = (Option<String>, Option<String>, Option<String>);

/// [`session`] reusing questionnaire versions already read (the export
/// reads hundreds of sessions on the same one or two versions).
pub(crate) fn session_cached(
    conn: &Connection,
    id: &str,
    versions: &mut HashMap<String, Questionnaire>,
) -> Result<Session> {
    let id = text::uuid("id", id)?;
    let sql = format!(
        "SELECT {BASICS}, s.lecturers, s.city_id, s.notes, s.updated_at,
                s.theme_id, s.venue_id, s.questionnaire_id
           FROM lecture_sessions s LEFT JOIN cities c ON c.id = s.city_id
          WHERE s.id = ?1"
    );
    let what = "講座の開催";
    let (mut session, (theme_id, venue_id, questionnaire_id)) =
        one(conn, &sql, &id, what, |r| -> Mapped<(Session, Links)> {
            let (basics, _) = stored!(basics(r));
            let next = AFTER_BASICS;
            let lecturers: String = r.get(next)?;
            let session = Session {
                warnings: validate::capacity_warnings(
                    basics.capacity,
                    basics.applicants,
                    basics.attendees,
                ),
                basics,
                lecturers: lecturers.lines().map(str::to_string).collect(),
                city_id: r.get(next + 1)?,
                notes: r.get(next + 2)?,
                updated_at: r.get(next + 3)?,
                theme: None,
                venue: None,
                questionnaire_id: None,
                questionnaire_version: None,
                tallies: Vec::new(),
                comments: Vec::new(),
                booklets_handed_out: 0,
                handout_channel: String::new(),
            };
            let links = (r.get(next + 4)?, r.get(next + 5)?, r.get(next + 6)?);
            Ok(Ok((session, links)))
        })??;
    session.theme = theme_id.map(|t| theme(conn, &t)).transpose()?;
    session.venue = venue_id.map(|v| venue(conn, &v)).transpose()?;
    let returned = session.basics.forms_returned.unwrap_or(0);
    let (questionnaire, tallies) =
        tallies_of(conn, &id, questionnaire_id.as_deref(), returned, versions)?;
    session.questionnaire_id = questionnaire.as_ref().map(|q| q.id.clone());
    session.questionnaire_version = questionnaire.as_ref().map(|q| q.version);
    session.tallies = tallies;
    session.comments = select(
        conn,
        "SELECT text FROM lecture_comments WHERE session_id = ?1 ORDER BY position",
        [&id],
        |r| r.get(0),
    )?;
    session.booklets_handed_out = conn.query_row(
        "SELECT coalesce(sum(quantity), 0) FROM booklet_entries
          WHERE lecture_session_id = ?1 AND kind = 'issue' AND voided_at IS NULL",
        [&id],
        |r| r.get(0),
    )?;
    session.handout_channel = super::handouts::handout_channel(conn, session.basics.kind)?
        .map(|c| c.name)
        .unwrap_or_default();
    Ok(session)
}
