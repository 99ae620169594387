//! What the three 名簿 share: city names, the search every list filter has,
//! the ○ and 登録中 cells, CSV with its row count, and the steps of a save
//! (known id, no second identical entry, one upsert).

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use rusqlite::{Connection, ToSql};

use crate::cases::search::fold;
use crate::csv::Cell;
use crate::store::{iso, stamp};
use crate::{text, wareki, Error, Result};

/// 市 names by id.
pub(super) struct Cities(HashMap<String, String>);

impl Cities {
    pub(super) fn load(conn: &Connection) -> Result<Cities> {
        let mut stmt = conn.prepare("SELECT id, name FROM cities")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(Cities(rows.collect::<rusqlite::Result<_>>()?))
    }

    /// The name of an optional city; empty when none.
    pub(super) fn name(&self, id: Option<&str>) -> String {
        id.and_then(|id| self.0.get(id).cloned())
            .unwrap_or_default()
    }
}

/// An optional city id from a form: empty is none, unknown is refused.
pub(super) fn optional_city(conn: &Connection, city_id: Option<&str>) -> Result<Option<String>> {
    crate::store::known_id(conn, "cities", "city_id", "市", city_id.unwrap_or(""))
}

/// The part every list filter has: words searched in some fields, one 市,
/// and whether retired entries show.
pub(super) struct Search<'a> {
    needle: String,
    city: Option<&'a str>,
    include_retired: bool,
}

impl<'a> Search<'a> {
    pub(super) fn new(query: &str, city_id: &'a Option<String>, include_retired: bool) -> Self {
        Search {
            needle: fold(query.trim()),
            city: city_id.as_deref().filter(|c| !c.is_empty()),
            include_retired,
        }
    }

    /// Whether an entry of `city_id` with the searchable texts `hay` shows.
    pub(super) fn keeps(&self, retired: bool, city_id: Option<&str>, hay: &[&str]) -> bool {
        (self.include_retired || !retired)
            && self.city.is_none_or(|c| city_id == Some(c))
            && (self.needle.is_empty() || hay.iter().any(|h| fold(h).contains(&self.needle)))
    }
}

/// 郵便番号, 住所, 電話番号 and FAX番号 from a form, checked alike in every
/// 名簿 that has them.
pub(super) struct Contact {
    pub postal_code: String,
    pub address: String,
    pub phone: String,
    pub fax: String,
}

impl Contact {
    pub(super) fn check(postal_code: &str, address: &str, phone: &str, fax: &str) -> Result<Self> {
        Ok(Contact {
            postal_code: text::postal_code("postal_code", postal_code)?,
            address: text::single_line("address", "住所", address, 120, false)?,
            phone: text::phone_number("phone", "電話番号", phone, false)?,
            fax: text::phone_number("fax", "FAX番号", fax, false)?,
        })
    }
}

/// 登録日 and 登録終了日 of a 名簿 entry, checked alike in every 名簿: a
/// past year's report counts the entries registered on its last day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Tenure {
    pub registered_on: String,
    pub retired_on: Option<String>,
}

impl Tenure {
    /// The dates as typed (令和 or ISO). 登録日 defaults to `today`, and so
    /// does 登録終了日 of an entry being retired; neither may be in the
    /// future, the end not before the start, and an end needs 登録終了.
    pub(super) fn check(
        registered_on: &str,
        retired: bool,
        retired_on: &str,
        today: NaiveDate,
    ) -> Result<Self> {
        let start = past_or_today("registered_on", "登録日", registered_on, today)?;
        let end = past_or_today("retired_on", "登録終了日", retired_on, today)?;
        match (retired, retired_on.trim().is_empty()) {
            (false, false) => Err(Error::invalid(
                "retired_on",
                "登録終了日を入れるときは「登録終了」にチェックを入れてください。",
            )),
            (true, _) if end < start => Err(Error::invalid(
                "retired_on",
                "登録終了日は登録日より後の日付にしてください。",
            )),
            _ => Ok(Tenure {
                registered_on: iso(start),
                retired_on: retired.then(|| iso(end)),
            }),
        }
    }
}

/// A typed day, `today` when empty, refused when in the future.
fn past_or_today(field: &str, label: &str, typed: &str, today: NaiveDate) -> Result<NaiveDate> {
    let day = wareki::parse_optional_date(field, typed)?.unwrap_or(today);
    if day > today {
        return Err(Error::invalid(
            field,
            format!("{label}に未来の日付は入力できません。"),
        ));
    }
    Ok(day)
}

