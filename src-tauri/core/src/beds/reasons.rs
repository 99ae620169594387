//! 利用理由 of a stay: an editable list (急変時, レスパイト, その他 to begin
//! with). Entries are never deleted, only retired, so past stays keep
//! their reason.

use std::collections::HashSet;

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use crate::{text, Error, Result};

const MAX_REASONS: usize = 30;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reason {
    pub id: String,
    pub name: String,
    pub retired: bool,
}

/// The whole list in its new order, as the list editor sends it. Items
/// without an id are new; every existing one must still be there.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReasonInput {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub retired: bool,
}

/// Every reason in the office's order, retired ones included.
pub fn reasons(conn: &Connection) -> Result<Vec<Reason>> {
    let mut stmt =
        conn.prepare("SELECT id, name, retired FROM bed_stay_reasons ORDER BY sort_order, name")?;
    let rows = stmt.query_map([], |r| {
        Ok(Reason {
            id: r.get(0)?,
            name: r.get(1)?,
            retired: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Saves the list (names, order, retired flags, new entries) in one
/// transaction.
pub fn save_reasons(conn: &mut Connection, input: &[ReasonInput]) -> Result<Vec<Reason>> {
    let clean = text::list_entries(
        "利用理由",
        "利用理由",
        30,
        MAX_REASONS,
        input
            .iter()
            .map(|item| (item.id.as_deref(), item.name.as_str(), item.retired)),
    )?;
    if !clean.iter().any(|(_, _, retired)| !retired) {
        return Err(Error::invalid(
            "items",
            "使用する利用理由を1つ以上残してください。",
        ));
    }
    let tx = conn.transaction()?;
    let existing = reasons(&tx)?;
    let kept: HashSet<&str> = clean
        .iter()
        .filter_map(|(id, _, _)| id.as_deref())
        .collect();
    if existing.iter().any(|r| !kept.contains(r.id.as_str())) {
        return Err(Error::Conflict(
            "利用理由は削除できません（過去の利用記録で使われているため）。使わなくなった理由は「使用しない」にしてください。".into(),
        ));
    }
    for (order, (id, name, retired)) in clean.iter().enumerate() {
        // Another row may hold this name until it is renamed further down:
        // move it out of the way first (names are UNIQUE).
        tx.execute(
            "UPDATE bed_stay_reasons SET name = '\u{E000}' || id
              WHERE name = ?1 AND id IS NOT ?2",
            rusqlite::params![name, id],
        )?;
        match id {
            Some(id) => {
                let n = tx.execute(
                    "UPDATE bed_stay_reasons SET name = ?2, sort_order = ?3, retired = ?4
                      WHERE id = ?1",
                    rusqlite::params![id, name, order as i64, retired],
                )?;
                if n == 0 {
                    return Err(Error::NotFound {
                        what: "利用理由"
                    });
                }
            }
            None => {
                tx.execute(
                    "INSERT INTO bed_stay_reasons (id, name, sort_order, retired)
                     VALUES (?1, ?2, ?3, ?4)",
                    rusqlite::params![text::new_id(), name, order as i64, retired],
                )?;
            }
        }
    }
    tx.commit()?;
    reasons(conn)
}
