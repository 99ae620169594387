//! The lecture catalogue: numbered themes, each given by a providing
//! organisation.

use chrono::NaiveDateTime;
use rusqlite::{named_params, params, Connection};
use serde::{Deserialize, Serialize};

use super::{clash, id_to_save, known_id, select, stamp, upsert_sql, validate, Status};
use crate::text::{self, Range};
use crate::{Error, Result};

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
#[serde(default, deny_unknown_fields)]
pub struct ThemeInput {
    pub id: Option<String>,
    pub number: String,
    pub title: String,
    pub organisation_id: String,
    pub summary: String,
    pub duration_minutes: String,
    pub audience: String,
    pub retired: bool,
}

const WHAT: &str = "講座テーマ";

pub fn themes(conn: &Connection) -> Result<Vec<Theme>> {
    themes_where(conn, None)
}

/// The theme `id`.
pub(super) fn theme(conn: &Connection, id: &str) -> Result<Theme> {
    themes_where(conn, Some(id))?
        .pop()
        .ok_or(Error::NotFound { what: WHAT })
}

/// One theme, or all of them by number.
pub(super) fn themes_where(conn: &Connection, id: Option<&str>) -> Result<Vec<Theme>> {
    select(
        conn,
        "SELECT t.id, t.number, t.title, t.organisation_id, coalesce(o.name, ''), t.summary,
                    t.duration_minutes, t.audience, t.retired,
                    (SELECT count(*) FROM lecture_sessions s
                      WHERE s.theme_id = t.id AND s.status = ?2)
               FROM lecture_themes t LEFT JOIN organisations o ON o.id = t.organisation_id
              WHERE ?1 IS NULL OR t.id = ?1
              ORDER BY t.number",
        params![id, Status::Held],
        |r| {
            Ok(
                from_row!(r => Theme { id, number, title, organisation_id, organisation_name,
                summary, duration_minutes, audience, retired, sessions_held }),
            )
        },
    )
}

/// The longest a lecture may last: a day.
const MAX_MINUTES: i64 = 24 * 60;

/// Creates or updates a catalogue theme; numbers are unique.
pub fn save_theme(conn: &Connection, input: &ThemeInput, now: NaiveDateTime) -> Result<Theme> {
    let id = id_to_save(conn, "lecture_themes", input.id.as_deref(), WHAT)?;
    let numbers = Range::new(1, validate::COUNT.max);
    let number = text::required_count("number", "番号", &input.number, numbers)?;
    let title = text::single_line("title", "テーマ", &input.title, 80, true)?;
    let organisation_id = known_id(
        conn,
        "organisations",
        "organisation_id",
        "担当団体",
        &input.organisation_id,
    )?;
    let summary = text::multi_line("summary", "内容", &input.summary, 1000)?;
    let duration = text::minutes(
        "duration_minutes",
        "所要時間",
        &input.duration_minutes,
        MAX_MINUTES,
    )?;
    if duration == Some(0) {
        return Err(Error::invalid(
            "duration_minutes",
            "所要時間は1分以上にしてください。",
        ));
    }
    let audience = text::single_line("audience", "対象", &input.audience, 80, false)?;
    if let Some(other) = clash(conn, "lecture_themes", ("number", &number), &id, "title")? {
        return Err(Error::invalid(
            "number",
            format!("番号{number}は「{other}」で使われています。"),
        ));
    }
    conn.execute(
        &upsert_sql(
            "lecture_themes",
            "number, title, organisation_id, summary, duration_minutes, audience, retired",
        ),
        named_params! {
            ":id": id,
            ":number": number,
            ":title": title,
            ":organisation_id": organisation_id,
            ":summary": summary,
            ":duration_minutes": duration,
            ":audience": audience,
            ":retired": input.retired,
            ":at": stamp(now),
        },
    )?;
    theme(conn, &id)
}
