//! 事前登録: a patient (a person of the 相談記録) registered in advance for
//! the reserved bed, with the date of the signed 個人情報使用同意書, the
//! かかりつけ医 from the 往診登録医, the 担当ケアマネ and a valid-until date.
//! A registration is valid from its 同意書 date to its valid-until date,
//! both included. A person may have several (a renewal is a new one).

use chrono::{NaiveDate, NaiveDateTime};
use rusqlite::{named_params, Connection, Transaction};
use serde::{Deserialize, Serialize};

use super::EXPIRY_WARNING_DAYS;
use crate::cases::search::fold;
use crate::store::{iso, known_id, parse_iso, stamp};
use crate::{text, wareki, Error, Result};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Validity {
    /// The 同意書 date is still to come.
    NotYet,
    Valid,
    /// Valid, and ends within [`EXPIRY_WARNING_DAYS`].
    Expiring,
    Expired,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Registration {
    pub id: String,
    pub person_id: String,
    pub person_name: String,
    pub person_kana: String,
    /// 昭和15年4月2日, or empty.
    pub person_birth_label: String,
    pub person_city: String,
    pub consent_on: String,
    pub consent_label: String,
    pub valid_until: String,
    pub valid_until_label: String,
    pub doctor_id: Option<String>,
    /// 医師名（医療機関）, or empty.
    pub doctor_label: String,
    pub care_manager: String,
    pub notes: String,
    pub validity: Validity,
    /// 有効 / 期限まであと12日 / 期限切れ / 開始前
    pub validity_label: String,
    /// Stays of this person that began within this registration.
    pub stays: i64,
    pub updated_at: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RegistrationInput {
    pub id: Option<String>,
    pub person_id: String,
    /// 個人情報使用同意書の日付, as typed (令和 or ISO).
    pub consent_on: String,
    pub valid_until: String,
    pub doctor_id: String,
    pub care_manager: String,
    pub notes: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RegistrationFilter {
    /// Part of the name or ふりがな (folded like case search).
    pub query: String,
    /// "", "valid" (valid or expiring), "expiring" or "expired".
    pub validity: String,
}

fn validity(consent: NaiveDate, until: NaiveDate, today: NaiveDate) -> (Validity, String) {
    if today < consent {
        return (Validity::NotYet, "開始前".into());
    }
    if today > until {
        return (Validity::Expired, "期限切れ".into());
    }
    let left = (until - today).num_days();
    if left <= EXPIRY_WARNING_DAYS {
        let text = match left {
            0 => "本日で期限".to_string(),
            n => format!("期限まであと{n}日"),
        };
        return (Validity::Expiring, text);
    }
    (Validity::Valid, "有効".into())
}

const SELECT: &str = "
    SELECT g.id, g.person_id, p.name, p.kana, p.birth_date,
           coalesce((SELECT name FROM cities WHERE id = p.city_id), ''),
           g.consent_on, g.valid_until, g.doctor_id,
           coalesce((SELECT d.name || '（' || d.clinic || '）' FROM doctors d WHERE d.id = g.doctor_id), ''),
           g.care_manager, g.notes, g.updated_at,
           (SELECT count(*) FROM bed_stays s WHERE s.person_id = g.person_id
               AND s.admitted_on BETWEEN g.consent_on AND g.valid_until)
      FROM bed_registrations g JOIN persons p ON p.id = g.person_id";

fn read_all(conn: &Connection, today: NaiveDate) -> Result<Vec<Registration>> {
    let sql = format!("{SELECT} ORDER BY p.kana_key, p.name_key, g.consent_on");
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, Option<String>>(4)?,
            r.get::<_, String>(5)?,
            r.get::<_, String>(6)?,
            r.get::<_, String>(7)?,
            r.get::<_, Option<String>>(8)?,
            r.get::<_, String>(9)?,
            r.get::<_, String>(10)?,
            r.get::<_, String>(11)?,
            r.get::<_, String>(12)?,
            r.get::<_, i64>(13)?,
        ))
    })?;
    let mut list = Vec::new();
    for row in rows {
        let (
            id,
            person_id,
            name,
            kana,
            birth,
            city,
            consent,
            until,
            doctor_id,
            doctor,
            cm,
            notes,
            updated,
            stays,
        ) = row?;
        let consent_day = parse_iso(&consent)?;
        let until_day = parse_iso(&until)?;
        let (validity, validity_label) = validity(consent_day, until_day, today);
        list.push(Registration {
            id,
            person_id,
            person_name: name,
            person_kana: kana,
            person_birth_label: birth
                .as_deref()
                .map(parse_iso)
                .transpose()?
                .map(wareki::format_date)
                .unwrap_or_default(),
            person_city: city,
            consent_label: wareki::format_date(consent_day),
            consent_on: consent,
            valid_until_label: wareki::format_date(until_day),
            valid_until: until,
            doctor_id,
            doctor_label: doctor,
            care_manager: cm,
            notes,
            validity,
            validity_label,
            stays,
            updated_at: updated,
        });
    }
    Ok(list)
}

