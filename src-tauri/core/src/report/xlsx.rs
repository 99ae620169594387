//! The report as an Excel workbook, written from the same [`Row`]s as the
//! CSV: one sheet per 章 (報告, ア, オ, キ, 定義) in the report's order, and
//! on each sheet one row per figure with the columns 表, 区分, 指標, 値.
//!
//! Why one row per figure rather than a grid of 区分 × 指標: every table
//! of the report keeps its own columns (実数・受付件数・経過記録・延べ件数,
//! 冊数・配布回数, 件数, …), so a grid would need a header row per table and
//! the print titles (the header repeated on every page) could not be one
//! row. As a list, each sheet has one header and a filter on it: a clerk
//! filters 表 = 市別 or 指標 = 延べ件数 and copies the figures into the
//! city's own form, whose layout differs from city to city anyway.

use super::rows::{Row, HEADERS};
use super::{rows, Report};
use crate::xlsx::{self, Value};

/// The workbook of `report`.
pub fn to_xlsx(report: &Report) -> crate::Result<Vec<u8>> {
    let mut book = xlsx::workbook(report.output_on)?;
    for (section, rows) in sections(&rows(report)) {
        let (headers, cells) = without_empty_columns(&rows);
        xlsx::add_sheet(&mut book, section, &headers, &cells)?;
    }
    xlsx::to_bytes(&mut book)
}

/// The rows grouped by 章, in the order each 章 first appears.
fn sections(rows: &[Row]) -> Vec<(&str, Vec<&Row>)> {
    let mut sections: Vec<(&str, Vec<&Row>)> = Vec::new();
    for row in rows {
        match sections.iter_mut().find(|(s, _)| *s == row.section) {
            Some((_, rows)) => rows.push(row),
            None => sections.push((&row.section, vec![row])),
        }
    }
    sections
}

/// The 表, 区分, 指標, 値 columns of a sheet, leaving out those empty on
/// every row (報告 and 定義 have no 指標 or 値).
fn without_empty_columns(rows: &[&Row]) -> (Vec<&'static str>, Vec<Vec<Value>>) {
    let text = |s: &str| {
        if s.is_empty() {
            Value::Empty
        } else {
            Value::Text(s.to_string())
        }
    };
    let full: Vec<[Value; 4]> = rows
        .iter()
        .map(|r| {
            [
                text(&r.table),
                text(&r.name),
                text(&r.measure),
                r.value.clone(),
            ]
        })
        .collect();
    let kept: Vec<usize> = (0..4)
        .filter(|&col| full.iter().any(|cells| cells[col] != Value::Empty))
        .collect();
    let headers = kept.iter().map(|&col| HEADERS[col + 1]).collect();
    let cells = full
        .into_iter()
        .map(|cells| kept.iter().map(|&col| cells[col].clone()).collect())
        .collect();
    (headers, cells)
}

/// Builds the report and writes its workbook into `dir` as
/// 事業報告_<period>_<date-time>.xlsx; returns the path.
pub fn export_xlsx_to_folder(
    conn: &rusqlite::Connection,
    period: &super::ReportPeriod,
    city: Option<&super::City>,
    dir: &std::path::Path,
    now: chrono::NaiveDateTime,
) -> crate::Result<std::path::PathBuf> {
    let report = super::build_for(conn, period, city, now.date())?;
    let stem = super::file_stem(&report, city);
    crate::csv::write_file_to_folder(dir, &stem, "xlsx", now, &to_xlsx(&report)?)
}
