//! 議事録: one meeting or training on A4 portrait: when and where, who
//! came (by organisation and by 職種), the agenda, decisions, tasks and the
//! minutes text, with room for the approver's seal.

use chrono::NaiveDate;

use crate::meetings::Meeting;
use crate::print::layout::{Block, Column, Document, PageSize};

pub fn build(m: &Meeting, office_name: &str, printed_on: NaiveDate) -> Document {
    let mut doc = Document::new(PageSize::A4Portrait, &format!("議事録　{}", m.title));
    doc.subtitle = Some(format!("{office_name}　{}（{}）", m.kind_name, m.item));
    doc.printed_on = Some(printed_on);
    let mut facts = vec![
        ("名称".to_string(), m.title.clone()),
        (
            "種類".into(),
            format!("{}（事業項目 {}）", m.kind_name, m.item),
        ),
        (
            "日時".into(),
            format!("{}　{}", m.date_label, m.time_label()),
        ),
        ("会場".into(), m.venue.clone()),
        ("主催".into(), m.organiser_label.clone()),
        ("参加者数".into(), format!("{} 人", m.attendees)),
    ];
    facts.retain(|(_, v)| !v.is_empty());
    doc.push(Block::KeyValue(facts));
    if !m.attendance.is_empty() {
        doc.push(Block::Heading("職種別の参加者".into()));
        let mut rows: Vec<Vec<String>> = m
            .attendance
            .iter()
            .map(|a| vec![a.name.clone(), format!("{} 人", a.attendees)])
            .collect();
        rows.push(vec![
            "合計".into(),
            format!(
                "{} 人",
                m.attendance.iter().map(|a| a.attendees).sum::<i64>()
            ),
        ]);
        doc.push(Block::Table {
            columns: vec![Column::new("職種", 3.0), Column::new("人数", 1.0).right()],
            rows,
            min_row_height: 0.0,
        });
    }
    if !m.organisations.is_empty() {
        doc.push(Block::Heading("機関別の参加者".into()));
        doc.push(Block::Table {
            columns: vec![Column::new("機関", 3.0), Column::new("人数", 1.0).right()],
            rows: m
                .organisations
                .iter()
                .map(|o| vec![o.name.clone(), format!("{} 人", o.attendees)])
                .collect(),
            min_row_height: 0.0,
        });
    }
    for (title, text) in [("議題", &m.agenda), ("決定事項", &m.decisions)] {
        if !text.is_empty() {
            doc.push(Block::Boxed {
                title: title.into(),
                text: text.clone(),
            });
        }
    }
    if !m.tasks.is_empty() {
        doc.push(Block::Heading("宿題（今後の対応）".into()));
        doc.push(Block::Table {
            columns: vec![
                Column::new("内容", 3.4),
                Column::new("担当", 1.2),
                Column::new("期限", 1.4),
                Column::new("状況", 0.7),
            ],
            rows: m
                .tasks
                .iter()
                .map(|t| {
                    vec![
                        t.task.clone(),
                        t.owner.clone(),
                        t.due_label.clone(),
                        if t.done { "済" } else { "未了" }.into(),
                    ]
                })
                .collect(),
            min_row_height: 0.0,
        });
    }
    if !m.minutes.is_empty() {
        doc.push(Block::Heading("議事".into()));
        doc.push(Block::Paragraph(m.minutes.clone()));
    }
    doc.push(Block::Spacer(4.0));
    doc.push(Block::KeyValue(vec![
        ("記録者".into(), String::new()),
        ("確認".into(), String::new()),
    ]));
    doc
}
