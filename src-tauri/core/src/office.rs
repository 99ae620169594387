//! 事業所情報: the office's name and contact block, and the cities it serves
//! with their 日常生活圏域. One row of office data, edited on the 設定 screen.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDateTime;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::{store, text, wareki, Error, Result};

const MAX_CITIES: usize = 20;

/// 市外: the fixed choice for persons living outside the cities the office
/// serves (neighbouring towns). It is a row of `cities` (migration 15), so
/// cases, persons and booklet entries refer to it like to any 市, but it
/// is not one of the office's cities: the 設定 form neither shows nor
/// deletes it, and its name is not available for an office city.
pub const OUTSIDE_CITY_ID: &str = "0c17ffff-0000-4000-8000-000000000000";
pub const OUTSIDE_CITY_NAME: &str = "市外";
const MAX_AREAS_PER_CITY: usize = 30;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Office {
    pub name: String,
    pub postal_code: String,
    pub address: String,
    pub phone: String,
    pub fax: String,
    pub contact_person: String,
    pub cities: Vec<City>,
    /// ISO date-time of the last save, `None` before the first one.
    pub updated_at: Option<String>,
    /// The same in 令和 for the screen: 令和7年11月24日（月）14:05.
    pub updated_label: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct City {
    pub id: String,
    pub name: String,
    pub areas: Vec<Area>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Area {
    pub id: String,
    pub name: String,
}

/// What the 設定 form sends. Cities and areas without an id are new; an
/// existing one left out of the list is deleted.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OfficeInput {
    pub name: String,
    pub postal_code: String,
    pub address: String,
    pub phone: String,
    pub fax: String,
    pub contact_person: String,
    pub cities: Vec<CityInput>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CityInput {
    pub id: Option<String>,
    pub name: String,
    #[serde(default)]
    pub areas: Vec<AreaInput>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AreaInput {
    pub id: Option<String>,
    pub name: String,
}

/// The form as it would be sent back unchanged: ids kept, so saving it
/// again changes nothing.
impl From<&Office> for OfficeInput {
    fn from(office: &Office) -> Self {
        OfficeInput {
            name: office.name.clone(),
            postal_code: office.postal_code.clone(),
            address: office.address.clone(),
            phone: office.phone.clone(),
            fax: office.fax.clone(),
            contact_person: office.contact_person.clone(),
            cities: office
                .cities
                .iter()
                .map(|c| CityInput {
                    id: Some(c.id.clone()),
                    name: c.name.clone(),
                    areas: c
                        .areas
                        .iter()
                        .map(|a| AreaInput {
                            id: Some(a.id.clone()),
                            name: a.name.clone(),
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

pub fn load(conn: &Connection) -> Result<Office> {
    let mut office = conn.query_row(
        "SELECT name, postal_code, address, phone, fax, contact_person, updated_at
           FROM office WHERE id = 1",
        [],
        |r| {
            Ok(Office {
                name: r.get(0)?,
                postal_code: r.get(1)?,
                address: r.get(2)?,
                phone: r.get(3)?,
                fax: r.get(4)?,
                contact_person: r.get(5)?,
                updated_at: r.get(6)?,
                updated_label: None,
                cities: Vec::new(),
            })
        },
    )?;
    office.cities = load_cities(conn)?;
    office.updated_label = match office.updated_at.as_deref() {
        Some(at) => Some(wareki::format_datetime(store::parse_stamp(at)?)),
        None => None,
    };
    Ok(office)
}

fn load_cities(conn: &Connection) -> Result<Vec<City>> {
    let mut cities: Vec<City> = conn
        .prepare("SELECT id, name FROM cities WHERE id <> ?1 ORDER BY sort_order, name")?
        .query_map([OUTSIDE_CITY_ID], |r| {
            Ok(City {
                id: r.get(0)?,
                name: r.get(1)?,
                areas: Vec::new(),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut stmt =
        conn.prepare("SELECT id, name FROM areas WHERE city_id = ? ORDER BY sort_order, name")?;
    for city in &mut cities {
        city.areas = stmt
            .query_map([&city.id], |r| {
                Ok(Area {
                    id: r.get(0)?,
                    name: r.get(1)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
    }
    Ok(cities)
}

/// The office's cities followed by 市外: the choices for a person's 市.
pub fn resident_cities(conn: &Connection) -> Result<Vec<City>> {
    let mut cities = load_cities(conn)?;
    cities.push(City {
        id: OUTSIDE_CITY_ID.into(),
        name: OUTSIDE_CITY_NAME.into(),
        areas: Vec::new(),
    });
    Ok(cities)
}

/// Checks and cleans the form. Field names follow the form: `name`, `phone`,
/// `cities.0.name`, `cities.0.areas.2.name` …
pub fn validate(input: &OfficeInput) -> Result<OfficeInput> {
    let mut clean = OfficeInput {
        name: text::single_line("name", "事業所名", &input.name, 100, true)?,
        postal_code: text::postal_code("postal_code", &input.postal_code)?,
        address: text::single_line("address", "住所", &input.address, 200, false)?,
        phone: text::phone_number("phone", "電話番号", &input.phone, false)?,
        fax: text::phone_number("fax", "FAX番号", &input.fax, false)?,
        contact_person: text::single_line(
            "contact_person",
            "担当者名",
            &input.contact_person,
            50,
            false,
        )?,
        cities: Vec::with_capacity(input.cities.len()),
    };
    if input.cities.len() > MAX_CITIES {
        return Err(Error::invalid(
            "cities",
            format!("市は{MAX_CITIES}件までです。"),
        ));
    }
    let mut city_names = HashSet::new();
    for (i, city) in input.cities.iter().enumerate() {
        let field = format!("cities.{i}.name");
        let name = text::single_line(&field, "市の名前", &city.name, 30, true)?;
        if name == OUTSIDE_CITY_NAME || city.id.as_deref() == Some(OUTSIDE_CITY_ID) {
            return Err(Error::invalid(
                field,
                "「市外」は近隣の町の住民のための選択肢としてあらかじめ用意されています。別の名前にしてください。",
            ));
        }
        if !city_names.insert(name.clone()) {
            return Err(Error::invalid(
                field,
                format!("市「{name}」が二度入力されています。"),
            ));
        }
        clean.cities.push(CityInput {
            id: clean_id(&format!("cities.{i}.id"), &city.id)?,
            name,
            areas: validate_areas(i, &city.areas)?,
        });
    }
    Ok(clean)
}

fn validate_areas(city_index: usize, areas: &[AreaInput]) -> Result<Vec<AreaInput>> {
    if areas.len() > MAX_AREAS_PER_CITY {
        return Err(Error::invalid(
            format!("cities.{city_index}.areas"),
            format!("日常生活圏域は1つの市につき{MAX_AREAS_PER_CITY}件までです。"),
        ));
    }
    let mut names = HashSet::new();
    let mut clean = Vec::with_capacity(areas.len());
    for (j, area) in areas.iter().enumerate() {
        let field = format!("cities.{city_index}.areas.{j}.name");
        let name = text::single_line(&field, "圏域の名前", &area.name, 50, true)?;
        if !names.insert(name.clone()) {
            return Err(Error::invalid(
                field,
                format!("圏域「{name}」が二度入力されています。"),
            ));
        }
        clean.push(AreaInput {
            id: clean_id(&format!("cities.{city_index}.areas.{j}.id"), &area.id)?,
            name,
        });
    }
    Ok(clean)
}

fn clean_id(field: &str, id: &Option<String>) -> Result<Option<String>> {
    id.as_deref()
        .filter(|s| !s.is_empty())
        .map(|s| text::uuid(field, s))
        .transpose()
}

/// Saves the office data, cities and areas in one transaction and returns
/// what is now stored.
pub fn save(conn: &mut Connection, input: &OfficeInput, now: NaiveDateTime) -> Result<Office> {
    let clean = validate(input)?;
    let tx = conn.transaction()?;
    write(&tx, &clean, now)?;
    tx.commit()?;
    load(conn)
}

/// Writes office data that [`validate`] returned, inside the caller's
/// transaction (初期設定 saves its own marker in the same one).
pub(crate) fn write(
    tx: &rusqlite::Transaction,
    clean: &OfficeInput,
    now: NaiveDateTime,
) -> Result<()> {
    tx.execute(
        "UPDATE office SET name = ?1, postal_code = ?2, address = ?3, phone = ?4, fax = ?5,
                contact_person = ?6, updated_at = ?7 WHERE id = 1",
        params![
            clean.name,
            clean.postal_code,
            clean.address,
            clean.phone,
            clean.fax,
            clean.contact_person,
            store::stamp(now)
        ],
    )?;
    save_cities(tx, &clean.cities)
}

fn save_cities(tx: &rusqlite::Transaction, cities: &[CityInput]) -> Result<()> {
    let existing_areas: HashMap<String, String> = tx
        .prepare("SELECT id, city_id FROM areas")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    // 市外 is not on the form and is never deleted.
    let mut kept_cities = vec![OUTSIDE_CITY_ID.to_string()];
    let mut kept_areas = Vec::new();
    for (order, city) in cities.iter().enumerate() {
        let city_id = upsert_city(tx, city, order)?;
        for (area_order, area) in city.areas.iter().enumerate() {
            if let Some(id) = &area.id {
                // An area moves between cities only by being deleted and re-added.
                if existing_areas
                    .get(id)
                    .is_some_and(|owner| owner != &city_id)
                {
                    return Err(Error::Conflict(
                        "圏域を別の市へ移すことはできません。削除してから追加してください。".into(),
                    ));
                }
            }
            kept_areas.push(upsert_area(tx, &city_id, area, area_order)?);
        }
        kept_cities.push(city_id);
    }
    delete_missing(tx, "areas", &kept_areas)?;
    delete_missing(tx, "cities", &kept_cities)?;
    Ok(())
}

fn upsert_city(tx: &rusqlite::Transaction, city: &CityInput, order: usize) -> Result<String> {
    match &city.id {
        Some(id) => {
            let n = tx.execute(
                "UPDATE cities SET name = ?2, sort_order = ?3 WHERE id = ?1",
                params![id, city.name, order as i64],
            )?;
            if n == 0 {
                return Err(Error::NotFound { what: "市" });
            }
            Ok(id.clone())
        }
        None => {
            let id = text::new_id();
            tx.execute(
                "INSERT INTO cities (id, name, sort_order) VALUES (?1, ?2, ?3)",
                params![id, city.name, order as i64],
            )?;
            Ok(id)
        }
    }
}

fn upsert_area(
    tx: &rusqlite::Transaction,
    city_id: &str,
    area: &AreaInput,
    order: usize,
) -> Result<String> {
    match &area.id {
        Some(id) => {
            let n = tx.execute(
                "UPDATE areas SET name = ?3, sort_order = ?4 WHERE id = ?1 AND city_id = ?2",
                params![id, city_id, area.name, order as i64],
            )?;
            if n == 0 {
                return Err(Error::NotFound {
                    what: "日常生活圏域",
                });
            }
            Ok(id.clone())
        }
        None => {
            let id = text::new_id();
            tx.execute(
                "INSERT INTO areas (id, city_id, name, sort_order) VALUES (?1, ?2, ?3, ?4)",
                params![id, city_id, area.name, order as i64],
            )?;
            Ok(id)
        }
    }
}

/// Deletes the rows of `table` whose id is not in `kept`. A row still used
/// elsewhere is protected by a foreign key; that becomes a clear Conflict.
fn delete_missing(tx: &rusqlite::Transaction, table: &str, kept: &[String]) -> Result<()> {
    let ids: Vec<String> = tx
        .prepare(&format!("SELECT id FROM {table}"))?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for id in ids.iter().filter(|id| !kept.contains(id)) {
        tx.execute(&format!("DELETE FROM {table} WHERE id = ?1"), [id])
            .map_err(|e| match e.sqlite_error_code() {
                Some(rusqlite::ErrorCode::ConstraintViolation) => {
                    Error::Conflict("記録で使われている市・圏域は削除できません。".into())
                }
                _ => Error::Db(e),
            })?;
    }
    Ok(())
}

/// True when nothing has been entered yet (used by demo-data).
pub fn is_blank(conn: &Connection) -> Result<bool> {
    let named: Option<String> = conn
        .query_row(
            "SELECT name FROM office WHERE id = 1 AND name <> ''",
            [],
            |r| r.get(0),
        )
        .optional()?;
    let cities: i64 = conn.query_row(
        "SELECT count(*) FROM cities WHERE id <> ?1",
        [OUTSIDE_CITY_ID],
        |r| r.get(0),
    )?;
    Ok(named.is_none() && cities == 0)
}
