//! The few shapes of SQL the lecture files share: reading rows into
//! structs, one row or `NotFound`, a clash on a unique column, a write in
//! one transaction and the insert-or-update of a form.

use rusqlite::types::FromSql;
use rusqlite::{params, Connection, OptionalExtension, Params, Row, ToSql, Transaction};

use crate::{text, Error, Result};

/// A struct from a row's columns, taken in the order its fields are named,
/// and any other fields after a semicolon:
/// `from_row!(r => Venue { id, name, address })`,
/// `from_row!(r => Question { id, text; choices: Vec::new() })`.
macro_rules! from_row {
    ($row:ident => $ty:ident { $($field:ident),+ $(; $($set:ident: $value:expr),+)? }) => {{
        let mut column = 0usize..;
        $ty {
            $($field: $row.get(column.next().unwrap_or_default())?,)+
            $($($set: $value,)+)?
        }
    }};
}

/// Every row `sql` selects, each turned into a value by `map`.
pub(crate) fn select<T>(
    conn: &Connection,
    sql: &str,
    args: impl Params,
    map: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
) -> Result<Vec<T>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt
        .query_map(args, map)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// The row `sql` selects by `id`, or [`Error::NotFound`] naming `what`.
pub(crate) fn one<T>(
    conn: &Connection,
    sql: &str,
    id: &str,
    what: &'static str,
    map: impl FnOnce(&Row<'_>) -> rusqlite::Result<T>,
) -> Result<T> {
    conn.query_row(sql, [id], map)
        .optional()?
        .ok_or(Error::NotFound { what })
}

/// The first column of the row `sql` selects by `id`, or `NotFound`.
pub(crate) fn value<T: FromSql>(
    conn: &Connection,
    sql: &str,
    id: &str,
    what: &'static str,
) -> Result<T> {
    one(conn, sql, id, what, |r| r.get(0))
}

/// The `shown` column of another row of `table` (not `id`) that already has
/// `value` in the unique `column`: what a form's value clashes with.
pub(crate) fn clash(
    conn: &Connection,
    table: &str,
    (column, value): (&str, &dyn ToSql),
    id: &str,
    shown: &str,
) -> Result<Option<String>> {
    let sql = format!("SELECT {shown} FROM {table} WHERE {column} = ?1 AND id <> ?2");
    Ok(conn
        .query_row(&sql, params![value, id], |r| r.get(0))
        .optional()?)
}

/// Runs `write` in one transaction, committed only when it succeeds.
pub(crate) fn in_transaction<T>(
    conn: &mut Connection,
    write: impl FnOnce(&Transaction) -> Result<T>,
) -> Result<T> {
    let tx = conn.transaction()?;
    let done = write(&tx)?;
    tx.commit()?;
    Ok(done)
}

/// The id a form saves under: the edited row's, which must still be there,
/// or a new one.
pub(crate) fn id_to_save(
    conn: &Connection,
    table: &str,
    id: Option<&str>,
    what: &'static str,
) -> Result<String> {
    let Some(id) = id else {
        return Ok(text::new_id());
    };
    let id = text::uuid("id", id)?;
    let sql = format!("SELECT EXISTS (SELECT 1 FROM {table} WHERE id = ?1)");
    if !value::<bool>(conn, &sql, &id, what)? {
        return Err(Error::NotFound { what });
    }
    Ok(id)
}

/// One statement that inserts a row of `table` or, when its id is taken,
/// updates the comma-separated `columns` and updated_at (never created_at).
/// The values are the named parameters `:id`, `:<column>` and `:at`.
pub(crate) fn upsert_sql(table: &str, columns: &str) -> String {
    let columns: Vec<&str> = columns.split(',').map(str::trim).collect();
    let values: Vec<String> = columns.iter().map(|c| format!(":{c}")).collect();
    let set: Vec<String> = columns
        .iter()
        .map(|c| format!("{c} = excluded.{c}"))
        .collect();
    format!(
        "INSERT INTO {table} (id, {}, created_at, updated_at)
         VALUES (:id, {}, :at, :at)
         ON CONFLICT(id) DO UPDATE SET {}, updated_at = excluded.updated_at",
        columns.join(", "),
        values.join(", "),
        set.join(", ")
    )
}
