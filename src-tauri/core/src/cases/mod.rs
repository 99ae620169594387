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

mod export;
pub mod history;
pub mod lists;
pub mod search;
mod validate;

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};

use crate::office::{self, City};
use crate::{text, wareki, Error, Result};
pub use export::{export_csv, export_to_folder};
use history::{Record, Snapshot};
use lists::{List, ListKind};
pub use search::{CaseFilter, CasePage, CaseRow};
pub(crate) use validate::check_status;
use validate::{CleanCase, CleanEntry, CleanPerson};
pub use validate::{CARE_LEVELS, FAMILY_DOCTOR, SEXES, STATUSES};

/// The person concerned, as the intake form sends it. With an `id`, the
/// case is attached to that existing person (whose data the form updates).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersonInput {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub kana: String,
    #[serde(default)]
    pub sex: String,
    #[serde(default)]
    pub birth_date: String,
    #[serde(default)]
    pub city_id: String,
    #[serde(default)]
    pub area_id: String,
    #[serde(default)]
    pub care_level: String,
    #[serde(default)]
    pub family_doctor: String,
}

/// What the intake form sends. Dates in 令和 or ISO form, time as 14:05,
/// minutes as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseInput {
    #[serde(default)]
    pub received_date: String,
    #[serde(default)]
    pub received_time: String,
    #[serde(default)]
    pub intake_method_id: String,
    #[serde(default)]
    pub consulter_type_id: String,
    #[serde(default)]
    pub consulter_affiliation: String,
    #[serde(default)]
    pub consulter_name: String,
    #[serde(default)]
    pub info_source: String,
    #[serde(default = "yes")]
    pub is_new: bool,
    #[serde(default)]
    pub person: PersonInput,
    /// Set when the user saw the duplicate warning and chose to register a
    /// new person anyway.
    #[serde(default)]
    pub new_person: bool,
    #[serde(default)]
    pub category_ids: Vec<String>,
    #[serde(default)]
    pub content: String,
    #[serde(default)]
    pub response_ids: Vec<String>,
    #[serde(default)]
    pub referral_to: String,
    #[serde(default)]
    pub minutes: String,
    #[serde(default)]
    pub staff_id: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub outcome_id: String,
    /// The version the form was opened with (required for an update).
    #[serde(default)]
    pub version: Option<i64>,
}

fn yes() -> bool {
    true
}

/// A 経過記録 as the timeline form sends it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntryInput {
    #[serde(default)]
    pub date: String,
    #[serde(default)]
    pub staff_id: String,
    #[serde(default)]
    pub response_id: String,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub minutes: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    pub id: String,
    pub date: String,
    pub date_label: String,
    pub staff: Named,
    pub response: Option<Named>,
    pub note: String,
    pub minutes: Option<i64>,
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
    pub person: Person,
    pub categories: Vec<Named>,
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
    pub lists: Vec<List>,
    pub cities: Vec<City>,
    pub statuses: Vec<&'static str>,
    pub sexes: Vec<&'static str>,
    pub care_levels: Vec<&'static str>,
    pub family_doctor: Vec<&'static str>,
}

pub fn form_options(conn: &Connection) -> Result<FormOptions> {
    Ok(FormOptions {
        lists: lists::all(conn)?,
        cities: office::load(conn)?.cities,
        statuses: STATUSES.to_vec(),
        sexes: SEXES.to_vec(),
        care_levels: CARE_LEVELS.to_vec(),
        family_doctor: FAMILY_DOCTOR.to_vec(),
    })
}

use crate::store::stamp;

fn parse_stamp(s: &str) -> Option<NaiveDateTime> {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S").ok()
}

