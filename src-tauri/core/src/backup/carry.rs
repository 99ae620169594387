//! Histories are not rewound by a restore: the rows that the current
//! database has and the backup lacks are carried into the restored copy,
//! for every table marked `history` in [`store::tables::TABLES`].
//!
//! Normally the backup's history is a prefix of the current one (same rows
//! under the same `seq`): the newer rows are appended with their own `seq`
//! and every column as it was (a hash chain over them stays valid). When it
//! is not (a backup from another PC, or a history changed outside the app),
//! the current rows that the backup lacks are appended after the backup's
//! under new numbers, and the restore record says so.

use rusqlite::Connection;

use crate::store::tables::{RowId, Table, TABLES};
use crate::Result;

/// Carries the newer history of the database attached as `live` into
/// `main`, inside the caller's transaction. Returns notes for the restore
/// record (empty when every history simply continued the backup's).
pub(super) fn carry_history(tx: &Connection) -> Result<Vec<String>> {
    let mut notes = Vec::new();
    for table in TABLES.iter().filter(|t| t.history) {
        let RowId::Column(key) = table.id else {
            continue;
        };
        if !has_table(tx, "main", table.name)? || !has_table(tx, "live", table.name)? {
            continue;
        }
        notes.extend(carry_table(tx, table, key)?);
    }
    Ok(notes)
}

fn has_table(conn: &Connection, schema: &str, name: &str) -> Result<bool> {
    Ok(conn.query_row(
        &format!("SELECT EXISTS (SELECT 1 FROM {schema}.sqlite_master WHERE type = 'table' AND name = ?1)"),
        [name],
        |r| r.get(0),
    )?)
}

fn columns(conn: &Connection, table: &str) -> Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT name FROM pragma_table_info(?1, 'main') ORDER BY cid")?;
    let names = stmt.query_map([table], |r| r.get::<_, String>(0))?;
    Ok(names
        .map(|n| n.map(|n| format!("\"{}\"", n.replace('"', "\"\""))))
        .collect::<rusqlite::Result<_>>()?)
}

fn prefixed(alias: &str, columns: &[String]) -> String {
    columns
        .iter()
        .map(|c| format!("{alias}.{c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn carry_table(tx: &Connection, table: &Table, key: &str) -> Result<Vec<String>> {
    let name = table.name;
    let all = columns(tx, name)?;
    let (b, c) = (prefixed("b", &all), prefixed("c", &all));
    let count = |sql: &str| -> Result<i64> { Ok(tx.query_row(sql, [], |r| r.get(0))?) };
    let backup_max = count(&format!("SELECT COALESCE(max({key}), 0) FROM main.{name}"))?;
    // A backup row the current history lacks or has changed, or a current
    // row inside the backup's range that the backup lacks.
    let diverged = count(&format!(
        "SELECT EXISTS (SELECT 1 FROM main.{name} b LEFT JOIN live.{name} c ON c.{key} = b.{key}
                         WHERE c.{key} IS NULL OR ({b}) IS NOT ({c}))
             OR EXISTS (SELECT 1 FROM live.{name} c WHERE c.{key} <= {backup_max}
                          AND NOT EXISTS (SELECT 1 FROM main.{name} b WHERE b.{key} = c.{key}))"
    ))? == 1;
    let before = count(&format!("SELECT count(*) FROM main.{name}"))?;
    if diverged {
        // New numbers after the backup's: every column but the key.
        let rest: Vec<String> = all
            .iter()
            .filter(|col| col.trim_matches('"') != key)
            .cloned()
            .collect();
        tx.execute_batch(&format!(
            "INSERT INTO main.{name} ({list}) SELECT {c_rest} FROM live.{name} c
              WHERE NOT EXISTS (SELECT 1 FROM main.{name} b WHERE b.{key} = c.{key} AND ({b}) IS ({c}))
              ORDER BY c.{key}",
            list = rest.join(", "),
            c_rest = prefixed("c", &rest),
        ))?;
    } else {
        tx.execute_batch(&format!(
            "INSERT INTO main.{name} ({list}) SELECT {list} FROM live.{name}
              WHERE {key} > {backup_max} ORDER BY {key}",
            list = all.join(", "),
        ))?;
    }
    let carried = count(&format!("SELECT count(*) FROM main.{name}"))? - before;
    let mut notes = Vec::new();
    if diverged {
        notes.push(format!(
            "{}：いまのデータの履歴がバックアップの履歴の続きではないため、バックアップにない{carried}件を後ろに付け加えました",
            table.label
        ));
    }
    let dangling = drop_dangling(tx, table, &all, backup_max)?;
    if !dangling.is_empty() {
        notes.push(format!(
            "{}：元の記録が復元したデータにない{}件は引き継げませんでした（内容：{}）",
            table.label,
            dangling.len(),
            dangling.join(" ")
        ));
    }
    Ok(notes)
}

/// A carried row that refers to a record the backup does not have (the
/// history of a booklet entry made after the backup) would fail
/// `foreign_key_check`; it is removed from the table and its content
/// returned (as JSON) for the restore record instead.
fn drop_dangling(
    tx: &Connection,
    table: &Table,
    columns: &[String],
    backup_max: i64,
) -> Result<Vec<String>> {
    let name = table.name;
    let mut stmt = tx.prepare(&format!("PRAGMA main.foreign_key_check({name})"))?;
    let mut rowids: Vec<i64> = stmt
        .query_map([], |r| r.get::<_, Option<i64>>(1))?
        .collect::<rusqlite::Result<Vec<_>>>()?
        .into_iter()
        .flatten()
        .filter(|rowid| *rowid > backup_max)
        .collect();
    rowids.sort_unstable();
    rowids.dedup();
    let pairs: Vec<String> = columns
        .iter()
        .map(|c| format!("'{}', {c}", c.trim_matches('"').replace('\'', "''")))
        .collect();
    let mut contents = Vec::new();
    for rowid in rowids {
        contents.push(tx.query_row(
            &format!(
                "SELECT json_object({}) FROM main.{name} WHERE rowid = ?1",
                pairs.join(", ")
            ),
            [rowid],
            |r| r.get::<_, String>(0),
        )?);
        tx.execute(
            &format!("DELETE FROM main.{name} WHERE rowid = ?1"),
            [rowid],
        )?;
    }
    Ok(contents)
}
