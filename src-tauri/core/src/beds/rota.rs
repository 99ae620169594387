//! 輪番表: which hospital holds the reserved bed on each day. Entered a
//! month at a time — a weekly pattern (月〜日 → hospital) fills the month,
//! then single days are changed. A day without a row has no holder.

use chrono::{Datelike, Months, NaiveDate, NaiveDateTime};
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};

use crate::period::{month_label, typed_month};
use crate::store::{iso, stamp};
use crate::{wareki, Error, Result};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RotaDay {
    pub day: String,
    /// 令和7年4月1日（火）
    pub label: String,
    /// 1〜31
    pub day_of_month: u32,
    /// 0 = 月曜 … 6 = 日曜
    pub weekday: u32,
    pub bed_id: Option<String>,
    pub hospital: String,
    pub phone: String,
    /// Stays admitted on this day (any hospital).
    pub admissions: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HospitalDays {
    pub bed_id: String,
    pub hospital: String,
    pub days: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RotaMonth {
    /// 2025-04
    pub month: String,
    /// 令和7年4月
    pub label: String,
    pub previous: String,
    pub next: String,
    pub days: Vec<RotaDay>,
    /// 担当日数 per hospital, in the order of the hospital names.
    pub hospitals: Vec<HospitalDays>,
    /// Days of the month without a holder.
    pub open_days: i64,
}

/// A month filled from a weekly pattern: `pattern` is 7 hospital ids for
/// 月曜〜日曜 ("" leaves that weekday without a holder).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RotaFill {
    pub month: String,
    pub pattern: Vec<String>,
}

fn month_key(first: NaiveDate) -> String {
    first.format("%Y-%m").to_string()
}

fn days_of(first: NaiveDate) -> impl Iterator<Item = NaiveDate> {
    first
        .iter_days()
        .take_while(move |d| d.month() == first.month())
}

/// A hospital a rota may name: a known support-bed hospital still
/// registered.
fn rota_hospital(conn: &Connection, field: &str, id: &str) -> Result<Option<String>> {
    let Some(id) = crate::store::optional_id(field, id)? else {
        return Ok(None);
    };
    let found: Option<(String, bool)> = conn
        .query_row(
            "SELECT hospital, retired FROM support_beds WHERE id = ?1",
            [&id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .ok();
    match found {
        None => Err(Error::invalid(field, "選ばれた病院が見つかりません。")),
        Some((name, true)) => Err(Error::invalid(
            field,
            format!("{name}は登録終了の病院なので、輪番に入れられません。"),
        )),
        Some(_) => Ok(Some(id)),
    }
}

fn write_day(
    conn: &Connection,
    day: NaiveDate,
    bed: Option<&str>,
    now: NaiveDateTime,
) -> Result<()> {
    match bed {
        Some(bed) => conn.execute(
            "INSERT INTO bed_rota (day, bed_id, updated_at) VALUES (?1, ?2, ?3)
             ON CONFLICT(day) DO UPDATE SET bed_id = excluded.bed_id, updated_at = excluded.updated_at
              WHERE bed_rota.bed_id IS NOT excluded.bed_id",
            params![iso(day), bed, stamp(now)],
        )?,
        None => conn.execute("DELETE FROM bed_rota WHERE day = ?1", [iso(day)])?,
    };
    Ok(())
}

/// Fills a whole month from a weekly pattern, replacing what the month
/// had, in one transaction.
pub fn fill_month(conn: &mut Connection, fill: &RotaFill, now: NaiveDateTime) -> Result<RotaMonth> {
    let first = typed_month("month", "月", &fill.month)?;
    if fill.pattern.len() != 7 {
        return Err(Error::invalid(
            "pattern",
            "曜日ごとの病院を月曜から日曜までの7つ指定してください。",
        ));
    }
    let pattern = fill
        .pattern
        .iter()
        .enumerate()
        .map(|(i, id)| rota_hospital(conn, &format!("pattern.{i}"), id))
        .collect::<Result<Vec<_>>>()?;
    if pattern.iter().all(Option::is_none) {
        return Err(Error::invalid(
            "pattern.0",
            "どの曜日にも病院が選ばれていません。",
        ));
    }
    let tx = conn.transaction()?;
    for day in days_of(first) {
        let weekday = day.weekday().num_days_from_monday() as usize;
        write_day(&tx, day, pattern[weekday].as_deref(), now)?;
    }
    tx.commit()?;
    rota_month(conn, &month_key(first))
}

/// Sets (or with "" clears) the holder of one day.
pub fn set_rota_day(
    conn: &Connection,
    day: &str,
    bed_id: &str,
    now: NaiveDateTime,
) -> Result<RotaDay> {
    let day = super::required_day("day", "日付", day)?;
    let bed = rota_hospital(conn, "bed_id", bed_id)?;
    write_day(conn, day, bed.as_deref(), now)?;
    let month = rota_month(conn, &month_key(day.with_day(1).unwrap_or(day)))?;
    month
        .days
        .into_iter()
        .find(|d| d.day == iso(day))
        .ok_or(Error::NotFound {
            what: "輪番表の日"
        })
}

/// The holders of the days from `first` to `last`: (day, bed id, hospital, phone).
fn holders(
    conn: &Connection,
    first: NaiveDate,
    last: NaiveDate,
) -> Result<Vec<(String, String, String, String)>> {
    let mut stmt = conn.prepare(
        "SELECT r.day, r.bed_id, b.hospital, b.phone FROM bed_rota r
           JOIN support_beds b ON b.id = r.bed_id
          WHERE r.day BETWEEN ?1 AND ?2 ORDER BY r.day",
    )?;
    let rows = stmt.query_map([iso(first), iso(last)], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The rota of one month (2025-04, 令和7年4月), every day listed.
pub fn rota_month(conn: &Connection, month: &str) -> Result<RotaMonth> {
    let first = typed_month("month", "月", month)?;
    let last = first
        .checked_add_months(Months::new(1))
        .and_then(|d| d.pred_opt())
        .unwrap_or(first);
    let held = holders(conn, first, last)?;
    let admissions: Vec<(String, i64)> = conn
        .prepare(
            "SELECT admitted_on, count(*) FROM bed_stays
              WHERE admitted_on BETWEEN ?1 AND ?2 GROUP BY admitted_on",
        )?
        .query_map([iso(first), iso(last)], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let days: Vec<RotaDay> = days_of(first)
        .map(|day| {
            let key = iso(day);
            let holder = held.iter().find(|h| h.0 == key);
            RotaDay {
                label: wareki::format_date_with_weekday(day),
                day_of_month: day.day(),
                weekday: day.weekday().num_days_from_monday(),
                bed_id: holder.map(|h| h.1.clone()),
                hospital: holder.map(|h| h.2.clone()).unwrap_or_default(),
                phone: holder.map(|h| h.3.clone()).unwrap_or_default(),
                admissions: admissions.iter().find(|a| a.0 == key).map_or(0, |a| a.1),
                day: key,
            }
        })
        .collect();
    let mut hospitals: Vec<HospitalDays> = Vec::new();
    for (_, bed_id, hospital, _) in &held {
        match hospitals.iter_mut().find(|h| &h.bed_id == bed_id) {
            Some(h) => h.days += 1,
            None => hospitals.push(HospitalDays {
                bed_id: bed_id.clone(),
                hospital: hospital.clone(),
                days: 1,
            }),
        }
    }
    hospitals.sort_by(|a, b| a.hospital.cmp(&b.hospital));
    let previous = first.checked_sub_months(Months::new(1)).unwrap_or(first);
    let next = last.succ_opt().unwrap_or(first);
    Ok(RotaMonth {
        month: month_key(first),
        label: month_label(first),
        previous: month_key(previous),
        next: month_key(next),
        open_days: days.len() as i64 - held.len() as i64,
        days,
        hospitals,
    })
}

/// The hospital holding the bed on `day`, if any.
pub fn holder_on(conn: &Connection, day: NaiveDate) -> Result<Option<RotaDay>> {
    let first = day.with_day(1).unwrap_or(day);
    Ok(rota_month(conn, &month_key(first))?
        .days
        .into_iter()
        .find(|d| d.day == iso(day) && d.bed_id.is_some()))
}

/// 「本日の療養支援ベッド」: today's holder with its phone number.
pub fn today_holder(conn: &Connection, today: NaiveDate) -> Result<Option<RotaDay>> {
    holder_on(conn, today)
}

/// The rota of `count` months from `first_month` (1〜12), for printing.
pub fn months_from(conn: &Connection, first_month: &str, count: u32) -> Result<Vec<RotaMonth>> {
    let first = typed_month("month", "月", first_month)?;
    if !(1..=12).contains(&count) {
        return Err(Error::invalid(
            "months",
            "印刷する月数は1から12の間で指定してください。",
        ));
    }
    (0..count)
        .map(|i| first.checked_add_months(Months::new(i)).unwrap_or(first))
        .map(|m| rota_month(conn, &month_key(m)))
        .collect()
}
