//! The person concerned (対象者): reading, the duplicate check, and the
//! write that a case save makes.

use chrono::{NaiveDate, NaiveDateTime};
use rusqlite::{named_params, params, Connection, Transaction};
use serde::Serialize;

use super::history::{Log, Record, Snapshot};
use super::save::reindex_case;
use super::validate::CleanPerson;
use super::{age_on, name_key, received_label, Person, PersonMatch};
use crate::store::{self, iso};
use crate::{text, wareki, Error, Result};

/// What the intake form learns while the person is typed: the 生年月日 as
/// read (in 和暦, and the age today) and the people already registered that
/// look the same.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PersonCheck {
    /// 昭和15年4月2日, or empty when no 生年月日 was typed.
    pub birth_label: String,
    /// Full years today; none for a date in the future.
    pub age: Option<u32>,
    pub matches: Vec<PersonMatch>,
}

// ---------------------------------------------------------------- reading

/// The stored person in the clean form the validator produces.
pub(super) fn stored_person(conn: &Connection, id: &str) -> Result<CleanPerson> {
    let mut stmt = conn.prepare_cached(
        "SELECT name, kana, sex, birth_date, city_id, area_id, care_level, family_doctor
           FROM persons WHERE id = ?1",
    )?;
    let mut rows = stmt.query([id])?;
    let r = rows.next()?.ok_or(Error::NotFound { what: "対象者" })?;
    let birth: Option<String> = r.get("birth_date")?;
    Ok(CleanPerson {
        id: Some(id.to_string()),
        name: r.get("name")?,
        kana: r.get("kana")?,
        sex: r.get("sex")?,
        birth_date: birth.as_deref().map(store::parse_iso).transpose()?,
        city_id: r.get("city_id")?,
        area_id: r.get("area_id")?,
        care_level: r.get("care_level")?,
        family_doctor: r.get("family_doctor")?,
    })
}

