//! The ledger as CSV for Excel.

use chrono::NaiveDateTime;
use rusqlite::{params, Connection};

use super::{entry_from_row, Entry, ENTRY_SELECT};
use crate::csv::{self, Cell};
use crate::period::Period;
use crate::store::iso;
use crate::Result;

// ------------------------------------------------------------------- CSV

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
/// entries included and marked, as CSV bytes for Excel.
pub fn export_csv(conn: &Connection, period: Option<Period>) -> Result<Vec<u8>> {
    let (from, to) = match period {
        Some(p) => {
            let (a, b) = p.check()?.range();
            (iso(a), iso(b))
        }
        None => ("0000-01-01".to_string(), "9999-12-31".to_string()),
    };
    let rows: Vec<Entry> = conn
        .prepare(&format!(
            "{ENTRY_SELECT} WHERE l.entry_date BETWEEN ?1 AND ?2 ORDER BY l.entry_date, l.created_at, l.id"
        ))?
        .query_map(params![from, to], entry_from_row)?
        .collect::<rusqlite::Result<_>>()?;
    let cells: Vec<Vec<Cell>> = rows
        .into_iter()
        .map(|e| {
            vec![
                Cell::from(e.entry_date),
                Cell::from(e.date_label),
                Cell::from(e.kind_label),
                Cell::from(e.edition_label),
                Cell::from(e.quantity),
                Cell::from(e.source_label),
                Cell::from(e.channel_name),
                Cell::from(e.recipient_type),
                Cell::from(e.recipient_name),
                Cell::from(e.city_name),
                Cell::from(e.note),
                Cell::from(if e.voided { "取消" } else { "有効" }),
                Cell::from(e.voided_at.unwrap_or_default()),
                Cell::from(e.void_reason),
                Cell::from(e.created_by),
                Cell::from(e.created_at),
                Cell::from(e.id),
            ]
        })
        .collect();
    Ok(csv::to_bytes(CSV_HEADERS, &cells))
}

/// Writes the export to `dir` as 意志表示帳_<period>_<date>.csv (a temporary
/// file renamed into place, so a crash never leaves half a file) and
/// returns the path.
pub fn export_to_folder(
    conn: &Connection,
    period: Period,
    dir: &std::path::Path,
    now: NaiveDateTime,
) -> Result<std::path::PathBuf> {
    let bytes = export_csv(conn, Some(period))?;
    std::fs::create_dir_all(dir)?;
    let name = format!(
        "意志表示帳_{}_{}.csv",
        period.label(),
        now.format("%Y%m%d-%H%M%S")
    );
    let path = dir.join(name);
    let partial = path.with_extension("csv.part");
    std::fs::write(&partial, bytes)?;
    std::fs::rename(&partial, &path)?;
    Ok(path)
}
