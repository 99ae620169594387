//! The history tables (every entry of [`TABLES`] marked `history`: case
//! changes, booklet entry changes, the settings change record and the
//! access log) are append-only and hash-chained.
//!
//! - **Append-only.** TEMP triggers that every connection installs refuse an
//!   UPDATE or DELETE of their rows, and an insert that is not the last row.
//!   A restore replaces the whole file through SQLite's backup API, which no
//!   trigger sees.
//! - **Chained.** Each row's `chain` is the BLAKE2b-256 of the previous
//!   row's `chain` (in `seq` order), the table's name and the row's own
//!   columns in a canonical encoding ([`hash`]). A row is chained by an
//!   AFTER INSERT trigger through the SQL function `history_hash`, so rows
//!   written by SQL triggers (audit_log, store/audit.rs) are chained too.
//!   An insert that brings its own `chain` is refused: the chain is the
//!   app's to compute (rows carried forward by a restore are inserted
//!   without it and chained here, see `backup/carry.rs`).
//! - **Anchored.** `history_heads` keeps each table's row count and last
//!   `chain`, updated by the same trigger, so that removing the *last* rows
//!   (which leaves a valid shorter chain) is seen too.
//!
//! [`verify`] (run by `zaitaku check`) recomputes every chain and names
//! the first row that does not fit: a row changed outside the app, rows
//! removed from the middle, rows added without the app, the end cut off, or
//! a `chain` column or `history_heads` removed.
//!
//! Limits: the hash has no secret. Someone who edits the file and
//! recomputes every following link and the head with this algorithm is not
//! detected; the chain shows edits made with ordinary tools (a DB browser,
//! a script), not a determined forger. Stronger evidence would keep the
//! heads outside this file (printed, or on another PC).
//!
//! Exchange between PCs: chains are per table on this PC, in this PC's `seq`
//! order. Rows received from another PC will be appended here with a local
//! `seq` and chained like local rows; the exchange itself must compare rows
//! by their exchanged id (access_log `id`), never by `seq` or `chain`, and
//! each PC checks its own file.
//!
//! A migration that adds a column to a history table changes the encoding
//! of its rows: it must verify the chains first and then call [`link_all`]
//! in the same transaction (as migration 14 does for the first chaining).

use blake2::digest::consts::U32;
use blake2::{Blake2b, Digest};
use rusqlite::functions::FunctionFlags;
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OptionalExtension};

use super::tables::{self, Table};
use crate::Result;

/// The SQL name of [`hash`].
const FUNCTION: &str = "history_hash";

/// The column that orders a history table and its chain.
const ORDER: &str = "seq";

/// The table keeping each chain's length and head.
const HEADS: &str = "history_heads";

/// BLAKE2b-256 of `values` in a canonical encoding (a type tag, then a
/// fixed-width integer or real, or a length-prefixed text or blob), as 64
/// lowercase hex digits. The values are the previous row's `chain` (NULL
/// for the first row), the table name, then the row's columns in schema
/// order without `chain`. Never change this: stored chains depend on it.
pub fn hash<'a>(values: impl IntoIterator<Item = ValueRef<'a>>) -> String {
    let mut hasher = Blake2b::<U32>::new();
    for value in values {
        match value {
            ValueRef::Null => hasher.update(b"N"),
            ValueRef::Integer(i) => {
                hasher.update(b"I");
                hasher.update(i.to_be_bytes());
            }
            ValueRef::Real(r) => {
                hasher.update(b"R");
                hasher.update(r.to_bits().to_be_bytes());
            }
            ValueRef::Text(bytes) | ValueRef::Blob(bytes) => {
                hasher.update(if matches!(value, ValueRef::Text(_)) {
                    b"T"
                } else {
                    b"B"
                });
                hasher.update((bytes.len() as u64).to_be_bytes());
                hasher.update(bytes);
            }
        }
    }
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Registers `history_hash(prev, table, column…)` on this connection. It is
/// deterministic and innocuous (a pure hash), so triggers may use it even
/// with `trusted_schema=OFF`.
pub fn register(conn: &Connection) -> Result<()> {
    conn.create_scalar_function(
        FUNCTION,
        -1,
        FunctionFlags::SQLITE_UTF8
            | FunctionFlags::SQLITE_DETERMINISTIC
            | FunctionFlags::SQLITE_INNOCUOUS,
        |ctx| {
            let values = (0..ctx.len()).map(|i| ctx.get_raw(i));
            Ok(hash(values))
        },
    )?;
    Ok(())
}

/// The first schema version whose history tables are chained.
const CHAINED_SINCE: i64 = 14;

/// The history tables of this database that have their `chain` column. A
/// migration adds it, so before [`CHAINED_SINCE`] (an older backup) there
/// are none; after it, a table without one was changed outside the app
/// ([`verify`] says so).
fn chained(conn: &Connection) -> Result<Vec<&'static Table>> {
    let mut found = Vec::new();
    for table in tables::present(conn)?.into_iter().filter(|t| t.history) {
        if has_chain(conn, table)? {
            found.push(table);
        }
    }
    Ok(found)
}

