//! The ledger as CSV for Excel.

use chrono::NaiveDateTime;
use rusqlite::Connection;

use super::{entries_between, Entry};
use crate::csv;
use crate::period::Period;
use crate::Result;

/// A column of the CSV: its header and an entry's cell.
const COLUMNS: &[csv::Column<Entry>] = &[
    ("日付", |e| e.entry_date.as_str().into()),
    ("和暦", |e| e.date_label.as_str().into()),
    ("区分", |e| e.kind_label.into()),
    ("冊子名・版", |e| e.edition_label.as_str().into()),
    ("冊数", |e| e.quantity.into()),
    ("入庫元", |e| e.source_label.as_str().into()),
    ("配布経路", |e| e.channel_name.as_str().into()),
    ("配布先種別", |e| e.recipient_type.as_str().into()),
    ("配布先", |e| e.recipient_name.as_str().into()),
    ("市", |e| e.city_name.as_str().into()),
    ("備考", |e| e.note.as_str().into()),
    ("状態", |e| if e.voided { "取消" } else { "有効" }.into()),
    ("取消日時", |e| {
        e.voided_at.as_deref().unwrap_or("").into()
    }),
    ("取消理由", |e| e.void_reason.as_str().into()),
    ("登録者", |e| e.created_by.as_str().into()),
    ("登録日時", |e| e.created_at.as_str().into()),
    ("記録ID", |e| e.id.as_str().into()),
];

/// The ledger of `period` (all of it when `None`), oldest first, voided
/// entries included and marked, as CSV bytes for Excel, with the number of
/// entries (rows after the header).
pub fn export_csv(conn: &Connection, period: Option<Period>) -> Result<csv::Csv> {
    Ok(csv::from_columns(
        COLUMNS,
        &entries_between(conn, period, true)?,
    ))
}

/// Writes the export of `period` into `dir` as
/// 意志表示帳_<period>_<date-time>.csv; returns the path.
pub fn export_to_folder(
    conn: &Connection,
    period: Period,
    dir: &std::path::Path,
    now: NaiveDateTime,
    format: crate::csv::FileFormat,
) -> Result<std::path::PathBuf> {
    let file = export_csv(conn, Some(period))?;
    let stem = format!("意志表示帳_{}", period.label());
    csv::save_to_folder(dir, &stem, now, &file, format)
}
