//! The printed documents: the ACP booklet, lecture flyers, registry lists,
//! the case summary and the user guide, all built on [`super::layout`].

pub mod beds;
pub mod booklet;
pub mod case_summary;
pub mod flyer;
pub mod guide;
pub mod impose;
pub mod minutes;
pub mod recovery_key;
pub mod registry_lists;
pub mod year_report;
pub mod year_report_meetings;

use chrono::NaiveDate;

use super::layout::{Block, Column, Document, PageSize};

/// A printable list (もの忘れ相談医リスト and the other registries): A4
/// landscape when it has many columns, the header row repeated on each page,
/// page x / y and the output date in the footer.
pub fn table_list(
    title: &str,
    subtitle: &str,
    columns: Vec<Column>,
    rows: Vec<Vec<String>>,
    printed_on: NaiveDate,
) -> Document {
    let size = if columns.len() > 5 {
        PageSize::A4Landscape
    } else {
        PageSize::A4Portrait
    };
    let mut doc = Document::new(size, title);
    if !subtitle.is_empty() {
        doc.subtitle = Some(subtitle.to_string());
    }
    doc.printed_on = Some(printed_on);
    doc.push(Block::Table {
        columns,
        rows,
        min_row_height: 0.0,
    });
    doc
}
