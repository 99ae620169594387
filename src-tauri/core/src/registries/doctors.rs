//! 往診登録医 with the もの忘れ相談医 flag and the 圏域 each doctor covers.

use std::collections::HashMap;

use chrono::{Months, NaiveDate, NaiveDateTime};
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};

use super::{city_names, flag, matches, optional_city};
use crate::cases::search::fold;
use crate::csv::{self, Cell};
use crate::store::{iso, stamp};
use crate::{text, wareki, Error, Result};

/// A registration sheet older than this is due for renewal.
const SHEET_VALID_MONTHS: u32 = 12;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Doctor {
    pub id: String,
    pub name: String,
    pub kana: String,
    pub clinic: String,
    pub postal_code: String,
    pub address: String,
    pub phone: String,
    pub fax: String,
    pub city_id: Option<String>,
    pub city_name: String,
    pub area_ids: Vec<String>,
    /// 「北部圏域・東部圏域」 in the office's order.
    pub area_names: Vec<String>,
    /// 往診
    pub home_visits: bool,
    /// 訪問診療
    pub regular_visits: bool,
    /// 看取り対応
    pub end_of_life: bool,
    /// 24時間対応
    pub round_the_clock: bool,
    /// もの忘れ相談医
    pub dementia_consult: bool,
    /// 登録シート更新日 (ISO), if a sheet was ever received.
    pub sheet_updated_on: Option<String>,
    /// 令和7年4月1日, or 未登録.
    pub sheet_label: String,
    /// No sheet, or the sheet is more than a year old on `today`.
    pub sheet_due: bool,
    pub notes: String,
    pub retired: bool,
    pub updated_at: String,
}

/// What the doctor form sends. Without an id it is a new doctor.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DoctorInput {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub kana: String,
    #[serde(default)]
    pub clinic: String,
    #[serde(default)]
    pub postal_code: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub fax: String,
    #[serde(default)]
    pub city_id: Option<String>,
    #[serde(default)]
    pub area_ids: Vec<String>,
    #[serde(default)]
    pub home_visits: bool,
    #[serde(default)]
    pub regular_visits: bool,
    #[serde(default)]
    pub end_of_life: bool,
    #[serde(default)]
    pub round_the_clock: bool,
    #[serde(default)]
    pub dementia_consult: bool,
    /// 令和 or ISO; empty when no sheet has been received.
    #[serde(default)]
    pub sheet_updated_on: String,
    #[serde(default)]
    pub notes: String,
    #[serde(default)]
    pub retired: bool,
}

/// Search and filters of the doctor list; every field is optional.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DoctorFilter {
    /// Substring of name, ふりがな, clinic, address or notes.
    #[serde(default)]
    pub query: String,
    #[serde(default)]
    pub city_id: Option<String>,
    /// Doctors covering this 圏域.
    #[serde(default)]
    pub area_id: Option<String>,
    #[serde(default)]
    pub dementia_only: bool,
    #[serde(default)]
    pub end_of_life_only: bool,
    #[serde(default)]
    pub round_the_clock_only: bool,
    /// Only doctors whose registration sheet is due.
    #[serde(default)]
    pub sheet_due_only: bool,
    #[serde(default)]
    pub include_retired: bool,
}

/// Whether a sheet dated `on` needs renewing on `today`.
pub fn sheet_due(on: Option<NaiveDate>, today: NaiveDate) -> bool {
    match on {
        None => true,
        Some(on) => on
            .checked_add_months(Months::new(SHEET_VALID_MONTHS))
            .is_none_or(|expires| expires < today),
    }
}

// ---------------------------------------------------------------- doctors

