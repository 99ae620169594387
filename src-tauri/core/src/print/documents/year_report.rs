//! 事業報告: the yearly report of [`crate::report`] on A4 portrait pages, in
//! the order of the report struct (ア, オ, キ), with the definitions of 実数
//! and 延べ printed after the figures.

use chrono::NaiveDate;

use crate::lectures::LectureFigures;
use crate::print::layout::{Block, Column, Document, PageSize};
use crate::report::{self, Booklets, Consultations, Quantity, Report, Tally};

pub fn build(report: &Report, printed_on: NaiveDate) -> Document {
    let mut doc = Document::new(PageSize::A4Portrait, &report.title);
    doc.subtitle = Some(format!(
        "{}　対象期間：{}",
        report.office_name, report.range_label
    ));
    doc.printed_on = Some(printed_on);
    if let Some(note) = &report.note {
        doc.push(Block::Boxed {
            title: "注記".into(),
            text: note.clone(),
        });
    }
    resources(&mut doc, report);
    consultations(&mut doc, &report.consultations);
    doc.push(Block::Heading(report::SECTION_AWARENESS.into()));
    booklets(&mut doc, &report.awareness.booklets);
    if let Some(lectures) = &report.awareness.lectures {
        lecture_tables(&mut doc, lectures);
    }
    doc.push(Block::Heading("用語の定義".into()));
    doc.push(Block::KeyValue(
        report
            .definitions
            .iter()
            .map(|d| (d.term.clone(), d.text.clone()))
            .collect(),
    ));
    doc
}

fn caption(doc: &mut Document, text: &str) {
    doc.push(Block::Spacer(1.5));
    doc.push(Block::Caption(format!("■ {text}")));
}

fn table(doc: &mut Document, columns: Vec<Column>, rows: Vec<Vec<String>>) {
    doc.push(Block::Table {
        columns,
        rows,
        min_row_height: 0.0,
    });
}

/// A label column and right-aligned figure columns.
fn figure_columns(label: &str, figures: &[&str]) -> Vec<Column> {
    let mut columns = vec![Column::new(label, 2.6)];
    columns.extend(figures.iter().map(|f| Column::new(f, 1.0).right()));
    columns
}

fn resources(doc: &mut Document, report: &Report) {
    doc.push(Block::Heading(report::SECTION_RESOURCES.into()));
    let r = &report.resources;
    let rows = [
        ("往診登録医", r.doctors),
        ("　うち往診", r.home_visits),
        ("　うち訪問診療", r.regular_visits),
        ("　うち看取り対応", r.end_of_life),
        ("　うち24時間対応", r.round_the_clock),
        ("もの忘れ相談医", r.dementia_consult),
        ("登録シート要更新", r.sheets_due),
        ("療養支援ベッドの病院", r.bed_hospitals),
        ("療養支援ベッドの床数", r.beds),
        ("関係機関", r.organisations),
    ]
    .into_iter()
    .map(|(name, n)| vec![name.to_string(), n.to_string()])
    .collect();
    caption(
        doc,
        &format!("名簿の登録件数（出力日 {} 現在）", report.output_date),
    );
    table(doc, figure_columns("名簿", &["件数"]), rows);
}

fn tally_rows(tallies: &[Tally]) -> Vec<Vec<String>> {
    tallies
        .iter()
        .map(|t| {
            vec![
                t.name.clone(),
                t.persons.to_string(),
                t.cases.to_string(),
                t.entries.to_string(),
                t.total.to_string(),
            ]
        })
        .collect()
}

fn tally_table(doc: &mut Document, title: &str, label: &str, rows: Vec<Vec<String>>) {
    caption(doc, title);
    table(
        doc,
        figure_columns(label, &["実数", "受付件数", "経過記録", "延べ件数"]),
        rows,
    );
}

