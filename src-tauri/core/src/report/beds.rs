//! The report's section on 療養支援ベッド (the prefecture's 補助事業, reported
//! with the city's report): the figures of [`crate::beds::figures`] for the
//! report's period and 市, as rows for the CSV and workbook.

use chrono::NaiveDate;
use rusqlite::Connection;

use super::rows::Row;
use crate::beds::{figures::figure_rows, figures_in, BedFigures};
use crate::period::Span;
use crate::xlsx::Value;
use crate::Result;

pub const SECTION_BEDS: &str = "療養支援ベッド（在宅医療提供体制充実支援事業）";

/// What the terms of the section mean, printed with the definitions.
pub const DEFINITION: (&str, &str) = (
    "療養支援ベッド",
    "利用件数は期間内に入院日がある利用の件数、延べ利用日数は期間内に入っている利用の日数（入院日と退院日を含めて数え、入院中のものは出力日まで）。年度をまたぐ利用は日数を各年度に分けて数えます。新規登録者数は最初の事前登録（同意書の日付）が期間内の人数、期間末の登録者数は期間の最終日に有効な登録がある人数。市の報告では対象者の市で数えます。",
);

pub(super) fn figures(
    conn: &Connection,
    span: &Span,
    city: Option<&str>,
    today: NaiveDate,
) -> Result<BedFigures> {
    figures_in(conn, span, city, today)
}

/// The section as report rows (章, 表, 区分, 指標, 値).
pub(super) fn rows(f: &BedFigures) -> Vec<Row> {
    figure_rows(f)
        .into_iter()
        .map(|(table, name, measure, value)| Row {
            section: SECTION_BEDS.into(),
            table,
            name,
            measure: measure.into(),
            value: Value::Count(value),
        })
        .collect()
}
