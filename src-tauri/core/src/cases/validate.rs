//! Checking and cleaning what the intake form and the timeline form send.
//! Field names follow the form's `data-field`s (`person.birth_date`,
//! `category_ids`, `entry.minutes` …).

use std::collections::HashSet;

use chrono::{NaiveDate, NaiveDateTime};
use rusqlite::{params, Connection, OptionalExtension};

use super::lists::{self, ListKind};
use super::{CaseInput, EntryInput, PersonInput};
use crate::{store, text, wareki, Error, Result};

pub const STATUSES: [&str; 3] = ["受付", "対応中", "終結"];
pub const SEXES: [&str; 3] = ["男性", "女性", "その他"];
pub const CARE_LEVELS: [&str; 11] = [
    "自立",
    "事業対象者",
    "要支援1",
    "要支援2",
    "要介護1",
    "要介護2",
    "要介護3",
    "要介護4",
    "要介護5",
    "申請中",
    "不明",
];
pub const FAMILY_DOCTOR: [&str; 3] = ["あり", "なし", "不明"];

const MAX_CONTENT: usize = 10_000;
const MAX_NOTE: usize = 5_000;
const MAX_MINUTES: i64 = 24 * 60 * 7;
const MAX_SELECTED: usize = 30;
const OLDEST_BIRTH_DATE: NaiveDate = NaiveDate::from_ymd_opt(1890, 1, 1).expect("a real date");

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CleanPerson {
    pub id: Option<String>,
    pub name: String,
    pub kana: String,
    pub sex: String,
    pub birth_date: Option<NaiveDate>,
    pub city_id: Option<String>,
    pub area_id: Option<String>,
    pub care_level: String,
    pub family_doctor: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CleanCase {
    pub received_at: NaiveDateTime,
    pub intake_method_id: String,
    pub consulter_type_id: String,
    pub consulter_affiliation: String,
    pub consulter_name: String,
    pub info_source: String,
    pub is_new: bool,
    /// None for an enquiry without a patient.
    pub person: Option<CleanPerson>,
    pub new_person: bool,
    pub category_ids: Vec<String>,
    pub scene_ids: Vec<String>,
    pub content: String,
    pub response_ids: Vec<String>,
    pub referral_to: String,
    pub minutes: Option<i64>,
    pub staff_id: String,
    pub status: String,
    pub outcome_id: Option<String>,
    pub version: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CleanEntry {
    pub date: NaiveDate,
    pub staff_id: String,
    pub response_id: Option<String>,
    pub note: String,
    pub minutes: Option<i64>,
    pub contact: bool,
    pub method_id: Option<String>,
    pub party_id: Option<String>,
}

pub(crate) fn check_status(field: &str, value: &str) -> Result<String> {
    if STATUSES.contains(&value) {
        Ok(value.to_string())
    } else {
        Err(Error::invalid(
            field,
            "状態は「受付」「対応中」「終結」から選んでください。",
        ))
    }
}

fn one_of(field: &str, label: &str, value: &str, allowed: &[&str]) -> Result<String> {
    let value = value.trim();
    if value.is_empty() || allowed.contains(&value) {
        Ok(value.to_string())
    } else {
        Err(Error::invalid(
            field,
            format!("{label}は一覧から選んでください。"),
        ))
    }
}

pub(crate) use crate::text::multi_line as long_text;

fn not_future(field: &str, label: &str, day: NaiveDate, today: NaiveDate) -> Result<()> {
    if day > today {
        return Err(Error::invalid(
            field,
            format!(
                "{label}（{}）が今日より後になっています。",
                wareki::format_date(day)
            ),
        ));
    }
    Ok(())
}

/// An optional list item of `kind`: empty is none, an id of another list
/// or an unknown one is refused.
fn item_id(conn: &Connection, field: &str, kind: ListKind, value: &str) -> Result<Option<String>> {
    if value.trim().is_empty() {
        return Ok(None);
    }
    let id = text::uuid(field, value)?;
    lists::item(conn, kind, &id, field)?;
    Ok(Some(id))
}

/// Like [`item_id`], and an empty value is refused.
fn required_item(conn: &Connection, field: &str, kind: ListKind, value: &str) -> Result<String> {
    item_id(conn, field, kind, value)?
        .ok_or_else(|| Error::invalid(field, format!("{}を選んでください。", kind.label())))
}

fn item_ids(
    conn: &Connection,
    field: &str,
    kind: ListKind,
    values: &[String],
) -> Result<Vec<String>> {
    if values.len() > MAX_SELECTED {
        return Err(Error::invalid(field, "選べる数を超えています。"));
    }
    let mut seen = HashSet::new();
    let mut ids = Vec::new();
    for value in values {
        if let Some(id) = item_id(conn, field, kind, value)? {
            if seen.insert(id.clone()) {
                ids.push(id);
            }
        }
    }
    Ok(ids)
}

pub(crate) fn person(
    conn: &Connection,
    input: &PersonInput,
    today: NaiveDate,
) -> Result<CleanPerson> {
    let id = store::optional_id("person.id", input.id.as_deref().unwrap_or_default())?;
    let birth_date =
        if let Some(day) = wareki::parse_optional_date("person.birth_date", &input.birth_date)? {
            not_future("person.birth_date", "生年月日", day, today)?;
            if day < OLDEST_BIRTH_DATE {
                return Err(Error::invalid(
                    "person.birth_date",
                    "生年月日が古すぎます。確かめてください。",
                ));
            }
            Some(day)
        } else {
            None
        };
    let city_id = store::known_id(conn, "cities", "person.city_id", "市", &input.city_id)?;
    let area_id = match input.area_id.trim() {
        "" => None,
        v => {
            let id = text::uuid("person.area_id", v)?;
            let Some(city) = city_id.as_deref() else {
                return Err(Error::invalid(
                    "person.area_id",
                    "日常生活圏域を選ぶ前に市を選んでください。",
                ));
            };
            let found: Option<String> = conn
                .query_row(
                    "SELECT id FROM areas WHERE id = ?1 AND city_id = ?2",
                    params![id, city],
                    |r| r.get(0),
                )
                .optional()?;
            if found.is_none() {
                return Err(Error::invalid(
                    "person.area_id",
                    "選ばれた日常生活圏域はその市の圏域ではありません。",
                ));
            }
            Some(id)
        }
    };
    Ok(CleanPerson {
        id,
        name: text::single_line("person.name", "対象者の氏名", &input.name, 50, true)?,
        kana: text::single_line("person.kana", "ふりがな", &input.kana, 100, false)?,
        sex: one_of("person.sex", "性別", &input.sex, &SEXES)?,
        birth_date,
        city_id,
        area_id,
        care_level: one_of(
            "person.care_level",
            "要介護度",
            &input.care_level,
            &CARE_LEVELS,
        )?,
        family_doctor: one_of(
            "person.family_doctor",
            "かかりつけ医の有無",
            &input.family_doctor,
            &FAMILY_DOCTOR,
        )?,
    })
}

/// The person of a case, or none for 「対象者なし」, which refuses any
/// person field typed or chosen (so nothing typed is silently dropped).
fn case_person(
    conn: &Connection,
    input: &CaseInput,
    today: NaiveDate,
) -> Result<Option<CleanPerson>> {
    if !input.no_person {
        return person(conn, &input.person, today).map(Some);
    }
    let p = &input.person;
    let filled = [
        ("person.name", p.name.as_str()),
        ("person.kana", &p.kana),
        ("person.sex", &p.sex),
        ("person.birth_date", &p.birth_date),
        ("person.city_id", &p.city_id),
        ("person.area_id", &p.area_id),
        ("person.care_level", &p.care_level),
        ("person.family_doctor", &p.family_doctor),
        ("person.id", p.id.as_deref().unwrap_or_default()),
    ]
    .into_iter()
    .find(|(_, value)| !value.trim().is_empty());
    if let Some((field, _)) = filled {
        return Err(Error::invalid(
            field,
            "「対象者なし」の相談には対象者の情報を入れられません。対象者の欄を空にするか、「対象者なし」を外してください。",
        ));
    }
    if input.new_person {
        return Err(Error::invalid(
            "person.name",
            "「対象者なし」の相談に新しい対象者は登録できません。",
        ));
    }
    Ok(None)
}

pub(crate) fn case(conn: &Connection, input: &CaseInput, today: NaiveDate) -> Result<CleanCase> {
    let day = wareki::parse_required_date("received_date", "受付日", &input.received_date)?;
    not_future("received_date", "受付日", day, today)?;
    let time = text::time_of_day("received_time", "受付時刻", &input.received_time)?;
    let category_ids = item_ids(
        conn,
        "category_ids",
        ListKind::Category,
        &input.category_ids,
    )?;
    let clean = CleanCase {
        received_at: day.and_time(time),
        intake_method_id: required_item(
            conn,
            "intake_method_id",
            ListKind::IntakeMethod,
            &input.intake_method_id,
        )?,
        consulter_type_id: required_item(
            conn,
            "consulter_type_id",
            ListKind::ConsulterType,
            &input.consulter_type_id,
        )?,
        consulter_affiliation: text::single_line(
            "consulter_affiliation",
            "相談者の所属",
            &input.consulter_affiliation,
            100,
            false,
        )?,
        consulter_name: text::single_line(
            "consulter_name",
            "相談者の氏名",
            &input.consulter_name,
            50,
            false,
        )?,
        info_source: text::single_line(
            "info_source",
            "情報入手経路",
            &input.info_source,
            100,
            false,
        )?,
        is_new: input.is_new,
        person: case_person(conn, input, today)?,
        new_person: input.new_person,
        scene_ids: item_ids(conn, "scene_ids", ListKind::Scene, &input.scene_ids)?,
        content: long_text("content", "相談内容", &input.content, MAX_CONTENT)?,
        response_ids: item_ids(
            conn,
            "response_ids",
            ListKind::Response,
            &input.response_ids,
        )?,
        referral_to: text::single_line("referral_to", "紹介先", &input.referral_to, 200, false)?,
        minutes: text::minutes("minutes", "所要時間", &input.minutes, MAX_MINUTES)?,
        staff_id: required_item(conn, "staff_id", ListKind::Staff, &input.staff_id)?,
        status: check_status("status", input.status.trim())?,
        outcome_id: item_id(conn, "outcome_id", ListKind::Outcome, &input.outcome_id)?,
        version: input.version,
        category_ids,
    };
    if clean.category_ids.is_empty() {
        return Err(Error::invalid(
            "category_ids",
            "相談内容分類を1つ以上選んでください。",
        ));
    }
    Ok(clean)
}

pub(crate) fn entry(
    conn: &Connection,
    input: &EntryInput,
    received: NaiveDate,
    today: NaiveDate,
) -> Result<CleanEntry> {
    let date = wareki::parse_required_date("entry.date", "経過の日付", &input.date)?;
    not_future("entry.date", "経過の日付", date, today)?;
    if date < received {
        return Err(Error::invalid(
            "entry.date",
            format!(
                "経過の日付が受付日（{}）より前になっています。",
                wareki::format_date(received)
            ),
        ));
    }
    let note = long_text("entry.note", "経過の内容", &input.note, MAX_NOTE)?;
    if note.is_empty() {
        return Err(Error::invalid(
            "entry.note",
            "経過の内容を入力してください。",
        ));
    }
    let method_id = item_id(
        conn,
        "entry.method_id",
        ListKind::IntakeMethod,
        &input.method_id,
    )?;
    Ok(CleanEntry {
        date,
        contact: input.contact,
        method_id,
        party_id: item_id(
            conn,
            "entry.party_id",
            ListKind::ContactParty,
            &input.party_id,
        )?,
        staff_id: required_item(conn, "entry.staff_id", ListKind::Staff, &input.staff_id)?,
        response_id: item_id(
            conn,
            "entry.response_id",
            ListKind::Response,
            &input.response_id,
        )?,
        note,
        minutes: text::minutes("entry.minutes", "所要時間", &input.minutes, MAX_MINUTES)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_keeps_line_breaks_and_refuses_controls() {
        assert_eq!(long_text("c", "内容", " a\r\nb ", 10).unwrap(), "a\nb");
        assert!(long_text("c", "内容", "a\u{0}b", 10).is_err());
        let err = long_text("c", "内容", &"あ".repeat(11), 10).unwrap_err();
        assert!(err.to_string().contains("10文字以内"), "{err}");
    }
}