fn has_chain(conn: &Connection, table: &Table) -> Result<bool> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM pragma_table_info(?1) WHERE name = 'chain')",
        [table.name],
        |r| r.get(0),
    )?)
}

/// The columns of `table` that its chain covers, in schema order.
fn columns(conn: &Connection, table: &str) -> Result<Vec<String>> {
    let names = conn
        .prepare("SELECT name FROM pragma_table_info(?1) ORDER BY cid")?
        .query_map([table], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(names.into_iter().filter(|n| n != "chain").collect())
}

fn triggers_sql(table: &Table, columns: &[String]) -> String {
    let (name, label) = (table.name, table.label);
    let edited: Vec<&str> = columns.iter().map(String::as_str).collect();
    let new_values: Vec<String> = columns.iter().map(|c| format!("NEW.{c}")).collect();
    format!(
        "CREATE TEMP TRIGGER IF NOT EXISTS history_{name}_no_update
           BEFORE UPDATE OF {edited} ON main.{name}
         BEGIN SELECT RAISE(ABORT, '{label}は追記だけができ、変更できません'); END;
         CREATE TEMP TRIGGER IF NOT EXISTS history_{name}_chain_once
           BEFORE UPDATE OF chain ON main.{name} WHEN OLD.chain IS NOT NULL
         BEGIN SELECT RAISE(ABORT, '{label}は追記だけができ、変更できません'); END;
         CREATE TEMP TRIGGER IF NOT EXISTS history_{name}_no_delete
           BEFORE DELETE ON main.{name}
         BEGIN SELECT RAISE(ABORT, '{label}は削除できません'); END;
         CREATE TEMP TRIGGER IF NOT EXISTS history_{name}_no_given_chain
           BEFORE INSERT ON main.{name} WHEN NEW.chain IS NOT NULL
         BEGIN SELECT RAISE(ABORT, '{label}の連鎖はアプリが計算します'); END;
         CREATE TEMP TRIGGER IF NOT EXISTS history_{name}_link
           AFTER INSERT ON main.{name}
         BEGIN
           SELECT RAISE(ABORT, '{label}は末尾にだけ追記できます')
            WHERE NEW.{ORDER} < (SELECT max({ORDER}) FROM main.{name});
           UPDATE main.{name} SET chain = {FUNCTION}(
               (SELECT p.chain FROM main.{name} p WHERE p.{ORDER} < NEW.{ORDER}
                 ORDER BY p.{ORDER} DESC LIMIT 1),
               '{name}', {new_values})
            WHERE {ORDER} = NEW.{ORDER};
           UPDATE main.{HEADS}
              SET rows = rows + 1,
                  head = (SELECT chain FROM main.{name} WHERE {ORDER} = NEW.{ORDER})
            WHERE table_name = '{name}';
         END;\n",
        edited = edited.join(", "),
        new_values = new_values.join(", "),
    )
}

/// Installs the append-only guards and the chaining triggers on this
/// connection (temp schema: made again on every open, not part of the file).
pub fn install(conn: &Connection) -> Result<()> {
    register(conn)?;
    let mut sql = String::new();
    for table in chained(conn)? {
        sql.push_str(&triggers_sql(table, &columns(conn, table.name)?));
    }
    conn.execute_batch(&sql)?;
    Ok(())
}

/// Drops the triggers [`install`] made, before a migration changes the
/// tables they name.
pub(super) fn uninstall(conn: &Connection) -> Result<()> {
    let names = conn
        .prepare(
            "SELECT name FROM temp.sqlite_master WHERE type = 'trigger' AND name GLOB 'history_*'",
        )?
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for name in names {
        conn.execute_batch(&format!("DROP TRIGGER IF EXISTS temp.\"{name}\";"))?;
    }
    Ok(())
}

/// The rows of `table` in chain order: `seq`, the stored `chain`, and the
/// hash its content should have after `prev`, computed as they are read.
fn walk(
    conn: &Connection,
    table: &Table,
    mut each: impl FnMut(i64, Option<String>, &dyn Fn(Option<&str>) -> String) -> Result<()>,
) -> Result<()> {
    let columns = columns(conn, table.name)?;
    let mut stmt = conn.prepare(&format!(
        "SELECT {ORDER}, chain, {} FROM main.{} ORDER BY {ORDER}",
        columns.join(", "),
        table.name
    ))?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let seq: i64 = row.get(0)?;
        let stored: Option<String> = row.get(1)?;
        let content: Vec<ValueRef> = (0..columns.len())
            .map(|i| row.get_ref(i + 2))
            .collect::<rusqlite::Result<_>>()?;
        let expected = |prev: Option<&str>| {
            let head = [
                prev.map_or(ValueRef::Null, |p| ValueRef::Text(p.as_bytes())),
                ValueRef::Text(table.name.as_bytes()),
            ];
            hash(head.into_iter().chain(content.iter().copied()))
        };
        each(seq, stored, &expected)?;
    }
    Ok(())
}

