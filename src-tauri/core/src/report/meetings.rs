//! Items イ・ウ・エ・カ・ク of the report from 会議・研修 (and meetings whose
//! kind is filed under ア・オ・キ, under those items), the MCS figures
//! under エ, and 研修会 (training of professionals) under カ rather than
//! with the lectures for citizens under キ.
//!
//! 会議・研修 are the office's (the 推進協議会 is run by both cities and the
//! 医師会), so a city's report shows the same meetings as the whole
//! office's. 参加者数 is the sum by 職種, or by organisation for a meeting
//! recorded without 職種.

use rusqlite::{params, Connection};
use serde::Serialize;

use super::rows::Row;
use super::{Definition, Report, Span};
use crate::lectures::{self, LectureFigures, SessionKind, Status};
use crate::meetings::{self, item_heading, McsFigure, Meeting, ITEMS, TRAINING_ITEM};
use crate::store::iso;
use crate::xlsx::Value;
use crate::Result;

/// The items that always have a section of their own in the report.
pub const MEETING_ITEMS: [&str; 5] = ["イ", "ウ", "エ", "カ", "ク"];

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NamedCount {
    pub name: String,
    pub meetings: i64,
    pub attendees: i64,
}

/// A meeting as the report lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Listed {
    pub date_label: String,
    pub kind: String,
    pub title: String,
    pub attendees: i64,
}

/// The 会議・研修 of one item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemMeetings {
    pub letter: String,
    /// イ 在宅医療・介護連携の課題の抽出と対応策の検討
    pub heading: String,
    pub meetings: i64,
    pub attendees: i64,
    /// Kinds of the item with meetings in the period, in list order.
    pub kinds: Vec<NamedCount>,
    /// 職種 with attendees, in list order (`meetings`: how many meetings
    /// they came to).
    pub occupations: Vec<NamedCount>,
    pub listed: Vec<Listed>,
}

/// 研修会 recorded in 講座・チラシ, counted under カ.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LectureTraining {
    /// Held 研修会 without a 会議・研修 record (those with one are counted
    /// as that meeting).
    pub sessions: i64,
    pub participants: i64,
    /// The questionnaires of every held 研修会, with a record or not.
    pub figures: LectureFigures,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MeetingReport {
    /// イ・ウ・エ・カ・ク always, ア・オ・キ when a kind filed there has
    /// meetings; in the order ア〜ク.
    pub items: Vec<ItemMeetings>,
    /// The latest MCS figures dated in the period.
    pub mcs: Option<McsFigure>,
    pub training: LectureTraining,
}

impl MeetingReport {
    pub fn item(&self, letter: &str) -> Option<&ItemMeetings> {
        self.items.iter().find(|i| i.letter == letter)
    }

    /// Meetings of every item in the period.
    pub fn total(&self) -> i64 {
        self.items.iter().map(|i| i.meetings).sum()
    }
}

fn item_meetings(
    letter: &str,
    meetings: &[&Meeting],
    kinds: &[meetings::MeetingKind],
    occupations: &[meetings::Occupation],
) -> ItemMeetings {
    let count = |of: &[&&Meeting], name: &str| NamedCount {
        name: name.to_string(),
        meetings: of.len() as i64,
        attendees: of.iter().map(|m| m.attendees).sum(),
    };
    let kinds = kinds
        .iter()
        .filter_map(|k| {
            let of: Vec<&&Meeting> = meetings.iter().filter(|m| m.kind_id == k.id).collect();
            (!of.is_empty()).then(|| count(&of, &k.name))
        })
        .collect();
    let occupations = occupations
        .iter()
        .filter_map(|o| {
            let rows: Vec<i64> = meetings
                .iter()
                .flat_map(|m| m.attendance.iter())
                .filter(|a| a.occupation_id == o.id)
                .map(|a| a.attendees)
                .collect();
            (!rows.is_empty()).then(|| NamedCount {
                name: o.name.clone(),
                meetings: rows.len() as i64,
                attendees: rows.iter().sum(),
            })
        })
        .collect();
    ItemMeetings {
        letter: letter.to_string(),
        heading: item_heading(letter),
        meetings: meetings.len() as i64,
        attendees: meetings.iter().map(|m| m.attendees).sum(),
        kinds,
        occupations,
        listed: meetings
            .iter()
            .map(|m| Listed {
                date_label: m.date_label.clone(),
                kind: m.kind_name.clone(),
                title: m.title.clone(),
                attendees: m.attendees,
            })
            .collect(),
    }
}

