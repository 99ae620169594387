//! 往診登録医 with the もの忘れ相談医 flag and the 圏域 each doctor covers.

use std::collections::HashMap;

use chrono::{Months, NaiveDate, NaiveDateTime};
use rusqlite::{named_params, params, Connection, Row};
use serde::{Deserialize, Serialize};

use super::common::{self, flag, status, Cities, Contact, Search, Table, Tenure};
use crate::store::{iso, parse_iso};
use crate::{csv, text, wareki, Error, Result};

const TABLE: Table = Table {
    name: "doctors",
    what: "往診登録医",
    unique: &["name", "clinic"],
};

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
    /// 登録日 and 登録終了日 (ISO).
    pub registered_on: Option<String>,
    pub retired_on: Option<String>,
    pub updated_at: String,
}

impl Doctor {
    /// Goes to patients' homes (往診 or 訪問診療): what makes a
    /// もの忘れ相談医 count as 往診登録医 too.
    pub fn visits(&self) -> bool {
        self.home_visits || self.regular_visits
    }
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
    /// 令和 or ISO; empty is today.
    #[serde(default)]
    pub registered_on: String,
    /// 令和 or ISO; only with `retired` (empty is today).
    #[serde(default)]
    pub retired_on: String,
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

/// The 圏域 of every doctor as (id, name), in the office's order.
fn covered_areas(conn: &Connection) -> Result<HashMap<String, Vec<(String, String)>>> {
    let mut areas: HashMap<String, Vec<(String, String)>> = HashMap::new();
    let mut stmt = conn.prepare(
        "SELECT da.doctor_id, a.id, a.name FROM doctor_areas da
           JOIN areas a ON a.id = da.area_id
           JOIN cities c ON c.id = a.city_id
          ORDER BY c.sort_order, a.sort_order",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))?;
    for row in rows {
        let (doctor, area): (String, _) = row?;
        areas.entry(doctor).or_default().push(area);
    }
    Ok(areas)
}

/// A doctor as stored; the city, 圏域 and sheet columns are filled in by
/// [`all_doctors`].
fn from_row(r: &Row) -> rusqlite::Result<Doctor> {
    Ok(Doctor {
        id: r.get("id")?,
        name: r.get("name")?,
        kana: r.get("kana")?,
        clinic: r.get("clinic")?,
        postal_code: r.get("postal_code")?,
        address: r.get("address")?,
        phone: r.get("phone")?,
        fax: r.get("fax")?,
        city_id: r.get("city_id")?,
        city_name: String::new(),
        area_ids: Vec::new(),
        area_names: Vec::new(),
        home_visits: r.get("home_visits")?,
        regular_visits: r.get("regular_visits")?,
        end_of_life: r.get("end_of_life")?,
        round_the_clock: r.get("round_the_clock")?,
        dementia_consult: r.get("dementia_consult")?,
        sheet_updated_on: r.get("sheet_updated_on")?,
        sheet_label: String::new(),
        sheet_due: false,
        notes: r.get("notes")?,
        retired: r.get("retired")?,
        registered_on: r.get("registered_on")?,
        retired_on: r.get("retired_on")?,
        updated_at: r.get("updated_at")?,
    })
}

/// Every doctor (retired ones too), by ふりがな then name.
pub(super) fn all_doctors(conn: &Connection, today: NaiveDate) -> Result<Vec<Doctor>> {
    let cities = Cities::load(conn)?;
    let mut areas = covered_areas(conn)?;
    let mut list = conn
        .prepare("SELECT * FROM doctors ORDER BY kana, name, clinic")?
        .query_map([], from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for d in &mut list {
        d.city_name = cities.name(d.city_id.as_deref());
        let covered = areas.remove(&d.id).unwrap_or_default();
        (d.area_ids, d.area_names) = covered.into_iter().unzip();
        let sheet = d.sheet_updated_on.as_deref().map(parse_iso).transpose()?;
        d.sheet_label = sheet
            .map(wareki::format_date)
            .unwrap_or_else(|| "未登録".into());
        d.sheet_due = sheet_due(sheet, today);
    }
    Ok(list)
}

/// The doctors matching `filter`, by ふりがな.
pub fn doctors(conn: &Connection, filter: &DoctorFilter, today: NaiveDate) -> Result<Vec<Doctor>> {
    let search = Search::new(&filter.query, &filter.city_id, filter.include_retired);
    let area = filter.area_id.as_deref().filter(|a| !a.is_empty());
    Ok(all_doctors(conn, today)?
        .into_iter()
        .filter(|d| {
            let hay = [&*d.name, &d.kana, &d.clinic, &d.address, &d.notes];
            search.keeps(d.retired, d.city_id.as_deref(), &hay)
        })
        .filter(|d| area.is_none_or(|a| d.area_ids.iter().any(|x| x == a)))
        .filter(|d| !filter.dementia_only || d.dementia_consult)
        .filter(|d| !filter.end_of_life_only || d.end_of_life)
        .filter(|d| !filter.round_the_clock_only || d.round_the_clock)
        .filter(|d| !filter.sheet_due_only || d.sheet_due)
        .collect())
}

pub fn doctor(conn: &Connection, id: &str, today: NaiveDate) -> Result<Doctor> {
    all_doctors(conn, today)?
        .into_iter()
        .find(|d| d.id == id)
        .ok_or_else(|| TABLE.not_found())
}

/// Checked 圏域 ids: each known, each once.
fn known_areas(conn: &Connection, typed: &[String]) -> Result<Vec<String>> {
    let mut areas = Vec::new();
    for area in typed {
        let area = crate::store::known_id(conn, "areas", "area_ids", "圏域", area)?
            .ok_or_else(|| Error::invalid("area_ids", "選ばれた圏域が見つかりません。"))?;
        if !areas.contains(&area) {
            areas.push(area);
        }
    }
    Ok(areas)
}

/// 登録シート更新日 as typed: empty when no sheet was received, never in the
/// future.
fn sheet_date(typed: &str, today: NaiveDate) -> Result<Option<String>> {
    let Some(day) = wareki::parse_optional_date("sheet_updated_on", typed)? else {
        return Ok(None);
    };
    if day > today {
        return Err(Error::invalid(
            "sheet_updated_on",
            "登録シート更新日に未来の日付は入力できません。",
        ));
    }
    Ok(Some(iso(day)))
}

/// Creates or updates a doctor and the 圏域 covered, in one transaction.
/// The same doctor at the same clinic twice is refused.
pub fn save_doctor(
    conn: &mut Connection,
    input: &DoctorInput,
    now: NaiveDateTime,
) -> Result<Doctor> {
    let d = input;
    let name = text::single_line("name", "医師名", &d.name, 40, true)?;
    let clinic = text::single_line("clinic", "医療機関名", &d.clinic, 80, true)?;
    let kana = text::single_line("kana", "ふりがな", &d.kana, 60, false)?;
    let contact = Contact::check(&d.postal_code, &d.address, &d.phone, &d.fax)?;
    let city_id = common::optional_city(conn, d.city_id.as_deref())?;
    let area_ids = known_areas(conn, &d.area_ids)?;
    let sheet_updated_on = sheet_date(&d.sheet_updated_on, now.date())?;
    let notes = text::multi_line("notes", "備考", &d.notes, 2000)?;
    let tenure = Tenure::check(&d.registered_on, d.retired, &d.retired_on, now.date())?;
    let tx = conn.transaction()?;
    let row = named_params! {
        ":name": name, ":kana": kana, ":clinic": clinic,
        ":postal_code": contact.postal_code, ":address": contact.address,
        ":phone": contact.phone, ":fax": contact.fax, ":city_id": city_id,
        ":home_visits": d.home_visits, ":regular_visits": d.regular_visits,
        ":end_of_life": d.end_of_life, ":round_the_clock": d.round_the_clock,
        ":dementia_consult": d.dementia_consult, ":sheet_updated_on": sheet_updated_on,
        ":notes": notes, ":retired": d.retired,
        ":registered_on": tenure.registered_on, ":retired_on": tenure.retired_on,
    };
    let id = TABLE.save(&tx, d.id.as_deref(), row, now, || {
        Error::invalid(
            "name",
            format!("{name}（{clinic}）はすでに登録されています。"),
        )
    })?;
    // Only the links that changed are written, so the audit log shows them.
    let old: Vec<String> = tx
        .prepare("SELECT area_id FROM doctor_areas WHERE doctor_id = ?1")?
        .query_map([&id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for gone in old.iter().filter(|a| !area_ids.contains(a)) {
        tx.execute(
            "DELETE FROM doctor_areas WHERE doctor_id = ?1 AND area_id = ?2",
            params![id, gone],
        )?;
    }
    for new in area_ids.iter().filter(|a| !old.contains(a)) {
        tx.execute(
            "INSERT INTO doctor_areas (doctor_id, area_id) VALUES (?1, ?2)",
            params![id, new],
        )?;
    }
    tx.commit()?;
    doctor(conn, &id, now.date())
}

const DOCTOR_COLUMNS: &[csv::Column<Doctor>] = &[
    ("医師名", |d| d.name.clone().into()),
    ("ふりがな", |d| d.kana.clone().into()),
    ("医療機関名", |d| d.clinic.clone().into()),
    ("郵便番号", |d| d.postal_code.clone().into()),
    ("住所", |d| d.address.clone().into()),
    ("電話番号", |d| d.phone.clone().into()),
    ("FAX番号", |d| d.fax.clone().into()),
    ("市", |d| d.city_name.clone().into()),
    ("対応圏域", |d| d.area_names.join("・").into()),
    ("往診", |d| flag(d.home_visits).into()),
    ("訪問診療", |d| flag(d.regular_visits).into()),
    ("看取り対応", |d| flag(d.end_of_life).into()),
    ("24時間対応", |d| flag(d.round_the_clock).into()),
    ("もの忘れ相談医", |d| flag(d.dementia_consult).into()),
    ("登録シート更新日", |d| d.sheet_label.clone().into()),
    ("登録シート要更新", |d| flag(d.sheet_due).into()),
    ("備考", |d| d.notes.clone().into()),
    ("状態", |d| status(d.retired)),
    ("登録日", |d| common::date_cell(&d.registered_on)),
    ("登録終了日", |d| common::date_cell(&d.retired_on)),
];

/// The doctor list as CSV (the filter of the screen applies).
pub fn doctors_csv(conn: &Connection, filter: &DoctorFilter, today: NaiveDate) -> Result<csv::Csv> {
    Ok(csv::from_columns(
        DOCTOR_COLUMNS,
        &doctors(conn, filter, today)?,
    ))
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

/// What a citizen needs to call a もの忘れ相談医: the columns of the list
/// citizens get, the same in CSV and on paper.
pub const DEMENTIA_COLUMNS: &[csv::Column<Doctor>] = &[
    ("市", |d| d.city_name.clone().into()),
    ("医療機関名", |d| d.clinic.clone().into()),
    ("医師名", |d| d.name.clone().into()),
    ("住所", |d| d.address.clone().into()),
    ("電話番号", |d| d.phone.clone().into()),
];

/// The もの忘れ相談医リスト for citizens as CSV.
pub fn dementia_list_csv(conn: &Connection, today: NaiveDate) -> Result<csv::Csv> {
    Ok(csv::from_columns(
        DEMENTIA_COLUMNS,
        &dementia_list(conn, today)?,
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
