//! 名簿 (DESIGN.md §5, item ア): 往診登録医 with the もの忘れ相談医 flag and the
//! 圏域 each doctor covers, and 療養支援ベッド with dated availability updates.
//! 関係機関 live in [`organisations`].
//!
//! The lists are small (tens of rows), so search and filters run in Rust over
//! the whole list with the same width/kana folding as case search.

mod beds;
mod doctors;
pub mod organisations;

pub use beds::*;
pub use doctors::*;

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use crate::cases::search::fold;
use crate::{csv, text, Error, Result};

/// Registry sizes for the report's section ア, as of `today`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
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

// ---------------------------------------------------------------- helpers

pub(super) fn city_names(conn: &Connection) -> Result<HashMap<String, String>> {
    let mut stmt = conn.prepare("SELECT id, name FROM cities")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// An optional city id from a form: empty is none, unknown is refused.
pub(super) fn optional_city(conn: &Connection, city_id: Option<&str>) -> Result<Option<String>> {
    crate::store::known_id(conn, "cities", "city_id", "市", city_id.unwrap_or(""))
}

/// A non-negative count as typed (全角 digits allowed).
pub(super) fn count(field: &str, label: &str, value: &str, max: i64) -> Result<i64> {
    let folded = text::fold_number_text(value.trim());
    if folded.is_empty() {
        return Err(Error::invalid(
            field,
            format!("{label}を入力してください。"),
        ));
    }
    match folded.parse::<i64>() {
        Ok(n) if (0..=max).contains(&n) => Ok(n),
        _ => Err(Error::invalid(
            field,
            format!("{label}は0から{max}までの数で入力してください。"),
        )),
    }
}

/// True if `needle` (already folded) is in any of `hay`.
pub(super) fn matches(needle: &str, hay: &[&str]) -> bool {
    needle.is_empty() || hay.iter().any(|h| fold(h).contains(needle))
}

pub(super) fn flag(b: bool) -> &'static str {
    if b {
        "○"
    } else {
        ""
    }
}
// ---------------------------------------------------------------- export

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
    /// The CSV and the file name stem (往診登録医, …).
    pub fn csv(&self, conn: &Connection, today: NaiveDate) -> Result<(Vec<u8>, &'static str)> {
        Ok(match self {
            Export::Doctors { filter } => (doctors_csv(conn, filter, today)?, "往診登録医"),
            Export::Dementia => (dementia_list_csv(conn, today)?, "もの忘れ相談医リスト"),
            Export::Beds { filter } => (beds_csv(conn, filter)?, "療養支援ベッド"),
            Export::Organisations { filter } => {
                (organisations::export_csv(conn, filter)?, "関係機関")
            }
        })
    }
}

/// Writes the chosen list as CSV into `dir`; returns the path.
pub fn export_to_folder(
    conn: &Connection,
    export: &Export,
    dir: &std::path::Path,
    now: NaiveDateTime,
) -> Result<std::path::PathBuf> {
    let (bytes, stem) = export.csv(conn, now.date())?;
    csv::write_to_folder(dir, stem, now, &bytes)
}

// ---------------------------------------------------------------- counts

/// Sizes of the registries (current entries only) for the report.
pub fn counts(conn: &Connection, today: NaiveDate) -> Result<Counts> {
    let current: Vec<Doctor> = all_doctors(conn, today)?
        .into_iter()
        .filter(|d| !d.retired)
        .collect();
    let n = |f: fn(&Doctor) -> bool| current.iter().filter(|d| f(d)).count() as i64;
    let (bed_hospitals, beds): (i64, i64) = conn.query_row(
        "SELECT count(*), coalesce(sum(beds), 0) FROM support_beds WHERE retired = 0",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok(Counts {
        doctors: current.len() as i64,
        home_visits: n(|d| d.home_visits),
        regular_visits: n(|d| d.regular_visits),
        end_of_life: n(|d| d.end_of_life),
        round_the_clock: n(|d| d.round_the_clock),
        dementia_consult: n(|d| d.dementia_consult),
        sheets_due: n(|d| d.sheet_due),
        bed_hospitals,
        beds,
        organisations: conn.query_row(
            "SELECT count(*) FROM organisations WHERE retired = 0",
            [],
            |r| r.get(0),
        )?,
    })
}