/// The registrations matching `filter`, by ふりがな, each with its
/// validity on `today`.
pub fn registrations(
    conn: &Connection,
    filter: &RegistrationFilter,
    today: NaiveDate,
) -> Result<Vec<Registration>> {
    let needle = fold(filter.query.trim());
    let wanted = match filter.validity.as_str() {
        "" => None,
        "valid" => Some(&[Validity::Valid, Validity::Expiring][..]),
        "expiring" => Some(&[Validity::Expiring][..]),
        "expired" => Some(&[Validity::Expired][..]),
        _ => {
            return Err(Error::invalid(
                "validity",
                "絞り込みの状態が正しくありません。",
            ))
        }
    };
    Ok(read_all(conn, today)?
        .into_iter()
        .filter(|g| wanted.is_none_or(|w| w.contains(&g.validity)))
        .filter(|g| {
            needle.is_empty()
                || fold(&g.person_name).contains(&needle)
                || fold(&g.person_kana).contains(&needle)
        })
        .collect())
}

pub fn registration(conn: &Connection, id: &str, today: NaiveDate) -> Result<Registration> {
    read_all(conn, today)?
        .into_iter()
        .find(|g| g.id == id)
        .ok_or(Error::NotFound {
            what: "療養支援ベッドの事前登録",
        })
}

/// The checked registration form.
struct Clean {
    person_id: String,
    consent_on: NaiveDate,
    valid_until: NaiveDate,
    doctor_id: Option<String>,
    care_manager: String,
    notes: String,
}

fn check(conn: &Connection, input: &RegistrationInput, today: NaiveDate) -> Result<Clean> {
    let person_id = known_id(conn, "persons", "person_id", "対象者", &input.person_id)?
        .ok_or_else(|| {
            Error::invalid(
                "person_id",
                "登録する対象者を選んでください（氏名で検索し、相談記録の対象者から選びます）。",
            )
        })?;
    let consent_on = super::required_day("consent_on", "同意書の日付", &input.consent_on)?;
    if consent_on > today {
        return Err(Error::invalid(
            "consent_on",
            "同意書の日付に未来の日付は入力できません。",
        ));
    }
    let valid_until = super::required_day("valid_until", "有効期限", &input.valid_until)?;
    if valid_until < consent_on {
        return Err(Error::invalid(
            "valid_until",
            "有効期限は同意書の日付と同じか後の日付にしてください。",
        ));
    }
    Ok(Clean {
        person_id,
        consent_on,
        valid_until,
        doctor_id: known_id(
            conn,
            "doctors",
            "doctor_id",
            "かかりつけ医",
            &input.doctor_id,
        )?,
        care_manager: text::single_line(
            "care_manager",
            "担当ケアマネ",
            &input.care_manager,
            80,
            false,
        )?,
        notes: text::multi_line("notes", "備考", &input.notes, 2000)?,
    })
}

