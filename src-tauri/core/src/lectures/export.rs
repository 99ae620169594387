//! CSV of sessions with their questionnaire tallies (see [`crate::csv`]).
//! The first column is the session id, so a re-import or a merge in Excel
//! can match rows; then one column per answer choice, grouped by question
//! text across template versions.

use std::path::{Path, PathBuf};

use chrono::{NaiveDate, NaiveDateTime};
use rusqlite::Connection;

use super::{select, session_cached, PastFilter, Session};
use crate::csv::{self, Cell, Csv};
use crate::Result;

const HEADERS: &[&str] = &[
    "開催ID",
    "種別",
    "テーマ番号",
    "テーマ",
    "担当団体",
    "題名",
    "開催日",
    "開始",
    "終了",
    "会場",
    "会場住所",
    "市",
    "依頼団体",
    "講師",
    "定員",
    "申込数",
    "参加者数",
    "状態",
    "回収数",
    "回収率（%）",
    "意志表示帳の配布数",
];

/// Every session (oldest first), or the past sessions a filter selects.
pub fn export_csv(conn: &Connection, filter: Option<&PastFilter>, today: NaiveDate) -> Result<Csv> {
    let ids: Vec<String> = match filter {
        Some(f) => super::past(conn, f, today)?
            .into_iter()
            .rev()
            .map(|r| r.basics.id)
            .collect(),
        None => select(
            conn,
            "SELECT id FROM lecture_sessions ORDER BY session_date, start_time, id",
            [],
            |r| r.get(0),
        )?,
    };
    let mut versions = std::collections::HashMap::new();
    let sessions = ids
        .iter()
        .map(|id| session_cached(conn, id, &mut versions))
        .collect::<Result<Vec<_>>>()?;
    // Answer columns: (question text, choice label) in first-seen order.
    let mut columns: Vec<(&str, &str)> = Vec::new();
    for s in sessions
        .iter()
        .filter(|s| s.basics.forms_returned.is_some())
    {
        for q in &s.tallies {
            for c in &q.choices {
                let key = (q.text.as_str(), c.label.as_str());
                if !columns.contains(&key) {
                    columns.push(key);
                }
            }
        }
    }
    let mut headers: Vec<String> = HEADERS.iter().map(|h| (*h).to_string()).collect();
    headers.extend(columns.iter().map(|(q, c)| format!("{q}：{c}")));
    headers.push("自由意見".into());
    let rows: Vec<Vec<Cell>> = sessions.iter().map(|s| row(s, &columns)).collect();
    let header_refs: Vec<&str> = headers.iter().map(String::as_str).collect();
    Ok(Csv::new(&header_refs, &rows))
}

/// One session's record: the fixed columns, a count per answer column (blank
/// where no tally was entered) and the comments.
fn row(s: &Session, columns: &[(&str, &str)]) -> Vec<Cell> {
    let number = |n: Option<i64>| n.map(Cell::Number).unwrap_or_else(|| Cell::from(""));
    let b = &s.basics;
    let theme = s.theme.as_ref();
    let venue = s.venue.as_ref();
    let mut row = vec![
        Cell::from(b.id.as_str()),
        Cell::from(b.kind.as_str()),
        number(theme.map(|t| t.number)),
        Cell::from(theme.map_or("", |t| t.title.as_str())),
        Cell::from(theme.map_or("", |t| t.organisation_name.as_str())),
        Cell::from(b.title.as_str()),
        Cell::from(b.session_date.as_str()),
        Cell::from(b.start_time.as_str()),
        Cell::from(b.end_time.as_str()),
        Cell::from(venue.map_or("", |v| v.name.as_str())),
        Cell::from(venue.map_or("", |v| v.address.as_str())),
        Cell::from(b.city_name.as_str()),
        Cell::from(b.requesting_group.as_str()),
        Cell::from(s.lecturers.join("、")),
        number(b.capacity),
        number(b.applicants),
        number(b.attendees),
        Cell::from(b.status.as_str()),
        number(b.forms_returned),
        Cell::from(
            b.response_rate
                .map(|r| format!("{:.1}", r * 100.0))
                .unwrap_or_default(),
        ),
        Cell::Number(s.booklets_handed_out),
    ];
    for (q, c) in columns {
        let count = b
            .forms_returned
            .and_then(|_| s.tallies.iter().find(|t| t.text == *q))
            .and_then(|t| t.choices.iter().find(|x| x.label == *c))
            .map(|x| x.count);
        row.push(number(count));
    }
    row.push(Cell::from(s.comments.join("\n")));
    row
}

/// Writes the CSV of the filtered past sessions into `dir` as
/// 講座_<date-time>.csv and returns its path.
pub fn export_to_folder(
    conn: &Connection,
    filter: &PastFilter,
    dir: &Path,
    now: NaiveDateTime,
    format: crate::csv::FileFormat,
) -> Result<PathBuf> {
    let file = export_csv(conn, Some(filter), now.date())?;
    csv::save_to_folder(dir, "講座", now, &file, format)
}
