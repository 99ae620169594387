//! 持ち出しと持ち帰り: the office PCs share one set of records without a
//! network database. One PC is the 親機; the others (子機) start from a
//! setup file the 親機 writes, export their changes to a file, and take in
//! the 親機's reply. See `DESIGN.md` in this folder for the decisions
//! (agreed state, keys, 受付番号, triggers, conflicts, files).

pub mod auto;
pub mod changes;
pub mod file;
mod flow;

use std::path::{Path, PathBuf};

use rusqlite::types::ValueRef;
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::store::{self, history};
use crate::{text, Error, Result};

pub use changes::{ConflictKind, Pick};
pub use flow::{
    apply, export, import, keep_for_screen, prepare, recover, start_child, status, take_reply,
    Applied, Choice, Conflict, DeviceStatus, Exported, FieldConflict, KindCount, Preview, Status,
    Taken,
};

pub(crate) const KIND_SETUP: &str = "setup";
pub(crate) const KIND_EXPORT: &str = "export";
pub(crate) const KIND_REPLY: &str = "reply";

/// The extension of export and reply files; a setup file is `.zds`.
pub const EXTENSION: &str = "zdx";
pub const SETUP_EXTENSION: &str = "zds";

/// 受付番号 of 子機 k are k × BLOCK + 1, …; the 親機's are below BLOCK.
pub const BLOCK: i64 = 1_000_000;
/// The search index keeps 24 bits of the number: blocks up to 15 fit.
pub const MAX_DEVICES: i64 = 15;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 親機: the office's main PC, which takes in and answers.
    Parent,
    /// 子機: started from the 親機's setup file.
    Child,
}

impl Role {
    pub fn label(self) -> &'static str {
        match self {
            Role::Parent => "親機",
            Role::Child => "子機",
        }
    }
    fn code(self) -> &'static str {
        match self {
            Role::Parent => "parent",
            Role::Child => "child",
        }
    }
}

/// This PC in the exchange, kept in its local settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Identity {
    pub office_id: String,
    pub device_id: String,
    /// 0 for the 親機, 1…15 for a 子機: its block of 受付番号.
    pub device_no: i64,
    pub name: String,
    pub role: Role,
    pub role_label: &'static str,
}

const OFFICE_ID: &str = "exchange.office_id";
const DEVICE_ID: &str = "exchange.device_id";
const DEVICE_NO: &str = "exchange.device_no";
const DEVICE_NAME: &str = "exchange.device_name";
const ROLE: &str = "exchange.role";
/// 子機: the agreed state it holds. 親機: the 子機 it serves (JSON).
const BASE_ID: &str = "exchange.base_id";
const DEVICES: &str = "exchange.devices";
/// Ids of the files taken in (JSON list), for 「取り込み済みです」.
const TAKEN: &str = "exchange.taken";

/// This PC's identity, `None` while it has never exchanged.
pub fn identity(conn: &Connection) -> Result<Option<Identity>> {
    let Some(role) = store::setting(conn, ROLE)? else {
        return Ok(None);
    };
    let role = if role == Role::Child.code() {
        Role::Child
    } else {
        Role::Parent
    };
    let get = |k: &str| -> Result<String> { Ok(store::setting(conn, k)?.unwrap_or_default()) };
    Ok(Some(Identity {
        office_id: get(OFFICE_ID)?,
        device_id: get(DEVICE_ID)?,
        device_no: get(DEVICE_NO)?.parse().unwrap_or(0),
        name: get(DEVICE_NAME)?,
        role,
        role_label: role.label(),
    }))
}

fn write_identity(conn: &Connection, id: &Identity) -> Result<()> {
    store::set_setting(conn, OFFICE_ID, &id.office_id)?;
    store::set_setting(conn, DEVICE_ID, &id.device_id)?;
    store::set_setting(conn, DEVICE_NO, &id.device_no.to_string())?;
    store::set_setting(conn, DEVICE_NAME, &id.name)?;
    store::set_setting(conn, ROLE, id.role.code())?;
    Ok(())
}

/// A PC's name as typed: 1–30 characters.
pub fn clean_name(field: &str, name: &str) -> Result<String> {
    text::single_line(field, "端末の名前", name, 30, true)
}

