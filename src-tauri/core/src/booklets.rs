//! 私の意志表示帳: the stock ledger of the ACP booklet, per edition.
//!
//! Every receipt (入庫) and issue (配布) is a row of `booklet_entries`; stock
//! on hand is never stored but always summed from the non-voided rows. A
//! change is refused when, at any date, an edition's running balance would
//! drop below zero — so a back-dated issue, a corrected receipt or a voided
//! receipt that later issues depend on are all caught by the same check.
//! Corrections and voids keep the old values in `booklet_entry_changes`.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};

use crate::csv::{self, Cell};
use crate::period::{Period, PeriodKind};
use crate::{text, wareki, Error, Result};

/// Where a receipt came from: stored code and label.
pub const SOURCES: &[(&str, &str)] = &[("print", "印刷"), ("gift", "寄贈"), ("other", "その他")];

/// Who received an issue. Stored as the label; empty when not recorded.
pub const RECIPIENT_TYPES: &[&str] = &[
    "本人・家族",
    "市民（講座・イベント参加者）",
    "医療機関",
    "介護事業所",
    "地域包括支援センター",
    "行政・関係団体",
    "その他",
];

/// The channels migration 3 seeds, by id. Staff may rename them in 設定, so
/// code that needs one (a lecture's hand-out) uses the id, never the name.
pub mod seeded_channel {
    pub const COUNTER: &str = "6f1c2a10-3b1e-4c3a-9d51-0a0000000001";
    pub const OUTREACH_LECTURE: &str = "6f1c2a10-3b1e-4c3a-9d51-0a0000000002";
    pub const PUBLIC_LECTURE: &str = "6f1c2a10-3b1e-4c3a-9d51-0a0000000003";
    pub const OTHER: &str = "6f1c2a10-3b1e-4c3a-9d51-0a0000000008";
}

/// Written as the author of a change when no 担当者名 was given.
pub const UNKNOWN_STAFF: &str = "（未設定）";

const MAX_QUANTITY: i64 = 100_000;
const MAX_CHANNELS: usize = 30;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Receipt,
    Issue,
}

impl Kind {
    fn code(self) -> &'static str {
        match self {
            Kind::Receipt => "receipt",
            Kind::Issue => "issue",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Kind::Receipt => "入庫",
            Kind::Issue => "配布",
        }
    }

    fn from_code(code: &str) -> Kind {
        if code == "receipt" {
            Kind::Receipt
        } else {
            Kind::Issue
        }
    }
}

/// An edition with its stock, summed from the ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Edition {
    pub id: String,
    pub title: String,
    pub edition: String,
    pub publisher: String,
    pub notes: String,
    pub low_stock_threshold: i64,
    pub received: i64,
    pub issued: i64,
    pub stock: i64,
    /// Stock at or below the threshold (and the threshold is set).
    pub low_stock: bool,
}

