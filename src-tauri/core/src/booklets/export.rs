//! The ledger as CSV for Excel.

use chrono::NaiveDateTime;
use rusqlite::Connection;

use super::entries_between;
use crate::csv::{self, Cell};
use crate::period::Period;
use crate::Result;

pub const CSV_HEADERS: &[&str] = &[
    "日付",
    "和暦",
    "区分",
    "冊子名・版",
    "冊数",
    "入庫元",
    "配布経路",
    "配布先種別",
    "配布先",
    "市",
    "備考",
    "状態",
    "取消日時",
    "取消理由",
    "登録者",
    "登録日時",
    "記録ID",
];

/// The ledger of `period` (all of it when `None`), oldest first, voided
/// entries included and marked, as CSV bytes for Excel, with the number of
/// entries (rows after the header).
pub fn export_csv(conn: &Connection, period: Option<Period>) -> Result<(Vec<u8>, usize)> {
    let cells: Vec<Vec<Cell>> = entries_between(conn, period, true)?
        .into_iter()
        .map(|e| {
            vec![
                e.entry_date.into(),
                e.date_label.into(),
                e.kind_label.into(),
                e.edition_label.into(),
                e.quantity.into(),
                e.source_label.into(),
                e.channel_name.into(),
                e.recipient_type.into(),
                e.recipient_name.into(),
                e.city_name.into(),
                e.note.into(),
                if e.voided { "取消" } else { "有効" }.into(),
                e.voided_at.unwrap_or_default().into(),
                e.void_reason.into(),
                e.created_by.into(),
                e.created_at.into(),
                e.id.into(),
            ]
        })
        .collect();
    Ok((csv::to_bytes(CSV_HEADERS, &cells), cells.len()))
}

/// Writes the export of `period` into `dir` as
/// 意志表示帳_<period>_<date-time>.csv; returns the path.
pub fn export_to_folder(
    conn: &Connection,
    period: Period,
    dir: &std::path::Path,
    now: NaiveDateTime,
) -> Result<std::path::PathBuf> {
    let (bytes, _) = export_csv(conn, Some(period))?;
    let stem = format!("意志表示帳_{}", period.label());
    csv::write_to_folder(dir, &stem, now, &bytes)
}
