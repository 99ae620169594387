//! The two editable lists of 会議・研修: 種類 (each under one item ア〜ク)
//! and 職種. Entries are never deleted, only retired, so old meetings keep
//! their names; a retired entry is not offered for new input.

use std::collections::HashSet;

use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};

use super::ITEMS;
use crate::lectures::select;
use crate::{text, Error, Result};

const MAX_ITEMS: usize = 100;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MeetingKind {
    pub id: String,
    pub name: String,
    /// The programme item it is reported under: ア〜ク.
    pub item: String,
    pub retired: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Occupation {
    pub id: String,
    pub name: String,
    pub retired: bool,
}

/// What the list editor sends: the whole list in its new order. Items
/// without an id are new; every existing item must still be there.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KindInput {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub item: String,
    #[serde(default)]
    pub retired: bool,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OccupationInput {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub retired: bool,
}

pub fn kinds(conn: &Connection) -> Result<Vec<MeetingKind>> {
    select(
        conn,
        "SELECT id, name, item, retired FROM meeting_kinds ORDER BY sort_order, name",
        [],
        |r| {
            Ok(MeetingKind {
                id: r.get(0)?,
                name: r.get(1)?,
                item: r.get(2)?,
                retired: r.get(3)?,
            })
        },
    )
}

pub fn occupations(conn: &Connection) -> Result<Vec<Occupation>> {
    select(
        conn,
        "SELECT id, name, retired FROM meeting_occupations ORDER BY sort_order, name",
        [],
        |r| {
            Ok(Occupation {
                id: r.get(0)?,
                name: r.get(1)?,
                retired: r.get(2)?,
            })
        },
    )
}

/// One checked entry of either list.
struct Entry {
    id: Option<String>,
    name: String,
    retired: bool,
    item: Option<&'static str>,
}

/// Checks the names (required, no two alike) and ids of a whole list.
fn check_entries<'a>(
    label: &str,
    input: impl ExactSizeIterator<Item = (Option<&'a str>, &'a str, bool)>,
) -> Result<Vec<Entry>> {
    Ok(text::list_entries(label, "名前", 40, MAX_ITEMS, input)?
        .into_iter()
        .map(|(id, name, retired)| Entry {
            id,
            name,
            retired,
            item: None,
        })
        .collect())
}

/// Writes a checked list in one transaction: names, order, retired flags
/// (and items) of existing entries, and the new ones.
fn save_entries(conn: &mut Connection, table: &str, label: &str, entries: &[Entry]) -> Result<()> {
    let tx = conn.transaction()?;
    let existing: Vec<String> = select(&tx, &format!("SELECT id FROM {table}"), [], |r| r.get(0))?;
    let kept: HashSet<&str> = entries.iter().filter_map(|e| e.id.as_deref()).collect();
    if existing.iter().any(|id| !kept.contains(id.as_str())) {
        return Err(Error::Conflict(format!(
            "{label}の項目は削除できません（過去の記録で使われているため）。使わなくなった項目は「使用しない」にしてください。"
        )));
    }
    // Names stay unique while rows are renamed in any order.
    tx.execute(&format!("UPDATE {table} SET name = '\u{E000}' || id"), [])?;
    for (order, e) in entries.iter().enumerate() {
        let id = match &e.id {
            Some(id) => {
                if !existing.contains(id) {
                    return Err(Error::NotFound {
                        what: "一覧の項目"
                    });
                }
                id.clone()
            }
            None => text::new_id(),
        };
        match e.item {
            Some(item) => tx.execute(
                &format!(
                    "INSERT INTO {table} (id, name, item, sort_order, retired) VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT(id) DO UPDATE SET name = excluded.name, item = excluded.item,
                        sort_order = excluded.sort_order, retired = excluded.retired"
                ),
                params![id, e.name, item, order as i64, e.retired],
            )?,
            None => tx.execute(
                &format!(
                    "INSERT INTO {table} (id, name, sort_order, retired) VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT(id) DO UPDATE SET name = excluded.name,
                        sort_order = excluded.sort_order, retired = excluded.retired"
                ),
                params![id, e.name, order as i64, e.retired],
            )?,
        };
    }
    tx.commit()?;
    Ok(())
}

/// Saves the list of 種類; each names its item ア〜ク.
pub fn save_kinds(conn: &mut Connection, input: &[KindInput]) -> Result<Vec<MeetingKind>> {
    let mut entries = check_entries(
        "会議・研修の種類",
        input
            .iter()
            .map(|k| (k.id.as_deref(), k.name.as_str(), k.retired)),
    )?;
    for (i, (entry, k)) in entries.iter_mut().zip(input).enumerate() {
        let item = ITEMS
            .iter()
            .map(|(letter, _)| *letter)
            .find(|letter| *letter == k.item.trim())
            .ok_or_else(|| {
                Error::invalid(
                    format!("items.{i}.item"),
                    format!("「{}」の事業項目をア〜クから選んでください。", entry.name),
                )
            })?;
        entry.item = Some(item);
    }
    save_entries(conn, "meeting_kinds", "会議・研修の種類", &entries)?;
    kinds(conn)
}

/// Saves the list of 職種.
pub fn save_occupations(
    conn: &mut Connection,
    input: &[OccupationInput],
) -> Result<Vec<Occupation>> {
    let entries = check_entries(
        "職種",
        input
            .iter()
            .map(|o| (o.id.as_deref(), o.name.as_str(), o.retired)),
    )?;
    save_entries(conn, "meeting_occupations", "職種", &entries)?;
    occupations(conn)
}