impl Edition {
    /// 私の意志表示帳 第2版 令和元年12月
    pub fn label(&self) -> String {
        format!("{} {}", self.title, self.edition)
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EditionInput {
    #[serde(default)]
    pub id: Option<String>,
    pub title: String,
    pub edition: String,
    #[serde(default)]
    pub publisher: String,
    #[serde(default)]
    pub notes: String,
    #[serde(default)]
    pub low_stock_threshold: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Channel {
    pub id: String,
    pub name: String,
    /// Hidden channels stay on old entries but are not offered for new ones.
    pub active: bool,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChannelInput {
    #[serde(default)]
    pub id: Option<String>,
    pub name: String,
    #[serde(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

/// What the 入庫 / 配布 forms send. Numbers and dates arrive as typed
/// (full-width digits and 和暦 are accepted).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntryInput {
    pub kind: Kind,
    pub entry_date: String,
    pub edition_id: String,
    pub quantity: String,
    /// Receipts: print / gift / other.
    #[serde(default)]
    pub source: String,
    /// Issues: a channel id.
    #[serde(default)]
    pub channel_id: String,
    #[serde(default)]
    pub recipient_type: String,
    #[serde(default)]
    pub recipient_name: String,
    #[serde(default)]
    pub city_id: String,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    pub id: String,
    pub kind: Kind,
    pub kind_label: &'static str,
    pub entry_date: String,
    pub date_label: String,
    pub edition_id: String,
    pub edition_label: String,
    pub quantity: i64,
    pub source: String,
    pub source_label: String,
    pub channel_id: String,
    pub channel_name: String,
    pub recipient_type: String,
    pub recipient_name: String,
    pub city_id: String,
    pub city_name: String,
    pub note: String,
    pub voided: bool,
    pub voided_at: Option<String>,
    pub void_reason: String,
    pub created_at: String,
    pub created_by: String,
    /// How many corrections were made.
    pub corrections: i64,
}

/// One line of an entry's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub changed_at: String,
    pub changed_label: String,
    pub changed_by: String,
    /// 登録 / 訂正 / 取消
    pub action: String,
    pub field: String,
    pub old_value: String,
    pub new_value: String,
}

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

// ---------------------------------------------------------------- reading

/// Every edition with received, issued and stock summed from the ledger in
/// one query.
pub fn editions(conn: &Connection) -> Result<Vec<Edition>> {
    let mut stmt = conn.prepare(
        "SELECT e.id, e.title, e.edition, e.publisher, e.notes, e.low_stock_threshold,
                coalesce(sum(CASE WHEN l.kind = 'receipt' THEN l.quantity END), 0),
                coalesce(sum(CASE WHEN l.kind = 'issue' THEN l.quantity END), 0)
           FROM booklet_editions e
           LEFT JOIN booklet_entries l ON l.edition_id = e.id AND l.voided_at IS NULL
          GROUP BY e.id
          ORDER BY e.sort_order, e.created_at",
    )?;
    let rows = stmt.query_map([], |r| {
        let received: i64 = r.get(6)?;
        let issued: i64 = r.get(7)?;
        let threshold: i64 = r.get(5)?;
        let stock = received - issued;
        Ok(Edition {
            id: r.get(0)?,
            title: r.get(1)?,
            edition: r.get(2)?,
            publisher: r.get(3)?,
            notes: r.get(4)?,
            low_stock_threshold: threshold,
            received,
            issued,
            stock,
            low_stock: threshold > 0 && stock <= threshold,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Stock on hand of one edition now.
pub fn stock(conn: &Connection, edition_id: &str) -> Result<i64> {
    editions(conn)?
        .into_iter()
        .find(|e| e.id == edition_id)
        .map(|e| e.stock)
        .ok_or(Error::NotFound {
            what: "意志表示帳の版",
        })
}

pub fn channels(conn: &Connection) -> Result<Vec<Channel>> {
    let rows = conn
        .prepare("SELECT id, name, active FROM booklet_channels ORDER BY sort_order, name")?
        .query_map([], |r| {
            Ok(Channel {
                id: r.get(0)?,
                name: r.get(1)?,
                active: r.get(2)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
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

const ENTRY_SELECT: &str = "
    SELECT l.id, l.kind, l.entry_date, l.edition_id, e.title || ' ' || e.edition, l.quantity,
           coalesce(l.source, ''), coalesce(l.channel_id, ''), coalesce(ch.name, ''),
           l.recipient_type, l.recipient_name, coalesce(l.city_id, ''), coalesce(c.name, ''),
           l.note, l.voided_at, l.void_reason, l.created_at, l.created_by,
           (SELECT count(DISTINCT changed_at) FROM booklet_entry_changes x
             WHERE x.entry_id = l.id AND x.action = '訂正')
      FROM booklet_entries l
      JOIN booklet_editions e ON e.id = l.edition_id
      LEFT JOIN booklet_channels ch ON ch.id = l.channel_id
      LEFT JOIN cities c ON c.id = l.city_id";

fn entry_from_row(r: &rusqlite::Row) -> rusqlite::Result<Entry> {
    let kind = Kind::from_code(&r.get::<_, String>(1)?);
    let entry_date: String = r.get(2)?;
    let source: String = r.get(6)?;
    let voided_at: Option<String> = r.get(14)?;
    Ok(Entry {
        id: r.get(0)?,
        kind,
        kind_label: kind.label(),
        date_label: NaiveDate::parse_from_str(&entry_date, "%Y-%m-%d")
            .map(wareki::format_date)
            .unwrap_or_else(|_| entry_date.clone()),
        entry_date,
        edition_id: r.get(3)?,
        edition_label: r.get(4)?,
        quantity: r.get(5)?,
        source_label: source_label(&source).to_string(),
        source,
        channel_id: r.get(7)?,
        channel_name: r.get(8)?,
        recipient_type: r.get(9)?,
        recipient_name: r.get(10)?,
        city_id: r.get(11)?,
        city_name: r.get(12)?,
        note: r.get(13)?,
        voided: voided_at.is_some(),
        voided_at,
        void_reason: r.get(15)?,
        created_at: r.get(16)?,
        created_by: r.get(17)?,
        corrections: r.get(18)?,
    })
}

fn source_label(code: &str) -> &'static str {
    SOURCES
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, l)| *l)
        .unwrap_or("")
}

pub fn entry(conn: &Connection, id: &str) -> Result<Entry> {
    let id = text::uuid("id", id)?;
    conn.query_row(
        &format!("{ENTRY_SELECT} WHERE l.id = ?1"),
        [&id],
        entry_from_row,
    )
    .optional()?
    .ok_or(Error::NotFound {
        what: "意志表示帳の記録",
    })
}

/// The ledger of a period, voided entries included, newest first.
pub fn entries(conn: &Connection, period: Period) -> Result<Vec<Entry>> {
    let (from, to) = period.check()?.range();
    let rows = conn
        .prepare(&format!(
            "{ENTRY_SELECT} WHERE l.entry_date BETWEEN ?1 AND ?2
              ORDER BY l.entry_date DESC, l.created_at DESC, l.id"
        ))?
        .query_map(params![iso(from), iso(to)], entry_from_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// The change history of one entry, oldest first.
pub fn history(conn: &Connection, id: &str) -> Result<Vec<Change>> {
    let id = text::uuid("id", id)?;
    let rows = conn
        .prepare(
            "SELECT changed_at, changed_by, action, field, old_value, new_value
               FROM booklet_entry_changes WHERE entry_id = ?1 ORDER BY seq",
        )?
        .query_map([&id], |r| {
            let changed_at: String = r.get(0)?;
            Ok(Change {
                changed_label: NaiveDateTime::parse_from_str(&changed_at, "%Y-%m-%dT%H:%M:%S")
                    .map(wareki::format_datetime)
                    .unwrap_or_else(|_| changed_at.clone()),
                changed_at,
                changed_by: r.get(1)?,
                action: r.get(2)?,
                field: r.get(3)?,
                old_value: r.get(4)?,
                new_value: r.get(5)?,
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

// ------------------------------------------------------------ validation

/// A checked entry, with the names needed for history and messages.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Clean {
    kind: Kind,
    date: NaiveDate,
    edition_id: String,
    edition_label: String,
    quantity: i64,
    source: Option<String>,
    channel_id: Option<String>,
    channel_name: String,
    recipient_type: String,
    recipient_name: String,
    city_id: Option<String>,
    city_name: String,
    note: String,
}

/// Typed text quoted back in a message, cut short so the message stays readable.
fn shown(value: &str) -> String {
    if value.chars().count() > 20 {
        format!("{}…", value.chars().take(20).collect::<String>())
    } else {
        value.to_string()
    }
}

fn parse_quantity(field: &str, label: &str, value: &str, min: i64) -> Result<i64> {
    let folded = text::fold_ascii_width(value.trim()).replace(',', "");
    let folded = folded.trim();
    let n: i64 = folded.parse().map_err(|_| {
        if folded.is_empty() {
            Error::invalid(field, format!("{label}を入力してください。"))
        } else {
            Error::invalid(
                field,
                format!(
                    "{label}は数字で入力してください（いま「{}」）。",
                    shown(value.trim())
                ),
            )
        }
    })?;
    if n < min {
        return Err(Error::invalid(
            field,
            format!("{label}は{min}以上で入力してください（いま{n}）。"),
        ));
    }
    if n > MAX_QUANTITY {
        return Err(Error::invalid(
            field,
            format!("{label}は{MAX_QUANTITY}以下で入力してください（いま{n}）。"),
        ));
    }
    Ok(n)
}

fn validate_entry(conn: &Connection, input: &EntryInput, today: NaiveDate) -> Result<Clean> {
    if input.entry_date.chars().count() > 40 {
        return Err(Error::invalid(
            "entry_date",
            "日付を読み取れません。令和7年4月1日 や 2025-04-01 の形で入力してください。",
        ));
    }
    let date = wareki::parse_date("entry_date", &input.entry_date)?;
    if date > today {
        return Err(Error::invalid(
            "entry_date",
            format!(
                "日付が未来になっています（{}）。今日（{}）までの日付を入力してください。",
                wareki::format_date(date),
                wareki::format_date(today)
            ),
        ));
    }
    let edition_id = if input.edition_id.trim().is_empty() {
        return Err(Error::invalid("edition_id", "版を選んでください。"));
    } else {
        text::uuid("edition_id", input.edition_id.trim())?
    };
    let edition_label: String = conn
        .query_row(
            "SELECT title || ' ' || edition FROM booklet_editions WHERE id = ?1",
            [&edition_id],
            |r| r.get(0),
        )
        .optional()?
        .ok_or_else(|| {
            Error::invalid(
                "edition_id",
                "選ばれた版が見つかりません。画面を開き直してください。",
            )
        })?;
    let quantity = parse_quantity("quantity", "冊数", &input.quantity, 1)?;
    let note = text::single_line("note", "備考", &input.note, 200, false)?;
    let mut clean = Clean {
        kind: input.kind,
        date,
        edition_id,
        edition_label,
        quantity,
        source: None,
        channel_id: None,
        channel_name: String::new(),
        recipient_type: String::new(),
        recipient_name: String::new(),
        city_id: None,
        city_name: String::new(),
        note,
    };
    match input.kind {
        Kind::Receipt => {
            let source = input.source.trim();
            if !SOURCES.iter().any(|(c, _)| *c == source) {
                return Err(Error::invalid(
                    "source",
                    "入庫元を「印刷・寄贈・その他」から選んでください。",
                ));
            }
            clean.source = Some(source.to_string());
        }
        Kind::Issue => {
            let channel = input.channel_id.trim();
            if channel.is_empty() {
                return Err(Error::invalid("channel_id", "配布経路を選んでください。"));
            }
            let channel_id = text::uuid("channel_id", channel)?;
            clean.channel_name = conn
                .query_row(
                    "SELECT name FROM booklet_channels WHERE id = ?1",
                    [&channel_id],
                    |r| r.get(0),
                )
                .optional()?
                .ok_or_else(|| {
                    Error::invalid(
                        "channel_id",
                        "選ばれた配布経路が見つかりません。画面を開き直してください。",
                    )
                })?;
            clean.channel_id = Some(channel_id);
            let recipient_type = input.recipient_type.trim();
            if !recipient_type.is_empty() && !RECIPIENT_TYPES.contains(&recipient_type) {
                return Err(Error::invalid(
                    "recipient_type",
                    "配布先の種別を一覧から選んでください。",
                ));
            }
            clean.recipient_type = recipient_type.to_string();
            clean.recipient_name = text::single_line(
                "recipient_name",
                "配布先（氏名・団体名）",
                &input.recipient_name,
                100,
                false,
            )?;
            let city = input.city_id.trim();
            if !city.is_empty() {
                let city_id = text::uuid("city_id", city)?;
                clean.city_name = conn
                    .query_row("SELECT name FROM cities WHERE id = ?1", [&city_id], |r| {
                        r.get(0)
                    })
                    .optional()?
                    .ok_or_else(|| {
                        Error::invalid(
                            "city_id",
                            "選ばれた市が見つかりません。画面を開き直してください。",
                        )
                    })?;
                clean.city_id = Some(city_id);
            }
        }
    }
    Ok(clean)
}

fn staff(changed_by: &str) -> Result<String> {
    let name = text::single_line("changed_by", "担当者名", changed_by, 50, false)?;
    Ok(if name.is_empty() {
        UNKNOWN_STAFF.to_string()
    } else {
        name
    })
}

// ------------------------------------------------------- ledger arithmetic

/// Net change per day (receipts − issues) of one edition, oldest first,
/// from the non-voided entries, leaving out `except`.
fn daily_nets(
    conn: &Connection,
    edition_id: &str,
    except: Option<&str>,
) -> Result<Vec<(NaiveDate, i64)>> {
    let rows = conn
        .prepare(
            "SELECT entry_date, sum(CASE kind WHEN 'receipt' THEN quantity ELSE -quantity END)
               FROM booklet_entries
              WHERE edition_id = ?1 AND voided_at IS NULL AND id IS NOT coalesce(?2, '')
              GROUP BY entry_date ORDER BY entry_date",
        )?
        .query_map(params![edition_id, except], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter()
        .map(|(d, n)| {
            NaiveDate::parse_from_str(&d, "%Y-%m-%d")
                .map(|d| (d, n))
                .map_err(|_| Error::Corrupt(format!("意志表示帳の記録の日付が読めません（{d}）")))
        })
        .collect()
}

/// The first day on which the running balance is below zero, with that
/// balance. Receipts of a day count before its issues.
pub fn first_shortfall(nets: &[(NaiveDate, i64)]) -> Option<(NaiveDate, i64)> {
    let mut balance = 0;
    for &(day, net) in nets {
        balance += net;
        if balance < 0 {
            return Some((day, balance));
        }
    }
    None
}

/// The most that can be issued on `day` without the balance going below
/// zero then or on any later day.
pub fn available_on(nets: &[(NaiveDate, i64)], day: NaiveDate) -> i64 {
    let through_day: i64 = nets.iter().filter(|(d, _)| *d <= day).map(|(_, n)| n).sum();
    let mut lowest = through_day;
    let mut balance = through_day;
    for (_, net) in nets.iter().filter(|(d, _)| *d > day) {
        balance += net;
        lowest = lowest.min(balance);
    }
    lowest.max(0)
}

/// Refuses an issue of `quantity` on `day` that the stock cannot cover.
fn check_issue(tx: &Transaction, clean: &Clean, except: Option<&str>) -> Result<()> {
    let nets = daily_nets(tx, &clean.edition_id, except)?;
    let available = available_on(&nets, clean.date);
    if clean.quantity <= available {
        return Ok(());
    }
    let now: i64 = nets.iter().map(|(_, n)| n).sum();
    let message = if available == now.max(0) {
        format!(
            "在庫が足りません。「{}」の在庫は{}冊です（{}冊は配布できません）。",
            clean.edition_label, now, clean.quantity
        )
    } else {
        format!(
            "在庫が足りません。「{}」を{}に配布できるのは{}冊までです（いまの在庫は{}冊。その後の配布にも在庫が必要です）。",
            clean.edition_label,
            wareki::format_date(clean.date),
            available,
            now
        )
    };
    Err(Error::invalid("quantity", message))
}

/// After a change inside `tx`: refuses it if `edition_id` goes below zero
/// on any day.
fn check_never_negative(tx: &Transaction, edition_id: &str, field: &str, what: &str) -> Result<()> {
    let nets = daily_nets(tx, edition_id, None)?;
    if let Some((day, balance)) = first_shortfall(&nets) {
        let label: String = tx.query_row(
            "SELECT title || ' ' || edition FROM booklet_editions WHERE id = ?1",
            [edition_id],
            |r| r.get(0),
        )?;
        return Err(Error::invalid(
            field,
            format!(
                "{what}と、{}の時点で「{label}」の在庫が{}冊足りなくなります（その後の配布がこの入庫分を使っています）。先にその配布を訂正するか取り消してください。",
                wareki::format_date(day),
                -balance
            ),
        ));
    }
    Ok(())
}

// --------------------------------------------------------------- writing

use crate::store::{iso, stamp};

fn log_change(
    tx: &Transaction,
    entry_id: &str,
    at: &str,
    by: &str,
    action: &str,
    (field, old, new): (&str, &str, &str),
) -> Result<()> {
    tx.execute(
        "INSERT INTO booklet_entry_changes (entry_id, changed_at, changed_by, action, field, old_value, new_value)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![entry_id, at, by, action, field, old, new],
    )?;
    Ok(())
}

/// Records a receipt or an issue. An issue larger than the stock is refused
/// with the stock in the message; nothing is written.
pub fn add_entry(
    conn: &mut Connection,
    input: &EntryInput,
    changed_by: &str,
    now: NaiveDateTime,
) -> Result<Entry> {
    let tx = conn.transaction()?;
    let id = add_entry_in(&tx, input, changed_by, now)?;
    tx.commit()?;
    entry(conn, &id)
}

/// [`add_entry`] inside a transaction the caller commits (demo data).
pub(crate) fn add_entry_in(
    tx: &Transaction,
    input: &EntryInput,
    changed_by: &str,
    now: NaiveDateTime,
) -> Result<String> {
    let clean = validate_entry(tx, input, now.date())?;
    let by = staff(changed_by)?;
    if clean.kind == Kind::Issue {
        check_issue(tx, &clean, None)?;
    }
    let id = text::new_id();
    let at = stamp(now);
    tx.execute(
        "INSERT INTO booklet_entries (id, kind, entry_date, edition_id, quantity, source, channel_id,
                recipient_type, recipient_name, city_id, note, created_at, created_by, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?12)",
        params![
            id,
            clean.kind.code(),
            iso(clean.date),
            clean.edition_id,
            clean.quantity,
            clean.source,
            clean.channel_id,
            clean.recipient_type,
            clean.recipient_name,
            clean.city_id,
            clean.note,
            at,
            by
        ],
    )?;
    log_change(tx, &id, &at, &by, "登録", ("", "", &describe(&clean)))?;
    Ok(id)
}

fn describe(c: &Clean) -> String {
    format!(
        "{} {} {}冊",
        c.kind.label(),
        wareki::format_date(c.date),
        c.quantity
    )
}

fn clean_of(entry: &Entry) -> Result<Clean> {
    Ok(Clean {
        kind: entry.kind,
        date: NaiveDate::parse_from_str(&entry.entry_date, "%Y-%m-%d").map_err(|_| {
            Error::Corrupt(format!(
                "意志表示帳の記録の日付が読めません（{}）",
                entry.entry_date
            ))
        })?,
        edition_id: entry.edition_id.clone(),
        edition_label: entry.edition_label.clone(),
        quantity: entry.quantity,
        source: Some(entry.source.clone()).filter(|s| !s.is_empty()),
        channel_id: Some(entry.channel_id.clone()).filter(|s| !s.is_empty()),
        channel_name: entry.channel_name.clone(),
        recipient_type: entry.recipient_type.clone(),
        recipient_name: entry.recipient_name.clone(),
        city_id: Some(entry.city_id.clone()).filter(|s| !s.is_empty()),
        city_name: entry.city_name.clone(),
        note: entry.note.clone(),
    })
}

/// The fields that differ, as (label, old, new) for the history.
fn differences(old: &Clean, new: &Clean) -> Vec<(&'static str, String, String)> {
    let source = |c: &Clean| source_label(c.source.as_deref().unwrap_or("")).to_string();
    let pairs = [
        (
            "日付",
            wareki::format_date(old.date),
            wareki::format_date(new.date),
        ),
        ("版", old.edition_label.clone(), new.edition_label.clone()),
        ("冊数", old.quantity.to_string(), new.quantity.to_string()),
        ("入庫元", source(old), source(new)),
        (
            "配布経路",
            old.channel_name.clone(),
            new.channel_name.clone(),
        ),
        (
            "配布先種別",
            old.recipient_type.clone(),
            new.recipient_type.clone(),
        ),
        (
            "配布先",
            old.recipient_name.clone(),
            new.recipient_name.clone(),
        ),
        ("市", old.city_name.clone(), new.city_name.clone()),
        ("備考", old.note.clone(), new.note.clone()),
    ];
    pairs.into_iter().filter(|(_, a, b)| a != b).collect()
}

/// Corrects an entry; the old values go to its history. A receipt cannot
/// become an issue or the other way round (void it and enter it anew).
pub fn correct_entry(
    conn: &mut Connection,
    id: &str,
    input: &EntryInput,
    changed_by: &str,
    now: NaiveDateTime,
) -> Result<Entry> {
    let old = entry(conn, id)?;
    if old.voided {
        return Err(Error::Conflict(
            "取り消した記録は訂正できません。新しく登録してください。".into(),
        ));
    }
    if old.kind != input.kind {
        return Err(Error::Conflict(
            "入庫と配布を入れ替えることはできません。この記録を取り消して、新しく登録してください。".into(),
        ));
    }
    let clean = validate_entry(conn, input, now.date())?;
    let by = staff(changed_by)?;
    let before = clean_of(&old)?;
    let changes = differences(&before, &clean);
    if changes.is_empty() {
        return Ok(old);
    }
    let tx = conn.transaction()?;
    if clean.kind == Kind::Issue {
        check_issue(&tx, &clean, Some(&old.id))?;
    }
    let at = stamp(now);
    tx.execute(
        "UPDATE booklet_entries SET entry_date = ?2, edition_id = ?3, quantity = ?4, source = ?5,
                channel_id = ?6, recipient_type = ?7, recipient_name = ?8, city_id = ?9, note = ?10,
                updated_at = ?11
          WHERE id = ?1",
        params![
            old.id,
            iso(clean.date),
            clean.edition_id,
            clean.quantity,
            clean.source,
            clean.channel_id,
            clean.recipient_type,
            clean.recipient_name,
            clean.city_id,
            clean.note,
            at
        ],
    )?;
    if clean.kind == Kind::Receipt {
        // Fewer copies, a later date or another edition can leave earlier
        // issues uncovered, in the old edition and the new one.
        let field = if clean.quantity != before.quantity {
            "quantity"
        } else if clean.date != before.date {
            "entry_date"
        } else {
            "edition_id"
        };
        check_never_negative(&tx, &before.edition_id, field, "この訂正をする")?;
        check_never_negative(&tx, &clean.edition_id, field, "この訂正をする")?;
    }
    for (field, from, to) in &changes {
        log_change(&tx, &old.id, &at, &by, "訂正", (field, from, to))?;
    }
    tx.commit()?;
    entry(conn, &old.id)
}

/// Voids an entry: it stays in the ledger, marked, and no longer counts.
/// Voiding a receipt that later issues depend on is refused.
pub fn void_entry(
    conn: &mut Connection,
    id: &str,
    reason: &str,
    changed_by: &str,
    now: NaiveDateTime,
) -> Result<Entry> {
    let tx = conn.transaction()?;
    let id = void_entry_in(&tx, id, reason, changed_by, now)?;
    tx.commit()?;
    entry(conn, &id)
}

/// [`void_entry`] inside a transaction the caller commits.
pub(crate) fn void_entry_in(
    tx: &Transaction,
    id: &str,
    reason: &str,
    changed_by: &str,
    now: NaiveDateTime,
) -> Result<String> {
    let old = entry(tx, id)?;
    if old.voided {
        return Err(Error::Conflict("この記録は既に取り消されています。".into()));
    }
    let reason = text::single_line("void_reason", "取消の理由", reason, 200, false)?;
    let by = staff(changed_by)?;
    let at = stamp(now);
    tx.execute(
        "UPDATE booklet_entries SET voided_at = ?2, void_reason = ?3, updated_at = ?2 WHERE id = ?1",
        params![old.id, at, reason],
    )?;
    if old.kind == Kind::Receipt {
        check_never_negative(tx, &old.edition_id, "void_reason", "この入庫を取り消す")
            .map_err(|e| Error::Conflict(e.to_string()))?;
    }
    let shown = if reason.is_empty() {
        "理由の記入なし"
    } else {
        reason.as_str()
    };
    log_change(
        tx,
        &old.id,
        &at,
        &by,
        "取消",
        ("状態", "有効", &format!("取消（{shown}）")),
    )?;
    Ok(old.id)
}

// ------------------------------------------------------ editions, channels

fn validate_edition(input: &EditionInput) -> Result<EditionInput> {
    let threshold = if input.low_stock_threshold.trim().is_empty() {
        0
    } else {
        parse_quantity(
            "low_stock_threshold",
            "在庫の警告ライン",
            &input.low_stock_threshold,
            0,
        )?
    };
    Ok(EditionInput {
        id: input
            .id
            .as_deref()
            .filter(|s| !s.is_empty())
            .map(|s| text::uuid("id", s))
            .transpose()?,
        title: text::single_line("title", "冊子名", &input.title, 60, true)?,
        edition: text::single_line("edition", "版", &input.edition, 60, true)?,
        publisher: text::single_line("publisher", "発行者", &input.publisher, 100, false)?,
        notes: text::single_line("notes", "メモ", &input.notes, 200, false)?,
        low_stock_threshold: threshold.to_string(),
    })
}

/// Adds (no id) or updates an edition.
pub fn save_edition(
    conn: &mut Connection,
    input: &EditionInput,
    now: NaiveDateTime,
) -> Result<Edition> {
    let clean = validate_edition(input)?;
    let threshold: i64 = clean.low_stock_threshold.parse().unwrap_or(0);
    let at = stamp(now);
    let tx = conn.transaction()?;
    let duplicate: Option<String> = tx
        .query_row(
            "SELECT id FROM booklet_editions WHERE title = ?1 AND edition = ?2 AND id IS NOT ?3",
            params![clean.title, clean.edition, clean.id],
            |r| r.get(0),
        )
        .optional()?;
    if duplicate.is_some() {
        return Err(Error::invalid(
            "edition",
            format!(
                "「{} {}」は既に登録されています。",
                clean.title, clean.edition
            ),
        ));
    }
    let id = match &clean.id {
        Some(id) => {
            let n = tx.execute(
                "UPDATE booklet_editions SET title = ?2, edition = ?3, publisher = ?4, notes = ?5,
                        low_stock_threshold = ?6, updated_at = ?7 WHERE id = ?1",
                params![
                    id,
                    clean.title,
                    clean.edition,
                    clean.publisher,
                    clean.notes,
                    threshold,
                    at
                ],
            )?;
            if n == 0 {
                return Err(Error::NotFound {
                    what: "意志表示帳の版",
                });
            }
            id.clone()
        }
        None => {
            let id = text::new_id();
            tx.execute(
                "INSERT INTO booklet_editions (id, title, edition, publisher, notes, low_stock_threshold,
                        sort_order, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6,
                        (SELECT coalesce(max(sort_order), 0) + 1 FROM booklet_editions), ?7, ?7)",
                params![id, clean.title, clean.edition, clean.publisher, clean.notes, threshold, at],
            )?;
            id
        }
    };
    tx.commit()?;
    editions(conn)?
        .into_iter()
        .find(|e| e.id == id)
        .ok_or(Error::NotFound {
            what: "意志表示帳の版",
        })
}

/// Saves the whole list of channels in its order. A channel used by entries
/// cannot be deleted, only hidden (`active: false`).
pub fn save_channels(conn: &mut Connection, input: &[ChannelInput]) -> Result<Vec<Channel>> {
    if input.len() > MAX_CHANNELS {
        return Err(Error::invalid(
            "channels",
            format!("配布経路は{MAX_CHANNELS}件までです。"),
        ));
    }
    let mut clean = Vec::with_capacity(input.len());
    let mut names = std::collections::HashSet::new();
    for (i, c) in input.iter().enumerate() {
        let field = format!("channels.{i}.name");
        let name = text::single_line(&field, "配布経路の名前", &c.name, 30, true)?;
        if !names.insert(name.clone()) {
            return Err(Error::invalid(
                field,
                format!("配布経路「{name}」が二度入力されています。"),
            ));
        }
        let id =
            c.id.as_deref()
                .filter(|s| !s.is_empty())
                .map(|s| text::uuid(&format!("channels.{i}.id"), s))
                .transpose()?;
        clean.push((id, name, c.active));
    }
    if !clean.iter().any(|(_, _, active)| *active) {
        return Err(Error::invalid(
            "channels",
            "使用中の配布経路を1つ以上残してください。",
        ));
    }
    let tx = conn.transaction()?;
    // Free the names first so that swapping two names does not trip UNIQUE.
    tx.execute("UPDATE booklet_channels SET name = '~' || id", [])?;
    let mut kept = Vec::new();
    for (order, (id, name, active)) in clean.iter().enumerate() {
        let id = match id {
            Some(id) => {
                let n = tx.execute(
                    "UPDATE booklet_channels SET name = ?2, sort_order = ?3, active = ?4 WHERE id = ?1",
                    params![id, name, order as i64, active],
                )?;
                if n == 0 {
                    return Err(Error::NotFound {
                        what: "配布経路"
                    });
                }
                id.clone()
            }
            None => {
                let id = text::new_id();
                tx.execute(
                    "INSERT INTO booklet_channels (id, name, sort_order, active) VALUES (?1, ?2, ?3, ?4)",
                    params![id, name, order as i64, active],
                )?;
                id
            }
        };
        kept.push(id);
    }
    let all: Vec<String> = tx
        .prepare("SELECT id FROM booklet_channels")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for id in all.iter().filter(|id| !kept.contains(id)) {
        tx.execute("DELETE FROM booklet_channels WHERE id = ?1", [id]).map_err(|e| match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::ConstraintViolation) => Error::Conflict(
                "記録で使われている配布経路は削除できません。「使わない」にして隠してください。".into(),
            ),
            _ => Error::Db(e),
        })?;
    }
    tx.commit()?;
    channels(conn)
}

// ------------------------------------------------------------------- CSV

pub const CSV_HEADERS: &[&str] = &[
    "日付",
    "和暦",
    "区分",
    "冊子名・版",
    "冊数",
    "入庫元",
    "配布経路",
    "配布先種別",
    "配布先",
    "市",
    "備考",
    "状態",
    "取消日時",
    "取消理由",
    "登録者",
    "登録日時",
    "記録ID",
];

/// The ledger of `period` (all of it when `None`), oldest first, voided
/// entries included and marked, as CSV bytes for Excel.
pub fn export_csv(conn: &Connection, period: Option<Period>) -> Result<Vec<u8>> {
    let (from, to) = match period {
        Some(p) => {
            let (a, b) = p.check()?.range();
            (iso(a), iso(b))
        }
        None => ("0000-01-01".to_string(), "9999-12-31".to_string()),
    };
    let rows: Vec<Entry> = conn
        .prepare(&format!(
            "{ENTRY_SELECT} WHERE l.entry_date BETWEEN ?1 AND ?2 ORDER BY l.entry_date, l.created_at, l.id"
        ))?
        .query_map(params![from, to], entry_from_row)?
        .collect::<rusqlite::Result<_>>()?;
    let cells: Vec<Vec<Cell>> = rows
        .into_iter()
        .map(|e| {
            vec![
                Cell::from(e.entry_date),
                Cell::from(e.date_label),
                Cell::from(e.kind_label),
                Cell::from(e.edition_label),
                Cell::from(e.quantity),
                Cell::from(e.source_label),
                Cell::from(e.channel_name),
                Cell::from(e.recipient_type),
                Cell::from(e.recipient_name),
                Cell::from(e.city_name),
                Cell::from(e.note),
                Cell::from(if e.voided { "取消" } else { "有効" }),
                Cell::from(e.voided_at.unwrap_or_default()),
                Cell::from(e.void_reason),
                Cell::from(e.created_by),
                Cell::from(e.created_at),
                Cell::from(e.id),
            ]
        })
        .collect();
    Ok(csv::to_bytes(CSV_HEADERS, &cells))
}

/// Writes the export to `dir` as 意志表示帳_<period>_<date>.csv (a temporary
/// file renamed into place, so a crash never leaves half a file) and
/// returns the path.
pub fn export_to_folder(
    conn: &Connection,
    period: Period,
    dir: &std::path::Path,
    now: NaiveDateTime,
) -> Result<std::path::PathBuf> {
    let bytes = export_csv(conn, Some(period))?;
    std::fs::create_dir_all(dir)?;
    let name = format!(
        "意志表示帳_{}_{}.csv",
        period.label(),
        now.format("%Y%m%d-%H%M%S")
    );
    let path = dir.join(name);
    let partial = path.with_extension("csv.part");
    std::fs::write(&partial, bytes)?;
    std::fs::rename(&partial, &path)?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store;
    use proptest::prelude::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn now() -> NaiveDateTime {
        day(2025, 11, 24).and_hms_opt(10, 0, 0).unwrap()
    }

    fn setup() -> (Connection, String, String) {
        let mut conn = store::open_in_memory().unwrap();
        let edition = save_edition(
            &mut conn,
            &EditionInput {
                title: "私の意志表示帳".into(),
                edition: "第2版 令和元年12月".into(),
                low_stock_threshold: "50".into(),
                ..Default::default()
            },
            now(),
        )
        .unwrap();
        let channel = channels(&conn).unwrap().remove(0).id;
        (conn, edition.id, channel)
    }

    fn receipt(edition: &str, date: &str, qty: i64) -> EntryInput {
        EntryInput {
            kind: Kind::Receipt,
            entry_date: date.into(),
            edition_id: edition.into(),
            quantity: qty.to_string(),
            source: "print".into(),
            channel_id: String::new(),
            recipient_type: String::new(),
            recipient_name: String::new(),
            city_id: String::new(),
            note: String::new(),
        }
    }

    fn issue(edition: &str, channel: &str, date: &str, qty: i64) -> EntryInput {
        EntryInput {
            kind: Kind::Issue,
            source: String::new(),
            channel_id: channel.into(),
            ..receipt(edition, date, qty)
        }
    }

    #[test]
    fn arithmetic_of_running_balances() {
        let nets = [
            (day(2025, 4, 1), 10),
            (day(2025, 5, 1), -4),
            (day(2025, 6, 1), -5),
        ];
        assert_eq!(first_shortfall(&nets), None);
        assert_eq!(available_on(&nets, day(2025, 6, 2)), 1);
        // On 4/15 ten are on hand, but 9 are needed later: only 1 is free.
        assert_eq!(available_on(&nets, day(2025, 4, 15)), 1);
        assert_eq!(available_on(&nets, day(2025, 3, 1)), 0);
        let short = [
            (day(2025, 4, 1), 3),
            (day(2025, 4, 2), -5),
            (day(2025, 4, 3), 10),
        ];
        assert_eq!(first_shortfall(&short), Some((day(2025, 4, 2), -2)));
    }

    #[test]
    fn stock_is_receipts_minus_issues_and_voids_do_not_count() {
        let (mut conn, ed, ch) = setup();
        add_entry(&mut conn, &receipt(&ed, "2025-04-01", 100), "山田", now()).unwrap();
        let i1 = add_entry(&mut conn, &issue(&ed, &ch, "2025-05-01", 30), "山田", now()).unwrap();
        add_entry(&mut conn, &issue(&ed, &ch, "2025-06-01", 20), "", now()).unwrap();
        assert_eq!(stock(&conn, &ed).unwrap(), 50);
        let voided = void_entry(&mut conn, &i1.id, "二重入力", "山田", now()).unwrap();
        assert!(voided.voided);
        assert_eq!(stock(&conn, &ed).unwrap(), 80);
        let e = editions(&conn).unwrap().remove(0);
        assert_eq!(
            (e.received, e.issued, e.stock, e.low_stock),
            (100, 20, 80, false)
        );
    }

    #[test]
    fn corrections_change_stock_and_keep_history() {
        let (mut conn, ed, ch) = setup();
        add_entry(&mut conn, &receipt(&ed, "2025-04-01", 100), "山田", now()).unwrap();
        let i = add_entry(&mut conn, &issue(&ed, &ch, "2025-05-01", 3), "", now()).unwrap();
        assert_eq!(i.created_by, UNKNOWN_STAFF);
        let later = now() + chrono::Duration::minutes(5);
        let fixed = correct_entry(
            &mut conn,
            &i.id,
            &issue(&ed, &ch, "2025-05-02", 5),
            "佐藤",
            later,
        )
        .unwrap();
        assert_eq!(fixed.quantity, 5);
        assert_eq!(fixed.corrections, 1);
        assert_eq!(stock(&conn, &ed).unwrap(), 95);
        let h = history(&conn, &i.id).unwrap();
        assert_eq!(h[0].action, "登録");
        let changed: Vec<(&str, &str, &str, &str)> = h[1..]
            .iter()
            .map(|c| {
                (
                    c.field.as_str(),
                    c.old_value.as_str(),
                    c.new_value.as_str(),
                    c.changed_by.as_str(),
                )
            })
            .collect();
        assert_eq!(
            changed,
            [
                ("日付", "令和7年5月1日", "令和7年5月2日", "佐藤"),
                ("冊数", "3", "5", "佐藤")
            ]
        );
        // Correcting an issue beyond the stock is refused.
        let err = correct_entry(
            &mut conn,
            &i.id,
            &issue(&ed, &ch, "2025-05-02", 101),
            "佐藤",
            later,
        )
        .unwrap_err();
        assert_eq!(err.field(), Some("quantity"));
        assert!(err.to_string().contains("100冊"), "{err}");
        assert_eq!(stock(&conn, &ed).unwrap(), 95);
    }

    #[test]
    fn reducing_a_receipt_below_what_was_issued_is_refused() {
        let (mut conn, ed, ch) = setup();
        let r = add_entry(&mut conn, &receipt(&ed, "2025-04-01", 100), "", now()).unwrap();
        add_entry(&mut conn, &issue(&ed, &ch, "2025-05-01", 60), "", now()).unwrap();
        let err = correct_entry(&mut conn, &r.id, &receipt(&ed, "2025-04-01", 50), "", now())
            .unwrap_err();
        assert_eq!(err.field(), Some("quantity"));
        assert!(err.to_string().contains("10冊足りなく"), "{err}");
        // Moving the receipt after the issue is refused too.
        let err = correct_entry(
            &mut conn,
            &r.id,
            &receipt(&ed, "2025-06-01", 100),
            "",
            now(),
        )
        .unwrap_err();
        assert_eq!(err.field(), Some("entry_date"));
        assert_eq!(stock(&conn, &ed).unwrap(), 40);
        assert_eq!(history(&conn, &r.id).unwrap().len(), 1);
    }

    #[test]
    fn voiding_a_receipt_that_issues_depend_on_is_refused() {
        let (mut conn, ed, ch) = setup();
        let r1 = add_entry(&mut conn, &receipt(&ed, "2025-04-01", 10), "", now()).unwrap();
        add_entry(&mut conn, &issue(&ed, &ch, "2025-04-02", 8), "", now()).unwrap();
        add_entry(&mut conn, &receipt(&ed, "2025-06-01", 100), "", now()).unwrap();
        // Stock now is 102, but on 4/2 the first receipt was all there was.
        let err = void_entry(&mut conn, &r1.id, "", "", now()).unwrap_err();
        assert!(matches!(err, Error::Conflict(_)), "{err:?}");
        assert!(err.to_string().contains("令和7年4月2日"), "{err}");
        assert!(!entry(&conn, &r1.id).unwrap().voided);
        assert_eq!(stock(&conn, &ed).unwrap(), 102);
    }

    #[test]
    fn bad_input_is_refused_with_the_field() {
        let (mut conn, ed, ch) = setup();
        add_entry(&mut conn, &receipt(&ed, "2025-04-01", 10), "", now()).unwrap();
        let cases = [
            (issue(&ed, &ch, "2025-05-01", 0), "quantity"),
            (issue(&ed, &ch, "2025-05-01", -2), "quantity"),
            (issue(&ed, &ch, "2025-11-25", 1), "entry_date"),
            (issue(&ed, &ch, "2025-05-01", 11), "quantity"),
            (issue(&text::new_id(), &ch, "2025-05-01", 1), "edition_id"),
            (issue(&ed, &text::new_id(), "2025-05-01", 1), "channel_id"),
            (issue(&ed, "", "2025-05-01", 1), "channel_id"),
            (issue(&ed, &ch, "きのう", 1), "entry_date"),
            (
                EntryInput {
                    source: "stolen".into(),
                    ..receipt(&ed, "2025-05-01", 1)
                },
                "source",
            ),
            (
                EntryInput {
                    city_id: text::new_id(),
                    ..issue(&ed, &ch, "2025-05-01", 1)
                },
                "city_id",
            ),
        ];
        for (input, field) in cases {
            let err = add_entry(&mut conn, &input, "", now()).unwrap_err();
            assert_eq!(err.field(), Some(field), "{input:?}: {err}");
        }
        let count: i64 = conn
            .query_row("SELECT count(*) FROM booklet_entries", [], |r| r.get(0))
            .unwrap();
        assert_eq!(count, 1);
        // Full-width digits from an IME are fine.
        let ok = add_entry(
            &mut conn,
            &EntryInput {
                quantity: "３".into(),
                ..issue(&ed, &ch, "令和7年5月1日", 0)
            },
            "",
            now(),
        )
        .unwrap();
        assert_eq!(ok.quantity, 3);
    }

    #[derive(Debug, Clone)]
    enum Op {
        Receive(u8, i64),
        Issue(u8, i64),
        Void(usize),
        Correct(usize, u8, i64),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            (0u8..60, 1i64..50).prop_map(|(d, q)| Op::Receive(d, q)),
            (0u8..60, 1i64..30).prop_map(|(d, q)| Op::Issue(d, q)),
            (0usize..40).prop_map(Op::Void),
            (0usize..40, 0u8..60, 1i64..50).prop_map(|(i, d, q)| Op::Correct(i, d, q)),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn ledger_never_goes_negative_and_stock_is_the_sum(ops in proptest::collection::vec(op(), 1..40)) {
            let (mut conn, ed, ch) = setup();
            let start = day(2025, 9, 1);
            let date = |d: u8| iso(start + chrono::Duration::days(i64::from(d)));
            let mut ids: Vec<String> = Vec::new();
            for op in ops {
                let result = match op {
                    Op::Receive(d, q) => add_entry(&mut conn, &receipt(&ed, &date(d), q), "", now()).map(|e| ids.push(e.id)),
                    Op::Issue(d, q) => add_entry(&mut conn, &issue(&ed, &ch, &date(d), q), "", now()).map(|e| ids.push(e.id)),
                    Op::Void(i) if !ids.is_empty() => void_entry(&mut conn, &ids[i % ids.len()], "", "", now()).map(|_| ()),
                    Op::Correct(i, d, q) if !ids.is_empty() => {
                        let id = &ids[i % ids.len()];
                        let old = entry(&conn, id).unwrap();
                        let input = match old.kind {
                            Kind::Receipt => receipt(&ed, &date(d), q),
                            Kind::Issue => issue(&ed, &ch, &date(d), q),
                        };
                        correct_entry(&mut conn, id, &input, "", now()).map(|_| ())
                    }
                    _ => Ok(()),
                };
                if let Err(e) = result {
                    prop_assert!(matches!(e, Error::Invalid { .. } | Error::Conflict(_)), "{e:?}");
                }
                let nets = daily_nets(&conn, &ed, None).unwrap();
                prop_assert_eq!(first_shortfall(&nets), None);
                let sum: i64 = conn.query_row(
                    "SELECT coalesce(sum(CASE kind WHEN 'receipt' THEN quantity ELSE -quantity END), 0)
                       FROM booklet_entries WHERE voided_at IS NULL", [], |r| r.get(0)).unwrap();
                let shown = stock(&conn, &ed).unwrap();
                prop_assert_eq!(shown, sum);
                prop_assert!(shown >= 0);
            }
        }
    }
}
