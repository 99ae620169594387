//! 事業報告: the yearly report of [`crate::report`] on A4 portrait pages, in
//! the order of the report struct (ア, オ, キ), with the definitions of 実数
//! and 延べ printed after the figures.

use chrono::NaiveDate;

use super::year_report_meetings;
use crate::lectures::LectureFigures;
use crate::print::layout::{Block, Column, Document, PageSize};
use crate::report::{self, Booklets, Consultations, Report, Tally};

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
    year_report_meetings::items(&mut doc, &report.meetings, &["ア", "イ", "ウ", "エ"]);
    consultations(&mut doc, &report.consultations);
    year_report_meetings::items(&mut doc, &report.meetings, &["オ", "カ"]);
    doc.push(Block::Heading(report::SECTION_AWARENESS.into()));
    booklets(&mut doc, &report.awareness.booklets);
    if let Some(lectures) = &report.awareness.lectures {
        lecture_tables(&mut doc, lectures);
    }
    year_report_meetings::items(&mut doc, &report.meetings, &["キ", "ク"]);
    super::beds::report_section(&mut doc, &report.beds);
    doc.push(Block::Heading("用語の定義".into()));
    doc.push(Block::KeyValue(
        report
            .definitions
            .iter()
            .map(|d| (d.term.clone(), d.text.clone()))
            .collect(),
    ));
    // The office's words for headings and fixed names, as in the files.
    report.wording.apply_to_document(&mut doc);
    doc
}

/// A report section's caption (■ …), as every section prints it.
pub(super) fn caption(doc: &mut Document, text: &str) {
    doc.push(Block::Spacer(1.5));
    doc.push(Block::Caption(format!("■ {text}")));
}

pub(super) fn table(doc: &mut Document, columns: Vec<Column>, rows: Vec<Vec<String>>) {
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
    // The breakdowns (うち…) indented under their total.
    let rows = report::resource_figures(&report.resources)
        .into_iter()
        .map(|(name, n)| match name.starts_with("うち") {
            true => row(&format!("　{name}"), &[n]),
            false => row(name, &[n]),
        })
        .collect();
    caption(doc, &format!("名簿の登録件数（{}）", report.resources_on));
    table(doc, figure_columns("名簿", &["件数"]), rows);
}

/// A row of a name and its figures.
fn row(name: &str, figures: &[i64]) -> Vec<String> {
    std::iter::once(name.to_string())
        .chain(figures.iter().map(i64::to_string))
        .collect()
}

fn tally_rows(tallies: &[Tally]) -> Vec<Vec<String>> {
    tallies
        .iter()
        .map(|t| row(&t.name, &[t.persons, t.cases, t.entries, t.total]))
        .collect()
}

fn tally_table(doc: &mut Document, title: &str, label: &str, rows: Vec<Vec<String>>) {
    caption(doc, title);
    table(
        doc,
        figure_columns(label, &["実人数", "受付件数", "経過記録", "延べ件数"]),
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
        (
            "実人数".into(),
            format!(
                "{} 人（新規 {} 人・継続 {} 人）",
                c.persons, c.new_persons, c.continuing_persons
            ),
        ),
        (
            "受付件数".into(),
            format!(
                "{} 件（新規 {} 件・継続 {} 件、うち対象者なし {} 件）",
                c.cases, c.new_cases, c.continuing_cases, c.no_person_cases
            ),
        ),
        (
            "経過記録（連絡・対応）".into(),
            format!("{} 件（ほかにメモ {} 件）", c.entries, c.memos),
        ),
        ("延べ件数".into(), format!("{} 件", c.total)),
        ("平均所要時間".into(), average),
    ]));
    for (title, tallies) in c.tables() {
        let mut rows = tally_rows(tallies);
        let (caption, label) = match title {
            // Each reception and contact falls in one month, so the months
            // add up to the totals (実人数 counts each person once over the
            // period, not per month).
            "月別" => {
                rows.push(row("合計", &[c.persons, c.cases, c.entries, c.total]));
                (title.to_string(), "月")
            }
            "相談内容分類" | "4つの場面別" | "対応別" => (
                format!("{title}（1件に複数あるときはそれぞれに数える）"),
                "区分",
            ),
            "市別" => (title.to_string(), "市"),
            "圏域別" => (title.to_string(), "圏域"),
            _ => (title.to_string(), "区分"),
        };
        tally_table(doc, &caption, label, rows);
    }
}

fn booklets(doc: &mut Document, b: &Booklets) {
    doc.push(Block::KeyValue(vec![(
        "私の意志表示帳の配布".into(),
        format!("{} 冊（{} 回）", b.issued, b.issue_entries),
    )]));
    for (title, items) in b.tables() {
        // A pamphlet the office never handed out has no table.
        if items.is_empty() {
            continue;
        }
        caption(doc, title);
        let rows = items
            .iter()
            .map(|q| row(&q.name, &[q.quantity, q.entries]))
            .collect();
        table(doc, figure_columns("区分", &["冊数", "配布回数"]), rows);
    }
}

/// A fraction as a percentage with one decimal, or － when not tallied.
fn percent(value: Option<f64>) -> String {
    value
        .map(|v| format!("{:.1}%", v * 100.0))
        .unwrap_or_else(|| "－".into())
}

fn lecture_tables(doc: &mut Document, l: &LectureFigures) {
    caption(doc, "講座（出前講座・市民公開講座など。研修会は「カ」）");
    let lecture_row = |name: &str, sessions, participants, forms, rate| {
        let mut cells = row(name, &[sessions, participants, forms]);
        cells.push(percent(rate));
        cells
    };
    let mut rows: Vec<Vec<String>> = l
        .by_kind
        .iter()
        .map(|k| {
            lecture_row(
                &k.kind,
                k.sessions,
                k.participants,
                k.forms_returned,
                k.response_rate,
            )
        })
        .collect();
    rows.push(lecture_row(
        "合計",
        l.sessions_held,
        l.participants,
        l.forms_returned,
        l.response_rate,
    ));
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