/// Chains every row of every history table from scratch and records the
/// heads. Only a migration calls this, before the guards are installed.
pub(super) fn link_all(conn: &Connection) -> Result<()> {
    for table in chained(conn)? {
        let mut links: Vec<(i64, String)> = Vec::new();
        walk(conn, table, |seq, _, expected| {
            let prev = links.last().map(|(_, c)| c.as_str());
            let chain = expected(prev);
            links.push((seq, chain));
            Ok(())
        })?;
        let mut update = conn.prepare(&format!(
            "UPDATE main.{} SET chain = ?2 WHERE {ORDER} = ?1",
            table.name
        ))?;
        for (seq, chain) in &links {
            update.execute(rusqlite::params![seq, chain])?;
        }
        conn.execute(
            &format!(
                "INSERT INTO main.{HEADS} (table_name, rows, head) VALUES (?1, ?2, ?3)
                 ON CONFLICT (table_name) DO UPDATE SET rows = excluded.rows, head = excluded.head"
            ),
            rusqlite::params![table.name, links.len() as i64, links.last().map(|l| &l.1)],
        )?;
    }
    Ok(())
}

/// A history table whose chain does not fit: what staff call it and what
/// was found, first broken link first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Break {
    pub table: &'static str,
    pub label: &'static str,
    /// The `seq` of the first row that does not fit, if a row does.
    pub first_seq: Option<i64>,
    pub message: String,
}

fn seq_range(from: i64, to: i64) -> String {
    if from == to {
        format!("{from}番")
    } else {
        format!("{from}〜{to}番")
    }
}

/// Checks every chain and head; empty when every history table is as the
/// app wrote it.
pub fn verify(conn: &Connection) -> Result<Vec<Break>> {
    let mut breaks = Vec::new();
    if super::schema_version(conn)? < CHAINED_SINCE {
        return Ok(breaks);
    }
    let present = tables::present(conn)?;
    let heads_kept = present.iter().any(|t| t.name == HEADS);
    for table in present.iter().filter(|t| t.history) {
        let missing = if !has_chain(conn, table)? {
            Some("連鎖の列（chain）が削除されています")
        } else if !heads_kept {
            Some("連鎖の末尾の記録（history_heads）が削除されています")
        } else {
            None
        };
        if let Some(message) = missing {
            breaks.push(Break {
                table: table.name,
                label: table.label,
                first_seq: None,
                message: message.to_string(),
            });
        }
    }
    if !breaks.is_empty() {
        return Ok(breaks);
    }
    for table in chained(conn)? {
        let mut findings: Vec<(i64, String)> = Vec::new();
        let (mut prev_seq, mut prev_chain, mut count) = (0_i64, None::<String>, 0_i64);
        walk(conn, table, |seq, stored, expected| {
            count += 1;
            let fits = stored.as_deref() == Some(expected(prev_chain.as_deref()).as_str());
            if !fits {
                let what = match &stored {
                    None => format!("{seq}番の行がアプリの外で書き込まれています"),
                    Some(_) if seq > prev_seq + 1 => format!(
                        "{}の行が削除されているか、{seq}番の行が書き換えられています",
                        seq_range(prev_seq + 1, seq - 1)
                    ),
                    Some(_) => format!("{seq}番の行が書き換えられています"),
                };
                findings.push((seq, what));
            }
            prev_seq = seq;
            prev_chain = stored;
            Ok(())
        })?;
        let (rows, head): (i64, Option<String>) = conn
            .query_row(
                &format!("SELECT rows, head FROM main.{HEADS} WHERE table_name = ?1"),
                [table.name],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?
            .unwrap_or((0, None));
        let mut tail = Vec::new();
        if count < rows {
            tail.push(format!(
                "記録では{rows}行あるはずが{count}行しかありません（{}行が削除されています）",
                rows - count
            ));
        } else if count > rows && findings.is_empty() {
            tail.push(format!(
                "記録では{rows}行のはずが{count}行あります（アプリの外で追加されています）"
            ));
        }
        if prev_chain != head && findings.is_empty() && tail.is_empty() {
            tail.push("末尾の行が書き換えられたか削除されています".to_string());
        }
        if findings.is_empty() && tail.is_empty() {
            continue;
        }
        let first_seq = findings.first().map(|(seq, _)| *seq);
        let mut parts: Vec<String> = findings.iter().take(3).map(|(_, m)| m.clone()).collect();
        if findings.len() > 3 {
            parts.push(format!("ほか{}か所", findings.len() - 3));
        }
        parts.extend(tail);
        breaks.push(Break {
            table: table.name,
            label: table.label,
            first_seq,
            message: parts.join("、"),
        });
    }
    Ok(breaks)
}
