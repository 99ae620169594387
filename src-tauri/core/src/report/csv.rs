//! The report as rows (章, 表, 区分, 指標, 値), and those rows as one long
//! CSV table for Excel.

use super::rows::{Row, HEADERS};
use super::{
    meetings, resource_figures, Report, Tally, SECTION_AWARENESS, SECTION_CONSULTATIONS,
    SECTION_RESOURCES,
};
use crate::csv;
use crate::lectures::LectureFigures;
use crate::xlsx::Value as Cell;

/// The rows being written: 章, 表, 区分, 指標, 値.
#[derive(Default)]
struct Sheet(Vec<Row>);

impl Sheet {
    fn row(&mut self, section: &str, table: &str, name: &str, measure: &str, value: Cell) {
        self.0.push(Row {
            section: section.into(),
            table: table.into(),
            name: name.into(),
            measure: measure.into(),
            value,
        });
    }

    /// One row for each (指標, 値) of the 区分 `name`.
    fn figures(&mut self, section: &str, table: &str, name: &str, figures: &[(&str, Cell)]) {
        for (measure, value) in figures {
            self.row(section, table, name, measure, value.clone());
        }
    }

    fn tallies(&mut self, table: &str, tallies: &[Tally]) {
        for t in tallies {
            self.figures(
                SECTION_CONSULTATIONS,
                table,
                &t.name,
                &[
                    ("実人数", t.persons.into()),
                    ("受付件数", t.cases.into()),
                    ("経過記録", t.entries.into()),
                    ("延べ件数", t.total.into()),
                ],
            );
        }
    }

    fn lectures(&mut self, l: &LectureFigures) {
        self.figures(
            SECTION_AWARENESS,
            "講座（出前講座・市民公開講座など）",
            "合計",
            &[
                ("開催回数", l.sessions_held.into()),
                ("延べ参加者", l.participants.into()),
                ("アンケート回収数", l.forms_returned.into()),
                ("回収率（%）", percent(l.response_rate)),
                ("浸透度（%）", percent(l.awareness)),
            ],
        );
        for k in &l.by_kind {
            self.figures(
                SECTION_AWARENESS,
                "講座 種類別",
                &k.kind,
                &[
                    ("開催回数", k.sessions.into()),
                    ("延べ参加者", k.participants.into()),
                    ("回収率（%）", percent(k.response_rate)),
                ],
            );
        }
    }
}

/// A fraction shown as a percentage with one decimal (回収率, 浸透度).
fn percent(value: Option<f64>) -> Cell {
    value.map(Cell::Percent).unwrap_or(Cell::Empty)
}

/// The report as CSV in long form (章, 表, 区分, 指標, 値) — one row per
/// figure, so Excel can pivot it.
pub fn to_csv(report: &Report) -> Vec<u8> {
    let rows: Vec<_> = rows(report).iter().map(Row::csv_cells).collect();
    csv::to_bytes(&HEADERS, &rows)
}

/// Every figure of the report as a row, in the order of items ア〜キ,
/// headed by the office, period and output date and followed by the
/// definitions. Both the CSV and the workbook are written from these.
pub fn rows(report: &Report) -> Vec<Row> {
    let mut sheet = Sheet::default();
    let whole = "全体".to_string();
    let info = [
        ("事業所", &report.office_name),
        ("表題", &report.title),
        ("対象の市", report.city.as_ref().unwrap_or(&whole)),
        ("期間", &report.range_label),
        ("出力日", &report.output_date),
        ("名簿の基準日", &report.resources_on),
    ];
    for (table, text) in info
        .into_iter()
        .chain(report.note.iter().map(|n| ("注記", n)))
    {
        sheet.row("報告", table, text, "", Cell::Empty);
    }

    for (name, value) in resource_figures(&report.resources) {
        sheet.row(SECTION_RESOURCES, "名簿", name, "件数", value.into());
    }
    sheet
        .0
        .extend(meetings::rows(report, &["ア", "イ", "ウ", "エ"]));

    let c = &report.consultations;
    for (name, value) in c.totals() {
        sheet.row(SECTION_CONSULTATIONS, "合計", name, "", value);
    }
    for (table, tallies) in c.tables() {
        sheet.tallies(table, tallies);
    }
    sheet.0.extend(meetings::rows(report, &["オ", "カ"]));

    let b = &report.awareness.booklets;
    let quantities =
        |quantity: i64, entries: i64| [("冊数", quantity.into()), ("配布回数", entries.into())];
    sheet.figures(
        SECTION_AWARENESS,
        "私の意志表示帳",
        "配布合計",
        &quantities(b.issued, b.issue_entries),
    );
    for (table, items) in b.tables() {
        for q in items {
            sheet.figures(
                SECTION_AWARENESS,
                table,
                &q.name,
                &quantities(q.quantity, q.entries),
            );
        }
    }
    if let Some(l) = &report.awareness.lectures {
        sheet.lectures(l);
    }
    sheet.0.extend(meetings::rows(report, &["キ", "ク"]));

    sheet.0.extend(super::beds::rows(&report.beds));

    for d in &report.definitions {
        sheet.row("定義", &d.term, &d.text, "", Cell::Empty);
    }
    report.wording.apply_to_rows(&mut sheet.0);
    sheet.0
}
