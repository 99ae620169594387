//! 相談記録: consultation cases from intake to closing (DESIGN.md §1).
//!
//! A person (対象者) has one or more cases; a case has multi-select
//! 相談内容分類 and 対応, a timeline of 経過記録, and a change history.
//! Every write is one transaction that also updates the search index
//! ([`search`]) and the history ([`history`]). A case edit carries the
//! `version` it was opened with; a stale save is refused.
//!
//! A case summary PDF (printing issue) can be built on [`get`], which
//! returns every display value already formatted.

mod detail;
mod entries;
mod export;
pub mod history;
pub mod lists;
mod persons;
mod save;
pub mod search;
mod validate;

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use crate::office::{self, City};
use crate::{text, wareki, Error, Result};
pub use detail::get;
pub use entries::{add_entry, delete_entry, update_entry};
pub use export::{export_csv, export_to_folder};
use lists::{List, ListKind};
pub use persons::{similar_persons, PersonCheck};
pub(crate) use save::reindex_case;
pub use save::{create, delete, insert_many, set_status, update};
pub(crate) use search::unindex_case;
pub use search::{CaseFilter, CasePage, CaseRow};
pub(crate) use validate::check_status;
pub use validate::{CARE_LEVELS, FAMILY_DOCTOR, SEXES, STATUSES};

/// The person concerned, as the intake form sends it. With an `id`, the
/// case is attached to that existing person (whose data the form updates).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PersonInput {
    pub id: Option<String>,
    pub name: String,
    pub kana: String,
    pub sex: String,
    pub birth_date: String,
    pub city_id: String,
    pub area_id: String,
    pub care_level: String,
    pub family_doctor: String,
}

/// What the intake form sends. Dates in 令和 or ISO form, time as 14:05,
/// minutes as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CaseInput {
    pub received_date: String,
    pub received_time: String,
    pub intake_method_id: String,
    pub consulter_type_id: String,
    pub consulter_affiliation: String,
    pub consulter_name: String,
    pub info_source: String,
    #[serde(default = "yes")]
    pub is_new: bool,
    /// 「対象者なし（一般的な相談・問い合わせ）」: the case has no person, and
    /// every field of `person` must be empty.
    pub no_person: bool,
    pub person: PersonInput,
    /// Set when the user saw the duplicate warning and chose to register a
    /// new person anyway.
    pub new_person: bool,
    pub category_ids: Vec<String>,
    /// 4つの場面 (none, one or several).
    pub scene_ids: Vec<String>,
    pub content: String,
    pub response_ids: Vec<String>,
    pub referral_to: String,
    pub minutes: String,
    pub staff_id: String,
    pub status: String,
    pub outcome_id: String,
    /// The version the form was opened with (required for an update).
    pub version: Option<i64>,
}

fn yes() -> bool {
    true
}

/// A 経過記録 as the timeline form sends it. Unless said otherwise it is a
/// contact; without a 手段 it counts under its case's 受付方法.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EntryInput {
    pub date: String,
    pub staff_id: String,
    pub response_id: String,
    pub note: String,
    pub minutes: String,
    /// 「連絡・対応あり」; false for a memo (counted in no 延べ).
    pub contact: bool,
    /// 手段: an item of the 受付方法 list; optional.
    pub method_id: String,
    /// 相手: an item of the 経過記録の相手 list, optional.
    pub party_id: String,
}

