//! The 会議・研修 parts of the 事業報告 PDF: for each item, its meetings by
//! kind, attendance by 職種 and the meetings with their dates; the MCS
//! figures under エ and 研修会 from 講座 under カ. Items ア・オ・キ already
//! have a heading (their own figures come first); the others get theirs here.

use super::year_report::{caption, table};
use crate::meetings::TRAINING_ITEM;
use crate::print::layout::{Block, Column, Document};
use crate::report::{ItemMeetings, MeetingReport, MEETING_ITEMS};

/// The sections of the items `letters`, in that order.
pub fn items(doc: &mut Document, report: &MeetingReport, letters: &[&str]) {
    for letter in letters {
        if let Some(item) = report.item(letter) {
            section(doc, report, item);
        }
    }
}

fn counted(label: &str, second: &str) -> Vec<Column> {
    vec![
        Column::new(label, 2.6),
        Column::new(second, 1.0).right(),
        Column::new("参加者数", 1.0).right(),
    ]
}

fn section(doc: &mut Document, report: &MeetingReport, item: &ItemMeetings) {
    let own_heading = MEETING_ITEMS.contains(&item.letter.as_str());
    if own_heading {
        doc.push(Block::Heading(item.heading.clone()));
    }
    if item.letter == "エ" {
        if let Some(mcs) = &report.mcs {
            doc.push(Block::KeyValue(vec![(
                format!("MCS（{}）", mcs.month_label),
                format!(
                    "登録事業所数 {} 機関・登録者数 {} 人",
                    mcs.offices, mcs.members
                ),
            )]));
        }
    }
    if item.meetings == 0 && own_heading {
        doc.push(Block::KeyValue(vec![(
            "会議・研修".into(),
            "期間内の記録なし".into(),
        )]));
    }
    if item.meetings > 0 {
        doc.push(Block::KeyValue(vec![(
            "会議・研修".into(),
            format!("{} 回（参加者 延べ {} 人）", item.meetings, item.attendees),
        )]));
        caption(doc, "会議・研修 種類別");
        let rows = item
            .kinds
            .iter()
            .map(|k| {
                vec![
                    k.name.clone(),
                    k.meetings.to_string(),
                    k.attendees.to_string(),
                ]
            })
            .collect();
        table(doc, counted("種類", "開催回数"), rows);
        if !item.occupations.is_empty() {
            caption(doc, "職種別の参加者（延べ）");
            let rows = item
                .occupations
                .iter()
                .map(|o| {
                    vec![
                        o.name.clone(),
                        o.meetings.to_string(),
                        o.attendees.to_string(),
                    ]
                })
                .collect();
            table(doc, counted("職種", "参加した回数"), rows);
        }
        caption(doc, "開催した会議・研修");
        let rows = item
            .listed
            .iter()
            .map(|l| {
                vec![
                    l.date_label.clone(),
                    l.kind.clone(),
                    l.title.clone(),
                    l.attendees.to_string(),
                ]
            })
            .collect();
        table(
            doc,
            vec![
                Column::new("開催日", 1.6),
                Column::new("種類", 1.4),
                Column::new("名称", 2.8),
                Column::new("参加者数", 0.8).right(),
            ],
            rows,
        );
    }
    if item.letter == TRAINING_ITEM {
        let t = &report.training;
        let rate = |v: Option<f64>| {
            v.map(|v| format!("{:.1}%", v * 100.0))
                .unwrap_or_else(|| "－".into())
        };
        doc.push(Block::KeyValue(vec![
            (
                "講座の研修会".into(),
                format!("{} 回（延べ参加者 {} 人）", t.sessions, t.participants),
            ),
            (
                "研修会アンケート".into(),
                format!(
                    "回収 {} 枚・回収率 {}・浸透度 {}",
                    t.figures.forms_returned,
                    rate(t.figures.response_rate),
                    rate(t.figures.awareness)
                ),
            ),
        ]));
    }
}