/// The SQL condition of an entry registered on the day `?1` (ISO): 登録日
/// on or before it, and no 登録終了日 or one after it. Entries saved before
/// the dates were kept have them from their stamps (set on upgrade).
pub(super) const REGISTERED_ON_DAY: &str =
    "coalesce(registered_on, '') <= ?1 AND coalesce(retired_on, '9999-12-31') > ?1";

/// The mark of a yes/no column in lists and CSV.
pub fn flag(b: bool) -> &'static str {
    if b {
        "○"
    } else {
        ""
    }
}

/// A stored day as the registry CSVs show dates (令和7年4月1日); empty
/// when none.
pub(super) fn date_cell(day: &Option<String>) -> Cell {
    day.as_deref()
        .and_then(|d| crate::store::parse_iso(d).ok())
        .map(wareki::format_date)
        .unwrap_or_default()
        .into()
}

/// The 状態 column of every registry CSV.
pub(super) fn status(retired: bool) -> Cell {
    if retired { "登録終了" } else { "登録中" }.into()
}

/// A 名簿 table as its saves see it.
pub(super) struct Table {
    /// The SQL name (from code, never from input).
    pub name: &'static str,
    /// An entry in messages: 往診登録医, 関係機関, …
    pub what: &'static str,
    /// The UNIQUE columns besides the id: a second entry with the same
    /// values is refused.
    pub unique: &'static [&'static str],
}

impl Table {
    pub(super) fn not_found(&self) -> Error {
        Error::NotFound { what: self.what }
    }

    /// The id of a form that edits an existing entry: a UUID that is
    /// known, else [`Error::NotFound`]. `None` for a new entry.
    fn existing_id(&self, conn: &Connection, id: Option<&str>) -> Result<Option<String>> {
        let Some(id) = id.map(|id| text::uuid("id", id)).transpose()? else {
            return Ok(None);
        };
        let sql = format!("SELECT EXISTS (SELECT 1 FROM {} WHERE id = ?1)", self.name);
        if !conn.query_row(&sql, [&id], |r| r.get(0))? {
            return Err(self.not_found());
        }
        Ok(Some(id))
    }

    /// Creates (without `id`) or updates the entry `id` from `row`, whose
    /// named parameters are the columns of the same name; returns its id.
    /// `duplicate` is the refusal when another entry has the same
    /// [`Table::unique`] values.
    pub(super) fn save(
        &self,
        conn: &Connection,
        id: Option<&str>,
        row: &[(&str, &dyn ToSql)],
        now: NaiveDateTime,
        duplicate: impl FnOnce() -> Error,
    ) -> Result<String> {
        let id = self.existing_id(conn, id)?.unwrap_or_else(text::new_id);
        if self.taken(conn, &id, row)? {
            return Err(duplicate());
        }
        let at = stamp(now);
        let mut params: Vec<(&str, &dyn ToSql)> =
            vec![(":id", &id), (":created_at", &at), (":updated_at", &at)];
        params.extend_from_slice(row);
        self.upsert(conn, &params)?;
        Ok(id)
    }

    /// Whether an entry other than `id` has the [`Table::unique`] values of
    /// `row`.
    fn taken(&self, conn: &Connection, id: &str, row: &[(&str, &dyn ToSql)]) -> Result<bool> {
        let mut sql = format!(
            "SELECT EXISTS (SELECT 1 FROM {} WHERE id IS NOT :id",
            self.name
        );
        let mut params: Vec<(&str, &dyn ToSql)> = vec![(":id", &id)];
        for &(param, value) in row {
            let column = param.trim_start_matches(':');
            if self.unique.contains(&column) {
                sql.push_str(&format!(" AND {column} = {param}"));
                params.push((param, value));
            }
        }
        sql.push(')');
        Ok(conn.query_row(&sql, params.as_slice(), |r| r.get(0))?)
    }

    /// One `INSERT … ON CONFLICT(id) DO UPDATE` setting every column but id
    /// and created_at. SQLite runs the audit triggers on the update path,
    /// which record it only when a column really changed.
    fn upsert(&self, conn: &Connection, params: &[(&str, &dyn ToSql)]) -> Result<()> {
        let names: Vec<&str> = params.iter().map(|(p, _)| *p).collect();
        let columns: Vec<&str> = names.iter().map(|p| p.trim_start_matches(':')).collect();
        let set: Vec<String> = columns
            .iter()
            .filter(|c| !matches!(**c, "id" | "created_at"))
            .map(|c| format!("{c} = excluded.{c}"))
            .collect();
        let sql = format!(
            "INSERT INTO {} ({}) VALUES ({}) ON CONFLICT(id) DO UPDATE SET {}",
            self.name,
            columns.join(", "),
            names.join(", "),
            set.join(", ")
        );
        conn.execute(&sql, params)?;
        Ok(())
    }
}