/// Makes this PC the 親機 (keeping its identity if it already is one) and
/// names it.
pub fn become_parent(conn: &mut Connection, name: &str) -> Result<Identity> {
    let name = clean_name("name", name)?;
    let tx = conn.transaction()?;
    let id = match identity(&tx)? {
        Some(id) if id.role == Role::Child => {
            return Err(Error::Conflict(
                "この端末は子機です。親機にはできません。".into(),
            ))
        }
        Some(id) => Identity { name, ..id },
        None => Identity {
            office_id: text::new_id(),
            device_id: text::new_id(),
            device_no: 0,
            name,
            role: Role::Parent,
            role_label: Role::Parent.label(),
        },
    };
    write_identity(&tx, &id)?;
    tx.commit()?;
    Ok(id)
}

/// The next 受付番号 of this PC: in its own block, so that two PCs never
/// give the same number and no number is ever changed by an exchange.
pub fn next_case_no(conn: &Connection) -> Result<i64> {
    let no: i64 = store::setting(conn, DEVICE_NO)?
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let low = no * BLOCK;
    Ok(conn.query_row(
        "SELECT COALESCE(max(case_no), ?1) + 1 FROM cases WHERE case_no > ?1 AND case_no < ?2",
        [low, low + BLOCK],
        |r| r.get(0),
    )?)
}

/// A fingerprint of the shared records (every exchanged table; history
/// rows by their content, not this PC's `seq` and `chain`): the same on two
/// PCs that hold the same records. BLAKE2b-256, so stable everywhere.
pub fn shared_fingerprint(conn: &Connection) -> Result<String> {
    let mut digests: Vec<String> = Vec::new();
    for t in changes::shared_tables(conn)? {
        let cols = changes::table_columns(conn, "main", t.name)?;
        let pk: Vec<String> = conn
            .prepare("SELECT name FROM pragma_table_info(?1) WHERE pk > 0 ORDER BY pk")?
            .query_map([t.name], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let order = if pk.is_empty() { cols.clone() } else { pk };
        digests.push(table_digest(conn, t.name, &cols, &order.join(", "), false)?);
    }
    for t in changes::history_tables(conn)? {
        let cols: Vec<String> = changes::table_columns(conn, "main", t.name)?
            .into_iter()
            .filter(|c| c != "seq" && c != "chain")
            .collect();
        digests.push(table_digest(conn, t.name, &cols, "seq", true)?);
    }
    Ok(history::hash(
        digests.iter().map(|d| ValueRef::Text(d.as_bytes())),
    ))
}

fn table_digest(
    conn: &Connection,
    table: &str,
    cols: &[String],
    order: &str,
    unordered: bool,
) -> Result<String> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {} FROM main.{table} ORDER BY {order}",
        cols.join(", ")
    ))?;
    let mut rows = stmt.query([])?;
    let mut each: Vec<String> = Vec::new();
    while let Some(r) = rows.next()? {
        let values = (0..cols.len())
            .map(|i| r.get_ref(i))
            .collect::<rusqlite::Result<Vec<_>>>()?;
        each.push(history::hash(values));
    }
    if unordered {
        each.sort_unstable();
    }
    let head = [ValueRef::Text(table.as_bytes())];
    Ok(history::hash(
        head.into_iter()
            .chain(each.iter().map(|d| ValueRef::Text(d.as_bytes()))),
    ))
}

/// The folder beside the database that holds the agreed state(s) and the
/// files kept until an exchange is complete.
pub fn folder(db: &Path) -> PathBuf {
    let dir = db.parent().filter(|p| !p.as_os_str().is_empty());
    dir.map_or_else(|| PathBuf::from("exchange"), |d| d.join("exchange"))
}

/// State kept inside a base (or snapshot) file.
fn base_state(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT value FROM main.exchange_state WHERE key = ?1",
            [key],
            |r| r.get(0),
        )
        .optional()?)
}

fn set_base_state(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO main.exchange_state (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [key, value],
    )?;
    Ok(())
}

fn json_setting<T: for<'de> Deserialize<'de> + Default>(conn: &Connection, key: &str) -> Result<T> {
    Ok(store::setting(conn, key)?
        .and_then(|v| serde_json::from_str(&v).ok())
        .unwrap_or_default())
}

fn set_json_setting<T: Serialize>(conn: &Connection, key: &str, value: &T) -> Result<()> {
    store::set_setting(
        conn,
        key,
        &serde_json::to_string(value).map_err(|e| Error::Corrupt(e.to_string()))?,
    )
}
