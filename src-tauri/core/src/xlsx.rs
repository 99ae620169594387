//! .xlsx workbooks the way a city's clerk prints and copies them: one sheet
//! per table, a bold header row that stays on screen (frozen) and is printed
//! again on every page (print titles), columns wide enough for their text,
//! a filter on the header row, A4 portrait one page wide, the sheet name in the page header and page numbers in
//! the footer. Numbers are numeric cells (percentages with a % format), and
//! text is always written as a string cell, so text starting with = is never
//! run as a formula (the intent of the CSV formula guard, without the
//! apostrophe the CSV needs).

use chrono::Datelike;
use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatAlign, Workbook, Worksheet, XlsxError,
};

use crate::csv::Cell;

/// One cell of a sheet.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text(String),
    /// A count, shown as an integer.
    Count(i64),
    /// A figure shown with one decimal (平均所要時間).
    Decimal(f64),
    /// A fraction shown as a percentage with one decimal (0.123 → 12.3%).
    Percent(f64),
    Empty,
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Text(s.to_string())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::Text(s)
    }
}

impl From<i64> for Value {
    fn from(n: i64) -> Self {
        Value::Count(n)
    }
}

impl From<Cell> for Value {
    fn from(cell: Cell) -> Self {
        match cell {
            Cell::Text(s) => Value::Text(s),
            Cell::Number(n) => Value::Count(n),
        }
    }
}

/// A4 in Excel's paper size numbering.
const PAPER_A4: u8 = 9;
/// Column widths in characters (a full-width character counts 2).
const MIN_WIDTH: usize = 6;
const MAX_WIDTH: usize = 60;

/// Excel refuses these in a sheet name, and names longer than 31 characters.
const NAME_FORBIDDEN: [char; 7] = ['[', ']', ':', '*', '?', '/', '\\'];

/// The sheet name Excel accepts for `title` (also used by readers and tests).
pub fn sheet_name(title: &str) -> String {
    title
        .chars()
        .map(|c| {
            if NAME_FORBIDDEN.contains(&c) {
                '・'
            } else {
                c
            }
        })
        .take(31)
        .collect()
}

/// A new workbook made on `created` (its document properties); add sheets
/// with [`add_sheet`], then [`to_bytes`]. The date is given, not read from
/// the clock, so that the same content gives the same file.
pub fn workbook(created: chrono::NaiveDate) -> crate::Result<Workbook> {
    let month = created.month() as u8;
    let day = created.day() as u8;
    let date = u16::try_from(created.year())
        .map_err(|_| crate::Error::invalid("date", "日付が範囲外です。"))
        .and_then(|year| ExcelDateTime::from_ymd(year, month, day).map_err(xlsx_error))?;
    let mut book = Workbook::new();
    book.set_properties(&DocProperties::new().set_creation_datetime(&date));
    Ok(book)
}

/// Adds the sheet `title` with a header row and `rows` below it.
pub fn add_sheet(
    workbook: &mut Workbook,
    title: &str,
    headers: &[&str],
    rows: &[Vec<Value>],
) -> crate::Result<()> {
    let sheet = workbook.add_worksheet();
    fill(sheet, title, headers, rows).map_err(xlsx_error)
}

fn fill(
    sheet: &mut Worksheet,
    title: &str,
    headers: &[&str],
    rows: &[Vec<Value>],
) -> Result<(), XlsxError> {
    let header = Format::new()
        .set_bold()
        .set_background_color(0xE7EEF5)
        .set_align(FormatAlign::Center);
    let text = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let count = Format::new().set_num_format("#,##0");
    let decimal = Format::new().set_num_format("#,##0.0");
    let percent = Format::new().set_num_format("0.0%");

    sheet.set_name(sheet_name(title))?;
    for (col, h) in (0u16..).zip(headers) {
        sheet.write_string_with_format(0, col, *h, &header)?;
    }
    for (row, cells) in (1u32..).zip(rows) {
        for (col, value) in (0u16..).zip(cells) {
            match value {
                Value::Text(s) => sheet.write_string_with_format(row, col, s, &text)?,
                Value::Count(n) => sheet.write_number_with_format(row, col, *n as f64, &count)?,
                Value::Decimal(v) => sheet.write_number_with_format(row, col, *v, &decimal)?,
                Value::Percent(v) => sheet.write_number_with_format(row, col, *v, &percent)?,
                Value::Empty => sheet,
            };
        }
    }
    for (col, width) in (0u16..).zip(column_widths(headers, rows)) {
        sheet.set_column_width(col, width as f64)?;
    }
    if let Some(last_col) = headers.len().checked_sub(1) {
        sheet.autofilter(0, 0, rows.len() as u32, last_col as u16)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    sheet.set_repeat_rows(0, 0)?;
    sheet
        .set_paper_size(PAPER_A4)
        .set_portrait()
        // As many pages down as needed, never wider than the paper.
        .set_print_fit_to_pages(1, 0)
        .set_header("&C&A")
        .set_footer("&C&P / &N");
    Ok(())
}

/// Each column as wide as its longest text or number, within limits (long
/// text wraps instead).
fn column_widths(headers: &[&str], rows: &[Vec<Value>]) -> Vec<usize> {
    let mut widths: Vec<usize> = headers.iter().map(|h| display_width(h) + 2).collect();
    for cells in rows {
        for (col, value) in cells.iter().enumerate() {
            let width = match value {
                Value::Text(s) => display_width(s),
                Value::Count(n) => n.to_string().len() + 2,
                Value::Decimal(_) | Value::Percent(_) => 8,
                Value::Empty => 0,
            };
            if col >= widths.len() {
                widths.resize(col + 1, 0);
            }
            widths[col] = widths[col].max(width + 1);
        }
    }
    widths
        .into_iter()
        .map(|w| w.clamp(MIN_WIDTH, MAX_WIDTH))
        .collect()
}

/// Width in half-width character cells: East Asian wide characters take two.
fn display_width(s: &str) -> usize {
    s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

/// The finished file.
pub fn to_bytes(workbook: &mut Workbook) -> crate::Result<Vec<u8>> {
    workbook.save_to_buffer().map_err(xlsx_error)
}

/// A workbook that cannot be made is a file that cannot be written.
fn xlsx_error(e: XlsxError) -> crate::Error {
    crate::Error::Io(std::io::Error::other(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_ones_excel_accepts() {
        assert_eq!(sheet_name("ア 資源/名簿[1]"), "ア 資源・名簿・1・");
        assert_eq!(sheet_name(&"あ".repeat(40)).chars().count(), 31);
    }

    #[test]
    fn widths_count_full_width_characters_twice_within_limits() {
        let rows = vec![vec![Value::from("あいう"), Value::from("x".repeat(200))]];
        assert_eq!(column_widths(&["区分", "説明"], &rows), vec![7, 60]);
    }
}