impl Default for EntryInput {
    fn default() -> Self {
        EntryInput {
            date: String::new(),
            staff_id: String::new(),
            response_id: String::new(),
            note: String::new(),
            minutes: String::new(),
            contact: true,
            method_id: String::new(),
            party_id: String::new(),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Person {
    pub id: String,
    pub name: String,
    pub kana: String,
    pub sex: String,
    pub birth_date: Option<String>,
    pub birth_label: String,
    pub age: Option<u32>,
    pub city_id: Option<String>,
    pub city: String,
    pub area_id: Option<String>,
    pub area: String,
    pub care_level: String,
    pub family_doctor: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Named {
    pub id: String,
    pub name: String,
}

/// How an entry happened, as the timeline and the summary show it:
/// 電話・家族, 訪問, or メモ.
pub fn entry_kind_label(e: &Entry) -> String {
    if !e.contact {
        return "メモ".into();
    }
    let parts: Vec<&str> = [&e.method, &e.party]
        .into_iter()
        .flatten()
        .map(|n| n.name.as_str())
        .collect();
    parts.join("・")
}

/// Shown where a name would be for a case without a patient.
pub const NO_PERSON: &str = "対象者なし";

/// The names of several list items as one text: 訪問看護、認知症.
pub fn names(items: &[Named]) -> String {
    let names: Vec<&str> = items.iter().map(|n| n.name.as_str()).collect();
    names.join("、")
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    pub id: String,
    pub date: String,
    /// 令和7年4月1日（火）
    pub date_label: String,
    /// 令和7年4月1日, as the timeline form takes the date back.
    pub date_input: String,
    pub staff: Named,
    pub response: Option<Named>,
    pub note: String,
    pub minutes: Option<i64>,
    /// A contact (連絡・対応); false for a memo.
    pub contact: bool,
    /// 手段; none for a memo and for entries written before it was kept.
    pub method: Option<Named>,
    /// 相手, when recorded.
    pub party: Option<Named>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OtherCase {
    pub id: String,
    pub case_no: i64,
    pub received_label: String,
    pub status: String,
}

/// One case with every value ready to show (and to print).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseDetail {
    pub id: String,
    pub case_no: i64,
    pub received_at: String,
    pub received_date: String,
    pub received_time: String,
    pub received_label: String,
    pub intake_method: Named,
    pub consulter_type: Named,
    pub consulter_affiliation: String,
    pub consulter_name: String,
    pub info_source: String,
    pub is_new: bool,
    /// None for an enquiry without a patient (対象者なし).
    pub person: Option<Person>,
    /// The person's name, or 対象者なし ([`NO_PERSON`]).
    pub person_label: String,
    pub categories: Vec<Named>,
    pub scenes: Vec<Named>,
    pub content: String,
    pub responses: Vec<Named>,
    pub referral_to: String,
    pub minutes: Option<i64>,
    pub staff: Named,
    pub status: String,
    pub outcome: Option<Named>,
    pub version: i64,
    pub updated_label: String,
    pub entries: Vec<Entry>,
    /// The same person's other cases, newest first.
    pub other_cases: Vec<OtherCase>,
}

/// A person that looks like the one being entered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PersonMatch {
    pub person: Person,
    pub cases: i64,
    pub last_received_label: String,
}

/// Everything the intake form needs to offer its choices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FormOptions {
    /// Today in 和暦 (令和7年4月1日), the default of the date fields.
    pub today_label: String,
    pub lists: Vec<List>,
    pub cities: Vec<City>,
    pub statuses: Vec<&'static str>,
    pub sexes: Vec<&'static str>,
    pub care_levels: Vec<&'static str>,
    pub family_doctor: Vec<&'static str>,
}

pub fn form_options(conn: &Connection, today: NaiveDate) -> Result<FormOptions> {
    Ok(FormOptions {
        today_label: wareki::format_date(today),
        lists: lists::all(conn)?,
        cities: office::resident_cities(conn)?,
        statuses: STATUSES.to_vec(),
        sexes: SEXES.to_vec(),
        care_levels: CARE_LEVELS.to_vec(),
        family_doctor: FAMILY_DOCTOR.to_vec(),
    })
}

/// A stored moment read from `column` of a row; an unreadable one is
/// [`Error::Corrupt`].
pub(super) fn stamp_column(r: &rusqlite::Row, column: &str) -> Result<NaiveDateTime> {
    crate::store::parse_stamp(&r.get::<_, String>(column)?)
}

/// 令和7年3月31日 14:05
pub(crate) fn received_label(received_at: NaiveDateTime) -> String {
    format!(
        "{} {}",
        wareki::format_date(received_at.date()),
        received_at.format("%H:%M")
    )
}

/// 30分, or empty when not given.
pub(super) fn minutes_label(m: Option<i64>) -> String {
    m.map(|m| format!("{m}分")).unwrap_or_default()
}

/// Full years of age on `today`.
pub fn age_on(birth: NaiveDate, today: NaiveDate) -> Option<u32> {
    let mut age = today.year() - birth.year();
    if (today.month(), today.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    u32::try_from(age).ok()
}

/// Who is making the change: the 担当者 chosen in the app (by list id).
pub(super) fn actor(conn: &Connection, changed_by: &str) -> Result<String> {
    if changed_by.trim().is_empty() {
        return Err(Error::invalid(
            "changed_by",
            "操作する担当者を選んでください（画面上部の「操作者」）。",
        ));
    }
    let id = text::uuid("changed_by", changed_by)?;
    lists::item_name(conn, ListKind::Staff, &id, "changed_by")
}

pub(super) fn name_key(s: &str) -> String {
    search::fold(s)
}

/// The change history of a case, newest first (also of a deleted case).
pub fn history(conn: &Connection, case_id: &str) -> Result<Vec<history::Change>> {
    let case_id = text::uuid("id", case_id)?;
    history::for_case(conn, &case_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_input_defaults_missing_fields_and_refuses_unknown_ones() {
        let input: CaseInput =
            serde_json::from_str(r#"{"person": {"name": "坂戸 ハナ"}}"#).unwrap();
        assert!(input.is_new, "a case is new unless the form says not");
        assert_eq!(input.person.name, "坂戸 ハナ");
        assert_eq!((input.version, input.minutes.as_str()), (None, ""));
        assert!(serde_json::from_str::<CaseInput>(r#"{"is_new": true, "bogus": 1}"#).is_err());
        assert!(serde_json::from_str::<EntryInput>(r#"{"note": "x"}"#).is_ok());
    }
}