pub(crate) fn received_label(received_at: &str) -> String {
    parse_stamp(received_at)
        .map(|t| format!("{} {}", wareki::format_date(t.date()), t.format("%H:%M")))
        .unwrap_or_else(|| received_at.to_string())
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
fn actor(conn: &Connection, changed_by: &str) -> Result<String> {
    if changed_by.trim().is_empty() {
        return Err(Error::invalid(
            "changed_by",
            "操作する担当者を選んでください（画面上部の「操作者」）。",
        ));
    }
    let id = text::uuid("changed_by", changed_by)?;
    lists::item_name(conn, ListKind::Staff, &id, "changed_by")
}

fn name_key(s: &str) -> String {
    search::fold(s)
}

// ---------------------------------------------------------------- reading

fn load_person(conn: &Connection, id: &str, today: NaiveDate) -> Result<Person> {
    conn.prepare_cached(
        "SELECT p.id, p.name, p.kana, p.sex, p.birth_date, p.city_id,
                COALESCE(ci.name, ''), p.area_id, COALESCE(a.name, ''), p.care_level, p.family_doctor
           FROM persons p
           LEFT JOIN cities ci ON ci.id = p.city_id
           LEFT JOIN areas a ON a.id = p.area_id
          WHERE p.id = ?1",
    )?
    .query_row([id], |r| {
        let birth: Option<String> = r.get(4)?;
        let day = birth
            .as_deref()
            .and_then(|b| NaiveDate::parse_from_str(b, "%Y-%m-%d").ok());
        Ok(Person {
            id: r.get(0)?,
            name: r.get(1)?,
            kana: r.get(2)?,
            sex: r.get(3)?,
            birth_label: day.map(wareki::format_date).unwrap_or_default(),
            age: day.and_then(|d| age_on(d, today)),
            birth_date: birth,
            city_id: r.get(5)?,
            city: r.get(6)?,
            area_id: r.get(7)?,
            area: r.get(8)?,
            care_level: r.get(9)?,
            family_doctor: r.get(10)?,
        })
    })
    .optional()?
    .ok_or(Error::NotFound { what: "対象者" })
}

fn named(conn: &Connection, id: &str) -> Result<Named> {
    let name = conn
        .prepare_cached("SELECT name FROM case_list_items WHERE id = ?1")?
        .query_row([id], |r| r.get(0))?;
    Ok(Named {
        id: id.to_string(),
        name,
    })
}

fn linked(conn: &Connection, table: &str, case_id: &str) -> Result<Vec<Named>> {
    let sql = format!(
        "SELECT i.id, i.name FROM {table} l JOIN case_list_items i ON i.id = l.item_id
          WHERE l.case_id = ?1 ORDER BY i.sort_order, i.name"
    );
    let items = conn
        .prepare_cached(&sql)?
        .query_map([case_id], |r| {
            Ok(Named {
                id: r.get(0)?,
                name: r.get(1)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(items)
}

/// id, date, staff, response, note, minutes
type EntryRow = (String, String, String, Option<String>, String, Option<i64>);

fn entries(conn: &Connection, case_id: &str) -> Result<Vec<Entry>> {
    let rows: Vec<EntryRow> = conn
        .prepare_cached(
            "SELECT id, entry_date, staff_id, response_id, note, minutes FROM case_entries
              WHERE case_id = ?1 ORDER BY entry_date, created_at",
        )?
        .query_map([case_id], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    rows.into_iter()
        .map(|(id, date, staff, response, note, minutes)| {
            Ok(Entry {
                date_label: NaiveDate::parse_from_str(&date, "%Y-%m-%d")
                    .map(wareki::format_date_with_weekday)
                    .unwrap_or_else(|_| date.clone()),
                id,
                date,
                staff: named(conn, &staff)?,
                response: response.map(|r| named(conn, &r)).transpose()?,
                note,
                minutes,
            })
        })
        .collect()
}

/// One case with its person, timeline and the person's other cases.
pub fn get(conn: &Connection, id: &str, today: NaiveDate) -> Result<CaseDetail> {
    let id = text::uuid("id", id)?;
    type Row = (
        i64,
        String,
        String,
        String,
        String,
        String,
        String,
        String,
        bool,
        String,
        String,
        Option<i64>,
        String,
        String,
        Option<String>,
        i64,
        String,
    );
    let row: Row = conn
        .prepare_cached(
            "SELECT case_no, person_id, received_at, intake_method_id, consulter_type_id,
                    consulter_affiliation, consulter_name, info_source, is_new, content,
                    referral_to, minutes, staff_id, status, outcome_id, version, updated_at
               FROM cases WHERE id = ?1",
        )?
        .query_row([&id], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
                r.get::<_, i64>(8)? != 0,
                r.get(9)?,
                r.get(10)?,
                r.get(11)?,
                r.get(12)?,
                r.get(13)?,
                r.get(14)?,
                r.get(15)?,
                r.get(16)?,
            ))
        })
        .optional()?
        .ok_or(Error::NotFound {
            what: "相談記録"
        })?;
    let (case_no, person_id, received_at, intake, consulter_type, affiliation, consulter_name) =
        (row.0, row.1, row.2, row.3, row.4, row.5, row.6);
    let received = parse_stamp(&received_at);
    let other_cases = conn
        .prepare_cached(
            "SELECT id, case_no, received_at, status FROM cases
              WHERE person_id = ?1 AND id <> ?2 ORDER BY sort_key DESC LIMIT 50",
        )?
        .query_map(params![person_id, id], |r| {
            Ok(OtherCase {
                id: r.get(0)?,
                case_no: r.get(1)?,
                received_label: received_label(&r.get::<_, String>(2)?),
                status: r.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(CaseDetail {
        case_no,
        received_date: received
            .map(|t| wareki::format_date(t.date()))
            .unwrap_or_default(),
        received_time: received
            .map(|t| t.format("%H:%M").to_string())
            .unwrap_or_default(),
        received_label: received_label(&received_at),
        received_at,
        intake_method: named(conn, &intake)?,
        consulter_type: named(conn, &consulter_type)?,
        consulter_affiliation: affiliation,
        consulter_name,
        info_source: row.7,
        is_new: row.8,
        person: load_person(conn, &person_id, today)?,
        categories: linked(conn, "case_categories", &id)?,
        content: row.9,
        responses: linked(conn, "case_responses", &id)?,
        referral_to: row.10,
        minutes: row.11,
        staff: named(conn, &row.12)?,
        status: row.13,
        outcome: row.14.map(|o| named(conn, &o)).transpose()?,
        version: row.15,
        updated_label: parse_stamp(&row.16)
            .map(wareki::format_datetime)
            .unwrap_or_default(),
        entries: entries(conn, &id)?,
        other_cases,
        id,
    })
}

/// People already registered whose name or ふりがな (folded) is the same
/// and whose 生年月日 does not differ. Offered on the intake form so the
/// case can be attached instead of creating a duplicate.
pub fn similar_persons(
    conn: &Connection,
    name: &str,
    kana: &str,
    birth_date: &str,
    today: NaiveDate,
) -> Result<Vec<PersonMatch>> {
    let name = name_key(&text::single_line("person.name", "氏名", name, 50, false)?);
    let kana = name_key(&text::single_line(
        "person.kana",
        "ふりがな",
        kana,
        100,
        false,
    )?);
    let birth = if birth_date.trim().is_empty() {
        None
    } else {
        Some(wareki::parse_date("person.birth_date", birth_date)?)
    };
    find_similar(conn, &name, &kana, birth, None, today)
}

fn find_similar(
    conn: &Connection,
    name_key: &str,
    kana_key: &str,
    birth: Option<NaiveDate>,
    except: Option<&str>,
    today: NaiveDate,
) -> Result<Vec<PersonMatch>> {
    if name_key.is_empty() && kana_key.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<String> = conn
        .prepare_cached(
            "SELECT id FROM persons
              WHERE ((?1 <> '' AND name_key = ?1) OR (?2 <> '' AND kana_key = ?2))
                AND (?3 IS NULL OR birth_date IS NULL OR birth_date = ?3)
                AND id IS NOT ?4
              ORDER BY updated_at DESC LIMIT 10",
        )?
        .query_map(
            params![
                name_key,
                kana_key,
                birth.map(|d| d.format("%Y-%m-%d").to_string()),
                except
            ],
            |r| r.get(0),
        )?
        .collect::<rusqlite::Result<_>>()?;
    ids.iter()
        .map(|id| {
            let (cases, last): (i64, Option<String>) = conn.query_row(
                "SELECT count(*), max(received_at) FROM cases WHERE person_id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            Ok(PersonMatch {
                person: load_person(conn, id, today)?,
                cases,
                last_received_label: last.as_deref().map(received_label).unwrap_or_default(),
            })
        })
        .collect()
}

// ------------------------------------------------------------- snapshots

fn item_label(conn: &Connection, id: Option<&str>) -> Result<String> {
    match id {
        Some(id) => Ok(named(conn, id)?.name),
        None => Ok(String::new()),
    }
}

fn minutes_label(m: Option<i64>) -> String {
    m.map(|m| format!("{m}分")).unwrap_or_default()
}

fn case_snapshot(conn: &Connection, c: &CleanCase, person_name: &str) -> Result<Snapshot> {
    let names = |ids: &[String]| -> Result<String> {
        let mut names = Vec::new();
        for id in ids {
            names.push(named(conn, id)?.name);
        }
        Ok(names.join("、"))
    };
    let mut s = Snapshot::new();
    s.insert("受付日時", received_label(&stamp(c.received_at)));
    s.insert("受付方法", item_label(conn, Some(&c.intake_method_id))?);
    s.insert("相談者種別", item_label(conn, Some(&c.consulter_type_id))?);
    s.insert("相談者の所属", c.consulter_affiliation.clone());
    s.insert("相談者の氏名", c.consulter_name.clone());
    s.insert("情報入手経路", c.info_source.clone());
    s.insert("新規・継続", if c.is_new { "新規" } else { "継続" }.into());
    s.insert("対象者", person_name.to_string());
    s.insert("相談内容分類", names(&c.category_ids)?);
    s.insert("相談内容", c.content.clone());
    s.insert("対応", names(&c.response_ids)?);
    s.insert("紹介先", c.referral_to.clone());
    s.insert("所要時間", minutes_label(c.minutes));
    s.insert("担当者", item_label(conn, Some(&c.staff_id))?);
    s.insert("状態", c.status.clone());
    s.insert("転帰", item_label(conn, c.outcome_id.as_deref())?);
    Ok(s)
}

fn person_snapshot(conn: &Connection, p: &CleanPerson) -> Result<Snapshot> {
    let city: String = match &p.city_id {
        Some(id) => conn.query_row("SELECT name FROM cities WHERE id = ?1", [id], |r| r.get(0))?,
        None => String::new(),
    };
    let area: String = match &p.area_id {
        Some(id) => conn.query_row("SELECT name FROM areas WHERE id = ?1", [id], |r| r.get(0))?,
        None => String::new(),
    };
    let mut s = Snapshot::new();
    s.insert("氏名", p.name.clone());
    s.insert("ふりがな", p.kana.clone());
    s.insert("性別", p.sex.clone());
    s.insert(
        "生年月日",
        p.birth_date.map(wareki::format_date).unwrap_or_default(),
    );
    s.insert("市", city);
    s.insert("日常生活圏域", area);
    s.insert("要介護度", p.care_level.clone());
    s.insert("かかりつけ医", p.family_doctor.clone());
    Ok(s)
}

fn entry_snapshot(conn: &Connection, e: &CleanEntry) -> Result<Snapshot> {
    let mut s = Snapshot::new();
    s.insert("日付", wareki::format_date(e.date));
    s.insert("担当者", item_label(conn, Some(&e.staff_id))?);
    s.insert("対応", item_label(conn, e.response_id.as_deref())?);
    s.insert("内容", e.note.clone());
    s.insert("所要時間", minutes_label(e.minutes));
    Ok(s)
}

/// The stored case in the same clean form the validator produces, for
/// history diffs.
fn stored_case(conn: &Connection, id: &str, today: NaiveDate) -> Result<(CleanCase, i64, i64)> {
    let d = get(conn, id, today)?;
    let sort_key: i64 = conn.query_row("SELECT sort_key FROM cases WHERE id = ?1", [id], |r| {
        r.get(0)
    })?;
    let received_at = parse_stamp(&d.received_at).unwrap_or_default();
    Ok((
        CleanCase {
            received_at,
            intake_method_id: d.intake_method.id,
            consulter_type_id: d.consulter_type.id,
            consulter_affiliation: d.consulter_affiliation,
            consulter_name: d.consulter_name,
            info_source: d.info_source,
            is_new: d.is_new,
            person: stored_person(conn, &d.person.id)?,
            new_person: false,
            category_ids: d.categories.into_iter().map(|n| n.id).collect(),
            content: d.content,
            response_ids: d.responses.into_iter().map(|n| n.id).collect(),
            referral_to: d.referral_to,
            minutes: d.minutes,
            staff_id: d.staff.id,
            status: d.status,
            outcome_id: d.outcome.map(|o| o.id),
            version: Some(d.version),
        },
        d.version,
        sort_key,
    ))
}

fn stored_person(conn: &Connection, id: &str) -> Result<CleanPerson> {
    conn.prepare_cached(
        "SELECT name, kana, sex, birth_date, city_id, area_id, care_level, family_doctor
           FROM persons WHERE id = ?1",
    )?
    .query_row([id], |r| {
        Ok(CleanPerson {
            id: Some(id.to_string()),
            name: r.get(0)?,
            kana: r.get(1)?,
            sex: r.get(2)?,
            birth_date: r
                .get::<_, Option<String>>(3)?
                .and_then(|b| NaiveDate::parse_from_str(&b, "%Y-%m-%d").ok()),
            city_id: r.get(4)?,
            area_id: r.get(5)?,
            care_level: r.get(6)?,
            family_doctor: r.get(7)?,
        })
    })
    .optional()?
    .ok_or(Error::NotFound { what: "対象者" })
}

// ---------------------------------------------------------------- writing

/// Inserts or updates the person of a case; returns its id. A new person
/// that looks like an existing one is refused unless `confirmed`.
fn write_person(
    tx: &Transaction,
    case_id: &str,
    p: &CleanPerson,
    confirmed: bool,
    by: &str,
    now: NaiveDateTime,
) -> Result<String> {
    let (nk, kk) = (name_key(&p.name), name_key(&p.kana));
    let birth = p.birth_date.map(|d| d.format("%Y-%m-%d").to_string());
    let new = person_snapshot(tx, p)?;
    match &p.id {
        Some(id) => {
            let old = person_snapshot(tx, &stored_person(tx, id)?)?;
            tx.execute(
                "UPDATE persons SET name = ?2, kana = ?3, sex = ?4, birth_date = ?5, city_id = ?6,
                        area_id = ?7, care_level = ?8, family_doctor = ?9, name_key = ?10,
                        kana_key = ?11, updated_at = ?12 WHERE id = ?1",
                params![
                    id,
                    p.name,
                    p.kana,
                    p.sex,
                    birth,
                    p.city_id,
                    p.area_id,
                    p.care_level,
                    p.family_doctor,
                    nk,
                    kk,
                    stamp(now)
                ],
            )?;
            let (o, n) = history::diff(&old, &new);
            history::record(tx, case_id, Record::Person, id, "変更", &o, &n, by, now)?;
            if !o.is_empty() {
                reindex_person(tx, id)?;
            }
            Ok(id.clone())
        }
        None => {
            if !confirmed {
                let similar = find_similar(tx, &nk, &kk, p.birth_date, None, now.date())?;
                if let Some(m) = similar.first() {
                    return Err(Error::invalid(
                        "person.name",
                        format!(
                            "同じ氏名・ふりがな・生年月日の対象者「{}」（{}）が既に登録されています（相談{}件）。その人の相談として追加するか、別の人として登録するかを選んでください。",
                            m.person.name,
                            if m.person.birth_label.is_empty() { "生年月日なし".to_string() } else { m.person.birth_label.clone() },
                            m.cases
                        ),
                    ));
                }
            }
            let id = text::new_id();
            tx.execute(
                "INSERT INTO persons (id, name, kana, sex, birth_date, city_id, area_id, care_level,
                        family_doctor, name_key, kana_key, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12)",
                params![
                    id, p.name, p.kana, p.sex, birth, p.city_id, p.area_id, p.care_level,
                    p.family_doctor, nk, kk, stamp(now)
                ],
            )?;
            history::record(
                tx,
                case_id,
                Record::Person,
                &id,
                "登録",
                &Snapshot::new(),
                &new,
                by,
                now,
            )?;
            Ok(id)
        }
    }
}

fn write_links(
    tx: &Transaction,
    table: &str,
    case_id: &str,
    ids: &[String],
    key: i64,
) -> Result<()> {
    tx.execute(
        &format!("DELETE FROM {table} WHERE case_id = ?1"),
        [case_id],
    )?;
    for id in ids {
        if table == "case_categories" {
            tx.prepare_cached(
                "INSERT INTO case_categories (case_id, item_id, sort_key) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![case_id, id, key])?;
        } else {
            tx.prepare_cached(&format!(
                "INSERT INTO {table} (case_id, item_id) VALUES (?1, ?2)"
            ))?
            .execute(params![case_id, id])?;
        }
    }
    Ok(())
}

/// Rebuilds the search text of one case from its rows.
pub(crate) fn reindex_case(conn: &Connection, case_id: &str, old_key: Option<i64>) -> Result<()> {
    let (key, fields): (i64, Vec<String>) = conn
        .prepare_cached(
            "SELECT c.sort_key, p.name, p.kana, c.consulter_affiliation, c.consulter_name,
                    c.info_source, c.referral_to, c.content
               FROM cases c JOIN persons p ON p.id = c.person_id WHERE c.id = ?1",
        )?
        .query_row([case_id], |r| {
            Ok((
                r.get(0)?,
                (1..=7)
                    .map(|i| r.get::<_, String>(i))
                    .collect::<rusqlite::Result<_>>()?,
            ))
        })?;
    let notes: Vec<String> = conn
        .prepare_cached("SELECT note FROM case_entries WHERE case_id = ?1 ORDER BY entry_date")?
        .query_map([case_id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let folded = search::index_text(fields.iter().chain(notes.iter()).map(String::as_str));
    search::index_case(conn, Some(old_key.unwrap_or(key)), key, &folded)
}

fn reindex_person(conn: &Connection, person_id: &str) -> Result<()> {
    let ids: Vec<String> = conn
        .prepare_cached("SELECT id FROM cases WHERE person_id = ?1")?
        .query_map([person_id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for id in ids {
        reindex_case(conn, &id, None)?;
    }
    Ok(())
}

/// Registers a new case (and its person, unless attached to an existing
/// one) in one transaction.
pub fn create(
    conn: &mut Connection,
    input: &CaseInput,
    changed_by: &str,
    now: NaiveDateTime,
) -> Result<CaseDetail> {
    let by = actor(conn, changed_by)?;
    let clean = validate::case(conn, input, now.date())?;
    let tx = conn.transaction()?;
    let id = insert_case(&tx, &clean, &by, now)?;
    tx.commit()?;
    get(conn, &id, now.date())
}

/// The insert of [`create`], inside the caller's transaction (demo data
/// and benchmarks insert many in one).
pub(crate) fn insert_case(
    tx: &Transaction,
    clean: &CleanCase,
    by: &str,
    now: NaiveDateTime,
) -> Result<String> {
    let id = text::new_id();
    let person_id = write_person(tx, &id, &clean.person, clean.new_person, by, now)?;
    let case_no: i64 =
        tx.query_row("SELECT COALESCE(max(case_no), 0) + 1 FROM cases", [], |r| {
            r.get(0)
        })?;
    let key = search::sort_key(clean.received_at, case_no);
    tx.prepare_cached(
        "INSERT INTO cases (id, case_no, sort_key, person_id, received_at, intake_method_id,
                consulter_type_id, consulter_affiliation, consulter_name, info_source, is_new,
                content, referral_to, minutes, staff_id, status, outcome_id, version,
                created_at, updated_at, city_id, area_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, 1, ?18, ?18,
                 ?19, ?20)",
    )?
    .execute(params![
        id,
        case_no,
        key,
        person_id,
        stamp(clean.received_at),
        clean.intake_method_id,
        clean.consulter_type_id,
        clean.consulter_affiliation,
        clean.consulter_name,
        clean.info_source,
        clean.is_new as i64,
        clean.content,
        clean.referral_to,
        clean.minutes,
        clean.staff_id,
        clean.status,
        clean.outcome_id,
        stamp(now),
        clean.person.city_id,
        clean.person.area_id
    ])?;
    write_links(tx, "case_categories", &id, &clean.category_ids, key)?;
    write_links(tx, "case_responses", &id, &clean.response_ids, key)?;
    let person_name: String = tx.query_row(
        "SELECT name FROM persons WHERE id = ?1",
        [&person_id],
        |r| r.get(0),
    )?;
    let new = case_snapshot(tx, clean, &person_name)?;
    history::record(
        tx,
        &id,
        Record::Case,
        &id,
        "登録",
        &Snapshot::new(),
        &new,
        by,
        now,
    )?;
    let folded = search::index_text([
        clean.person.name.as_str(),
        &clean.person.kana,
        &clean.consulter_affiliation,
        &clean.consulter_name,
        &clean.info_source,
        &clean.referral_to,
        &clean.content,
    ]);
    search::index_case(tx, None, key, &folded)?;
    Ok(id)
}

fn stale(conn: &Connection, id: &str) -> Error {
    let who: Option<(String, String)> = conn
        .query_row(
            "SELECT changed_by, changed_at FROM case_changes WHERE case_id = ?1 ORDER BY seq DESC LIMIT 1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .ok();
    let detail = who
        .map(|(by, at)| {
            let at = parse_stamp(&at).map(wareki::format_datetime).unwrap_or(at);
            format!("（{at}、{by}）")
        })
        .unwrap_or_default();
    Error::Conflict(format!(
        "この相談記録は、開いた後に別の画面で変更されています{detail}。上書きしないよう保存を取りやめました。入力内容を控えてから、記録を開き直してください。"
    ))
}

fn check_version(conn: &Connection, id: &str, stored: i64, given: Option<i64>) -> Result<()> {
    match given {
        None => Err(Error::invalid(
            "version",
            "記録の版がありません。画面を開き直してください。",
        )),
        Some(v) if v != stored => Err(stale(conn, id)),
        Some(_) => Ok(()),
    }
}

/// Saves an edited case. Refused when the case changed since `input.version`.
pub fn update(
    conn: &mut Connection,
    id: &str,
    input: &CaseInput,
    changed_by: &str,
    now: NaiveDateTime,
) -> Result<CaseDetail> {
    let id = text::uuid("id", id)?;
    let by = actor(conn, changed_by)?;
    let clean = validate::case(conn, input, now.date())?;
    let tx = conn.transaction()?;
    let (old, version, old_key) = stored_case(&tx, &id, now.date())?;
    check_version(&tx, &id, version, clean.version)?;
    let person_id = write_person(&tx, &id, &clean.person, clean.new_person, &by, now)?;
    let case_no: i64 = tx.query_row("SELECT case_no FROM cases WHERE id = ?1", [&id], |r| {
        r.get(0)
    })?;
    let key = search::sort_key(clean.received_at, case_no);
    tx.execute(
        "UPDATE cases SET sort_key = ?2, person_id = ?3, received_at = ?4, intake_method_id = ?5,
                consulter_type_id = ?6, consulter_affiliation = ?7, consulter_name = ?8,
                info_source = ?9, is_new = ?10, content = ?11, referral_to = ?12, minutes = ?13,
                staff_id = ?14, status = ?15, outcome_id = ?16, version = version + 1,
                updated_at = ?17, city_id = ?18, area_id = ?19
          WHERE id = ?1",
        params![
            id,
            key,
            person_id,
            stamp(clean.received_at),
            clean.intake_method_id,
            clean.consulter_type_id,
            clean.consulter_affiliation,
            clean.consulter_name,
            clean.info_source,
            clean.is_new as i64,
            clean.content,
            clean.referral_to,
            clean.minutes,
            clean.staff_id,
            clean.status,
            clean.outcome_id,
            stamp(now),
            clean.person.city_id,
            clean.person.area_id
        ],
    )?;
    write_links(&tx, "case_categories", &id, &clean.category_ids, key)?;
    write_links(&tx, "case_responses", &id, &clean.response_ids, key)?;
    let new_name: String = tx.query_row(
        "SELECT name FROM persons WHERE id = ?1",
        [&person_id],
        |r| r.get(0),
    )?;
    // `old` was read before write_person, so it has the person's old name.
    let old_snapshot = case_snapshot(&tx, &old, &old.person.name)?;
    let new_snapshot = case_snapshot(&tx, &clean, &new_name)?;
    let (o, n) = history::diff(&old_snapshot, &new_snapshot);
    history::record(&tx, &id, Record::Case, &id, "変更", &o, &n, &by, now)?;
    reindex_case(&tx, &id, Some(old_key))?;
    tx.commit()?;
    get(conn, &id, now.date())
}

/// Deletes a case and its timeline; the history keeps a record of it.
pub fn delete(
    conn: &mut Connection,
    id: &str,
    version: i64,
    changed_by: &str,
    now: NaiveDateTime,
) -> Result<()> {
    let id = text::uuid("id", id)?;
    let by = actor(conn, changed_by)?;
    let tx = conn.transaction()?;
    let (old, stored_version, key) = stored_case(&tx, &id, now.date())?;
    check_version(&tx, &id, stored_version, Some(version))?;
    let old_snapshot = case_snapshot(&tx, &old, &old.person.name)?;
    for e in entries(&tx, &id)? {
        let clean = stored_entry(&tx, &e.id)?;
        let snap = entry_snapshot(&tx, &clean)?;
        history::record(
            &tx,
            &id,
            Record::Entry,
            &e.id,
            "削除",
            &snap,
            &Snapshot::new(),
            &by,
            now,
        )?;
    }
    tx.execute("DELETE FROM case_entries WHERE case_id = ?1", [&id])?;
    tx.execute("DELETE FROM cases WHERE id = ?1", [&id])?;
    search::unindex_case(&tx, key)?;
    history::record(
        &tx,
        &id,
        Record::Case,
        &id,
        "削除",
        &old_snapshot,
        &Snapshot::new(),
        &by,
        now,
    )?;
    tx.commit()?;
    Ok(())
}

fn stored_entry(conn: &Connection, id: &str) -> Result<CleanEntry> {
    conn.prepare_cached(
        "SELECT entry_date, staff_id, response_id, note, minutes FROM case_entries WHERE id = ?1",
    )?
    .query_row([id], |r| {
        Ok(CleanEntry {
            date: NaiveDate::parse_from_str(&r.get::<_, String>(0)?, "%Y-%m-%d")
                .unwrap_or_default(),
            staff_id: r.get(1)?,
            response_id: r.get(2)?,
            note: r.get(3)?,
            minutes: r.get(4)?,
        })
    })
    .optional()?
    .ok_or(Error::NotFound {
        what: "経過記録"
    })
}

fn case_status(conn: &Connection, case_id: &str) -> Result<(String, NaiveDate)> {
    conn.query_row(
        "SELECT status, received_at FROM cases WHERE id = ?1",
        [case_id],
        |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)),
    )
    .optional()?
    .map(|(s, at)| (s, parse_stamp(&at).map(|t| t.date()).unwrap_or_default()))
    .ok_or(Error::NotFound {
        what: "相談記録"
    })
}

/// Adds a 経過記録. A 終結 case is refused unless `reopen`, which sets it
/// back to 対応中 (recorded in the history).
pub fn add_entry(
    conn: &mut Connection,
    case_id: &str,
    input: &EntryInput,
    reopen: bool,
    changed_by: &str,
    now: NaiveDateTime,
) -> Result<CaseDetail> {
    let case_id = text::uuid("id", case_id)?;
    let by = actor(conn, changed_by)?;
    let (status, received) = case_status(conn, &case_id)?;
    let clean = validate::entry(conn, input, received, now.date())?;
    if status == "終結" && !reopen {
        return Err(Error::Conflict(
            "この相談は終結しています。経過を追加するには相談を再開してください。".into(),
        ));
    }
    let tx = conn.transaction()?;
    insert_entry(&tx, &case_id, &clean, &by, now)?;
    if status == "終結" {
        tx.execute(
            "UPDATE cases SET status = '対応中', version = version + 1, updated_at = ?2 WHERE id = ?1",
            params![case_id, stamp(now)],
        )?;
        let mut o = Snapshot::new();
        o.insert("状態", "終結".into());
        let mut n = Snapshot::new();
        n.insert("状態", "対応中".into());
        history::record(
            &tx,
            &case_id,
            Record::Case,
            &case_id,
            "変更",
            &o,
            &n,
            &by,
            now,
        )?;
    }
    reindex_case(&tx, &case_id, None)?;
    tx.commit()?;
    get(conn, &case_id, now.date())
}

pub(crate) fn insert_entry(
    tx: &Transaction,
    case_id: &str,
    clean: &CleanEntry,
    by: &str,
    now: NaiveDateTime,
) -> Result<String> {
    let id = text::new_id();
    tx.prepare_cached(
        "INSERT INTO case_entries (id, case_id, entry_date, staff_id, response_id, note, minutes, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
    )?
    .execute(params![
        id,
        case_id,
        clean.date.format("%Y-%m-%d").to_string(),
        clean.staff_id,
        clean.response_id,
        clean.note,
        clean.minutes,
        stamp(now)
    ])?;
    let snap = entry_snapshot(tx, clean)?;
    history::record(
        tx,
        case_id,
        Record::Entry,
        &id,
        "登録",
        &Snapshot::new(),
        &snap,
        by,
        now,
    )?;
    Ok(id)
}

/// Corrects a 経過記録.
pub fn update_entry(
    conn: &mut Connection,
    entry_id: &str,
    input: &EntryInput,
    changed_by: &str,
    now: NaiveDateTime,
) -> Result<CaseDetail> {
    let entry_id = text::uuid("entry_id", entry_id)?;
    let by = actor(conn, changed_by)?;
    let case_id: String = conn
        .query_row(
            "SELECT case_id FROM case_entries WHERE id = ?1",
            [&entry_id],
            |r| r.get(0),
        )
        .optional()?
        .ok_or(Error::NotFound {
            what: "経過記録"
        })?;
    let (_, received) = case_status(conn, &case_id)?;
    let clean = validate::entry(conn, input, received, now.date())?;
    let tx = conn.transaction()?;
    let old = entry_snapshot(&tx, &stored_entry(&tx, &entry_id)?)?;
    tx.execute(
        "UPDATE case_entries SET entry_date = ?2, staff_id = ?3, response_id = ?4, note = ?5,
                minutes = ?6, updated_at = ?7 WHERE id = ?1",
        params![
            entry_id,
            clean.date.format("%Y-%m-%d").to_string(),
            clean.staff_id,
            clean.response_id,
            clean.note,
            clean.minutes,
            stamp(now)
        ],
    )?;
    let (o, n) = history::diff(&old, &entry_snapshot(&tx, &clean)?);
    history::record(
        &tx,
        &case_id,
        Record::Entry,
        &entry_id,
        "変更",
        &o,
        &n,
        &by,
        now,
    )?;
    reindex_case(&tx, &case_id, None)?;
    tx.commit()?;
    get(conn, &case_id, now.date())
}

/// Deletes a 経過記録 (recorded in the history).
pub fn delete_entry(
    conn: &mut Connection,
    entry_id: &str,
    changed_by: &str,
    now: NaiveDateTime,
) -> Result<CaseDetail> {
    let entry_id = text::uuid("entry_id", entry_id)?;
    let by = actor(conn, changed_by)?;
    let tx = conn.transaction()?;
    let case_id: String = tx
        .query_row(
            "SELECT case_id FROM case_entries WHERE id = ?1",
            [&entry_id],
            |r| r.get(0),
        )
        .optional()?
        .ok_or(Error::NotFound {
            what: "経過記録"
        })?;
    let old = entry_snapshot(&tx, &stored_entry(&tx, &entry_id)?)?;
    tx.execute("DELETE FROM case_entries WHERE id = ?1", [&entry_id])?;
    history::record(
        &tx,
        &case_id,
        Record::Entry,
        &entry_id,
        "削除",
        &old,
        &Snapshot::new(),
        &by,
        now,
    )?;
    reindex_case(&tx, &case_id, None)?;
    tx.commit()?;
    get(conn, &case_id, now.date())
}

/// The change history of a case, newest first (also of a deleted case).
pub fn history(conn: &Connection, case_id: &str) -> Result<Vec<history::Change>> {
    let case_id = text::uuid("id", case_id)?;
    history::for_case(conn, &case_id)
}

/// Inserts many validated cases in one transaction, for demo data and
/// benchmarks. Returns the (case id, person id) of each.
#[doc(hidden)]
pub fn insert_many(
    conn: &mut Connection,
    inputs: &[(CaseInput, Vec<EntryInput>)],
    changed_by: &str,
    now: NaiveDateTime,
) -> Result<Vec<(String, String)>> {
    let by = actor(conn, changed_by)?;
    let tx = conn.transaction()?;
    let mut written = Vec::with_capacity(inputs.len());
    for (input, entries) in inputs {
        let clean = validate::case(&tx, input, now.date())?;
        let id = insert_case(&tx, &clean, &by, now)?;
        let person_id: String =
            tx.query_row("SELECT person_id FROM cases WHERE id = ?1", [&id], |r| {
                r.get(0)
            })?;
        if !entries.is_empty() {
            let received = clean.received_at.date();
            for e in entries {
                let e = validate::entry(&tx, e, received, now.date())?;
                insert_entry(&tx, &id, &e, &by, now)?;
            }
            reindex_case(&tx, &id, None)?;
        }
        written.push((id, person_id));
    }
    tx.commit()?;
    Ok(written)
}
