//! The printable 名簿: もの忘れ相談医リスト (handed to citizens), 往診登録医一覧
//! and 療養支援ベッド一覧 — current entries only, one table each whose header
//! row repeats on every page.

use chrono::NaiveDate;

use super::table_list;
use crate::print::layout::{Align, Block, Column, Document};
use crate::registries::{Doctor, SupportBed};
use crate::wareki;

/// もの忘れ相談医リスト: by 市, with what a citizen needs to call.
pub fn dementia(doctors: &[Doctor], office_name: &str, today: NaiveDate) -> Document {
    let columns = vec![
        Column::new("市", 0.9),
        Column::new("医療機関名", 2.0),
        Column::new("医師名", 1.3),
        Column::new("住所", 2.6),
        Column::new("電話番号", 1.3),
    ];
    let rows = doctors
        .iter()
        .map(|d| {
            vec![
                d.city_name.clone(),
                d.clinic.clone(),
                d.name.clone(),
                d.address.clone(),
                d.phone.clone(),
            ]
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

fn flag(b: bool) -> String {
    if b { "○" } else { "" }.to_string()
}

/// 往診登録医一覧 (A4 landscape: the flags need columns).
pub fn doctors(doctors: &[Doctor], office_name: &str, today: NaiveDate) -> Document {
    let columns = vec![
        Column::new("医師名", 1.1),
        Column::new("医療機関名", 1.7),
        Column::new("住所", 2.2),
        Column::new("電話番号", 1.2),
        Column::new("市", 0.8),
        Column::new("圏域", 1.9),
        mark("往診", 0.5),
        mark("訪問診療", 0.75),
        mark("看取り", 0.6),
        mark("24時間", 0.65),
        mark("もの忘れ", 0.75),
    ];
    let rows = doctors
        .iter()
        .map(|d| {
            vec![
                d.name.clone(),
                d.clinic.clone(),
                d.address.clone(),
                d.phone.clone(),
                d.city_name.clone(),
                d.area_names.join("・"),
                flag(d.home_visits),
                flag(d.regular_visits),
                flag(d.end_of_life),
                flag(d.round_the_clock),
                flag(d.dementia_consult),
            ]
        })
        .collect();
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
    let columns = vec![
        Column::new("病院名", 2.0),
        Column::new("市", 0.8),
        Column::new("電話番号", 1.2),
        Column::new("床数", 0.6).right(),
        Column::new("最新の確認日", 1.6),
        Column::new("空床数", 0.7).right(),
        Column::new("確認メモ", 2.2),
    ];
    let rows = beds
        .iter()
        .map(|b| {
            let latest = b.latest();
            vec![
                b.hospital.clone(),
                b.city_name.clone(),
                b.phone.clone(),
                b.beds.to_string(),
                latest
                    .map(|u| u.checked_label.clone())
                    .unwrap_or_else(|| "未確認".into()),
                latest.map(|u| u.free_beds.to_string()).unwrap_or_default(),
                latest.map(|u| u.note.clone()).unwrap_or_default(),
            ]
        })
        .collect();
    table_list(
        "療養支援ベッド一覧",
        &format!("{office_name}　空床数は各病院の最新の確認時点のものです"),
        columns,
        rows,
        today,
    )
}
