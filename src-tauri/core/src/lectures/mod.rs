//! 出前講座・市民公開講座: the lecture catalogue (themes, each given by a
//! providing organisation), venues, sessions with registration and
//! attendance, the per-session questionnaire tallies entered from the paper
//! forms, and the awareness indicator built from them.
//!
//! ```no_run
//! # let conn = zaitaku_core::store::open(std::path::Path::new("office.db"))?;
//! let day = chrono::NaiveDate::from_ymd_opt(2025, 4, 1).unwrap();
//! let figures = zaitaku_core::lectures::figures(&conn, day, day + chrono::Days::new(364))?;
//! println!("{} 回、延べ {} 人", figures.sessions_held, figures.participants);
//! # Ok::<(), zaitaku_core::Error>(())
//! ```

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};

pub mod export;
pub mod indicator;
pub mod questionnaire;
pub mod validate;

pub use export::export_csv;
pub use indicator::{figures, indicator, Indicator, IndicatorQuery, LectureFigures};
pub use questionnaire::{Questionnaire, QuestionnaireInput};

use crate::booklets::{self, EntryInput, Kind as EntryKind};
use crate::period::{Period, PeriodKind};
use crate::{registries::organisations, text, wareki, Error, Result};

/// 開催の種別, stored as the label.
pub const KINDS: &[&str] = &[
    "出前講座",
    "市民公開講座",
    "研修会",
    "施設見学ツアー",
    "その他",
];
/// 予定 / 実施済 / 中止
pub const STATUSES: &[&str] = &["予定", "実施済", "中止"];

pub(crate) use crate::store::{iso, stamp};

pub(crate) use crate::store::{known_id, optional_id};

