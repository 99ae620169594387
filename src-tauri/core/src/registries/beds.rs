//! 療養支援ベッド with dated availability updates.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use rusqlite::{named_params, Connection};
use serde::{Deserialize, Serialize};

use super::common::{self, status, Cities, Search, Table, Tenure};
use crate::csv::{self, Cell};
use crate::store::{iso, parse_iso, stamp};
use crate::text::{self, Range};
use crate::{wareki, Error, Result};

const TABLE: Table = Table {
    name: "support_beds",
    what: "療養支援ベッド",
    unique: &["hospital"],
};

/// What a 床数 or 空床数 may be.
const BEDS: Range = Range::new(0, 999);

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
    /// 登録日 and 登録終了日 (ISO).
    pub registered_on: Option<String>,
    pub retired_on: Option<String>,
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
    /// 令和 or ISO; empty is today.
    #[serde(default)]
    pub registered_on: String,
    /// 令和 or ISO; only with `retired` (empty is today).
    #[serde(default)]
    pub retired_on: String,
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

/// Every hospital's updates, newest first.
fn all_updates(conn: &Connection) -> Result<HashMap<String, Vec<BedUpdate>>> {
    let mut stmt = conn.prepare(
        "SELECT bed_id, id, checked_on, free_beds, note FROM support_bed_updates
          ORDER BY checked_on DESC, created_at DESC",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            BedUpdate {
                id: r.get(1)?,
                checked_on: r.get(2)?,
                checked_label: String::new(),
                free_beds: r.get(3)?,
                note: r.get(4)?,
            },
        ))
    })?;
    let mut updates: HashMap<String, Vec<BedUpdate>> = HashMap::new();
    for row in rows {
        let (bed, mut update) = row?;
        update.checked_label = wareki::format_date_with_weekday(parse_iso(&update.checked_on)?);
        updates.entry(bed).or_default().push(update);
    }
    Ok(updates)
}

fn all_beds(conn: &Connection) -> Result<Vec<SupportBed>> {
    let cities = Cities::load(conn)?;
    let mut updates = all_updates(conn)?;
    let mut stmt = conn.prepare(
        "SELECT id, hospital, city_id, phone, beds, notes, retired, updated_at,
                registered_on, retired_on
           FROM support_beds ORDER BY hospital",
    )?;
    let rows = stmt.query_map([], |r| {
        let id: String = r.get(0)?;
        let city_id: Option<String> = r.get(2)?;
        Ok(SupportBed {
            hospital: r.get(1)?,
            city_name: cities.name(city_id.as_deref()),
            city_id,
            phone: r.get(3)?,
            beds: r.get(4)?,
            notes: r.get(5)?,
            retired: r.get(6)?,
            registered_on: r.get(8)?,
            retired_on: r.get(9)?,
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
    let search = Search::new(&filter.query, &filter.city_id, filter.include_retired);
    Ok(all_beds(conn)?
        .into_iter()
        .filter(|b| search.keeps(b.retired, b.city_id.as_deref(), &[&b.hospital, &b.notes]))
        .filter(|b| !filter.free_only || b.latest().is_some_and(|u| u.free_beds > 0))
        .collect())
}

pub fn bed(conn: &Connection, id: &str) -> Result<SupportBed> {
    all_beds(conn)?
        .into_iter()
        .find(|b| b.id == id)
        .ok_or_else(|| TABLE.not_found())
}

/// Creates or updates a hospital's support-bed record.
pub fn save_bed(
    conn: &Connection,
    input: &SupportBedInput,
    now: NaiveDateTime,
) -> Result<SupportBed> {
    let hospital = text::single_line("hospital", "病院名", &input.hospital, 80, true)?;
    let city_id = common::optional_city(conn, input.city_id.as_deref())?;
    let phone = text::phone_number("phone", "電話番号", &input.phone, false)?;
    let beds = text::required_count("beds", "床数", &input.beds, BEDS)?;
    let notes = text::multi_line("notes", "備考", &input.notes, 2000)?;
    let tenure = Tenure::check(
        &input.registered_on,
        input.retired,
        &input.retired_on,
        now.date(),
    )?;
    let row = named_params! {
        ":hospital": hospital, ":city_id": city_id, ":phone": phone, ":beds": beds,
        ":notes": notes, ":retired": input.retired,
        ":registered_on": tenure.registered_on, ":retired_on": tenure.retired_on,
    };
    let id = TABLE.save(conn, input.id.as_deref(), row, now, || {
        Error::invalid(
            "hospital",
            format!("「{hospital}」はすでに登録されています。"),
        )
    })?;
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
    let total = bed(conn, &bed_id)?.beds;
    let checked_on = wareki::parse_date("checked_on", &input.checked_on)?;
    if checked_on > now.date() {
        return Err(Error::invalid(
            "checked_on",
            "確認日に未来の日付は入力できません。",
        ));
    }
    let free = text::required_count("free_beds", "空床数", &input.free_beds, BEDS)?;
    if free > total {
        return Err(Error::invalid(
            "free_beds",
            format!("空床数が床数（{total}床）を超えています。"),
        ));
    }
    let note = text::single_line("note", "メモ", &input.note, 200, false)?;
    conn.execute(
        "INSERT INTO support_bed_updates (id, bed_id, checked_on, free_beds, note, created_at)
         VALUES (:id, :bed_id, :checked_on, :free_beds, :note, :created_at)",
        named_params! {
            ":id": text::new_id(), ":bed_id": bed_id, ":checked_on": iso(checked_on),
            ":free_beds": free, ":note": note, ":created_at": stamp(now),
        },
    )?;
    bed(conn, &bed_id)
}

/// The bed list's CSV columns, with the latest update of each hospital.
const BED_COLUMNS: &[csv::Column<SupportBed>] = &[
    ("病院名", |b| b.hospital.clone().into()),
    ("市", |b| b.city_name.clone().into()),
    ("電話番号", |b| b.phone.clone().into()),
    ("床数", |b| Cell::Number(b.beds)),
    ("最新の確認日", |b| {
        b.latest()
            .map(|u| u.checked_label.clone())
            .unwrap_or_default()
            .into()
    }),
    ("空床数", |b| {
        b.latest()
            .map_or_else(|| "".into(), |u| Cell::Number(u.free_beds))
    }),
    ("確認メモ", |b| {
        b.latest()
            .map(|u| u.note.clone())
            .unwrap_or_default()
            .into()
    }),
    ("備考", |b| b.notes.clone().into()),
    ("状態", |b| status(b.retired)),
    ("登録日", |b| common::date_cell(&b.registered_on)),
    ("登録終了日", |b| common::date_cell(&b.retired_on)),
];

/// The bed list as CSV (the filter of the screen applies).
pub fn beds_csv(conn: &Connection, filter: &BedFilter) -> Result<csv::Csv> {
    Ok(csv::from_columns(BED_COLUMNS, &beds(conn, filter)?))
}
