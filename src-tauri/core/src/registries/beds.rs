//! 療養支援ベッド with dated availability updates.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::{city_names, count, matches, optional_city};
use crate::cases::search::fold;
use crate::csv::{self, Cell};
use crate::store::{iso, stamp};
use crate::{text, wareki, Error, Result};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BedUpdate {
    pub id: String,
    pub checked_on: String,
    /// 令和7年4月1日（火）
    pub checked_label: String,
    pub free_beds: i64,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SupportBed {
    pub id: String,
    pub hospital: String,
    pub city_id: Option<String>,
    pub city_name: String,
    pub phone: String,
    /// 療養支援ベッドの床数
    pub beds: i64,
    pub notes: String,
    pub retired: bool,
    /// Newest first.
    pub updates: Vec<BedUpdate>,
    pub updated_at: String,
}

impl SupportBed {
    pub fn latest(&self) -> Option<&BedUpdate> {
        self.updates.first()
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SupportBedInput {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub hospital: String,
    #[serde(default)]
    pub city_id: Option<String>,
    #[serde(default)]
    pub phone: String,
    /// As typed (全角 digits allowed).
    #[serde(default)]
    pub beds: String,
    #[serde(default)]
    pub notes: String,
    #[serde(default)]
    pub retired: bool,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BedUpdateInput {
    #[serde(default)]
    pub checked_on: String,
    #[serde(default)]
    pub free_beds: String,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BedFilter {
    #[serde(default)]
    pub query: String,
    #[serde(default)]
    pub city_id: Option<String>,
    /// Only hospitals whose latest update shows a free bed.
    #[serde(default)]
    pub free_only: bool,
    #[serde(default)]
    pub include_retired: bool,
}

// ---------------------------------------------------------------- beds

fn all_beds(conn: &Connection) -> Result<Vec<SupportBed>> {
    let cities = city_names(conn)?;
    let mut updates: HashMap<String, Vec<BedUpdate>> = HashMap::new();
    let mut stmt = conn.prepare(
        "SELECT bed_id, id, checked_on, free_beds, note FROM support_bed_updates
          ORDER BY checked_on DESC, created_at DESC",
    )?;
    for row in stmt.query_map([], |r| {
        let checked_on: String = r.get(2)?;
        Ok((
            r.get::<_, String>(0)?,
            BedUpdate {
                id: r.get(1)?,
                checked_label: NaiveDate::parse_from_str(&checked_on, "%Y-%m-%d")
                    .map(wareki::format_date_with_weekday)
                    .unwrap_or_else(|_| checked_on.clone()),
                checked_on,
                free_beds: r.get(3)?,
                note: r.get(4)?,
            },
        ))
    })? {
        let (bed, update) = row?;
        updates.entry(bed).or_default().push(update);
    }
    let mut stmt = conn.prepare(
        "SELECT id, hospital, city_id, phone, beds, notes, retired, updated_at
           FROM support_beds ORDER BY hospital",
    )?;
    let rows = stmt.query_map([], |r| {
        let id: String = r.get(0)?;
        let city_id: Option<String> = r.get(2)?;
        Ok(SupportBed {
            hospital: r.get(1)?,
            city_name: city_id
                .as_ref()
                .and_then(|c| cities.get(c).cloned())
                .unwrap_or_default(),
            city_id,
            phone: r.get(3)?,
            beds: r.get(4)?,
            notes: r.get(5)?,
            retired: r.get(6)?,
            updates: updates.remove(&id).unwrap_or_default(),
            updated_at: r.get(7)?,
            id,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Hospitals with support beds matching `filter`, each with its updates
/// newest first.
pub fn beds(conn: &Connection, filter: &BedFilter) -> Result<Vec<SupportBed>> {
    let needle = fold(filter.query.trim());
    let city = filter.city_id.as_deref().filter(|c| !c.is_empty());
    Ok(all_beds(conn)?
        .into_iter()
        .filter(|b| filter.include_retired || !b.retired)
        .filter(|b| city.is_none_or(|c| b.city_id.as_deref() == Some(c)))
        .filter(|b| !filter.free_only || b.latest().is_some_and(|u| u.free_beds > 0))
        .filter(|b| matches(&needle, &[&b.hospital, &b.notes]))
        .collect())
}

pub fn bed(conn: &Connection, id: &str) -> Result<SupportBed> {
    all_beds(conn)?
        .into_iter()
        .find(|b| b.id == id)
        .ok_or(Error::NotFound {
            what: "療養支援ベッド",
        })
}

/// Creates or updates a hospital's support-bed record.
pub fn save_bed(
    conn: &Connection,
    input: &SupportBedInput,
    now: NaiveDateTime,
) -> Result<SupportBed> {
    let id = input
        .id
        .as_deref()
        .map(|id| text::uuid("id", id))
        .transpose()?;
    let hospital = text::single_line("hospital", "病院名", &input.hospital, 80, true)?;
    let city_id = optional_city(conn, input.city_id.as_deref())?;
    let phone = text::phone_number("phone", "電話番号", &input.phone, false)?;
    let beds = count("beds", "床数", &input.beds, 999)?;
    let notes = text::multi_line("notes", "備考", &input.notes, 2000)?;
    let duplicate: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM support_beds WHERE hospital = ?1 AND id IS NOT ?2)",
        params![hospital, id],
        |r| r.get(0),
    )?;
    if duplicate {
        return Err(Error::invalid(
            "hospital",
            format!("「{hospital}」はすでに登録されています。"),
        ));
    }
    let at = stamp(now);
    let id = match id {
        Some(id) => {
            let changed = conn.execute(
                "UPDATE support_beds SET hospital = ?2, city_id = ?3, phone = ?4, beds = ?5,
                        notes = ?6, retired = ?7, updated_at = ?8 WHERE id = ?1",
                params![id, hospital, city_id, phone, beds, notes, input.retired, at],
            )?;
            if changed == 0 {
                return Err(Error::NotFound {
                    what: "療養支援ベッド",
                });
            }
            id
        }
        None => {
            let id = text::new_id();
            conn.execute(
                "INSERT INTO support_beds (id, hospital, city_id, phone, beds, notes, retired,
                        created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
                params![id, hospital, city_id, phone, beds, notes, input.retired, at],
            )?;
            id
        }
    };
    bed(conn, &id)
}

/// Records an availability check (date, free beds, note). Free beds above
/// the hospital's number of beds, or a future date, are refused.
pub fn add_bed_update(
    conn: &Connection,
    bed_id: &str,
    input: &BedUpdateInput,
    now: NaiveDateTime,
) -> Result<SupportBed> {
    let bed_id = text::uuid("id", bed_id)?;
    let total: i64 = conn
        .query_row(
            "SELECT beds FROM support_beds WHERE id = ?1",
            [&bed_id],
            |r| r.get(0),
        )
        .optional()?
        .ok_or(Error::NotFound {
            what: "療養支援ベッド",
        })?;
    let checked_on = wareki::parse_date("checked_on", &input.checked_on)?;
    if checked_on > now.date() {
        return Err(Error::invalid(
            "checked_on",
            "確認日に未来の日付は入力できません。",
        ));
    }
    let free = count("free_beds", "空床数", &input.free_beds, 999)?;
    if free > total {
        return Err(Error::invalid(
            "free_beds",
            format!("空床数が床数（{total}床）を超えています。"),
        ));
    }
    let note = text::single_line("note", "メモ", &input.note, 200, false)?;
    conn.execute(
        "INSERT INTO support_bed_updates (id, bed_id, checked_on, free_beds, note, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            text::new_id(),
            bed_id,
            iso(checked_on),
            free,
            note,
            stamp(now)
        ],
    )?;
    bed(conn, &bed_id)
}

/// The bed list as CSV with the latest update of each hospital.
pub fn beds_csv(conn: &Connection, filter: &BedFilter) -> Result<Vec<u8>> {
    let rows: Vec<Vec<Cell>> = beds(conn, filter)?
        .into_iter()
        .map(|b| {
            let latest = b.latest().cloned();
            vec![
                b.hospital.into(),
                b.city_name.into(),
                b.phone.into(),
                Cell::Number(b.beds),
                latest
                    .as_ref()
                    .map(|u| u.checked_label.clone())
                    .unwrap_or_default()
                    .into(),
                latest
                    .as_ref()
                    .map(|u| Cell::Number(u.free_beds))
                    .unwrap_or_else(|| "".into()),
                latest.map(|u| u.note).unwrap_or_default().into(),
                b.notes.into(),
                if b.retired {
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
            "病院名",
            "市",
            "電話番号",
            "床数",
            "最新の確認日",
            "空床数",
            "確認メモ",
            "備考",
            "状態",
        ],
        &rows,
    ))
}
