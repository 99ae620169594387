//! Venues (公民館, 市民センター …) where sessions are held, each in a 市.

use chrono::NaiveDateTime;
use rusqlite::{named_params, Connection};
use serde::{Deserialize, Serialize};

use super::{clash, id_to_save, known_id, select, stamp, upsert_sql};
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
#[serde(default, deny_unknown_fields)]
pub struct VenueInput {
    pub id: Option<String>,
    pub name: String,
    pub address: String,
    pub city_id: String,
    pub retired: bool,
}

pub fn venues(conn: &Connection) -> Result<Vec<Venue>> {
    venues_where(conn, None)
}

const WHAT: &str = "会場";

/// The venue `id`.
pub(super) fn venue(conn: &Connection, id: &str) -> Result<Venue> {
    venues_where(conn, Some(id))?
        .pop()
        .ok_or(Error::NotFound { what: WHAT })
}

fn venues_where(conn: &Connection, id: Option<&str>) -> Result<Vec<Venue>> {
    select(
        conn,
        "SELECT v.id, v.name, v.address, v.city_id, coalesce(c.name, ''), v.retired
           FROM lecture_venues v LEFT JOIN cities c ON c.id = v.city_id
          WHERE ?1 IS NULL OR v.id = ?1
          ORDER BY v.retired, c.sort_order, v.name",
        [id],
        |r| Ok(from_row!(r => Venue { id, name, address, city_id, city_name, retired })),
    )
}

pub fn save_venue(conn: &Connection, input: &VenueInput, now: NaiveDateTime) -> Result<Venue> {
    let id = id_to_save(conn, "lecture_venues", input.id.as_deref(), WHAT)?;
    let name = text::single_line("name", "会場名", &input.name, 60, true)?;
    let address = text::single_line("address", "住所", &input.address, 120, false)?;
    let city_id = known_id(conn, "cities", "city_id", "市", &input.city_id)?;
    if clash(conn, "lecture_venues", ("name", &name), &id, "name")?.is_some() {
        return Err(Error::invalid(
            "name",
            format!("会場「{name}」はすでに登録されています。"),
        ));
    }
    conn.execute(
        &upsert_sql("lecture_venues", "name, address, city_id, retired"),
        named_params! {
            ":id": id,
            ":name": name,
            ":address": address,
            ":city_id": city_id,
            ":retired": input.retired,
            ":at": stamp(now),
        },
    )?;
    venue(conn, &id)
}
