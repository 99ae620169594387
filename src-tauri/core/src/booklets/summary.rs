//! Distribution totals of a period by month, channel and 市, and the
//! whole 意志表示帳 screen in one call.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use rusqlite::{params, Connection};
use serde::Serialize;

use super::{channels, editions, entries, Channel, Edition, Entry, RECIPIENT_TYPES, SOURCES};
use crate::period::{Period, PeriodKind};
use crate::store::iso;
use crate::Result;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MonthTotal {
    /// 2025-04
    pub month: String,
    /// 4月
    pub label: String,
    pub issued: i64,
    pub received: i64,
    /// Issued per channel, in the order of `Summary::channels`.
    pub by_channel: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NamedTotal {
    pub id: String,
    pub name: String,
    pub quantity: i64,
    pub entries: i64,
}

/// Distribution in a period, from non-voided entries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub period: Period,
    pub period_label: String,
    pub from: String,
    pub to: String,
    pub issued: i64,
    pub received: i64,
    pub issue_entries: i64,
    pub months: Vec<MonthTotal>,
    pub channels: Vec<NamedTotal>,
    pub cities: Vec<NamedTotal>,
}

/// A year for the period selector, named both ways.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct YearOption {
    pub year: i32,
    /// 令和7年度
    pub fiscal_label: String,
    /// 2025年（令和7年）
    pub calendar_label: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CityRef {
    pub id: String,
    pub name: String,
}

/// Everything the 意志表示帳 screen shows, in one call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Screen {
    pub today: String,
    pub editions: Vec<Edition>,
    /// The edition the 配布 form starts with: the newest one with stock.
    pub default_edition_id: Option<String>,
    pub channels: Vec<Channel>,
    pub cities: Vec<CityRef>,
    pub sources: Vec<(String, String)>,
    pub recipient_types: Vec<String>,
    /// Years that have entries, plus the current one, newest first.
    pub years: Vec<YearOption>,
    pub summary: Summary,
    pub entries: Vec<Entry>,
}

fn cities(conn: &Connection) -> Result<Vec<CityRef>> {
    let rows = conn
        .prepare("SELECT id, name FROM cities ORDER BY sort_order, name")?
        .query_map([], |r| {
            Ok(CityRef {
                id: r.get(0)?,
                name: r.get(1)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Totals by month (stacked by channel), by channel and by 市.
pub fn summary(conn: &Connection, period: Period) -> Result<Summary> {
    let period = period.check()?;
    let (from, to) = period.range();
    let channel_list = channels(conn)?;
    let channel_index: HashMap<&str, usize> = channel_list
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.as_str(), i))
        .collect();
    let mut months: Vec<MonthTotal> = period
        .months()
        .into_iter()
        .map(|(y, m)| MonthTotal {
            month: format!("{y:04}-{m:02}"),
            label: format!("{m}月"),
            issued: 0,
            received: 0,
            by_channel: vec![0; channel_list.len()],
        })
        .collect();
    let mut by_channel = vec![(0i64, 0i64); channel_list.len()];
    let mut stmt = conn.prepare(
        "SELECT substr(entry_date, 1, 7), kind, coalesce(channel_id, ''), sum(quantity), count(*)
           FROM booklet_entries
          WHERE voided_at IS NULL AND entry_date BETWEEN ?1 AND ?2
          GROUP BY 1, 2, 3",
    )?;
    let rows = stmt.query_map(params![iso(from), iso(to)], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, i64>(3)?,
            r.get::<_, i64>(4)?,
        ))
    })?;
    let (mut issued, mut received, mut issue_entries) = (0, 0, 0);
    for row in rows {
        let (month, kind, channel, quantity, count) = row?;
        let Some(total) = months.iter_mut().find(|m| m.month == month) else {
            continue;
        };
        if kind == "receipt" {
            total.received += quantity;
            received += quantity;
        } else {
            total.issued += quantity;
            issued += quantity;
            issue_entries += count;
            if let Some(&i) = channel_index.get(channel.as_str()) {
                total.by_channel[i] += quantity;
                by_channel[i].0 += quantity;
                by_channel[i].1 += count;
            }
        }
    }
    let channels = channel_list
        .iter()
        .zip(by_channel)
        .map(|(c, (quantity, entries))| NamedTotal {
            id: c.id.clone(),
            name: c.name.clone(),
            quantity,
            entries,
        })
        .collect();

    let mut city_totals: HashMap<String, (i64, i64)> = HashMap::new();
    let mut stmt = conn.prepare(
        "SELECT coalesce(city_id, ''), sum(quantity), count(*) FROM booklet_entries
          WHERE voided_at IS NULL AND kind = 'issue' AND entry_date BETWEEN ?1 AND ?2
          GROUP BY 1",
    )?;
    for row in stmt.query_map(params![iso(from), iso(to)], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?))
    })? {
        let (city, quantity, count): (String, i64, i64) = row?;
        city_totals.insert(city, (quantity, count));
    }
    let mut cities: Vec<NamedTotal> = cities(conn)?
        .into_iter()
        .map(|c| {
            let (quantity, entries) = city_totals.get(&c.id).copied().unwrap_or((0, 0));
            NamedTotal {
                id: c.id,
                name: c.name,
                quantity,
                entries,
            }
        })
        .collect();
    let (quantity, entries) = city_totals.get("").copied().unwrap_or((0, 0));
    cities.push(NamedTotal {
        id: String::new(),
        name: "市の記録なし".into(),
        quantity,
        entries,
    });

    Ok(Summary {
        period,
        period_label: period.label(),
        from: iso(from),
        to: iso(to),
        issued,
        received,
        issue_entries,
        months,
        channels,
        cities,
    })
}

/// All the screen needs for `period`.
pub fn screen(conn: &Connection, period: Period, today: NaiveDate) -> Result<Screen> {
    let period = period.check()?;
    let editions = editions(conn)?;
    let default_edition_id = editions
        .iter()
        .rev()
        .find(|e| e.stock > 0)
        .or(editions.last())
        .map(|e| e.id.clone());
    let mut years: Vec<i32> = conn
        .prepare("SELECT DISTINCT CAST(substr(entry_date, 1, 4) AS INTEGER) FROM booklet_entries")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    // A fiscal year that started last calendar year is still running in Jan–Mar.
    years.extend([today.year(), Period::fiscal_of(today).year, period.year]);
    years.sort_unstable_by(|a, b| b.cmp(a));
    years.dedup();
    Ok(Screen {
        today: iso(today),
        editions,
        default_edition_id,
        channels: channels(conn)?,
        cities: cities(conn)?,
        sources: SOURCES
            .iter()
            .map(|(c, l)| ((*c).into(), (*l).into()))
            .collect(),
        recipient_types: RECIPIENT_TYPES.iter().map(|s| (*s).into()).collect(),
        years: years
            .into_iter()
            .map(|year| YearOption {
                year,
                fiscal_label: Period {
                    kind: PeriodKind::Fiscal,
                    year,
                }
                .label(),
                calendar_label: Period {
                    kind: PeriodKind::Calendar,
                    year,
                }
                .label(),
            })
            .collect(),
        summary: summary(conn, period)?,
        entries: entries(conn, period)?,
    })
}