/// The first stay of `person_id` whose 入院日 no registration covers, as
/// its 入院日 in 和暦: a registration edit or delete may not leave one.
fn uncovered_stay(tx: &Transaction, person_id: &str) -> Result<Option<String>> {
    let day: Option<String> = tx.query_row(
        "SELECT min(s.admitted_on) FROM bed_stays s
          WHERE s.person_id = ?1 AND NOT EXISTS (
                SELECT 1 FROM bed_registrations g WHERE g.person_id = s.person_id
                   AND s.admitted_on BETWEEN g.consent_on AND g.valid_until)",
        [person_id],
        |r| r.get(0),
    )?;
    Ok(day
        .as_deref()
        .map(parse_iso)
        .transpose()?
        .map(wareki::format_date))
}

/// Creates or updates a registration. A change that would leave a stay of
/// the person outside every registration is refused.
pub fn save_registration(
    conn: &mut Connection,
    input: &RegistrationInput,
    now: NaiveDateTime,
) -> Result<Registration> {
    let clean = check(conn, input, now.date())?;
    let tx = conn.transaction()?;
    let old_person = match input.id.as_deref() {
        Some(id) => {
            let id = text::uuid("id", id)?;
            let person: Option<String> = tx
                .query_row(
                    "SELECT person_id FROM bed_registrations WHERE id = ?1",
                    [&id],
                    |r| r.get(0),
                )
                .ok();
            let person = person.ok_or(Error::NotFound {
                what: "療養支援ベッドの事前登録",
            })?;
            Some((id, person))
        }
        None => None,
    };
    let id = old_person
        .as_ref()
        .map(|(id, _)| id.clone())
        .unwrap_or_else(text::new_id);
    tx.execute(
        "INSERT INTO bed_registrations (id, person_id, consent_on, valid_until, doctor_id,
                care_manager, notes, created_at, updated_at)
         VALUES (:id, :person_id, :consent_on, :valid_until, :doctor_id, :care_manager, :notes,
                 :now, :now)
         ON CONFLICT(id) DO UPDATE SET person_id = excluded.person_id,
                consent_on = excluded.consent_on, valid_until = excluded.valid_until,
                doctor_id = excluded.doctor_id, care_manager = excluded.care_manager,
                notes = excluded.notes, updated_at = excluded.updated_at",
        named_params! {
            ":id": id, ":person_id": clean.person_id, ":consent_on": iso(clean.consent_on),
            ":valid_until": iso(clean.valid_until), ":doctor_id": clean.doctor_id,
            ":care_manager": clean.care_manager, ":notes": clean.notes, ":now": stamp(now),
        },
    )?;
    if let Some((_, old)) = &old_person {
        if let Some(day) = uncovered_stay(&tx, old)? {
            return Err(Error::invalid(
                "valid_until",
                format!("{day}入院の利用記録がこの登録の期間から外れるため、この変更は保存できません。利用記録を先に直してください。"),
            ));
        }
    }
    tx.commit()?;
    registration(conn, &id, now.date())
}

/// Deletes a registration, unless a stay relies on it.
pub fn delete_registration(conn: &mut Connection, id: &str) -> Result<()> {
    let id = text::uuid("id", id)?;
    let tx = conn.transaction()?;
    let person: String = tx
        .query_row(
            "SELECT person_id FROM bed_registrations WHERE id = ?1",
            [&id],
            |r| r.get(0),
        )
        .map_err(|_| Error::NotFound {
            what: "療養支援ベッドの事前登録",
        })?;
    tx.execute("DELETE FROM bed_registrations WHERE id = ?1", [&id])?;
    if let Some(day) = uncovered_stay(&tx, &person)? {
        return Err(Error::Conflict(format!(
            "{day}入院の利用記録がこの登録によるものなので、削除できません。"
        )));
    }
    tx.commit()?;
    Ok(())
}

/// Whether `person_id` has a registration valid on `day`.
pub(super) fn registered_on(conn: &Connection, person_id: &str, day: NaiveDate) -> Result<bool> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM bed_registrations
                         WHERE person_id = ?1 AND ?2 BETWEEN consent_on AND valid_until)",
        rusqlite::params![person_id, iso(day)],
        |r| r.get(0),
    )?)
}
