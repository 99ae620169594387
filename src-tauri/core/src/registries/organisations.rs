//! 関係機関: the organisations the office works with. One table shared by the
//! registries screen, lecture providers and the case form's suggestions.

use chrono::NaiveDateTime;
use rusqlite::{named_params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use super::common::{self, status, Cities, Contact, Search, Table, Tenure};
use crate::{csv, text, Error, Result};

const TABLE: Table = Table {
    name: "organisations",
    what: "関係機関",
    unique: &["name", "department"],
};

/// Kinds offered as suggestions; the office may type its own.
pub const SUGGESTED_KINDS: &[&str] = &[
    "病院（医療相談室）",
    "診療所",
    "歯科診療所",
    "薬局",
    "訪問看護ステーション",
    "地域包括支援センター",
    "居宅介護支援事業所",
    "介護サービス事業所",
    "職能団体",
    "行政",
    "その他",
];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organisation {
    pub id: String,
    pub kind: String,
    pub name: String,
    pub department: String,
    pub postal_code: String,
    pub address: String,
    pub phone: String,
    pub fax: String,
    pub email: String,
    pub contact_person: String,
    pub city_id: Option<String>,
    pub notes: String,
    pub retired: bool,
    /// 登録日 and 登録終了日 (ISO).
    pub registered_on: Option<String>,
    pub retired_on: Option<String>,
    pub updated_at: String,
}

/// What a form sends. Without an id it is a new organisation.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrganisationInput {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub department: String,
    #[serde(default)]
    pub postal_code: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub fax: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub contact_person: String,
    #[serde(default)]
    pub city_id: Option<String>,
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

fn from_row(row: &Row) -> rusqlite::Result<Organisation> {
    Ok(Organisation {
        id: row.get("id")?,
        kind: row.get("kind")?,
        name: row.get("name")?,
        department: row.get("department")?,
        postal_code: row.get("postal_code")?,
        address: row.get("address")?,
        phone: row.get("phone")?,
        fax: row.get("fax")?,
        email: row.get("email")?,
        contact_person: row.get("contact_person")?,
        city_id: row.get("city_id")?,
        notes: row.get("notes")?,
        retired: row.get("retired")?,
        registered_on: row.get("registered_on")?,
        retired_on: row.get("retired_on")?,
        updated_at: row.get("updated_at")?,
    })
}

/// All organisations by kind and name; retired ones only when asked.
pub fn list(conn: &Connection, include_retired: bool) -> Result<Vec<Organisation>> {
    let mut stmt = conn.prepare(
        "SELECT * FROM organisations WHERE retired = 0 OR ?1 ORDER BY kind, name, department",
    )?;
    let rows = stmt.query_map([include_retired], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn get(conn: &Connection, id: &str) -> Result<Organisation> {
    conn.query_row("SELECT * FROM organisations WHERE id = ?1", [id], from_row)
        .optional()?
        .ok_or_else(|| TABLE.not_found())
}

/// Creates or updates one organisation. The same name and department twice
/// is refused, so a list never shows two identical entries.
pub fn save(
    conn: &Connection,
    input: &OrganisationInput,
    now: NaiveDateTime,
) -> Result<Organisation> {
    let o = input;
    let name = text::single_line("name", "機関名", &o.name, 80, true)?;
    let department = text::single_line("department", "部署", &o.department, 60, false)?;
    let kind = text::single_line("kind", "種別", &o.kind, 40, false)?;
    let contact = Contact::check(&o.postal_code, &o.address, &o.phone, &o.fax)?;
    let email = text::single_line("email", "メール", &o.email, 120, false)?;
    let contact_person =
        text::single_line("contact_person", "担当者", &o.contact_person, 40, false)?;
    let city_id = common::optional_city(conn, o.city_id.as_deref())?;
    let notes = text::multi_line("notes", "備考", &o.notes, 2000)?;
    let tenure = Tenure::check(&o.registered_on, o.retired, &o.retired_on, now.date())?;
    let row = named_params! {
        ":kind": kind, ":name": name, ":department": department,
        ":postal_code": contact.postal_code, ":address": contact.address,
        ":phone": contact.phone, ":fax": contact.fax, ":email": email,
        ":contact_person": contact_person, ":city_id": city_id, ":notes": notes,
        ":retired": o.retired,
        ":registered_on": tenure.registered_on, ":retired_on": tenure.retired_on,
    };
    let id = TABLE.save(conn, o.id.as_deref(), row, now, || {
        Error::invalid("name", format!("「{name}」はすでに登録されています。"))
    })?;
    get(conn, &id)
}

/// Search and filters of the 関係機関 registry; every field is optional.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrganisationFilter {
    /// Substring of name, department, address, contact person or notes.
    #[serde(default)]
    pub query: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub city_id: Option<String>,
    #[serde(default)]
    pub include_retired: bool,
}

/// The organisations matching `filter`, in the order of [`list`].
pub fn search(conn: &Connection, filter: &OrganisationFilter) -> Result<Vec<Organisation>> {
    let search = Search::new(&filter.query, &filter.city_id, filter.include_retired);
    let kind = filter.kind.trim();
    Ok(list(conn, filter.include_retired)?
        .into_iter()
        .filter(|o| kind.is_empty() || o.kind == kind)
        .filter(|o| {
            let hay = [
                &*o.name,
                &o.department,
                &o.address,
                &o.contact_person,
                &o.notes,
            ];
            search.keeps(o.retired, o.city_id.as_deref(), &hay)
        })
        .collect())
}

/// An organisation with the name of its 市, as a CSV row shows it.
struct Listed {
    o: Organisation,
    city: String,
}

const COLUMNS: &[csv::Column<Listed>] = &[
    ("種別", |l| l.o.kind.clone().into()),
    ("機関名", |l| l.o.name.clone().into()),
    ("部署", |l| l.o.department.clone().into()),
    ("郵便番号", |l| l.o.postal_code.clone().into()),
    ("住所", |l| l.o.address.clone().into()),
    ("市", |l| l.city.clone().into()),
    ("電話番号", |l| l.o.phone.clone().into()),
    ("FAX番号", |l| l.o.fax.clone().into()),
    ("メール", |l| l.o.email.clone().into()),
    ("担当者", |l| l.o.contact_person.clone().into()),
    ("備考", |l| l.o.notes.clone().into()),
    ("状態", |l| status(l.o.retired)),
    ("登録日", |l| common::date_cell(&l.o.registered_on)),
    ("登録終了日", |l| common::date_cell(&l.o.retired_on)),
];

/// The registry as CSV (the filter of the screen applies).
pub fn export_csv(conn: &Connection, filter: &OrganisationFilter) -> Result<csv::Csv> {
    let cities = Cities::load(conn)?;
    let listed: Vec<Listed> = search(conn, filter)?
        .into_iter()
        .map(|o| Listed {
            city: cities.name(o.city_id.as_deref()),
            o,
        })
        .collect();
    Ok(csv::from_columns(COLUMNS, &listed))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn noon() -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2025, 6, 2)
            .and_then(|d| d.and_hms_opt(12, 0, 0))
            .expect("valid date")
    }

    #[test]
    fn saves_updates_and_refuses_a_second_identical_entry() -> Result<()> {
        let conn = crate::store::open_in_memory()?;
        let input = OrganisationInput {
            kind: "地域包括支援センター".into(),
            name: " 坂戸市地域包括支援センター ".into(),
            phone: "０４９－２８３－１２３４".into(),
            ..Default::default()
        };
        let saved = save(&conn, &input, noon())?;
        assert_eq!(saved.name, "坂戸市地域包括支援センター");
        assert_eq!(saved.phone, "049-283-1234");

        let again = save(&conn, &input, noon()).unwrap_err();
        assert_eq!(again.field(), Some("name"));

        let renamed = OrganisationInput {
            id: Some(saved.id.clone()),
            name: "坂戸市北部地域包括支援センター".into(),
            retired: true,
            ..input.clone()
        };
        save(&conn, &renamed, noon())?;
        assert!(list(&conn, false)?.is_empty(), "retired ones are hidden");
        assert_eq!(list(&conn, true)?[0].name, "坂戸市北部地域包括支援センター");
        Ok(())
    }

    #[test]
    fn an_unknown_city_or_id_is_refused() -> Result<()> {
        let conn = crate::store::open_in_memory()?;
        let unknown = "00000000-0000-4000-8000-000000000000".to_string();
        let city = OrganisationInput {
            name: "病院".into(),
            city_id: Some(unknown.clone()),
            ..Default::default()
        };
        assert_eq!(
            save(&conn, &city, noon()).unwrap_err().field(),
            Some("city_id")
        );
        let missing = OrganisationInput {
            id: Some(unknown),
            name: "病院".into(),
            ..Default::default()
        };
        assert_eq!(
            save(&conn, &missing, noon()).unwrap_err().kind(),
            "not_found"
        );
        Ok(())
    }
}