/// Every doctor (retired ones too), by ふりがな then name.
pub(super) fn all_doctors(conn: &Connection, today: NaiveDate) -> Result<Vec<Doctor>> {
    let cities = city_names(conn)?;
    let mut areas: HashMap<String, Vec<(String, String)>> = HashMap::new();
    let mut stmt = conn.prepare(
        "SELECT da.doctor_id, a.id, a.name FROM doctor_areas da
           JOIN areas a ON a.id = da.area_id
           JOIN cities c ON c.id = a.city_id
          ORDER BY c.sort_order, a.sort_order",
    )?;
    for row in stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
        ))
    })? {
        let (doctor, id, name) = row?;
        areas.entry(doctor).or_default().push((id, name));
    }
    let mut stmt = conn.prepare(
        "SELECT id, name, kana, clinic, postal_code, address, phone, fax, city_id, home_visits,
                regular_visits, end_of_life, round_the_clock, dementia_consult, sheet_updated_on,
                notes, retired, updated_at
           FROM doctors ORDER BY kana, name, clinic",
    )?;
    let rows = stmt.query_map([], |r| {
        let id: String = r.get(0)?;
        let city_id: Option<String> = r.get(8)?;
        let sheet: Option<String> = r.get(14)?;
        let sheet_date = sheet
            .as_deref()
            .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok());
        let covered = areas.remove(&id).unwrap_or_default();
        Ok(Doctor {
            name: r.get(1)?,
            kana: r.get(2)?,
            clinic: r.get(3)?,
            postal_code: r.get(4)?,
            address: r.get(5)?,
            phone: r.get(6)?,
            fax: r.get(7)?,
            city_name: city_id
                .as_ref()
                .and_then(|c| cities.get(c).cloned())
                .unwrap_or_default(),
            city_id,
            area_ids: covered.iter().map(|(id, _)| id.clone()).collect(),
            area_names: covered.into_iter().map(|(_, name)| name).collect(),
            home_visits: r.get(9)?,
            regular_visits: r.get(10)?,
            end_of_life: r.get(11)?,
            round_the_clock: r.get(12)?,
            dementia_consult: r.get(13)?,
            sheet_label: sheet_date
                .map(wareki::format_date)
                .unwrap_or_else(|| "未登録".into()),
            sheet_due: sheet_due(sheet_date, today),
            sheet_updated_on: sheet,
            notes: r.get(15)?,
            retired: r.get(16)?,
            updated_at: r.get(17)?,
            id,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The doctors matching `filter`, by ふりがな.
pub fn doctors(conn: &Connection, filter: &DoctorFilter, today: NaiveDate) -> Result<Vec<Doctor>> {
    let needle = fold(filter.query.trim());
    let city = filter.city_id.as_deref().filter(|c| !c.is_empty());
    let area = filter.area_id.as_deref().filter(|a| !a.is_empty());
    Ok(all_doctors(conn, today)?
        .into_iter()
        .filter(|d| filter.include_retired || !d.retired)
        .filter(|d| city.is_none_or(|c| d.city_id.as_deref() == Some(c)))
        .filter(|d| area.is_none_or(|a| d.area_ids.iter().any(|x| x == a)))
        .filter(|d| !filter.dementia_only || d.dementia_consult)
        .filter(|d| !filter.end_of_life_only || d.end_of_life)
        .filter(|d| !filter.round_the_clock_only || d.round_the_clock)
        .filter(|d| !filter.sheet_due_only || d.sheet_due)
        .filter(|d| {
            matches(
                &needle,
                &[&d.name, &d.kana, &d.clinic, &d.address, &d.notes],
            )
        })
        .collect())
}

pub fn doctor(conn: &Connection, id: &str, today: NaiveDate) -> Result<Doctor> {
    all_doctors(conn, today)?
        .into_iter()
        .find(|d| d.id == id)
        .ok_or(Error::NotFound {
            what: "往診登録医"
        })
}

struct CleanDoctor {
    id: Option<String>,
    name: String,
    kana: String,
    clinic: String,
    postal_code: String,
    address: String,
    phone: String,
    fax: String,
    city_id: Option<String>,
    area_ids: Vec<String>,
    sheet_updated_on: Option<String>,
    notes: String,
}

fn validate_doctor(conn: &Connection, d: &DoctorInput, today: NaiveDate) -> Result<CleanDoctor> {
    let id = d.id.as_deref().map(|id| text::uuid("id", id)).transpose()?;
    let mut area_ids = Vec::new();
    for area in &d.area_ids {
        let area = text::uuid("area_ids", area)?;
        let known: bool = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM areas WHERE id = ?1)",
            [&area],
            |r| r.get(0),
        )?;
        if !known {
            return Err(Error::invalid("area_ids", "選ばれた圏域が見つかりません。"));
        }
        if !area_ids.contains(&area) {
            area_ids.push(area);
        }
    }
    let sheet_updated_on = match d.sheet_updated_on.trim() {
        "" => None,
        typed => {
            let day = wareki::parse_date("sheet_updated_on", typed)?;
            if day > today {
                return Err(Error::invalid(
                    "sheet_updated_on",
                    "登録シート更新日に未来の日付は入力できません。",
                ));
            }
            Some(iso(day))
        }
    };
    Ok(CleanDoctor {
        id,
        name: text::single_line("name", "医師名", &d.name, 40, true)?,
        kana: text::single_line("kana", "ふりがな", &d.kana, 60, false)?,
        clinic: text::single_line("clinic", "医療機関名", &d.clinic, 80, true)?,
        postal_code: text::postal_code("postal_code", &d.postal_code)?,
        address: text::single_line("address", "住所", &d.address, 120, false)?,
        phone: text::phone_number("phone", "電話番号", &d.phone, false)?,
        fax: text::phone_number("fax", "FAX番号", &d.fax, false)?,
        city_id: optional_city(conn, d.city_id.as_deref())?,
        area_ids,
        sheet_updated_on,
        notes: text::multi_line("notes", "備考", &d.notes, 2000)?,
    })
}

/// Creates or updates a doctor and the 圏域 covered, in one transaction.
/// The same doctor at the same clinic twice is refused.
pub fn save_doctor(
    conn: &mut Connection,
    input: &DoctorInput,
    now: NaiveDateTime,
) -> Result<Doctor> {
    let c = validate_doctor(conn, input, now.date())?;
    let tx = conn.transaction()?;
    let duplicate: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM doctors WHERE name = ?1 AND clinic = ?2 AND id IS NOT ?3)",
        params![c.name, c.clinic, c.id],
        |r| r.get(0),
    )?;
    if duplicate {
        return Err(Error::invalid(
            "name",
            format!("{}（{}）はすでに登録されています。", c.name, c.clinic),
        ));
    }
    let at = stamp(now);
    let id = match &c.id {
        Some(id) => {
            let changed = tx.execute(
                "UPDATE doctors SET name = ?2, kana = ?3, clinic = ?4, postal_code = ?5,
                        address = ?6, phone = ?7, fax = ?8, city_id = ?9, home_visits = ?10,
                        regular_visits = ?11, end_of_life = ?12, round_the_clock = ?13,
                        dementia_consult = ?14, sheet_updated_on = ?15, notes = ?16,
                        retired = ?17, updated_at = ?18
                  WHERE id = ?1",
                params![
                    id,
                    c.name,
                    c.kana,
                    c.clinic,
                    c.postal_code,
                    c.address,
                    c.phone,
                    c.fax,
                    c.city_id,
                    input.home_visits,
                    input.regular_visits,
                    input.end_of_life,
                    input.round_the_clock,
                    input.dementia_consult,
                    c.sheet_updated_on,
                    c.notes,
                    input.retired,
                    at
                ],
            )?;
            if changed == 0 {
                return Err(Error::NotFound {
                    what: "往診登録医"
                });
            }
            id.clone()
        }
        None => {
            let id = text::new_id();
            tx.execute(
                "INSERT INTO doctors (id, name, kana, clinic, postal_code, address, phone, fax,
                        city_id, home_visits, regular_visits, end_of_life, round_the_clock,
                        dementia_consult, sheet_updated_on, notes, retired, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
                         ?17, ?18, ?18)",
                params![
                    id,
                    c.name,
                    c.kana,
                    c.clinic,
                    c.postal_code,
                    c.address,
                    c.phone,
                    c.fax,
                    c.city_id,
                    input.home_visits,
                    input.regular_visits,
                    input.end_of_life,
                    input.round_the_clock,
                    input.dementia_consult,
                    c.sheet_updated_on,
                    c.notes,
                    input.retired,
                    at
                ],
            )?;
            id
        }
    };
    // Only the links that changed are written, so the audit log shows them.
    let old: Vec<String> = tx
        .prepare("SELECT area_id FROM doctor_areas WHERE doctor_id = ?1")?
        .query_map([&id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for gone in old.iter().filter(|a| !c.area_ids.contains(a)) {
        tx.execute(
            "DELETE FROM doctor_areas WHERE doctor_id = ?1 AND area_id = ?2",
            params![id, gone],
        )?;
    }
    for new in c.area_ids.iter().filter(|a| !old.contains(a)) {
        tx.execute(
            "INSERT INTO doctor_areas (doctor_id, area_id) VALUES (?1, ?2)",
            params![id, new],
        )?;
    }
    tx.commit()?;
    doctor(conn, &id, now.date())
}

const DOCTOR_HEADERS: &[&str] = &[
    "医師名",
    "ふりがな",
    "医療機関名",
    "郵便番号",
    "住所",
    "電話番号",
    "FAX番号",
    "市",
    "対応圏域",
    "往診",
    "訪問診療",
    "看取り対応",
    "24時間対応",
    "もの忘れ相談医",
    "登録シート更新日",
    "登録シート要更新",
    "備考",
    "状態",
];

/// The doctor list as CSV (the filter of the screen applies).
pub fn doctors_csv(conn: &Connection, filter: &DoctorFilter, today: NaiveDate) -> Result<Vec<u8>> {
    let rows: Vec<Vec<Cell>> = doctors(conn, filter, today)?
        .into_iter()
        .map(|d| {
            vec![
                d.name.into(),
                d.kana.into(),
                d.clinic.into(),
                d.postal_code.into(),
                d.address.into(),
                d.phone.into(),
                d.fax.into(),
                d.city_name.into(),
                d.area_names.join("・").into(),
                flag(d.home_visits).into(),
                flag(d.regular_visits).into(),
                flag(d.end_of_life).into(),
                flag(d.round_the_clock).into(),
                flag(d.dementia_consult).into(),
                d.sheet_label.into(),
                flag(d.sheet_due).into(),
                d.notes.into(),
                if d.retired {
                    "登録終了"
                } else {
                    "登録中"
                }
                .into(),
            ]
        })
        .collect();
    Ok(csv::to_bytes(DOCTOR_HEADERS, &rows))
}

/// Current もの忘れ相談医 by 市 and clinic: the rows of the list citizens
/// get, as CSV and as PDF.
pub fn dementia_list(conn: &Connection, today: NaiveDate) -> Result<Vec<Doctor>> {
    let filter = DoctorFilter {
        dementia_only: true,
        ..Default::default()
    };
    let mut list = doctors(conn, &filter, today)?;
    list.sort_by(|a, b| (&a.city_name, &a.clinic).cmp(&(&b.city_name, &b.clinic)));
    Ok(list)
}

/// The printable もの忘れ相談医リスト for citizens: current もの忘れ相談医 only,
/// by 市 and clinic, with the contact details a citizen needs.
pub fn dementia_list_csv(conn: &Connection, today: NaiveDate) -> Result<Vec<u8>> {
    let rows: Vec<Vec<Cell>> = dementia_list(conn, today)?
        .into_iter()
        .map(|d| {
            vec![
                d.city_name.into(),
                d.clinic.into(),
                d.name.into(),
                d.address.into(),
                d.phone.into(),
            ]
        })
        .collect();
    Ok(csv::to_bytes(
        &["市", "医療機関名", "医師名", "住所", "電話番号"],
        &rows,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
    }

    #[test]
    fn a_sheet_is_due_after_one_year_or_when_missing() {
        let today = day(2025, 6, 2);
        assert!(sheet_due(None, today));
        assert!(
            !sheet_due(Some(day(2024, 6, 2)), today),
            "exactly a year is fine"
        );
        assert!(sheet_due(Some(day(2024, 6, 1)), today));
        assert!(!sheet_due(Some(day(2025, 1, 10)), today));
    }
}
