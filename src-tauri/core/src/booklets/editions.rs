//! Editions of the booklet with their stock, and the distribution channels.

use std::collections::HashSet;

use chrono::NaiveDateTime;
use rusqlite::{named_params, params, Connection};
use serde::{Deserialize, Serialize};

use super::{rows, MAX_QUANTITY};
use crate::store::{optional_id, stamp};
use crate::text::{self, Range};
use crate::{Error, Result};

const MAX_CHANNELS: usize = 30;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Edition {
    pub id: String,
    pub title: String,
    pub edition: String,
    pub publisher: String,
    pub notes: String,
    pub low_stock_threshold: i64,
    /// 私の意志表示帳 itself; otherwise another printed material the office
    /// hands out (a pamphlet), counted under its own title, never added in.
    pub is_booklet: bool,
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
#[serde(default, deny_unknown_fields)]
pub struct EditionInput {
    pub id: Option<String>,
    pub title: String,
    pub edition: String,
    pub publisher: String,
    pub notes: String,
    pub low_stock_threshold: String,
    /// Absent (older callers): 私の意志表示帳.
    pub is_booklet: Option<bool>,
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

/// Every edition with received, issued and stock summed from the ledger in
/// one query.
pub fn editions(conn: &Connection) -> Result<Vec<Edition>> {
    let sql = "SELECT e.id, e.title, e.edition, e.publisher, e.notes, e.low_stock_threshold,
                      coalesce(sum(CASE WHEN l.kind = 'receipt' THEN l.quantity END), 0),
                      coalesce(sum(CASE WHEN l.kind = 'issue' THEN l.quantity END), 0),
                      e.is_booklet
                 FROM booklet_editions e
                 LEFT JOIN booklet_entries l ON l.edition_id = e.id AND l.voided_at IS NULL
                GROUP BY e.id
                ORDER BY e.sort_order, e.created_at";
    rows(conn, sql, [], |r| {
        let (threshold, received, issued): (i64, i64, i64) = (r.get(5)?, r.get(6)?, r.get(7)?);
        let stock = received - issued;
        Ok(Edition {
            id: r.get(0)?,
            title: r.get(1)?,
            edition: r.get(2)?,
            publisher: r.get(3)?,
            notes: r.get(4)?,
            low_stock_threshold: threshold,
            is_booklet: r.get(8)?,
            received,
            issued,
            stock,
            low_stock: threshold > 0 && stock <= threshold,
        })
    })
}

fn edition(conn: &Connection, id: &str) -> Result<Edition> {
    editions(conn)?
        .into_iter()
        .find(|e| e.id == id)
        .ok_or(Error::NotFound {
            what: "意志表示帳の版",
        })
}

/// Stock on hand of one edition now.
pub fn stock(conn: &Connection, edition_id: &str) -> Result<i64> {
    Ok(edition(conn, edition_id)?.stock)
}

pub fn channels(conn: &Connection) -> Result<Vec<Channel>> {
    let sql = "SELECT id, name, active FROM booklet_channels ORDER BY sort_order, name";
    rows(conn, sql, [], |r| {
        Ok(Channel {
            id: r.get(0)?,
            name: r.get(1)?,
            active: r.get(2)?,
        })
    })
}

// ------------------------------------------------------------- saving

/// A checked [`EditionInput`].
struct CleanEdition {
    id: Option<String>,
    title: String,
    edition: String,
    publisher: String,
    notes: String,
    threshold: i64,
    is_booklet: bool,
}

fn validate_edition(input: &EditionInput) -> Result<CleanEdition> {
    Ok(CleanEdition {
        id: optional_id("id", input.id.as_deref().unwrap_or(""))?,
        title: text::single_line("title", "冊子名", &input.title, 60, true)?,
        edition: text::single_line("edition", "版", &input.edition, 60, true)?,
        publisher: text::single_line("publisher", "発行者", &input.publisher, 100, false)?,
        notes: text::single_line("notes", "メモ", &input.notes, 200, false)?,
        threshold: text::count(
            "low_stock_threshold",
            "在庫の警告ライン",
            &input.low_stock_threshold,
            Range::new(0, MAX_QUANTITY),
        )?
        .unwrap_or(0),
        is_booklet: input.is_booklet.unwrap_or(true),
    })
}

/// Adds (no id) or updates an edition.
pub fn save_edition(
    conn: &mut Connection,
    input: &EditionInput,
    now: NaiveDateTime,
) -> Result<Edition> {
    let clean = validate_edition(input)?;
    let tx = conn.transaction()?;
    let taken: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM booklet_editions
                         WHERE title = ?1 AND edition = ?2 AND id IS NOT ?3)",
        params![clean.title, clean.edition, clean.id],
        |r| r.get(0),
    )?;
    if taken {
        return Err(Error::invalid(
            "edition",
            format!(
                "「{} {}」は既に登録されています。",
                clean.title, clean.edition
            ),
        ));
    }
    let id = match clean.id {
        Some(id) => edition(&tx, &id)?.id,
        None => text::new_id(),
    };
    tx.execute(
        "INSERT INTO booklet_editions (id, title, edition, publisher, notes, low_stock_threshold,
                is_booklet, sort_order, created_at, updated_at)
         VALUES (:id, :title, :edition, :publisher, :notes, :threshold, :is_booklet,
                (SELECT coalesce(max(sort_order), 0) + 1 FROM booklet_editions), :at, :at)
         ON CONFLICT(id) DO UPDATE SET
                title = excluded.title, edition = excluded.edition,
                publisher = excluded.publisher, notes = excluded.notes,
                low_stock_threshold = excluded.low_stock_threshold,
                is_booklet = excluded.is_booklet,
                updated_at = excluded.updated_at",
        named_params! {
            ":id": id,
            ":title": clean.title,
            ":edition": clean.edition,
            ":publisher": clean.publisher,
            ":notes": clean.notes,
            ":threshold": clean.threshold,
            ":is_booklet": clean.is_booklet,
            ":at": stamp(now),
        },
    )?;
    tx.commit()?;
    edition(conn, &id)
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
    let mut clean: Vec<(Option<String>, String, bool)> = Vec::with_capacity(input.len());
    for (i, c) in input.iter().enumerate() {
        let field = format!("channels.{i}.name");
        let name = text::single_line(&field, "配布経路の名前", &c.name, 30, true)?;
        if clean.iter().any(|(_, seen, _)| *seen == name) {
            let message = format!("配布経路「{name}」が二度入力されています。");
            return Err(Error::invalid(field, message));
        }
        let id = optional_id(&format!("channels.{i}.id"), c.id.as_deref().unwrap_or(""))?;
        clean.push((id, name, c.active));
    }
    if !clean.iter().any(|(_, _, active)| *active) {
        return Err(Error::invalid(
            "channels",
            "使用中の配布経路を1つ以上残してください。",
        ));
    }
    let tx = conn.transaction()?;
    let mut gone: HashSet<String> = channels(&tx)?.into_iter().map(|c| c.id).collect();
    // Free the names first so that swapping two names does not trip UNIQUE.
    tx.execute("UPDATE booklet_channels SET name = '~' || id", [])?;
    for (order, (id, name, active)) in clean.into_iter().enumerate() {
        let id = match id {
            Some(id) if gone.remove(&id) => id,
            Some(_) => {
                return Err(Error::NotFound {
                    what: "配布経路"
                })
            }
            None => text::new_id(),
        };
        tx.execute(
            "INSERT INTO booklet_channels (id, name, sort_order, active)
             VALUES (:id, :name, :order, :active)
             ON CONFLICT(id) DO UPDATE SET
                    name = excluded.name, sort_order = excluded.sort_order,
                    active = excluded.active",
            named_params! {
                ":id": id,
                ":name": name,
                ":order": order as i64,
                ":active": active,
            },
        )?;
    }
    for id in &gone {
        tx.execute("DELETE FROM booklet_channels WHERE id = ?1", [id])
            .map_err(|e| {
                match e.sqlite_error_code() {
                Some(rusqlite::ErrorCode::ConstraintViolation) => Error::Conflict(
                    "記録で使われている配布経路は削除できません。「使わない」にして隠してください。"
                        .into(),
                ),
                _ => Error::Db(e),
            }
            })?;
    }
    tx.commit()?;
    channels(conn)
}
