//! Distribution totals of a period by month, channel and 市 (the screen's
//! overview and the yearly report's 意志表示帳 section), and the whole
//! 意志表示帳 screen in one call.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use rusqlite::{params, Connection};
use serde::Serialize;

use super::{channels, editions, entries, rows, Channel, Edition, Entry, RECIPIENT_TYPES, SOURCES};
use crate::period::{Period, Span};
use crate::store::{iso, parse_iso, parse_month};
use crate::Result;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MonthTotal {
    /// 2025-04
    pub month: String,
    /// 4月
    pub label: String,
    pub issued: i64,
    pub received: i64,
    /// How many issues (配布回数); the report shows it, the screen does not.
    #[serde(skip)]
    pub issue_entries: i64,
    /// Issued per channel, in the order of `Summary::channels`.
    pub by_channel: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NamedTotal {
    /// Empty on the row of entries without one (市の記録なし).
    pub id: String,
    pub name: String,
    pub quantity: i64,
    pub entries: i64,
}

/// Distribution in a period, from non-voided entries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// The 年度 or 暦年 asked for; none for a report's month range.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period: Option<Period>,
    /// 令和7年度 / 2025年（令和7年）
    pub period_label: String,
    /// First and last day (2025-04-01).
    pub from: String,
    pub to: String,
    /// Copies issued and received, and how many issues (配布回数).
    pub issued: i64,
    pub received: i64,
    pub issue_entries: i64,
    /// Every month of the period, in order.
    pub months: Vec<MonthTotal>,
    /// Issued per 配布経路, in the order of the channels.
    pub channels: Vec<NamedTotal>,
    /// Every 市, then 市の記録なし (entries without a 市).
    pub cities: Vec<NamedTotal>,
    /// Issued per edition of 私の意志表示帳, in the editions' order.
    pub editions: Vec<NamedTotal>,
    /// Other printed materials handed out, per title (their editions
    /// together), in the editions' order. None of the totals above
    /// include them.
    pub materials: Vec<NamedTotal>,
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
    let sql = "SELECT id, name FROM cities ORDER BY sort_order, name";
    rows(conn, sql, [], |r| {
        Ok(CityRef {
            id: r.get(0)?,
            name: r.get(1)?,
        })
    })
}

/// Totals under the rows of a list in its order, and a last row (id "")
/// for entries with none or with an id the list does not have.
struct Totals {
    rows: Vec<NamedTotal>,
    index: HashMap<String, usize>,
}

impl Totals {
    fn new(list: impl IntoIterator<Item = (String, String)>, missing: &str) -> Totals {
        let mut rows: Vec<NamedTotal> = list
            .into_iter()
            .map(|(id, name)| NamedTotal {
                id,
                name,
                quantity: 0,
                entries: 0,
            })
            .collect();
        let index = rows
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id.clone(), i))
            .collect();
        rows.push(NamedTotal {
            id: String::new(),
            name: missing.into(),
            quantity: 0,
            entries: 0,
        });
        Totals { rows, index }
    }

    /// Adds to the row of `id` and returns its position.
    fn add(&mut self, id: &str, quantity: i64, entries: i64) -> usize {
        let i = self.index.get(id).copied().unwrap_or(self.rows.len() - 1);
        self.rows[i].quantity += quantity;
        self.rows[i].entries += entries;
        i
    }
}

/// Totals by month (stacked by channel), by channel and by 市 of a 年度 or
/// 暦年.
pub fn summary(conn: &Connection, period: Period) -> Result<Summary> {
    let period = period.check()?;
    Ok(Summary {
        period: Some(period),
        ..distribution(conn, &period.span()?, None)?
    })
}

