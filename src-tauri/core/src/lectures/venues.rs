//! Venues (公民館, 市民センター …) where sessions are held, each in a 市.

use chrono::NaiveDateTime;
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};

use super::{known_id, stamp};
use crate::{text, Error, Result};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Venue {
    pub id: String,
    pub name: String,
    pub address: String,
    pub city_id: Option<String>,
    pub city_name: String,
    pub retired: bool,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VenueInput {
    #[serde(default)]
    pub id: Option<String>,
    pub name: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub city_id: String,
    #[serde(default)]
    pub retired: bool,
}

pub fn venues(conn: &Connection) -> Result<Vec<Venue>> {
    venues_where(conn, None)
}

pub(super) fn venues_where(conn: &Connection, id: Option<&str>) -> Result<Vec<Venue>> {
    let rows = conn
        .prepare(
            "SELECT v.id, v.name, v.address, v.city_id, coalesce(c.name, ''), v.retired
               FROM lecture_venues v LEFT JOIN cities c ON c.id = v.city_id
              WHERE ?1 IS NULL OR v.id = ?1
              ORDER BY v.retired, c.sort_order, v.name",
        )?
        .query_map([id], |r| {
            Ok(Venue {
                id: r.get(0)?,
                name: r.get(1)?,
                address: r.get(2)?,
                city_id: r.get(3)?,
                city_name: r.get(4)?,
                retired: r.get(5)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

pub fn save_venue(conn: &Connection, input: &VenueInput, now: NaiveDateTime) -> Result<Venue> {
    let id = match &input.id {
        Some(id) => Some(text::uuid("id", id)?),
        None => None,
    };
    let name = text::single_line("name", "会場名", &input.name, 60, true)?;
    let address = text::single_line("address", "住所", &input.address, 120, false)?;
    let city_id = known_id(conn, "cities", "city_id", "市", &input.city_id)?;
    let taken: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM lecture_venues WHERE name = ?1 AND id IS NOT ?2)",
        params![name, id],
        |r| r.get(0),
    )?;
    if taken {
        return Err(Error::invalid(
            "name",
            format!("会場「{name}」はすでに登録されています。"),
        ));
    }
    let at = stamp(now);
    let id = match id {
        Some(id) => {
            let changed = conn.execute(
                "UPDATE lecture_venues SET name = ?2, address = ?3, city_id = ?4, retired = ?5,
                        updated_at = ?6 WHERE id = ?1",
                params![id, name, address, city_id, input.retired, at],
            )?;
            if changed == 0 {
                return Err(Error::NotFound { what: "会場" });
            }
            id
        }
        None => {
            let id = text::new_id();
            conn.execute(
                "INSERT INTO lecture_venues (id, name, address, city_id, retired, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
                params![id, name, address, city_id, input.retired, at],
            )?;
            id
        }
    };
    venues_where(conn, Some(&id))?
        .pop()
        .ok_or(Error::NotFound { what: "会場" })
}