/// The names of the person's 市 and 日常生活圏域 (empty when not chosen).
fn place_names(conn: &Connection, p: &CleanPerson) -> Result<(String, String)> {
    Ok(conn
        .prepare_cached(
            "SELECT COALESCE((SELECT name FROM cities WHERE id = ?1), ''),
                    COALESCE((SELECT name FROM areas WHERE id = ?2), '')",
        )?
        .query_row(params![p.city_id, p.area_id], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?)
}

/// A stored person ready to show: names, 和暦 and age on `today`.
pub(super) fn show_person(conn: &Connection, p: CleanPerson, today: NaiveDate) -> Result<Person> {
    let (city, area) = place_names(conn, &p)?;
    Ok(Person {
        id: p.id.unwrap_or_default(),
        birth_date: p.birth_date.map(iso),
        birth_label: p.birth_date.map(wareki::format_date).unwrap_or_default(),
        age: p.birth_date.and_then(|d| age_on(d, today)),
        city_id: p.city_id,
        city,
        area_id: p.area_id,
        area,
        name: p.name,
        kana: p.kana,
        sex: p.sex,
        care_level: p.care_level,
        family_doctor: p.family_doctor,
    })
}

/// Reads the person being typed on the intake form: the 生年月日 in 和暦
/// with the age, and the people already registered whose name or ふりがな
/// (folded) is the same and whose 生年月日 does not differ, so the case can
/// be attached to one of them instead of creating a duplicate.
pub fn similar_persons(
    conn: &Connection,
    name: &str,
    kana: &str,
    birth_date: &str,
    today: NaiveDate,
) -> Result<PersonCheck> {
    let name = name_key(&text::single_line("person.name", "氏名", name, 50, false)?);
    let kana = name_key(&text::single_line(
        "person.kana",
        "ふりがな",
        kana,
        100,
        false,
    )?);
    let birth = wareki::parse_optional_date("person.birth_date", birth_date)?;
    Ok(PersonCheck {
        birth_label: birth.map(wareki::format_date).unwrap_or_default(),
        age: birth.and_then(|d| age_on(d, today)),
        matches: find_similar(conn, &name, &kana, birth, today)?,
    })
}

fn find_similar(
    conn: &Connection,
    name_key: &str,
    kana_key: &str,
    birth: Option<NaiveDate>,
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
              ORDER BY updated_at DESC LIMIT 10",
        )?
        .query_map(params![name_key, kana_key, birth.map(iso)], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    ids.iter()
        .map(|id| {
            let (cases, last): (i64, Option<String>) = conn.query_row(
                "SELECT count(*), max(received_at) FROM cases WHERE person_id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            let last = last.as_deref().map(store::parse_stamp).transpose()?;
            Ok(PersonMatch {
                person: show_person(conn, stored_person(conn, id)?, today)?,
                cases,
                last_received_label: last.map(received_label).unwrap_or_default(),
            })
        })
        .collect()
}

pub(super) fn person_snapshot(conn: &Connection, p: &CleanPerson) -> Result<Snapshot> {
    let (city, area) = place_names(conn, p)?;
    Ok(Snapshot::from([
        ("氏名", p.name.clone()),
        ("ふりがな", p.kana.clone()),
        ("性別", p.sex.clone()),
        (
            "生年月日",
            p.birth_date.map(wareki::format_date).unwrap_or_default(),
        ),
        ("市", city),
        ("日常生活圏域", area),
        ("要介護度", p.care_level.clone()),
        ("かかりつけ医", p.family_doctor.clone()),
    ]))
}

// ---------------------------------------------------------------- writing

/// Inserts or updates the person of a case; returns its id. A new person
/// that looks like an existing one is refused unless `confirmed`.
pub(super) fn write_person(
    tx: &Transaction,
    log: &Log,
    p: &CleanPerson,
    confirmed: bool,
    now: NaiveDateTime,
) -> Result<String> {
    let new = person_snapshot(tx, p)?;
    match &p.id {
        Some(id) => {
            let old = person_snapshot(tx, &stored_person(tx, id)?)?;
            upsert(tx, id, p, now)?;
            if log.changed(Record::Person, id, &old, &new)? {
                reindex_person(tx, id)?;
            }
            Ok(id.clone())
        }
        None => {
            if !confirmed {
                refuse_duplicate(tx, p, now.date())?;
            }
            let id = text::new_id();
            upsert(tx, &id, p, now)?;
            log.added(Record::Person, &id, &new)?;
            Ok(id)
        }
    }
}

/// The one write of a person row: a new one, or the same id updated
/// (its created_at kept).
fn upsert(tx: &Transaction, id: &str, p: &CleanPerson, now: NaiveDateTime) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO persons (id, name, kana, sex, birth_date, city_id, area_id, care_level,
                family_doctor, name_key, kana_key, created_at, updated_at)
         VALUES (:id, :name, :kana, :sex, :birth_date, :city_id, :area_id, :care_level,
                 :family_doctor, :name_key, :kana_key, :now, :now)
         ON CONFLICT(id) DO UPDATE SET
                name = excluded.name, kana = excluded.kana, sex = excluded.sex,
                birth_date = excluded.birth_date, city_id = excluded.city_id,
                area_id = excluded.area_id, care_level = excluded.care_level,
                family_doctor = excluded.family_doctor, name_key = excluded.name_key,
                kana_key = excluded.kana_key, updated_at = excluded.updated_at",
    )?
    .execute(named_params! {
        ":id": id,
        ":name": p.name,
        ":kana": p.kana,
        ":sex": p.sex,
        ":birth_date": p.birth_date.map(iso),
        ":city_id": p.city_id,
        ":area_id": p.area_id,
        ":care_level": p.care_level,
        ":family_doctor": p.family_doctor,
        ":name_key": name_key(&p.name),
        ":kana_key": name_key(&p.kana),
        ":now": store::stamp(now),
    })?;
    Ok(())
}

fn refuse_duplicate(conn: &Connection, p: &CleanPerson, today: NaiveDate) -> Result<()> {
    let similar = find_similar(
        conn,
        &name_key(&p.name),
        &name_key(&p.kana),
        p.birth_date,
        today,
    )?;
    let Some(m) = similar.first() else {
        return Ok(());
    };
    let birth = if m.person.birth_label.is_empty() {
        "生年月日なし"
    } else {
        &m.person.birth_label
    };
    Err(Error::invalid(
        "person.name",
        format!(
            "同じ氏名・ふりがな・生年月日の対象者「{}」（{birth}）が既に登録されています（相談{}件）。その人の相談として追加するか、別の人として登録するかを選んでください。",
            m.person.name, m.cases
        ),
    ))
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
