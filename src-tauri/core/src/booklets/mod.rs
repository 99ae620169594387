//! 私の意志表示帳: the stock ledger of the ACP booklet, per edition.
//!
//! Every receipt (入庫) and issue (配布) is a row of `booklet_entries`; stock
//! on hand is never stored but always summed from the non-voided rows. A
//! change is refused when, at any date, an edition's running balance would
//! drop below zero — so a back-dated issue, a corrected receipt or a voided
//! receipt that later issues depend on are all caught by the same check.
//! Corrections and voids keep the old values in `booklet_entry_changes`.

mod editions;
mod export;
mod ledger;
mod stock;
mod summary;

pub use editions::*;
pub use export::*;
pub use ledger::*;
pub use stock::*;
pub use summary::*;

use rusqlite::{params, Connection, Params, Row};
use serde::{Deserialize, Serialize};

use crate::period::Period;
use crate::store::{iso, parse_iso, parse_stamp};
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
    /// 相談窓口
    pub const COUNTER: &str = "6f1c2a10-3b1e-4c3a-9d51-0a0000000001";
    /// 出前講座
    pub const OUTREACH_LECTURE: &str = "6f1c2a10-3b1e-4c3a-9d51-0a0000000002";
    /// 市民公開講座
    pub const PUBLIC_LECTURE: &str = "6f1c2a10-3b1e-4c3a-9d51-0a0000000003";
    /// 医療機関
    pub const MEDICAL: &str = "6f1c2a10-3b1e-4c3a-9d51-0a0000000004";
    /// 介護事業所
    pub const CARE: &str = "6f1c2a10-3b1e-4c3a-9d51-0a0000000005";
    /// 地域包括支援センター
    pub const CARE_HUB: &str = "6f1c2a10-3b1e-4c3a-9d51-0a0000000006";
    /// イベント
    pub const EVENT: &str = "6f1c2a10-3b1e-4c3a-9d51-0a0000000007";
    /// その他
    pub const OTHER: &str = "6f1c2a10-3b1e-4c3a-9d51-0a0000000008";
}

/// Written as the author of a change when no 担当者名 was given.
pub const UNKNOWN_STAFF: &str = "（未設定）";

/// The most copies one entry, or a low-stock threshold, may count.
const MAX_QUANTITY: i64 = 100_000;

/// An edition's name as messages show it (私の意志表示帳 第2版), by id.
const EDITION_LABEL: &str = "SELECT title || ' ' || edition FROM booklet_editions WHERE id = ?1";

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

impl EntryInput {
    /// A receipt of `quantity` copies from `source` (print / gift / other).
    pub fn receipt(
        edition_id: &str,
        entry_date: &str,
        quantity: impl ToString,
        source: &str,
    ) -> EntryInput {
        EntryInput {
            kind: Kind::Receipt,
            entry_date: entry_date.into(),
            edition_id: edition_id.into(),
            quantity: quantity.to_string(),
            source: source.into(),
            channel_id: String::new(),
            recipient_type: String::new(),
            recipient_name: String::new(),
            city_id: String::new(),
            note: String::new(),
        }
    }

    /// An issue of `quantity` copies through `channel_id`; recipient, 市 and
    /// note are left empty for the caller to fill in.
    pub fn issue(
        edition_id: &str,
        entry_date: &str,
        quantity: impl ToString,
        channel_id: &str,
    ) -> EntryInput {
        EntryInput {
            kind: Kind::Issue,
            source: String::new(),
            channel_id: channel_id.into(),
            ..EntryInput::receipt(edition_id, entry_date, quantity, "")
        }
    }
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

// ---------------------------------------------------------------- reading

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

/// Every row `sql` gives, each made into a value by `read`, which may
/// fail with any error of the crate (an unreadable stored date: Corrupt).
fn rows<T>(
    conn: &Connection,
    sql: &str,
    params: impl Params,
    mut read: impl FnMut(&Row) -> Result<T>,
) -> Result<Vec<T>> {
    let mut stmt = conn.prepare(sql)?;
    let mut rows = stmt.query(params)?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(read(r)?);
    }
    Ok(out)
}

/// One row of [`ENTRY_SELECT`].
fn entry_from_row(r: &Row) -> Result<Entry> {
    let kind = Kind::from_code(&r.get::<_, String>(1)?);
    let entry_date: String = r.get(2)?;
    let source: String = r.get(6)?;
    let voided_at: Option<String> = r.get(14)?;
    Ok(Entry {
        id: r.get(0)?,
        kind,
        kind_label: kind.label(),
        date_label: wareki::format_date(parse_iso(&entry_date)?),
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

/// The entries that `filter` (WHERE and ORDER BY on `l`) selects.
fn select_entries(conn: &Connection, filter: &str, params: impl Params) -> Result<Vec<Entry>> {
    rows(
        conn,
        &format!("{ENTRY_SELECT} {filter}"),
        params,
        entry_from_row,
    )
}

/// The entries dated in `period` (all of them when `None`), voided ones
/// included, newest first or (`oldest_first`) in the order they happened.
fn entries_between(
    conn: &Connection,
    period: Option<Period>,
    oldest_first: bool,
) -> Result<Vec<Entry>> {
    let (from, to) = match period {
        Some(p) => {
            let (from, to) = p.check()?.range();
            (iso(from), iso(to))
        }
        None => ("0000-01-01".into(), "9999-12-31".into()),
    };
    let order = if oldest_first {
        "l.entry_date, l.created_at, l.id"
    } else {
        "l.entry_date DESC, l.created_at DESC, l.id"
    };
    select_entries(
        conn,
        &format!("WHERE l.entry_date BETWEEN ?1 AND ?2 ORDER BY {order}"),
        params![from, to],
    )
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
    select_entries(conn, "WHERE l.id = ?1", [&id])?
        .pop()
        .ok_or(Error::NotFound {
            what: "意志表示帳の記録",
        })
}

/// The ledger of a period, voided entries included, newest first.
pub fn entries(conn: &Connection, period: Period) -> Result<Vec<Entry>> {
    entries_between(conn, Some(period), false)
}

/// The change history of one entry, oldest first.
pub fn history(conn: &Connection, id: &str) -> Result<Vec<Change>> {
    let id = text::uuid("id", id)?;
    let sql = "SELECT changed_at, changed_by, action, field, old_value, new_value
                 FROM booklet_entry_changes WHERE entry_id = ?1 ORDER BY seq";
    rows(conn, sql, [&id], |r| {
        let changed_at: String = r.get(0)?;
        Ok(Change {
            changed_label: wareki::format_datetime(parse_stamp(&changed_at)?),
            changed_at,
            changed_by: r.get(1)?,
            action: r.get(2)?,
            field: r.get(3)?,
            old_value: r.get(4)?,
            new_value: r.get(5)?,
        })
    })
}