fn consultations(doc: &mut Document, c: &Consultations) {
    doc.push(Block::Heading(report::SECTION_CONSULTATIONS.into()));
    let average = c
        .average_minutes
        .map(|m| format!("{m:.1} 分（{} 件の平均）", c.timed))
        .unwrap_or_else(|| "記録なし".into());
    doc.push(Block::KeyValue(vec![
        ("実数".into(), format!("{} 人", c.persons)),
        (
            "受付件数".into(),
            format!(
                "{} 件（新規 {} 件・継続 {} 件）",
                c.cases, c.new_cases, c.continuing_cases
            ),
        ),
        ("経過記録".into(), format!("{} 件", c.entries)),
        ("延べ件数".into(), format!("{} 件", c.total)),
        ("平均所要時間".into(), average),
    ]));
    // Each case falls in one month, so the months add up to the totals
    // (実数 counts each person once over the period, not per month).
    let mut months = tally_rows(&c.months);
    months.push(vec![
        "合計".into(),
        c.persons.to_string(),
        c.cases.to_string(),
        c.entries.to_string(),
        c.total.to_string(),
    ]);
    tally_table(doc, "月別", "月", months);
    tally_table(doc, "相談者種別", "相談者", tally_rows(&c.consulter_types));
    tally_table(
        doc,
        "相談内容分類（1件に複数の分類があるときはそれぞれに数える）",
        "分類",
        tally_rows(&c.categories),
    );
    tally_table(doc, "市別", "市", tally_rows(&c.cities));
    tally_table(doc, "圏域別", "圏域", tally_rows(&c.areas));
    tally_table(doc, "受付方法", "受付方法", tally_rows(&c.intake_methods));
}

fn quantity_rows(items: &[Quantity]) -> Vec<Vec<String>> {
    items
        .iter()
        .map(|q| {
            vec![
                q.name.clone(),
                q.quantity.to_string(),
                q.entries.to_string(),
            ]
        })
        .collect()
}

fn booklets(doc: &mut Document, b: &Booklets) {
    doc.push(Block::KeyValue(vec![(
        "私の意志表示帳の配布".into(),
        format!("{} 冊（{} 回）", b.issued, b.issue_entries),
    )]));
    let columns = || figure_columns("区分", &["冊数", "配布回数"]);
    caption(doc, "意志表示帳 月別");
    table(doc, columns(), quantity_rows(&b.months));
    caption(doc, "意志表示帳 配布経路別");
    table(doc, columns(), quantity_rows(&b.channels));
    caption(doc, "意志表示帳 市別");
    table(doc, columns(), quantity_rows(&b.cities));
}

/// A fraction as a percentage with one decimal, or － when not tallied.
fn percent(value: Option<f64>) -> String {
    value
        .map(|v| format!("{:.1}%", v * 100.0))
        .unwrap_or_else(|| "－".into())
}

fn lecture_tables(doc: &mut Document, l: &LectureFigures) {
    caption(doc, "講座（出前講座・市民公開講座・研修会など）");
    let mut rows: Vec<Vec<String>> = l
        .by_kind
        .iter()
        .map(|k| {
            vec![
                k.kind.clone(),
                k.sessions.to_string(),
                k.participants.to_string(),
                k.forms_returned.to_string(),
                percent(k.response_rate),
            ]
        })
        .collect();
    rows.push(vec![
        "合計".into(),
        l.sessions_held.to_string(),
        l.participants.to_string(),
        l.forms_returned.to_string(),
        percent(l.response_rate),
    ]);
    table(
        doc,
        figure_columns(
            "種類",
            &["開催回数", "延べ参加者", "アンケート回収", "回収率"],
        ),
        rows,
    );
    doc.push(Block::KeyValue(vec![(
        "浸透度".into(),
        match l.awareness {
            Some(_) => format!(
                "{}（地域包括ケアシステムを「知っている」と答えた割合）",
                percent(l.awareness)
            ),
            None => "アンケートの集計なし".into(),
        },
    )]));
}
