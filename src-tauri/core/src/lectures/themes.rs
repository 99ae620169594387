//! The lecture catalogue: numbered themes, each given by a providing
//! organisation.

use chrono::NaiveDateTime;
use rusqlite::{named_params, params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::{id_to_save, known_id, stamp, upsert_sql, validate, Status};
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
pub(super) fn themes_where(conn: &Connection, id: Option<&str>) -> Result<Vec<Theme>> {
    let rows = conn
        .prepare(
            "SELECT t.id, t.number, t.title, t.organisation_id, coalesce(o.name, ''), t.summary,
                    t.duration_minutes, t.audience, t.retired,
                    (SELECT count(*) FROM lecture_sessions s
                      WHERE s.theme_id = t.id AND s.status = ?2)
               FROM lecture_themes t LEFT JOIN organisations o ON o.id = t.organisation_id
              WHERE ?1 IS NULL OR t.id = ?1
              ORDER BY t.number",
        )?
        .query_map(params![id, Status::Held], |r| {
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

/// The longest a lecture may last: a day.
const MAX_MINUTES: i64 = 24 * 60;

/// Creates or updates a catalogue theme; numbers are unique.
pub fn save_theme(conn: &Connection, input: &ThemeInput, now: NaiveDateTime) -> Result<Theme> {
    const WHAT: &str = "講座テーマ";
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
    let taken: Option<String> = conn
        .query_row(
            "SELECT title FROM lecture_themes WHERE number = ?1 AND id <> ?2",
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
    conn.execute(
        &upsert_sql(
            "lecture_themes",
            &[
                "number",
                "title",
                "organisation_id",
                "summary",
                "duration_minutes",
                "audience",
                "retired",
            ],
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
    themes_where(conn, Some(&id))?
        .pop()
        .ok_or(Error::NotFound { what: WHAT })
}
