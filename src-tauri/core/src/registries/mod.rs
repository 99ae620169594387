//! 名簿 (DESIGN.md §5, item ア): 往診登録医 with the もの忘れ相談医 flag and the
//! 圏域 each doctor covers ([`doctors`]), 療養支援ベッド with dated
//! availability updates ([`beds`]) and 関係機関 ([`organisations`]).
//!
//! The lists are small (tens of rows), so search and filters run in Rust over
//! the whole list with the same width/kana folding as case search.

mod beds;
mod common;
mod doctors;
pub mod organisations;

pub use beds::*;
pub use common::flag;
pub use doctors::*;

use chrono::{NaiveDate, NaiveDateTime};
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};

use crate::Result;

/// Which registry list to export, with the screen's filter.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "list", rename_all = "snake_case", deny_unknown_fields)]
pub enum Export {
    Doctors {
        #[serde(default)]
        filter: DoctorFilter,
    },
    /// もの忘れ相談医リスト (for citizens; no filter).
    Dementia,
    Beds {
        #[serde(default)]
        filter: BedFilter,
    },
    Organisations {
        #[serde(default)]
        filter: organisations::OrganisationFilter,
    },
}

impl Export {
    /// The list's name, also the file name stem (往診登録医, …).
    pub fn name(&self) -> &'static str {
        match self {
            Export::Doctors { .. } => "往診登録医",
            Export::Dementia => "もの忘れ相談医リスト",
            Export::Beds { .. } => "療養支援ベッド",
            Export::Organisations { .. } => "関係機関",
        }
    }

    pub fn csv(&self, conn: &Connection, today: NaiveDate) -> Result<crate::csv::Csv> {
        match self {
            Export::Doctors { filter } => doctors_csv(conn, filter, today),
            Export::Dementia => dementia_list_csv(conn, today),
            Export::Beds { filter } => beds_csv(conn, filter),
            Export::Organisations { filter } => organisations::export_csv(conn, filter),
        }
    }
}

/// Writes the chosen list as CSV into `dir`; returns the path.
pub fn export_to_folder(
    conn: &Connection,
    export: &Export,
    dir: &std::path::Path,
    now: NaiveDateTime,
    format: crate::csv::FileFormat,
) -> Result<std::path::PathBuf> {
    let csv = export.csv(conn, now.date())?;
    crate::csv::save_to_folder(dir, export.name(), now, &csv, format)
}

/// Registry sizes for the report's section ア, as of one day.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// 往診登録医: registered doctors, without the もの忘れ相談医 who do
    /// not visit (neither 往診 nor 訪問診療).
    pub doctors: i64,
    pub home_visits: i64,
    pub regular_visits: i64,
    pub end_of_life: i64,
    pub round_the_clock: i64,
    pub dementia_consult: i64,
    pub sheets_due: i64,
    pub bed_hospitals: i64,
    pub beds: i64,
    pub organisations: i64,
}

/// Sizes of the registries as of `day` (entries registered that day).
pub fn counts(conn: &Connection, day: NaiveDate) -> Result<Counts> {
    counts_in(conn, day, None)
}

/// The same counts for the registries located in one 市 (`city`), or in
/// all when `None`, as of `day`: what a report up to `day` prints. An
/// entry counts from its 登録日 until the day before its 登録終了日.
pub fn counts_in(conn: &Connection, day: NaiveDate, city: Option<&str>) -> Result<Counts> {
    let on = crate::store::iso(day);
    let registered: std::collections::HashSet<String> = conn
        .prepare(&format!(
            "SELECT id FROM doctors WHERE {}",
            common::REGISTERED_ON_DAY
        ))?
        .query_map([&on], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let current: Vec<Doctor> = doctors::all_doctors(conn, day)?
        .into_iter()
        .filter(|d| {
            registered.contains(&d.id) && city.is_none_or(|c| d.city_id.as_deref() == Some(c))
        })
        .collect();
    let n = |f: fn(&Doctor) -> bool| current.iter().filter(|d| f(d)).count() as i64;
    let (bed_hospitals, beds): (i64, i64) = conn.query_row(
        &format!(
            "SELECT count(*), coalesce(sum(beds), 0) FROM support_beds
              WHERE {} AND (?2 IS NULL OR city_id = ?2)",
            common::REGISTERED_ON_DAY
        ),
        params![on, city],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok(Counts {
        doctors: n(|d| d.visits() || !d.dementia_consult),
        home_visits: n(|d| d.home_visits),
        regular_visits: n(|d| d.regular_visits),
        end_of_life: n(|d| d.end_of_life),
        round_the_clock: n(|d| d.round_the_clock),
        dementia_consult: n(|d| d.dementia_consult),
        sheets_due: n(|d| d.sheet_due),
        bed_hospitals,
        beds,
        organisations: conn.query_row(
            &format!(
                "SELECT count(*) FROM organisations
                  WHERE {} AND (?2 IS NULL OR city_id = ?2)",
                common::REGISTERED_ON_DAY
            ),
            params![on, city],
            |r| r.get(0),
        )?,
    })
}