/// The same totals over any checked span, such as a report's month range;
/// with `city`, only the entries recorded for that 市 (a city's report).
pub fn distribution(conn: &Connection, span: &Span, city: Option<&str>) -> Result<Summary> {
    let mut channels = Totals::new(
        channels(conn)?.into_iter().map(|c| (c.id, c.name)),
        "配布経路の記録なし",
    );
    let mut cities = Totals::new(
        cities(conn)?.into_iter().map(|c| (c.id, c.name)),
        "市の記録なし",
    );
    let mut months: Vec<MonthTotal> = span
        .months
        .iter()
        .map(|m| MonthTotal {
            month: iso(*m)[..7].to_string(),
            label: format!("{}月", m.month()),
            issued: 0,
            received: 0,
            issue_entries: 0,
            by_channel: vec![0; channels.rows.len()],
        })
        .collect();
    let all_editions = editions(conn)?;
    let mut by_edition = Totals::new(
        all_editions
            .iter()
            .filter(|e| e.is_booklet)
            .map(|e| (e.id.clone(), e.label())),
        "版の記録なし",
    );
    let mut titles: Vec<String> = Vec::new();
    for e in all_editions.iter().filter(|e| !e.is_booklet) {
        if !titles.contains(&e.title) {
            titles.push(e.title.clone());
        }
    }
    let mut materials = Totals::new(titles.iter().map(|t| (t.clone(), t.clone())), "");
    let material_of: HashMap<&str, &str> = all_editions
        .iter()
        .filter(|e| !e.is_booklet)
        .map(|e| (e.id.as_str(), e.title.as_str()))
        .collect();
    let mut stmt = conn.prepare(
        "SELECT entry_date, kind, coalesce(channel_id, ''), coalesce(city_id, ''),
                edition_id, sum(quantity), count(*)
           FROM booklet_entries
          WHERE voided_at IS NULL AND entry_date BETWEEN ?1 AND ?2
            AND (?3 IS NULL OR city_id = ?3)
          GROUP BY 1, 2, 3, 4, 5",
    )?;
    let mut rows = stmt.query(params![iso(span.first), iso(span.last), city])?;
    let (mut issued, mut received, mut issue_entries) = (0, 0, 0);
    while let Some(r) = rows.next()? {
        let (date, kind, channel, city, edition): (String, String, String, String, String) =
            (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?);
        let (quantity, count): (i64, i64) = (r.get(5)?, r.get(6)?);
        let date = parse_iso(&date)?;
        let Some(month) = span.month_index(date).and_then(|i| months.get_mut(i)) else {
            continue;
        };
        if let Some(title) = material_of.get(edition.as_str()) {
            if kind == "issue" {
                materials.add(title, quantity, count);
            }
            continue;
        }
        if kind == "receipt" {
            month.received += quantity;
            received += quantity;
            continue;
        }
        let channel = channels.add(&channel, quantity, count);
        cities.add(&city, quantity, count);
        by_edition.add(&edition, quantity, count);
        month.by_channel[channel] += quantity;
        month.issued += quantity;
        month.issue_entries += count;
        issued += quantity;
        issue_entries += count;
    }
    // Every issue has an edition and a title: the rows for none never count.
    by_edition.rows.pop();
    materials.rows.pop();
    // Every issue has a channel; the row for none is only kept if one lacks it.
    if channels.rows.last().is_some_and(|r| r.entries == 0) {
        channels.rows.pop();
        for m in &mut months {
            m.by_channel.pop();
        }
    }
    Ok(Summary {
        period: None,
        period_label: span.label.clone(),
        from: iso(span.first),
        to: iso(span.last),
        issued,
        received,
        issue_entries,
        months,
        channels: channels.rows,
        cities: cities.rows,
        editions: by_edition.rows,
        materials: materials.rows,
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
    let mut years = conn
        .prepare("SELECT DISTINCT substr(entry_date, 1, 7) FROM booklet_entries")?
        .query_map([], |r| r.get::<_, String>(0))?
        .map(|month| Ok(parse_month(&month?)?.year()))
        .collect::<Result<Vec<i32>>>()?;
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
                fiscal_label: Period::fiscal(year).label(),
                calendar_label: Period::calendar(year).label(),
            })
            .collect(),
        summary: summary(conn, period)?,
        entries: entries(conn, period)?,
    })
}