// ------------------------------------------------------------------ themes

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Theme {
    pub id: String,
    pub number: i64,
    pub title: String,
    pub organisation_id: Option<String>,
    pub organisation_name: String,
    pub summary: String,
    pub duration_minutes: Option<i64>,
    pub audience: String,
    pub retired: bool,
    /// Sessions held (実施済) with this theme.
    pub sessions_held: i64,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThemeInput {
    #[serde(default)]
    pub id: Option<String>,
    pub number: String,
    pub title: String,
    #[serde(default)]
    pub organisation_id: String,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub duration_minutes: String,
    #[serde(default)]
    pub audience: String,
    #[serde(default)]
    pub retired: bool,
}

pub fn themes(conn: &Connection) -> Result<Vec<Theme>> {
    themes_where(conn, None)
}

/// One theme, or all of them by number.
fn themes_where(conn: &Connection, id: Option<&str>) -> Result<Vec<Theme>> {
    let rows = conn
        .prepare(
            "SELECT t.id, t.number, t.title, t.organisation_id, coalesce(o.name, ''), t.summary,
                    t.duration_minutes, t.audience, t.retired,
                    (SELECT count(*) FROM lecture_sessions s
                      WHERE s.theme_id = t.id AND s.status = '実施済')
               FROM lecture_themes t LEFT JOIN organisations o ON o.id = t.organisation_id
              WHERE ?1 IS NULL OR t.id = ?1
              ORDER BY t.number",
        )?
        .query_map([id], |r| {
            Ok(Theme {
                id: r.get(0)?,
                number: r.get(1)?,
                title: r.get(2)?,
                organisation_id: r.get(3)?,
                organisation_name: r.get(4)?,
                summary: r.get(5)?,
                duration_minutes: r.get(6)?,
                audience: r.get(7)?,
                retired: r.get(8)?,
                sessions_held: r.get(9)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Creates or updates a catalogue theme; numbers are unique.
pub fn save_theme(conn: &Connection, input: &ThemeInput, now: NaiveDateTime) -> Result<Theme> {
    let id = match &input.id {
        Some(id) => Some(text::uuid("id", id)?),
        None => None,
    };
    let number = validate::count("number", "番号", &input.number)?
        .filter(|n| *n > 0)
        .ok_or_else(|| Error::invalid("number", "番号を1以上の数で入力してください。"))?;
    let title = text::single_line("title", "テーマ", &input.title, 80, true)?;
    let organisation_id = known_id(
        conn,
        "organisations",
        "organisation_id",
        "担当団体",
        &input.organisation_id,
    )?;
    let summary = text::multi_line("summary", "内容", &input.summary, 1000)?;
    let duration = validate::count("duration_minutes", "所要時間", &input.duration_minutes)?;
    if duration == Some(0) {
        return Err(Error::invalid(
            "duration_minutes",
            "所要時間は1分以上にしてください。",
        ));
    }
    let audience = text::single_line("audience", "対象", &input.audience, 80, false)?;
    let taken: Option<String> = conn
        .query_row(
            "SELECT title FROM lecture_themes WHERE number = ?1 AND id IS NOT ?2",
            params![number, id],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(other) = taken {
        return Err(Error::invalid(
            "number",
            format!("番号{number}は「{other}」で使われています。"),
        ));
    }
    let at = stamp(now);
    let id = match id {
        Some(id) => {
            let changed = conn.execute(
                "UPDATE lecture_themes SET number = ?2, title = ?3, organisation_id = ?4, summary = ?5,
                        duration_minutes = ?6, audience = ?7, retired = ?8, updated_at = ?9
                  WHERE id = ?1",
                params![id, number, title, organisation_id, summary, duration, audience, input.retired, at],
            )?;
            if changed == 0 {
                return Err(Error::NotFound {
                    what: "講座テーマ"
                });
            }
            id
        }
        None => {
            let id = text::new_id();
            conn.execute(
                "INSERT INTO lecture_themes (id, number, title, organisation_id, summary,
                        duration_minutes, audience, retired, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
                params![
                    id,
                    number,
                    title,
                    organisation_id,
                    summary,
                    duration,
                    audience,
                    input.retired,
                    at
                ],
            )?;
            id
        }
    };
    themes_where(conn, Some(&id))?.pop().ok_or(Error::NotFound {
        what: "講座テーマ"
    })
}

// ------------------------------------------------------------------ venues

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Venue {
    pub id: String,
    pub name: String,
    pub address: String,
    pub city_id: Option<String>,
    pub city_name: String,
    pub retired: bool,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VenueInput {
    #[serde(default)]
    pub id: Option<String>,
    pub name: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub city_id: String,
    #[serde(default)]
    pub retired: bool,
}

pub fn venues(conn: &Connection) -> Result<Vec<Venue>> {
    venues_where(conn, None)
}

fn venues_where(conn: &Connection, id: Option<&str>) -> Result<Vec<Venue>> {
    let rows = conn
        .prepare(
            "SELECT v.id, v.name, v.address, v.city_id, coalesce(c.name, ''), v.retired
               FROM lecture_venues v LEFT JOIN cities c ON c.id = v.city_id
              WHERE ?1 IS NULL OR v.id = ?1
              ORDER BY v.retired, c.sort_order, v.name",
        )?
        .query_map([id], |r| {
            Ok(Venue {
                id: r.get(0)?,
                name: r.get(1)?,
                address: r.get(2)?,
                city_id: r.get(3)?,
                city_name: r.get(4)?,
                retired: r.get(5)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

pub fn save_venue(conn: &Connection, input: &VenueInput, now: NaiveDateTime) -> Result<Venue> {
    let id = match &input.id {
        Some(id) => Some(text::uuid("id", id)?),
        None => None,
    };
    let name = text::single_line("name", "会場名", &input.name, 60, true)?;
    let address = text::single_line("address", "住所", &input.address, 120, false)?;
    let city_id = known_id(conn, "cities", "city_id", "市", &input.city_id)?;
    let taken: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM lecture_venues WHERE name = ?1 AND id IS NOT ?2)",
        params![name, id],
        |r| r.get(0),
    )?;
    if taken {
        return Err(Error::invalid(
            "name",
            format!("会場「{name}」はすでに登録されています。"),
        ));
    }
    let at = stamp(now);
    let id = match id {
        Some(id) => {
            let changed = conn.execute(
                "UPDATE lecture_venues SET name = ?2, address = ?3, city_id = ?4, retired = ?5,
                        updated_at = ?6 WHERE id = ?1",
                params![id, name, address, city_id, input.retired, at],
            )?;
            if changed == 0 {
                return Err(Error::NotFound { what: "会場" });
            }
            id
        }
        None => {
            let id = text::new_id();
            conn.execute(
                "INSERT INTO lecture_venues (id, name, address, city_id, retired, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
                params![id, name, address, city_id, input.retired, at],
            )?;
            id
        }
    };
    venues_where(conn, Some(&id))?
        .pop()
        .ok_or(Error::NotFound { what: "会場" })
}

// ---------------------------------------------------------------- sessions

/// What the session form sends; numbers and dates as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionInput {
    #[serde(default)]
    pub id: Option<String>,
    pub kind: String,
    #[serde(default)]
    pub theme_id: String,
    /// Empty: the theme's title.
    #[serde(default)]
    pub title: String,
    pub session_date: String,
    pub start_time: String,
    pub end_time: String,
    #[serde(default)]
    pub venue_id: String,
    #[serde(default)]
    pub requesting_group: String,
    /// One lecturer per line.
    #[serde(default)]
    pub lecturers: String,
    #[serde(default)]
    pub capacity: String,
    #[serde(default)]
    pub applicants: String,
    #[serde(default)]
    pub attendees: String,
    /// Empty: the venue's 市.
    #[serde(default)]
    pub city_id: String,
    pub status: String,
    #[serde(default)]
    pub notes: String,
}

/// One line of the 予定 / 実施済 lists.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SessionRow {
    pub id: String,
    pub kind: String,
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
    pub status: String,
    pub forms_returned: Option<i64>,
    pub response_rate: Option<f64>,
    pub over_capacity: bool,
}

/// A tally of one answer choice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChoiceCount {
    pub choice_id: String,
    pub label: String,
    pub count: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuestionTally {
    pub question_id: String,
    pub text: String,
    pub awareness: bool,
    pub choices: Vec<ChoiceCount>,
    /// Forms that left this question blank.
    pub blank: i64,
}

/// Everything about one session, for its screen, a flyer or a report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Session {
    pub id: String,
    pub kind: String,
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
    pub status: String,
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

fn row_from(r: &rusqlite::Row) -> rusqlite::Result<SessionRow> {
    let session_date: String = r.get(5)?;
    let date = NaiveDate::parse_from_str(&session_date, "%Y-%m-%d").unwrap_or(NaiveDate::MIN);
    let capacity: Option<i64> = r.get(11)?;
    let attendees: Option<i64> = r.get(13)?;
    let forms_returned: Option<i64> = r.get(15)?;
    Ok(SessionRow {
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
        response_rate: forms_returned
            .and_then(|n| validate::response_rate(n, attendees.unwrap_or(0))),
        forms_returned,
        over_capacity: matches!((capacity, attendees), (Some(c), Some(a)) if a > c),
    })
}

/// Sessions from `today` on that are not held yet (cancelled ones included,
/// marked as such): the 予定 list, soonest first.
pub fn upcoming(conn: &Connection, today: NaiveDate) -> Result<Vec<SessionRow>> {
    let rows = conn
        .prepare(&format!(
            "{ROW_SELECT} WHERE s.session_date >= ?1 AND s.status <> '実施済'
              ORDER BY s.session_date, s.start_time"
        ))?
        .query_map([iso(today)], row_from)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
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
    let rows = conn
        .prepare(&format!(
            "{ROW_SELECT} WHERE s.session_date BETWEEN ?1 AND ?2
               AND (s.session_date < ?6 OR s.status = '実施済')
               AND (?3 IS NULL OR s.kind = ?3) AND (?4 IS NULL OR s.theme_id = ?4)
               AND (?5 IS NULL OR s.city_id = ?5)
             ORDER BY s.session_date DESC, s.start_time DESC"
        ))?
        .query_map(
            params![iso(from), iso(to), kind, theme, city, iso(today)],
            row_from,
        )?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

pub(crate) fn check_kind_filter(kind: &str) -> Result<Option<String>> {
    match kind.trim() {
        "" => Ok(None),
        k if KINDS.contains(&k) => Ok(Some(k.to_string())),
        _ => Err(Error::invalid("kind", "種別を一覧から選んでください。")),
    }
}

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
    let base = conn
        .query_row(
            "SELECT s.kind, s.theme_id, s.title, s.session_date, s.start_time, s.end_time,
                    s.venue_id, s.requesting_group, s.lecturers, s.capacity, s.applicants,
                    s.attendees, s.city_id, coalesce(c.name, ''), s.status, s.notes,
                    s.questionnaire_id, s.forms_returned, s.updated_at
               FROM lecture_sessions s LEFT JOIN cities c ON c.id = s.city_id
              WHERE s.id = ?1",
            [&id],
            |r| {
                Ok((
                    (
                        r.get::<_, String>(0)?,
                        r.get::<_, Option<String>>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, String>(4)?,
                        r.get::<_, String>(5)?,
                    ),
                    (
                        r.get::<_, Option<String>>(6)?,
                        r.get::<_, String>(7)?,
                        r.get::<_, String>(8)?,
                        r.get::<_, Option<i64>>(9)?,
                        r.get::<_, Option<i64>>(10)?,
                        r.get::<_, Option<i64>>(11)?,
                    ),
                    (
                        r.get::<_, Option<String>>(12)?,
                        r.get::<_, String>(13)?,
                        r.get::<_, String>(14)?,
                        r.get::<_, String>(15)?,
                        r.get::<_, Option<String>>(16)?,
                        r.get::<_, Option<i64>>(17)?,
                        r.get::<_, String>(18)?,
                    ),
                ))
            },
        )
        .optional()?
        .ok_or(Error::NotFound {
            what: "講座の開催"
        })?;
    let (
        (kind, theme_id, title, session_date, start_time, end_time),
        (venue_id, requesting_group, lecturers, capacity, applicants, attendees),
        (city_id, city_name, status, notes, questionnaire_id, forms_returned, updated_at),
    ) = base;
    let theme = match theme_id {
        Some(t) => themes_where(conn, Some(&t))?.pop(),
        None => None,
    };
    let venue = match venue_id {
        Some(v) => venues_where(conn, Some(&v))?.pop(),
        None => None,
    };
    let date = NaiveDate::parse_from_str(&session_date, "%Y-%m-%d").unwrap_or(NaiveDate::MIN);
    let (questionnaire, tallies) = tallies_of(
        conn,
        &id,
        questionnaire_id.as_deref(),
        forms_returned.unwrap_or(0),
        versions,
    )?;
    let comments = conn
        .prepare("SELECT text FROM lecture_comments WHERE session_id = ?1 ORDER BY position")?
        .query_map([&id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let booklets_handed_out = conn.query_row(
        "SELECT coalesce(sum(quantity), 0) FROM booklet_entries
          WHERE lecture_session_id = ?1 AND kind = 'issue' AND voided_at IS NULL",
        [&id],
        |r| r.get(0),
    )?;
    Ok(Session {
        id,
        kind,
        theme,
        title,
        date_label: wareki::format_date_with_weekday(date),
        session_date,
        start_time,
        end_time,
        venue,
        requesting_group,
        lecturers: lecturers.lines().map(str::to_string).collect(),
        capacity,
        applicants,
        warnings: validate::capacity_warnings(capacity, applicants, attendees),
        attendees,
        city_id,
        city_name,
        status,
        notes,
        questionnaire_id: questionnaire.as_ref().map(|q| q.id.clone()),
        questionnaire_version: questionnaire.as_ref().map(|q| q.version),
        response_rate: forms_returned
            .and_then(|n| validate::response_rate(n, attendees.unwrap_or(0))),
        forms_returned,
        tallies,
        comments,
        booklets_handed_out,
        updated_at,
    })
}

/// The questions of the session's version (the current one when nothing was
/// entered yet) with the counts entered so far.
fn tallies_of(
    conn: &Connection,
    session_id: &str,
    questionnaire_id: Option<&str>,
    returned: i64,
    versions: &mut HashMap<String, Questionnaire>,
) -> Result<(Option<Questionnaire>, Vec<QuestionTally>)> {
    let q = match questionnaire_id {
        Some(id) => match versions.get(id) {
            Some(q) => Some(q.clone()),
            None => {
                let q = questionnaire::get(conn, id)?;
                versions.insert(id.to_string(), q.clone());
                Some(q)
            }
        },
        None => questionnaire::current(conn)?,
    };
    let Some(q) = q else {
        return Ok((None, Vec::new()));
    };
    let counts: HashMap<String, i64> = conn
        .prepare("SELECT choice_id, count FROM lecture_tallies WHERE session_id = ?1")?
        .query_map([session_id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let tallies = q
        .questions
        .iter()
        .map(|question| {
            let choices: Vec<ChoiceCount> = question
                .choices
                .iter()
                .map(|c| ChoiceCount {
                    choice_id: c.id.clone(),
                    label: c.label.clone(),
                    count: counts.get(&c.id).copied().unwrap_or(0),
                })
                .collect();
            let answered: i64 = choices.iter().map(|c| c.count).sum();
            QuestionTally {
                question_id: question.id.clone(),
                text: question.text.clone(),
                awareness: question.awareness,
                blank: (returned - answered).max(0),
                choices,
            }
        })
        .collect();
    Ok((Some(q), tallies))
}

/// A saved session and what the person should look at again.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Saved {
    pub session: Session,
    pub warnings: Vec<String>,
}

struct CleanSession {
    kind: String,
    theme_id: Option<String>,
    title: String,
    date: NaiveDate,
    start: String,
    end: String,
    venue_id: Option<String>,
    requesting_group: String,
    lecturers: String,
    capacity: Option<i64>,
    applicants: Option<i64>,
    attendees: Option<i64>,
    city_id: Option<String>,
    status: String,
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
        if let Some(theme) = &theme_id {
            title = conn.query_row(
                "SELECT title FROM lecture_themes WHERE id = ?1",
                [theme],
                |r| r.get(0),
            )?;
        } else {
            return Err(Error::invalid(
                "title",
                "テーマを選ぶか、題名を入力してください。",
            ));
        }
    }
    let date = validate::date("session_date", "開催日", &input.session_date)?;
    let start = validate::time_of_day("start_time", "開始時刻", &input.start_time)?;
    let end = validate::time_of_day("end_time", "終了時刻", &input.end_time)?;
    validate::check_times(&start, &end)?;
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
    let capacity = validate::count("capacity", "定員", &input.capacity)?;
    let applicants = validate::count("applicants", "申込数", &input.applicants)?;
    let attendees = validate::count("attendees", "参加者数", &input.attendees)?;
    let mut city_id = known_id(conn, "cities", "city_id", "市", &input.city_id)?;
    if city_id.is_none() {
        if let Some(venue) = &venue_id {
            city_id = conn.query_row(
                "SELECT city_id FROM lecture_venues WHERE id = ?1",
                [venue],
                |r| r.get(0),
            )?;
        }
    }
    let status = input.status.trim();
    if !STATUSES.contains(&status) {
        return Err(Error::invalid("status", "状態を選んでください。"));
    }
    if status == "実施済" && date > today {
        return Err(Error::invalid(
            "status",
            "開催日がまだ来ていない開催は「実施済」にできません。",
        ));
    }
    if status != "実施済" && attendees.is_some() && date > today {
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
        status: status.to_string(),
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
    let tx = conn.transaction()?;
    let id = save_session_in(&tx, input, now)?;
    tx.commit()?;
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
    let c = validate_session(tx, input, now.date())?;
    let at = stamp(now);
    match &input.id {
        Some(id) => {
            let id = text::uuid("id", id)?;
            let returned: Option<Option<i64>> = tx
                .query_row(
                    "SELECT forms_returned FROM lecture_sessions WHERE id = ?1",
                    [&id],
                    |r| r.get(0),
                )
                .optional()?;
            let returned = returned.ok_or(Error::NotFound {
                what: "講座の開催"
            })?;
            if let Some(n) = returned.filter(|n| *n > 0) {
                if c.attendees.unwrap_or(0) < n || c.status != "実施済" {
                    return Err(Error::invalid(
                        "attendees",
                        format!(
                            "アンケートが{n}枚回収済みです。参加者数を{n}人以上にし、状態は「実施済」のままにしてください。"
                        ),
                    ));
                }
            }
            tx.execute(
                "UPDATE lecture_sessions SET kind = ?2, theme_id = ?3, title = ?4, session_date = ?5,
                        start_time = ?6, end_time = ?7, venue_id = ?8, requesting_group = ?9,
                        lecturers = ?10, capacity = ?11, applicants = ?12, attendees = ?13,
                        city_id = ?14, status = ?15, notes = ?16, updated_at = ?17
                  WHERE id = ?1",
                params![
                    id, c.kind, c.theme_id, c.title, iso(c.date), c.start, c.end, c.venue_id,
                    c.requesting_group, c.lecturers, c.capacity, c.applicants, c.attendees,
                    c.city_id, c.status, c.notes, at
                ],
            )?;
            Ok(id)
        }
        None => {
            let id = text::new_id();
            tx.execute(
                "INSERT INTO lecture_sessions (id, kind, theme_id, title, session_date, start_time,
                        end_time, venue_id, requesting_group, lecturers, capacity, applicants,
                        attendees, city_id, status, notes, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?17)",
                params![
                    id, c.kind, c.theme_id, c.title, iso(c.date), c.start, c.end, c.venue_id,
                    c.requesting_group, c.lecturers, c.capacity, c.applicants, c.attendees,
                    c.city_id, c.status, c.notes, at
                ],
            )?;
            Ok(id)
        }
    }
}

// ------------------------------------------------------------------ tallies

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CountInput {
    pub choice_id: String,
    pub count: String,
}

/// The tally form: forms returned, a count per choice, typed comments.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TallyInput {
    pub forms_returned: String,
    #[serde(default)]
    pub counts: Vec<CountInput>,
    #[serde(default)]
    pub comments: Vec<String>,
}

const MAX_COMMENTS: usize = 500;

/// Replaces the tallies of a held session in one transaction. Counts go on
/// the session's questionnaire version, or the current one the first time.
pub fn save_tally(
    conn: &mut Connection,
    session_id: &str,
    input: &TallyInput,
    now: NaiveDateTime,
) -> Result<Session> {
    let tx = conn.transaction()?;
    save_tally_in(&tx, session_id, input, now)?;
    tx.commit()?;
    session(conn, session_id)
}

pub(crate) fn save_tally_in(
    tx: &Transaction,
    session_id: &str,
    input: &TallyInput,
    now: NaiveDateTime,
) -> Result<()> {
    let id = text::uuid("id", session_id)?;
    let (status, attendees, questionnaire_id): (String, Option<i64>, Option<String>) = tx
        .query_row(
            "SELECT status, attendees, questionnaire_id FROM lecture_sessions WHERE id = ?1",
            [&id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?
        .ok_or(Error::NotFound {
            what: "講座の開催"
        })?;
    if status != "実施済" {
        return Err(Error::invalid(
            "forms_returned",
            "アンケートの集計は「実施済」の開催にだけ入力できます。先に開催の状態と参加者数を保存してください。",
        ));
    }
    let q = match questionnaire_id {
        Some(q) => questionnaire::get(tx, &q)?,
        None => questionnaire::current(tx)?.ok_or_else(|| {
            Error::Conflict(
                "アンケートの様式がありません。先に「アンケート様式」で作成してください。".into(),
            )
        })?,
    };
    let returned = validate::count("forms_returned", "回収数", &input.forms_returned)?.unwrap_or(0);
    let defs: Vec<validate::QuestionDef> = q
        .questions
        .iter()
        .map(|question| validate::QuestionDef {
            id: question.id.clone(),
            text: question.text.clone(),
            choice_ids: question.choices.iter().map(|c| c.id.clone()).collect(),
        })
        .collect();
    let mut counts: HashMap<String, i64> = HashMap::new();
    for c in &input.counts {
        let Some(def) = defs.iter().find(|d| d.choice_ids.contains(&c.choice_id)) else {
            return Err(Error::invalid(
                "forms_returned",
                "アンケートの様式が変わりました。画面を開き直してください。",
            ));
        };
        let n = validate::count(
            &format!("question:{}", def.id),
            &format!("「{}」の回答数", def.text),
            &c.count,
        )?
        .unwrap_or(0);
        counts.insert(c.choice_id.clone(), n);
    }
    validate::check_tally(&defs, attendees, returned, &counts)?;
    if input.comments.len() > MAX_COMMENTS {
        return Err(Error::invalid(
            "comments",
            format!("自由意見は{MAX_COMMENTS}件までです。"),
        ));
    }
    let mut comments = Vec::new();
    for c in &input.comments {
        let c = text::multi_line("comments", "自由意見", c, 1000)?;
        if !c.is_empty() {
            comments.push(c);
        }
    }
    tx.execute("DELETE FROM lecture_tallies WHERE session_id = ?1", [&id])?;
    tx.execute("DELETE FROM lecture_comments WHERE session_id = ?1", [&id])?;
    for (choice, n) in counts.iter().filter(|(_, n)| **n > 0) {
        tx.execute(
            "INSERT INTO lecture_tallies (session_id, choice_id, count) VALUES (?1, ?2, ?3)",
            params![id, choice, n],
        )?;
    }
    for (i, c) in comments.iter().enumerate() {
        tx.execute(
            "INSERT INTO lecture_comments (id, session_id, position, text) VALUES (?1, ?2, ?3, ?4)",
            params![text::new_id(), id, i as i64, c],
        )?;
    }
    tx.execute(
        "UPDATE lecture_sessions SET questionnaire_id = ?2, forms_returned = ?3, updated_at = ?4
          WHERE id = ?1",
        params![id, q.id, returned, stamp(now)],
    )?;
    Ok(())
}

// ----------------------------------------------------------- booklet link

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BookletsInput {
    pub edition_id: String,
    pub quantity: String,
}

/// The ledger channel a session's hand-out is counted under.
fn channel_name(kind: &str) -> &'static str {
    match kind {
        "出前講座" => "出前講座",
        "市民公開講座" => "市民公開講座",
        _ => "イベント",
    }
}

/// Records 意志表示帳 handed out at a session: one ledger issue dated the
/// session day, linked to the session, in one transaction. A shortfall is
/// refused with the ledger's own message.
pub fn record_booklets(
    conn: &mut Connection,
    session_id: &str,
    input: &BookletsInput,
    changed_by: &str,
    now: NaiveDateTime,
) -> Result<Session> {
    let id = text::uuid("id", session_id)?;
    let tx = conn.transaction()?;
    let (kind, title, date, city): (String, String, String, Option<String>) = tx
        .query_row(
            "SELECT kind, title, session_date, city_id FROM lecture_sessions WHERE id = ?1",
            [&id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?
        .ok_or(Error::NotFound {
            what: "講座の開催"
        })?;
    let wanted = channel_name(&kind);
    let channel = booklets::channels(&tx)?
        .into_iter()
        .find(|c| c.name == wanted && c.active)
        .or_else(|| {
            booklets::channels(&tx)
                .ok()?
                .into_iter()
                .find(|c| c.name == "その他" && c.active)
        })
        .ok_or_else(|| {
            Error::Conflict(format!(
                "配布経路「{wanted}」がありません。意志表示帳の設定で配布経路を確認してください。"
            ))
        })?;
    let entry = EntryInput {
        kind: EntryKind::Issue,
        entry_date: date,
        edition_id: input.edition_id.clone(),
        quantity: input.quantity.clone(),
        source: String::new(),
        channel_id: channel.id,
        recipient_type: "市民（講座・イベント参加者）".into(),
        recipient_name: String::new(),
        city_id: city.unwrap_or_default(),
        note: text::single_line("note", "題名", &format!("{kind}「{title}」"), 200, false)
            .unwrap_or_default(),
    };
    let entry_id = booklets::add_entry_in(&tx, &entry, changed_by, now)?;
    tx.execute(
        "UPDATE booklet_entries SET lecture_session_id = ?2 WHERE id = ?1",
        params![entry_id, id],
    )?;
    tx.commit()?;
    session(conn, &id)
}

// ------------------------------------------------------------------ screen

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Named {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct YearOption {
    pub year: i32,
    pub label: String,
}

/// Everything the 講座 screen needs besides the indicator, in one call.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Screen {
    pub today: String,
    pub kinds: Vec<String>,
    pub statuses: Vec<String>,
    pub themes: Vec<Theme>,
    pub venues: Vec<Venue>,
    pub organisations: Vec<Named>,
    pub cities: Vec<Named>,
    pub editions: Vec<Named>,
    pub questionnaire: Option<Questionnaire>,
    /// Fiscal years that have sessions, plus the current one, newest first.
    pub years: Vec<YearOption>,
    pub upcoming: Vec<SessionRow>,
    pub past: Vec<SessionRow>,
}

pub fn screen(conn: &Connection, filter: &PastFilter, today: NaiveDate) -> Result<Screen> {
    let mut years: Vec<i32> = conn
        .prepare("SELECT DISTINCT session_date FROM lecture_sessions")?
        .query_map([], |r| r.get::<_, String>(0))?
        .filter_map(|d| {
            d.ok()
                .and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok())
        })
        .map(|d| Period::fiscal_of(d).year)
        .collect();
    years.extend([Period::fiscal_of(today).year, filter.period.year]);
    years.sort_unstable_by(|a, b| b.cmp(a));
    years.dedup();
    let named = |sql: &str| -> Result<Vec<Named>> {
        Ok(conn
            .prepare(sql)?
            .query_map([], |r| {
                Ok(Named {
                    id: r.get(0)?,
                    name: r.get(1)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?)
    };
    Ok(Screen {
        today: iso(today),
        kinds: KINDS.iter().map(|s| (*s).into()).collect(),
        statuses: STATUSES.iter().map(|s| (*s).into()).collect(),
        themes: themes(conn)?,
        venues: venues(conn)?,
        organisations: organisations::list(conn, false)?
            .into_iter()
            .map(|o| Named {
                id: o.id,
                name: o.name,
            })
            .collect(),
        cities: named("SELECT id, name FROM cities ORDER BY sort_order, name")?,
        editions: booklets::editions(conn)?
            .into_iter()
            .map(|e| Named {
                name: format!("{}（在庫 {}冊）", e.label(), e.stock),
                id: e.id,
            })
            .collect(),
        questionnaire: questionnaire::current(conn)?,
        years: years
            .into_iter()
            .map(|year| YearOption {
                year,
                label: wareki::fiscal_year_label(year),
            })
            .collect(),
        upcoming: upcoming(conn, today)?,
        past: past(conn, filter, today)?,
    })
}
