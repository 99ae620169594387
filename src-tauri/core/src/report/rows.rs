//! The one row model of the report's files: every figure as 章, 表, 区分,
//! 指標, 値 ([`super::rows`] builds them). The CSV and the Excel workbook are
//! both written from these rows, so a table added to the report appears in
//! both without more code.

use crate::csv::Cell;
use crate::xlsx::Value;

/// The column headers of the rows (the CSV writes all five; the workbook
/// makes one sheet per 章 and writes the other four).
pub const HEADERS: [&str; 5] = ["章", "表", "区分", "指標", "値"];

#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// 章: ア 地域の医療・介護の資源の把握, 報告, 定義, …
    pub section: String,
    /// 表: 月別, 相談者種別, …
    pub table: String,
    /// 区分: 令和7年4月, 坂戸市, …
    pub name: String,
    /// 指標: 実数, 延べ件数, … (empty when the 区分 is the figure itself)
    pub measure: String,
    pub value: Value,
}

impl Row {
    /// The row as CSV cells: decimals and percentages as text with one
    /// decimal (12.3), as Excel shows them.
    pub fn csv_cells(&self) -> Vec<Cell> {
        let value = match &self.value {
            Value::Text(s) => Cell::Text(s.clone()),
            Value::Count(n) => Cell::Number(*n),
            Value::Decimal(v) => Cell::Text(format!("{v:.1}")),
            Value::Percent(v) => Cell::Text(format!("{:.1}", v * 100.0)),
            Value::Empty => Cell::Text(String::new()),
        };
        vec![
            self.section.as_str().into(),
            self.table.as_str().into(),
            self.name.as_str().into(),
            self.measure.as_str().into(),
            value,
        ]
    }
}
