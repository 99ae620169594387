//! 相談記録の概要: a case on one A4 page for a meeting or a referral (more
//! pages only if its timeline is long).

use chrono::NaiveDate;

use crate::cases::{names, CaseDetail};
use crate::print::layout::{Block, Column, Document, PageSize};

pub fn build(case: &CaseDetail, office_name: &str, printed_on: NaiveDate) -> Document {
    let mut doc = Document::new(
        PageSize::A4Portrait,
        &format!("相談記録　No.{}", case.case_no),
    );
    doc.subtitle = Some(format!("{}　状態：{}", office_name, case.status));
    doc.printed_on = Some(printed_on);
    let nobody = crate::cases::Person::default();
    let p = case.person.as_ref().unwrap_or(&nobody);
    let mut person = vec![
        ("氏名".to_string(), join_kana(&case.person_label, &p.kana)),
        (
            "性別・年齢".into(),
            join(&[&p.sex, &p.age.map(|a| format!("{a}歳")).unwrap_or_default()]),
        ),
        ("住所地".into(), join(&[&p.city, &p.area])),
        ("介護度".into(), p.care_level.clone()),
        ("かかりつけ医".into(), p.family_doctor.clone()),
    ];
    person.retain(|(_, v)| !v.is_empty());
    doc.push(Block::Heading("ご本人".into()));
    doc.push(Block::KeyValue(person));
    let mut intake = vec![
        ("受付日時".to_string(), case.received_label.clone()),
        ("受付方法".into(), case.intake_method.name.clone()),
        (
            "相談者".into(),
            join(&[
                &case.consulter_type.name,
                &case.consulter_affiliation,
                &case.consulter_name,
            ]),
        ),
        ("相談内容の分類".into(), names(&case.categories)),
        ("4つの場面".into(), names(&case.scenes)),
        ("対応".into(), names(&case.responses)),
        ("紹介先".into(), case.referral_to.clone()),
        ("担当".into(), case.staff.name.clone()),
        (
            "転帰".into(),
            case.outcome
                .as_ref()
                .map(|o| o.name.clone())
                .unwrap_or_default(),
        ),
    ];
    intake.retain(|(_, v)| !v.is_empty());
    doc.push(Block::Heading("受付".into()));
    doc.push(Block::KeyValue(intake));
    if !case.content.is_empty() {
        doc.push(Block::Boxed {
            title: "相談内容".into(),
            text: case.content.clone(),
        });
    }
    if !case.entries.is_empty() {
        doc.push(Block::Heading("経過記録".into()));
        doc.push(Block::Table {
            columns: vec![
                Column::new("日付", 1.3),
                Column::new("手段・相手", 1.1),
                Column::new("担当", 0.9),
                Column::new("内容", 3.6),
            ],
            rows: case
                .entries
                .iter()
                .map(|e| {
                    vec![
                        e.date_label.clone(),
                        crate::cases::entry_kind_label(e),
                        e.staff.name.clone(),
                        e.note.clone(),
                    ]
                })
                .collect(),
            min_row_height: 0.0,
        });
    }
    doc
}

fn join(parts: &[&str]) -> String {
    parts
        .iter()
        .filter(|p| !p.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join("　")
}

fn join_kana(name: &str, kana: &str) -> String {
    if kana.is_empty() {
        name.to_string()
    } else {
        format!("{name}（{kana}）")
    }
}
