//! The person concerned (対象者): reading, the duplicate check, and the
//! write that a case save makes.

use chrono::{NaiveDate, NaiveDateTime};
use rusqlite::{params, Connection, OptionalExtension, Transaction};

use super::history::{self, Record, Snapshot};
use super::save::reindex_case;
use super::validate::CleanPerson;
use super::{age_on, name_key, received_label, Person, PersonMatch};
use crate::store::stamp;
use crate::{text, wareki, Error, Result};

// ---------------------------------------------------------------- reading

pub(super) fn load_person(conn: &Connection, id: &str, today: NaiveDate) -> Result<Person> {
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

pub(super) fn find_similar(
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

pub(super) fn person_snapshot(conn: &Connection, p: &CleanPerson) -> Result<Snapshot> {
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

pub(super) fn stored_person(conn: &Connection, id: &str) -> Result<CleanPerson> {
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
pub(super) fn write_person(
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

pub(super) fn reindex_person(conn: &Connection, person_id: &str) -> Result<()> {
    let ids: Vec<String> = conn
        .prepare_cached("SELECT id FROM cases WHERE person_id = ?1")?
        .query_map([person_id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for id in ids {
        reindex_case(conn, &id, None)?;
    }
    Ok(())
}