pub(super) fn build(conn: &Connection, span: &Span, city: Option<&str>) -> Result<MeetingReport> {
    let all = meetings::meetings_between(conn, Some(span.first), Some(span.last))?;
    let kinds = meetings::kinds(conn)?;
    let occupations = meetings::occupations(conn)?;
    let items = ITEMS
        .iter()
        .filter_map(|(letter, _)| {
            let of: Vec<&Meeting> = all.iter().filter(|m| m.item == *letter).collect();
            (MEETING_ITEMS.contains(letter) || !of.is_empty())
                .then(|| item_meetings(letter, &of, &kinds, &occupations))
        })
        .collect();
    let (sessions, participants): (i64, i64) = conn.query_row(
        "SELECT count(*), coalesce(sum(attendees), 0) FROM lecture_sessions s
          WHERE s.kind = ?1 AND s.status = ?2 AND s.session_date BETWEEN ?3 AND ?4
            AND (?5 IS NULL OR s.city_id = ?5)
            AND NOT EXISTS (SELECT 1 FROM meetings m WHERE m.lecture_session_id = s.id)",
        params![
            SessionKind::Training,
            Status::Held,
            iso(span.first),
            iso(span.last),
            city
        ],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok(MeetingReport {
        items,
        mcs: meetings::latest_mcs(conn, span.first, span.last)?,
        training: LectureTraining {
            sessions,
            participants,
            figures: lectures::figures_split(
                conn,
                span.first,
                span.last,
                city,
                SessionKind::Training,
                true,
            )?,
        },
    })
}

/// What the meeting figures mean, printed with the other definitions.
pub(super) fn definitions() -> Vec<Definition> {
    [
        ("会議・研修", "期間内に開催日がある会議・研修の回数。種類ごとに設定した事業項目（ア〜ク）に数えます。参加者数は職種別の人数の合計（職種の記録がない会議は機関別の人数の合計）。職種別の回数は、その職種の参加があった会議の数です。会議・研修は市の区別なく事業所全体の件数で、市ごとの報告にも同じ件数を載せます。"),
        ("研修会", "医療・介護関係者の研修は「カ」に数えます。講座・チラシで種類を「研修会」とした開催は「キ」ではなく「カ」に入り、会議・研修の記録からアンケートを集計した研修会は、その会議・研修として1回だけ数えます。"),
        ("MCS", "メディカルケアステーションの登録事業所数と登録者数。期間内の日付で入力した最新の数を、その時点（〇年〇月現在）とともに示します。"),
    ]
    .into_iter()
    .map(|(term, text)| Definition { term: term.into(), text: text.into() })
    .collect()
}

/// The rows of the items `letters` (章 = the item's heading), for the CSV
/// and the workbook.
pub fn rows(report: &Report, letters: &[&str]) -> Vec<Row> {
    let m = &report.meetings;
    let mut rows = Vec::new();
    let mut push = |section: &str, table: &str, name: &str, measure: &str, value: Value| {
        rows.push(Row {
            section: section.into(),
            table: table.into(),
            name: name.into(),
            measure: measure.into(),
            value,
        });
    };
    for item in m
        .items
        .iter()
        .filter(|i| letters.contains(&i.letter.as_str()))
    {
        let s = item.heading.as_str();
        if item.letter == "エ" {
            if let Some(mcs) = &m.mcs {
                let table = format!("MCS（{}）", mcs.month_label);
                push(s, &table, "登録事業所数", "件数", mcs.offices.into());
                push(s, &table, "登録者数", "人数", mcs.members.into());
            }
        }
        push(s, "会議・研修", "合計", "開催回数", item.meetings.into());
        push(s, "会議・研修", "合計", "参加者数", item.attendees.into());
        for k in &item.kinds {
            push(
                s,
                "会議・研修 種類別",
                &k.name,
                "開催回数",
                k.meetings.into(),
            );
            push(
                s,
                "会議・研修 種類別",
                &k.name,
                "参加者数",
                k.attendees.into(),
            );
        }
        for o in &item.occupations {
            push(
                s,
                "会議・研修 職種別の参加者",
                &o.name,
                "参加者数",
                o.attendees.into(),
            );
            push(
                s,
                "会議・研修 職種別の参加者",
                &o.name,
                "参加した回数",
                o.meetings.into(),
            );
        }
        for l in &item.listed {
            let text = format!("{}（{}）参加{}人", l.title, l.kind, l.attendees);
            push(s, "会議・研修の一覧", &l.date_label, "", Value::Text(text));
        }
        if item.letter == TRAINING_ITEM {
            let t = &m.training;
            let percent = |v: Option<f64>| v.map(Value::Percent).unwrap_or(Value::Empty);
            push(
                s,
                "研修会（講座・チラシに記録）",
                "合計",
                "開催回数",
                t.sessions.into(),
            );
            push(
                s,
                "研修会（講座・チラシに記録）",
                "合計",
                "延べ参加者",
                t.participants.into(),
            );
            push(
                s,
                "研修会のアンケート",
                "合計",
                "アンケート回収数",
                t.figures.forms_returned.into(),
            );
            push(
                s,
                "研修会のアンケート",
                "合計",
                "回収率（%）",
                percent(t.figures.response_rate),
            );
            push(
                s,
                "研修会のアンケート",
                "合計",
                "浸透度（%）",
                percent(t.figures.awareness),
            );
        }
    }
    rows
}
