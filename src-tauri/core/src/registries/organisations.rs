//! 関係機関: the organisations the office works with. One table shared by the
//! registries screen, lecture providers and the case form's suggestions.

use chrono::NaiveDateTime;
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use crate::cases::search::fold;
use crate::csv::{self, Cell};
use crate::{text, Error, Result};

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
}

const COLUMNS: &str = "id, kind, name, department, postal_code, address, phone, fax, email, \
                       contact_person, city_id, notes, retired, updated_at";

fn from_row(row: &Row) -> rusqlite::Result<Organisation> {
    Ok(Organisation {
        id: row.get(0)?,
        kind: row.get(1)?,
        name: row.get(2)?,
        department: row.get(3)?,
        postal_code: row.get(4)?,
        address: row.get(5)?,
        phone: row.get(6)?,
        fax: row.get(7)?,
        email: row.get(8)?,
        contact_person: row.get(9)?,
        city_id: row.get(10)?,
        notes: row.get(11)?,
        retired: row.get(12)?,
        updated_at: row.get(13)?,
    })
}

/// All organisations by kind and name; retired ones only when asked.
pub fn list(conn: &Connection, include_retired: bool) -> Result<Vec<Organisation>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM organisations WHERE retired = 0 OR ?1
         ORDER BY kind, name, department"
    ))?;
    let rows = stmt.query_map([include_retired], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn get(conn: &Connection, id: &str) -> Result<Organisation> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM organisations WHERE id = ?1"),
        [id],
        from_row,
    )
    .optional()?
    .ok_or_else(|| Error::NotFound {
        what: "関係機関"
    })
}

/// Checks and cleans a form; the result is what gets stored.
pub fn validate(conn: &Connection, input: &OrganisationInput) -> Result<OrganisationInput> {
    let id = match &input.id {
        Some(id) => Some(text::uuid("id", id)?),
        None => None,
    };
    let city_id = crate::store::known_id(
        conn,
        "cities",
        "city_id",
        "市",
        input.city_id.as_deref().unwrap_or(""),
    )?;
    Ok(OrganisationInput {
        id,
        kind: text::single_line("kind", "種別", &input.kind, 40, false)?,
        name: text::single_line("name", "機関名", &input.name, 80, true)?,
        department: text::single_line("department", "部署", &input.department, 60, false)?,
        postal_code: text::postal_code("postal_code", &input.postal_code)?,
        address: text::single_line("address", "住所", &input.address, 120, false)?,
        phone: text::phone_number("phone", "電話番号", &input.phone, false)?,
        fax: text::phone_number("fax", "FAX番号", &input.fax, false)?,
        email: text::single_line("email", "メール", &input.email, 120, false)?,
        contact_person: text::single_line(
            "contact_person",
            "担当者",
            &input.contact_person,
            40,
            false,
        )?,
        city_id,
        notes: text::multi_line("notes", "備考", &input.notes, 2000)?,
        retired: input.retired,
    })
}

/// Creates or updates one organisation. The same name and department twice
/// is refused, so a list never shows two identical entries.
pub fn save(
    conn: &Connection,
    input: &OrganisationInput,
    now: NaiveDateTime,
) -> Result<Organisation> {
    let o = validate(conn, input)?;
    let now = crate::store::stamp(now);
    let duplicate: Option<String> = conn
        .query_row(
            "SELECT id FROM organisations WHERE name = ?1 AND department = ?2 AND id IS NOT ?3",
            params![o.name, o.department, o.id],
            |r| r.get(0),
        )
        .optional()?;
    if duplicate.is_some() {
        return Err(Error::invalid(
            "name",
            format!("「{}」はすでに登録されています。", o.name),
        ));
    }
    let id =
        match &o.id {
            Some(id) => {
                let changed = conn.execute(
                "UPDATE organisations SET kind = ?2, name = ?3, department = ?4, postal_code = ?5,
                     address = ?6, phone = ?7, fax = ?8, email = ?9, contact_person = ?10,
                     city_id = ?11, notes = ?12, retired = ?13, updated_at = ?14
                 WHERE id = ?1",
                params![
                    id, o.kind, o.name, o.department, o.postal_code, o.address, o.phone, o.fax,
                    o.email, o.contact_person, o.city_id, o.notes, o.retired, now
                ],
            )?;
                if changed == 0 {
                    return Err(Error::NotFound {
                        what: "関係機関"
                    });
                }
                id.clone()
            }
            None => {
                let id = text::new_id();
                conn.execute(
                "INSERT INTO organisations (id, kind, name, department, postal_code, address, phone,
                     fax, email, contact_person, city_id, notes, retired, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?14)",
                params![
                    id, o.kind, o.name, o.department, o.postal_code, o.address, o.phone, o.fax,
                    o.email, o.contact_person, o.city_id, o.notes, o.retired, now
                ],
            )?;
                id
            }
        };
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
    let needle = fold(filter.query.trim());
    let kind = filter.kind.trim();
    let city = filter.city_id.as_deref().filter(|c| !c.is_empty());
    Ok(list(conn, filter.include_retired)?
        .into_iter()
        .filter(|o| kind.is_empty() || o.kind == kind)
        .filter(|o| city.is_none_or(|c| o.city_id.as_deref() == Some(c)))
        .filter(|o| {
            needle.is_empty()
                || [
                    &o.name,
                    &o.department,
                    &o.address,
                    &o.contact_person,
                    &o.notes,
                ]
                .iter()
                .any(|h| fold(h).contains(&needle))
        })
        .collect())
}

/// The registry as CSV (the filter of the screen applies).
pub fn export_csv(conn: &Connection, filter: &OrganisationFilter) -> Result<Vec<u8>> {
    let cities: std::collections::HashMap<String, String> = conn
        .prepare("SELECT id, name FROM cities")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let rows: Vec<Vec<Cell>> = search(conn, filter)?
        .into_iter()
        .map(|o| {
            let city = o
                .city_id
                .as_ref()
                .and_then(|c| cities.get(c).cloned())
                .unwrap_or_default();
            vec![
                o.kind.into(),
                o.name.into(),
                o.department.into(),
                o.postal_code.into(),
                o.address.into(),
                city.into(),
                o.phone.into(),
                o.fax.into(),
                o.email.into(),
                o.contact_person.into(),
                o.notes.into(),
                if o.retired {
                    "登録終了"
                } else {
                    "登録中"
                }
                .into(),
            ]
        })
        .collect();
    Ok(csv::to_bytes(
        &[
            "種別",
            "機関名",
            "部署",
            "郵便番号",
            "住所",
            "市",
            "電話番号",
            "FAX番号",
            "メール",
            "担当者",
            "備考",
            "状態",
        ],
        &rows,
    ))
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
