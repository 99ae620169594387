//! The report as one long CSV table for Excel.

use super::{Quantity, Report, Tally, SECTION_AWARENESS, SECTION_CONSULTATIONS, SECTION_RESOURCES};
use crate::csv::{self, Cell};
use crate::lectures::LectureFigures;

// ---------------------------------------------------------------- CSV

fn tally_rows(rows: &mut Vec<Vec<Cell>>, section: &str, table: &str, tallies: &[Tally]) {
    for t in tallies {
        for (measure, value) in [
            ("実数", t.persons),
            ("受付件数", t.cases),
            ("経過記録", t.entries),
            ("延べ件数", t.total),
        ] {
            rows.push(vec![
                section.into(),
                table.into(),
                t.name.clone().into(),
                measure.into(),
                value.into(),
            ]);
        }
    }
}

fn quantity_rows(rows: &mut Vec<Vec<Cell>>, table: &str, items: &[Quantity]) {
    for q in items {
        for (measure, value) in [("冊数", q.quantity), ("配布回数", q.entries)] {
            rows.push(vec![
                SECTION_AWARENESS.into(),
                table.into(),
                q.name.clone().into(),
                measure.into(),
                value.into(),
            ]);
        }
    }
}

/// A fraction as a percentage with one decimal (回収率, 浸透度).
fn percent(value: Option<f64>) -> Cell {
    value
        .map(|v| Cell::Text(format!("{:.1}", v * 100.0)))
        .unwrap_or_else(|| "".into())
}

fn lecture_rows(rows: &mut Vec<Vec<Cell>>, l: &LectureFigures) {
    let mut push = |table: &str, name: &str, measure: &str, value: Cell| {
        rows.push(vec![
            SECTION_AWARENESS.into(),
            table.into(),
            name.into(),
            measure.into(),
            value,
        ]);
    };
    let table = "講座（出前講座・市民公開講座・研修会など）";
    push(table, "合計", "開催回数", l.sessions_held.into());
    push(table, "合計", "延べ参加者", l.participants.into());
    push(table, "合計", "アンケート回収数", l.forms_returned.into());
    push(table, "合計", "回収率（%）", percent(l.response_rate));
    push(table, "合計", "浸透度（%）", percent(l.awareness));
    for k in &l.by_kind {
        push("講座 種類別", &k.kind, "開催回数", k.sessions.into());
        push("講座 種類別", &k.kind, "延べ参加者", k.participants.into());
        push(
            "講座 種類別",
            &k.kind,
            "回収率（%）",
            percent(k.response_rate),
        );
    }
}

/// The report as CSV in long form (章, 表, 区分, 指標, 値), in the order of
/// items ア〜キ, headed by the office, period and output date and followed
/// by the definitions — one row per figure, so Excel can pivot it.
pub fn to_csv(report: &Report) -> Vec<u8> {
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    let mut info = |table: &str, name: &str, value: Cell| {
        rows.push(vec![
            "報告".into(),
            table.into(),
            name.into(),
            "".into(),
            value,
        ]);
    };
    info("事業所", &report.office_name, "".into());
    info("表題", &report.title, "".into());
    info("期間", &report.range_label, "".into());
    info("出力日", &report.output_date, "".into());
    if let Some(note) = &report.note {
        info("注記", note, "".into());
    }

    let r = &report.resources;
    for (name, value) in [
        ("往診登録医", r.doctors),
        ("うち往診", r.home_visits),
        ("うち訪問診療", r.regular_visits),
        ("うち看取り対応", r.end_of_life),
        ("うち24時間対応", r.round_the_clock),
        ("もの忘れ相談医", r.dementia_consult),
        ("登録シート要更新", r.sheets_due),
        ("療養支援ベッドの病院", r.bed_hospitals),
        ("療養支援ベッドの床数", r.beds),
        ("関係機関", r.organisations),
    ] {
        rows.push(vec![
            SECTION_RESOURCES.into(),
            "名簿".into(),
            name.into(),
            "件数".into(),
            value.into(),
        ]);
    }

    let c = &report.consultations;
    let s = SECTION_CONSULTATIONS;
    for (name, value) in [
        ("実数", Cell::Number(c.persons)),
        ("受付件数", Cell::Number(c.cases)),
        ("うち新規", Cell::Number(c.new_cases)),
        ("うち継続", Cell::Number(c.continuing_cases)),
        ("経過記録", Cell::Number(c.entries)),
        ("延べ件数", Cell::Number(c.total)),
        (
            "平均所要時間（分）",
            c.average_minutes
                .map(|m| Cell::Text(format!("{m:.1}")))
                .unwrap_or_else(|| "".into()),
        ),
    ] {
        rows.push(vec![s.into(), "合計".into(), name.into(), "".into(), value]);
    }
    tally_rows(&mut rows, s, "月別", &c.months);
    tally_rows(&mut rows, s, "相談者種別", &c.consulter_types);
    tally_rows(&mut rows, s, "相談内容分類", &c.categories);
    tally_rows(&mut rows, s, "市別", &c.cities);
    tally_rows(&mut rows, s, "圏域別", &c.areas);
    tally_rows(&mut rows, s, "受付方法", &c.intake_methods);

    let b = &report.awareness.booklets;
    rows.push(vec![
        SECTION_AWARENESS.into(),
        "私の意志表示帳".into(),
        "配布合計".into(),
        "冊数".into(),
        b.issued.into(),
    ]);
    rows.push(vec![
        SECTION_AWARENESS.into(),
        "私の意志表示帳".into(),
        "配布合計".into(),
        "配布回数".into(),
        b.issue_entries.into(),
    ]);
    quantity_rows(&mut rows, "意志表示帳 月別", &b.months);
    quantity_rows(&mut rows, "意志表示帳 配布経路別", &b.channels);
    quantity_rows(&mut rows, "意志表示帳 市別", &b.cities);
    if let Some(l) = &report.awareness.lectures {
        lecture_rows(&mut rows, l);
    }

    for d in &report.definitions {
        rows.push(vec![
            "定義".into(),
            d.term.clone().into(),
            d.text.clone().into(),
            "".into(),
            "".into(),
        ]);
    }
    csv::to_bytes(&["章", "表", "区分", "指標", "値"], &rows)
}
