//! Histories are not rewound by a restore: the rows that the current
//! database has and the backup lacks are carried into the restored copy,
//! for every table marked `history` in [`store::tables::TABLES`].
//!
//! Normally the backup's history is a prefix of the current one (same rows
//! under the same `seq`): the newer rows are appended with their own `seq`
//! and every column as it was (so a hash chain, recomputed as each row is
//! appended, comes out as it was). When it
//! is not (a backup from another PC, or a history changed outside the app),
//! the current rows that the backup lacks are appended after the backup's
//! under new numbers, and the restore record says so. Rows are only ever
//! inserted here, never updated or deleted (histories are append-only).

use rusqlite::Connection;

use crate::store::tables::{Table, TABLES};
use crate::Result;

/// The order of a history: its `INTEGER PRIMARY KEY`, the number of a row
/// on this PC (whatever names the row across PCs, as `id` does in the
/// access log).
const ORDER: &str = "seq";

/// Carries the newer history of the database attached as `live` into
/// `main`, inside the caller's transaction. Returns notes for the restore
/// record (empty when every history simply continued the backup's).
pub(super) fn carry_history(tx: &Connection) -> Result<Vec<String>> {
    let mut notes = Vec::new();
    for table in TABLES.iter().filter(|t| t.history) {
        if !has_table(tx, "main", table.name)? || !has_table(tx, "live", table.name)? {
            continue;
        }
        notes.extend(carry_table(tx, table, ORDER)?);
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

/// A column that is not data but computed when a row is appended: the
/// hash chain of a history (once it has one), made by the connection's
/// history triggers for each carried row as for any other.
const COMPUTED: &str = "chain";

/// The columns of `table` that are carried and compared, quoted.
fn columns(conn: &Connection, table: &str) -> Result<Vec<String>> {
    let mut stmt = conn
        .prepare("SELECT name FROM pragma_table_info(?1, 'main') WHERE name <> ?2 ORDER BY cid")?;
    let names = stmt.query_map([table, COMPUTED], |r| r.get::<_, String>(0))?;
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
    // The current rows the backup lacks: after its end, or (diverged) any
    // row that is not the same row under the same number.
    let wanted = if diverged {
        format!(
            "NOT EXISTS (SELECT 1 FROM main.{name} b WHERE b.{key} = c.{key} AND ({b}) IS ({c}))"
        )
    } else {
        format!("c.{key} > {backup_max}")
    };
    let resolvable = references_resolve(tx, name)?;
    let dangling = dangling_rows(tx, name, &all, &format!("{wanted} AND NOT ({resolvable})"))?;
    // Diverged: new numbers after the backup's (every column but the key).
    let carried_columns: Vec<String> = if diverged {
        all.iter()
            .filter(|col| col.trim_matches('"') != key)
            .cloned()
            .collect()
    } else {
        all.clone()
    };
    let carried = tx.execute(
        &format!(
            "INSERT INTO main.{name} ({list}) SELECT {from_live} FROM live.{name} c
              WHERE {wanted} AND {resolvable} ORDER BY c.{key}",
            list = carried_columns.join(", "),
            from_live = prefixed("c", &carried_columns),
        ),
        [],
    )?;
    let mut notes = Vec::new();
    if diverged {
        notes.push(format!(
            "{}：いまのデータの履歴がバックアップの履歴の続きではないため、バックアップにない{carried}件を後ろに付け加えました",
            table.label
        ));
    }
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

/// A condition on a current row `c` that holds when every record it
/// refers to (its foreign keys) is in the restored data.
fn references_resolve(tx: &Connection, table: &str) -> Result<String> {
    let mut stmt =
        tx.prepare("SELECT \"table\", \"from\", \"to\" FROM pragma_foreign_key_list(?1, 'main')")?;
    let keys = stmt.query_map([table], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, Option<String>>(2)?,
        ))
    })?;
    let mut conditions = vec!["1".to_string()];
    for key in keys {
        let (parent, from, to) = key?;
        let to = to.unwrap_or_else(|| "rowid".into());
        conditions.push(format!(
            "(c.\"{from}\" IS NULL OR EXISTS (SELECT 1 FROM main.\"{parent}\" p WHERE p.\"{to}\" = c.\"{from}\"))"
        ));
    }
    Ok(conditions.join(" AND "))
}

/// A carried row that refers to a record the backup does not have (the
/// history of a booklet entry made after the backup) cannot go into its
/// table without failing `foreign_key_check`; its content (as JSON) goes
/// into the restore record instead. The rows of current `c` matching `which`.
fn dangling_rows(
    tx: &Connection,
    name: &str,
    columns: &[String],
    which: &str,
) -> Result<Vec<String>> {
    let pairs: Vec<String> = columns
        .iter()
        .map(|col| format!("'{}', c.{col}", col.trim_matches('"').replace('\'', "''")))
        .collect();
    let mut stmt = tx.prepare(&format!(
        "SELECT json_object({}) FROM live.{name} c WHERE {which} ORDER BY rowid",
        pairs.join(", ")
    ))?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
