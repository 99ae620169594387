//! CSV of sessions with their questionnaire tallies (see [`crate::csv`]).
//! The first column is the session id, so a re-import or a merge in Excel
//! can match rows; then one column per answer choice, grouped by question
//! text across template versions.

use std::path::{Path, PathBuf};

use chrono::{NaiveDate, NaiveDateTime};
use rusqlite::Connection;

use super::{session_cached, PastFilter};
use crate::csv::{self, Cell};
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
pub fn export_csv(
    conn: &Connection,
    filter: Option<&PastFilter>,
    today: NaiveDate,
) -> Result<Vec<u8>> {
    let ids: Vec<String> = match filter {
        Some(f) => super::past(conn, f, today)?
            .into_iter()
            .rev()
            .map(|r| r.id)
            .collect(),
        None => conn
            .prepare("SELECT id FROM lecture_sessions ORDER BY session_date, start_time, id")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?,
    };
    let mut versions = std::collections::HashMap::new();
    let sessions = ids
        .iter()
        .map(|id| session_cached(conn, id, &mut versions))
        .collect::<Result<Vec<_>>>()?;
    // Answer columns: (question text, choice label) in first-seen order.
    let mut columns: Vec<(String, String)> = Vec::new();
    for s in &sessions {
        if s.forms_returned.is_none() {
            continue;
        }
        for q in &s.tallies {
            for c in &q.choices {
                let key = (q.text.clone(), c.label.clone());
                if !columns.contains(&key) {
                    columns.push(key);
                }
            }
        }
    }
    let mut headers: Vec<String> = HEADERS.iter().map(|h| (*h).to_string()).collect();
    headers.extend(columns.iter().map(|(q, c)| format!("{q}：{c}")));
    headers.push("自由意見".into());
    let rows: Vec<Vec<Cell>> = sessions
        .iter()
        .map(|s| {
            let opt = |n: Option<i64>| n.map(Cell::Number).unwrap_or_else(|| Cell::from(""));
            let mut row = vec![
                Cell::from(s.id.as_str()),
                Cell::from(s.kind.as_str()),
                opt(s.theme.as_ref().map(|t| t.number)),
                Cell::from(
                    s.theme
                        .as_ref()
                        .map(|t| t.title.clone())
                        .unwrap_or_default(),
                ),
                Cell::from(
                    s.theme
                        .as_ref()
                        .map(|t| t.organisation_name.clone())
                        .unwrap_or_default(),
                ),
                Cell::from(s.title.as_str()),
                Cell::from(s.session_date.as_str()),
                Cell::from(s.start_time.as_str()),
                Cell::from(s.end_time.as_str()),
                Cell::from(s.venue.as_ref().map(|v| v.name.clone()).unwrap_or_default()),
                Cell::from(
                    s.venue
                        .as_ref()
                        .map(|v| v.address.clone())
                        .unwrap_or_default(),
                ),
                Cell::from(s.city_name.as_str()),
                Cell::from(s.requesting_group.as_str()),
                Cell::from(s.lecturers.join("、")),
                opt(s.capacity),
                opt(s.applicants),
                opt(s.attendees),
                Cell::from(s.status.as_str()),
                opt(s.forms_returned),
                Cell::from(
                    s.response_rate
                        .map(|r| format!("{:.1}", r * 100.0))
                        .unwrap_or_default(),
                ),
                Cell::Number(s.booklets_handed_out),
            ];
            for (q, c) in &columns {
                let count = s
                    .forms_returned
                    .and_then(|_| s.tallies.iter().find(|t| &t.text == q))
                    .and_then(|t| t.choices.iter().find(|x| &x.label == c))
                    .map(|x| x.count);
                row.push(opt(count));
            }
            row.push(Cell::from(s.comments.join("\n")));
            row
        })
        .collect();
    let header_refs: Vec<&str> = headers.iter().map(String::as_str).collect();
    Ok(csv::to_bytes(&header_refs, &rows))
}

/// Writes the CSV of the filtered past sessions into `dir` as
/// 講座_<date-time>.csv and returns its path.
pub fn export_to_folder(
    conn: &Connection,
    filter: &PastFilter,
    dir: &Path,
    now: NaiveDateTime,
) -> Result<PathBuf> {
    let bytes = export_csv(conn, Some(filter), now.date())?;
    std::fs::create_dir_all(dir)?;
    let path = dir.join(format!("講座_{}.csv", now.format("%Y%m%d-%H%M%S")));
    let partial = path.with_extension("csv.part");
    std::fs::write(&partial, bytes)?;
    std::fs::rename(&partial, &path)?;
    Ok(path)
}
