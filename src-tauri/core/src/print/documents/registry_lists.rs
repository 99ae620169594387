//! The printable 名簿: もの忘れ相談医リスト (handed to citizens), 往診登録医一覧
//! and 療養支援ベッド一覧 — current entries only, one table each whose header
//! row repeats on every page.

use chrono::NaiveDate;

use super::table_list;
use crate::csv::Cell;
use crate::print::layout::{Align, Block, Column, Document};
use crate::registries::organisations::Organisation;
use crate::registries::{flag, Doctor, SupportBed, DEMENTIA_COLUMNS};
use crate::wareki;

/// A printed column and its text for one entry.
type Printed<T> = (Column, fn(&T) -> String);

fn table<T>(columns: &[Printed<T>], entries: &[T]) -> (Vec<Column>, Vec<Vec<String>>) {
    let rows = entries
        .iter()
        .map(|e| columns.iter().map(|(_, text)| text(e)).collect())
        .collect();
    (columns.iter().map(|(c, _)| c.clone()).collect(), rows)
}

/// もの忘れ相談医リスト: by 市, with what a citizen needs to call (the
/// columns of its CSV).
pub fn dementia(doctors: &[Doctor], office_name: &str, today: NaiveDate) -> Document {
    let widths = [0.9, 2.0, 1.3, 2.6, 1.3];
    let columns = DEMENTIA_COLUMNS
        .iter()
        .zip(widths)
        .map(|((title, _), width)| Column::new(title, width))
        .collect();
    let rows = doctors
        .iter()
        .map(|d| {
            DEMENTIA_COLUMNS
                .iter()
                .map(|(_, cell)| match cell(d) {
                    Cell::Text(s) => s,
                    Cell::Number(n) => n.to_string(),
                })
                .collect()
        })
        .collect();
    let mut doc = table_list(
        "もの忘れ相談医リスト",
        &format!("{}（{}現在）", office_name, wareki::format_date(today)),
        columns,
        rows,
        today,
    );
    // The introduction goes before the table.
    doc.blocks.insert(
        0,
        Block::Paragraph(
            "もの忘れが気になるとき、ご本人やご家族が相談できる医師の一覧です。受診の前に、電話で予約や相談の方法をご確認ください。"
                .into(),
        ),
    );
    if doctors.is_empty() {
        doc.push(Block::Paragraph(
            "登録中のもの忘れ相談医はありません。".into(),
        ));
    }
    doc
}

/// A centred ○ column.
fn mark(title: &str, width: f32) -> Column {
    Column {
        align: Align::Center,
        ..Column::new(title, width)
    }
}

/// 往診登録医一覧 (A4 landscape: the flags need columns).
pub fn doctors(doctors: &[Doctor], office_name: &str, today: NaiveDate) -> Document {
    let columns: &[Printed<Doctor>] = &[
        (Column::new("医師名", 1.1), |d| d.name.clone()),
        (Column::new("医療機関名", 1.7), |d| d.clinic.clone()),
        (Column::new("住所", 2.2), |d| d.address.clone()),
        (Column::new("電話番号", 1.2), |d| d.phone.clone()),
        (Column::new("市", 0.8), |d| d.city_name.clone()),
        (Column::new("圏域", 1.9), |d| d.area_names.join("・")),
        (mark("往診", 0.5), |d| flag(d.home_visits).into()),
        (mark("訪問診療", 0.75), |d| {
            flag(d.regular_visits).into()
        }),
        (mark("看取り", 0.6), |d| flag(d.end_of_life).into()),
        (mark("24時間", 0.65), |d| flag(d.round_the_clock).into()),
        (mark("もの忘れ", 0.75), |d| {
            flag(d.dementia_consult).into()
        }),
    ];
    let (columns, rows) = table(columns, doctors);
    table_list(
        "往診登録医一覧",
        &format!("{office_name}　登録中 {} 名", doctors.len()),
        columns,
        rows,
        today,
    )
}

/// 療養支援ベッド一覧 with each hospital's latest availability check.
pub fn beds(beds: &[SupportBed], office_name: &str, today: NaiveDate) -> Document {
    let columns: &[Printed<SupportBed>] = &[
        (Column::new("病院名", 2.0), |b| b.hospital.clone()),
        (Column::new("市", 0.8), |b| b.city_name.clone()),
        (Column::new("電話番号", 1.2), |b| b.phone.clone()),
        (Column::new("床数", 0.6).right(), |b| b.beds.to_string()),
        (Column::new("最新の確認日", 1.6), |b| {
            b.latest()
                .map_or_else(|| "未確認".into(), |u| u.checked_label.clone())
        }),
        (Column::new("空床数", 0.7).right(), |b| {
            b.latest()
                .map(|u| u.free_beds.to_string())
                .unwrap_or_default()
        }),
        (Column::new("確認メモ", 2.2), |b| {
            b.latest().map(|u| u.note.clone()).unwrap_or_default()
        }),
    ];
    let (columns, rows) = table(columns, beds);
    table_list(
        "療養支援ベッド一覧",
        &format!("{office_name}　空床数は各病院の最新の確認時点のものです"),
        columns,
        rows,
        today,
    )
}

/// 関係機関一覧: the current organisations with how to reach them.
pub fn organisations(list: &[Organisation], office_name: &str, today: NaiveDate) -> Document {
    let columns: &[Printed<Organisation>] = &[
        (Column::new("種別", 1.1), |o| o.kind.clone()),
        (Column::new("名称", 2.4), |o| {
            [o.name.as_str(), o.department.as_str()]
                .join(" ")
                .trim()
                .to_string()
        }),
        (Column::new("住所", 2.6), |o| o.address.clone()),
        (Column::new("電話", 1.2), |o| o.phone.clone()),
        (Column::new("FAX", 1.2), |o| o.fax.clone()),
    ];
    let (columns, rows) = table(columns, list);
    table_list("関係機関一覧", office_name, columns, rows, today)
}
