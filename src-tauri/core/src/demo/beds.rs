//! Demo 療養支援ベッド: the 輪番表 of the current 年度 across the demo
//! hospitals, a dozen 事前登録 of demo persons (one expired, one about to
//! expire, one not used yet) and a dozen stays (one past 14 days, one
//! still in hospital).

use chrono::{Duration, Months, NaiveDateTime};
use rusqlite::Connection;

use crate::beds::{self, RegistrationInput, RotaFill, StayInput};
use crate::period::Period;
use crate::store::iso;
use crate::Result;

/// What was created, for the demo summary.
pub struct Filled {
    pub registrations: usize,
    pub stays: usize,
}

/// Days before today of each registration's 同意書; each is valid for a
/// year. 345 expires within 30 days, 430 has expired.
const CONSENTS: [i64; 12] = [20, 45, 70, 100, 130, 160, 190, 220, 250, 280, 345, 430];

const CARE_MANAGERS: [&str; 4] = [
    "居宅介護支援事業所さかど 佐藤",
    "つるがしまケアプランセンター 鈴木",
    "にっさいケアサポート 高橋",
    "北坂戸介護相談所 田中",
];

/// (registration index, admitted days ago, days in hospital or None while
/// still there, reason index 0 急変時 / 1 レスパイト / 2 その他, outcome).
/// Registration 9 has no stay yet.
type StayRow = (usize, i64, Option<i64>, usize, &'static str);

const STAYS: [StayRow; 12] = [
    (0, 5, None, 0, ""),
    (1, 30, Some(7), 1, "home"),
    (2, 60, Some(18), 0, "home"),
    (3, 90, Some(5), 1, "home"),
    (3, 20, Some(6), 1, "home"),
    (4, 120, Some(10), 0, "continuing"),
    (5, 40, Some(4), 1, "home"),
    (6, 150, Some(12), 0, "death"),
    (7, 200, Some(6), 1, "home"),
    (8, 240, Some(9), 2, "facility"),
    (10, 300, Some(8), 0, "home"),
    (11, 400, Some(7), 1, "home"),
];

fn ids(conn: &Connection, sql: &str) -> Result<Vec<String>> {
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A year of rota from April of the current 年度: each month a weekly
/// pattern shifted by one hospital, so every hospital takes every weekday.
fn fill_rota(conn: &mut Connection, hospitals: &[String], now: NaiveDateTime) -> Result<()> {
    let (april, _) = Period::fiscal_of(now.date()).range();
    for m in 0..12u32 {
        let month = april.checked_add_months(Months::new(m)).unwrap_or(april);
        let pattern = (0..7)
            .map(|weekday| hospitals[(weekday + m as usize) % hospitals.len()].clone())
            .collect();
        beds::fill_month(
            conn,
            &RotaFill {
                month: month.format("%Y-%m").to_string(),
                pattern,
            },
            now,
        )?;
    }
    Ok(())
}

pub fn fill(conn: &mut Connection, now: NaiveDateTime) -> Result<Filled> {
    let hospitals = ids(
        conn,
        "SELECT id FROM support_beds WHERE retired = 0 ORDER BY hospital",
    )?;
    let persons = ids(
        conn,
        "SELECT id FROM persons ORDER BY kana_key, name_key, birth_date LIMIT 12",
    )?;
    if hospitals.is_empty() {
        return Ok(Filled {
            registrations: 0,
            stays: 0,
        });
    }
    fill_rota(conn, &hospitals, now)?;
    let doctors = ids(
        conn,
        "SELECT id FROM doctors WHERE retired = 0 ORDER BY kana",
    )?;
    let today = now.date();
    let ago = |days: i64| today - Duration::days(days);
    for (i, person) in persons.iter().enumerate() {
        let consent = ago(CONSENTS[i]);
        beds::save_registration(
            conn,
            &RegistrationInput {
                person_id: person.clone(),
                consent_on: iso(consent),
                valid_until: iso(consent + Duration::days(364)),
                doctor_id: doctors
                    .get(i * 2 % doctors.len().max(1))
                    .cloned()
                    .unwrap_or_default(),
                care_manager: CARE_MANAGERS[i % CARE_MANAGERS.len()].into(),
                notes: if i == 11 {
                    "更新の案内を送付済み。".into()
                } else {
                    String::new()
                },
                ..Default::default()
            },
            now,
        )?;
    }
    let reasons = beds::reasons(conn)?;
    let mut stays = 0;
    for (who, days_ago, length, reason, outcome) in STAYS {
        let Some(person) = persons.get(who) else {
            continue;
        };
        let admitted = ago(days_ago);
        let bed = beds::rota::holder_on(conn, admitted)?
            .and_then(|d| d.bed_id)
            .unwrap_or_else(|| hospitals[who % hospitals.len()].clone());
        let case: Option<String> = conn
            .query_row(
                "SELECT id FROM cases WHERE person_id = ?1 ORDER BY received_at DESC LIMIT 1",
                [person],
                |r| r.get(0),
            )
            .ok();
        beds::save_stay(
            conn,
            &StayInput {
                person_id: person.clone(),
                bed_id: bed,
                admitted_on: iso(admitted),
                discharged_on: length
                    .map(|n| iso(admitted + Duration::days(n - 1)))
                    .unwrap_or_default(),
                reason_id: reasons[reason].id.clone(),
                outcome: outcome.into(),
                case_id: case.unwrap_or_default(),
                notes: match length {
                    Some(n) if n > beds::USUAL_STAY_DAYS => {
                        "肺炎の回復に時間がかかり、主治医と相談のうえ延長。".into()
                    }
                    _ => String::new(),
                },
                ..Default::default()
            },
            now,
        )?;
        stays += 1;
    }
    Ok(Filled {
        registrations: persons.len(),
        stays,
    })
}
