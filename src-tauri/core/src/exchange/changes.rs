//! What travels: the changeset of the shared tables (session extension),
//! the new rows of the history tables, and the conflicts found when a
//! changeset meets a database that changed too.

use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::sync::{Arc, Mutex};

use rusqlite::fallible_streaming_iterator::FallibleStreamingIterator;
use rusqlite::hooks::Action;
use rusqlite::session::{ChangesetItem, ChangesetIter, ConflictAction, ConflictType, Session};
use rusqlite::types::{Value, ValueRef};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use crate::store::tables::{self, Scope, Table};
use crate::{Error, Result};

/// The exchanged tables that travel in the changeset (not the histories).
pub fn shared_tables(conn: &Connection) -> Result<Vec<&'static Table>> {
    Ok(tables::present(conn)?
        .into_iter()
        .filter(|t| t.scope == Scope::Exchanged && !t.history)
        .collect())
}

/// The exchanged history tables (a union of rows, never the changeset).
pub fn history_tables(conn: &Connection) -> Result<Vec<&'static Table>> {
    Ok(tables::present(conn)?
        .into_iter()
        .filter(|t| t.scope == Scope::Exchanged && t.history)
        .collect())
}

/// The changeset that turns the shared tables of attached `from` into
/// those of `main`.
pub fn diff(conn: &Connection, from: &str) -> Result<Vec<u8>> {
    let mut session = Session::new(conn)?;
    for t in shared_tables(conn)? {
        session.attach(Some(t.name))?;
        session.diff(from, t.name)?;
    }
    let mut out = Vec::new();
    session.changeset_strm(&mut out)?;
    Ok(out)
}

/// The changeset that undoes `changeset`.
pub fn invert(changeset: &[u8]) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut input: &[u8] = changeset;
    rusqlite::session::invert_strm(&mut input, &mut out)?;
    Ok(out)
}

/// (table, inserted, updated, deleted) of a changeset, in table order.
pub fn counts(changeset: &[u8]) -> Result<BTreeMap<String, [usize; 3]>> {
    let mut counts: BTreeMap<String, [usize; 3]> = BTreeMap::new();
    let mut input: &[u8] = changeset;
    let reader: &mut dyn Read = &mut input;
    let mut iter = ChangesetIter::start_strm(&reader)?;
    while let Some(item) = iter.next()? {
        let op = item.op()?;
        let slot = match op.code() {
            Action::SQLITE_INSERT => 0,
            Action::SQLITE_UPDATE => 1,
            _ => 2,
        };
        counts.entry(op.table_name().to_string()).or_default()[slot] += 1;
    }
    Ok(counts)
}

/// The ids of rows of `table` a changeset touches (first key column, as
/// text) with, for inserts, the value of `column` of the new row.
pub fn touched(changeset: &[u8], table: &str, column: Option<usize>) -> Result<Vec<Value>> {
    let mut found = Vec::new();
    let mut input: &[u8] = changeset;
    let reader: &mut dyn Read = &mut input;
    let mut iter = ChangesetIter::start_strm(&reader)?;
    while let Some(item) = iter.next()? {
        let op = item.op()?;
        if op.table_name() != table {
            continue;
        }
        let col = column.unwrap_or(0);
        let value = match op.code() {
            Action::SQLITE_DELETE => item.old_value(col).ok().map(owned),
            _ => item
                .new_value(col)
                .ok()
                .or_else(|| item.old_value(col).ok())
                .map(owned),
        };
        if let Some(v) = value {
            found.push(v);
        }
    }
    Ok(found)
}

/// Rows of one history table, without `seq` and `chain`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HistoryRows {
    pub table: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<serde_json::Value>>,
}

/// Every column of `table` in `schema`, in schema order (the order of a
/// changeset's values).
pub fn table_columns(conn: &Connection, schema: &str, table: &str) -> Result<Vec<String>> {
    Ok(conn
        .prepare("SELECT name FROM pragma_table_info(?1, ?2) ORDER BY cid")?
        .query_map([table, schema], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?)
}

fn content_columns(conn: &Connection, schema: &str, table: &str) -> Result<Vec<String>> {
    Ok(table_columns(conn, schema, table)?
        .into_iter()
        .filter(|n| n != "seq" && n != "chain")
        .collect())
}

fn to_json(value: ValueRef) -> Result<serde_json::Value> {
    Ok(match value {
        ValueRef::Null => serde_json::Value::Null,
        ValueRef::Integer(i) => i.into(),
        ValueRef::Real(r) => r.into(),
        ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned().into(),
        ValueRef::Blob(_) => {
            return Err(Error::Corrupt("変更履歴に想定外の値があります".into()));
        }
    })
}

fn from_json(value: &serde_json::Value) -> Value {
    match value {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Number(n) => n
            .as_i64()
            .map(Value::Integer)
            .unwrap_or_else(|| Value::Real(n.as_f64().unwrap_or_default())),
        serde_json::Value::String(s) => Value::Text(s.clone()),
        other => Value::Text(other.to_string()),
    }
}

/// Rows of `table` in `schema` with `seq` above `after`.
fn rows_after(
    conn: &Connection,
    schema: &str,
    table: &str,
    columns: &[String],
    after: i64,
) -> Result<Vec<Vec<serde_json::Value>>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {} FROM {schema}.{table} WHERE seq > ?1 ORDER BY seq",
        columns.join(", ")
    ))?;
    let mut rows = stmt.query([after])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(
            (0..columns.len())
                .map(|i| to_json(r.get_ref(i)?))
                .collect::<Result<Vec<_>>>()?,
        );
    }
    Ok(out)
}

pub fn max_seq(conn: &Connection, schema: &str, table: &str) -> Result<i64> {
    Ok(conn.query_row(
        &format!("SELECT COALESCE(max(seq), 0) FROM {schema}.{table}"),
        [],
        |r| r.get(0),
    )?)
}

/// The rows of `table` in schema `from` after seq `from_after` that are
/// not among its rows in `other` after `other_after` (a multiset difference
/// by content).
pub fn history_delta(
    conn: &Connection,
    table: &str,
    (from, from_after): (&str, i64),
    (other, other_after): (&str, i64),
) -> Result<HistoryRows> {
    let columns = content_columns(conn, from, table)?;
    let mut known: HashMap<String, usize> = HashMap::new();
    for row in rows_after(conn, other, table, &columns, other_after)? {
        *known
            .entry(serde_json::to_string(&row).unwrap_or_default())
            .or_default() += 1;
    }
    let mut rows = Vec::new();
    for row in rows_after(conn, from, table, &columns, from_after)? {
        let k = serde_json::to_string(&row).unwrap_or_default();
        match known.get_mut(&k) {
            Some(n) if *n > 0 => *n -= 1,
            _ => rows.push(row),
        }
    }
    Ok(HistoryRows {
        table: table.to_string(),
        columns,
        rows,
    })
}

/// Appends history rows with this file's own `seq` (chained by the
/// triggers of an app connection). With `skip_known`, rows already present
/// (same content, counted) are not added again.
pub fn append_history(conn: &Connection, rows: &HistoryRows, skip_known: bool) -> Result<usize> {
    if rows.rows.is_empty() {
        return Ok(0);
    }
    let Some(table) =
        tables::table(&rows.table).filter(|t| t.history && t.scope == Scope::Exchanged)
    else {
        return Err(Error::Corrupt(format!("不明な表「{}」", rows.table)));
    };
    let names = content_columns(conn, "main", table.name)?;
    if names != rows.columns {
        return Err(Error::Corrupt(format!("{}の列が合いません", table.label)));
    }
    let cols = rows.columns.join(", ");
    let marks: Vec<String> = (1..=rows.columns.len()).map(|i| format!("?{i}")).collect();
    let same: Vec<String> = rows
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| format!("{c} IS ?{}", i + 1))
        .collect();
    let mut insert = conn.prepare(&format!(
        "INSERT INTO main.{} ({cols}) VALUES ({})",
        table.name,
        marks.join(", ")
    ))?;
    let mut count = conn.prepare(&format!(
        "SELECT count(*) FROM main.{} WHERE {}",
        table.name,
        same.join(" AND ")
    ))?;
    let mut seen: HashMap<String, i64> = HashMap::new();
    let mut added = 0;
    for row in &rows.rows {
        let values: Vec<Value> = row.iter().map(from_json).collect();
        if skip_known {
            let k = serde_json::to_string(row).unwrap_or_default();
            let earlier = seen.entry(k).or_default();
            let present: i64 =
                count.query_row(rusqlite::params_from_iter(&values), |r| r.get(0))?;
            *earlier += 1;
            if present >= *earlier {
                continue;
            }
        }
        insert.execute(rusqlite::params_from_iter(&values))?;
        added += 1;
    }
    Ok(added)
}

/// How a conflicting record differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConflictKind {
    /// Changed on both PCs (or added on both with the same key).
    BothChanged,
    /// Changed on this PC, deleted on the other.
    DeletedThere,
    /// Deleted on this PC, changed on the other.
    DeletedHere,
}

/// A conflict as the changeset met it: everything needed to show it and to
/// carry out a choice.
#[derive(Debug, Clone)]
pub struct RawConflict {
    pub table: String,
    pub kind: ConflictKind,
    pub columns: Vec<String>,
    pub pk: Vec<usize>,
    pub old: Vec<Option<Value>>,
    pub new: Vec<Option<Value>>,
    pub here: Vec<Option<Value>>,
    /// Columns taken from the other PC without asking (changed there only,
    /// or a stamp where the later wins).
    pub merged: Vec<usize>,
    /// Columns a person must choose.
    pub fields: Vec<usize>,
}

impl RawConflict {
    /// The key of the record as text (key columns joined by "/").
    pub fn row_id(&self) -> String {
        self.pk
            .iter()
            .map(|&i| {
                self.old[i]
                    .as_ref()
                    .or(self.new[i].as_ref())
                    .or(self.here[i].as_ref())
                    .map(text_of)
                    .unwrap_or_default()
            })
            .collect::<Vec<_>>()
            .join("/")
    }

    /// Nothing to ask: same values, or only merged columns.
    pub fn settled(&self) -> bool {
        self.fields.is_empty() && self.kind == ConflictKind::BothChanged
    }
}

fn owned(v: ValueRef) -> Value {
    match v {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => Value::Integer(i),
        ValueRef::Real(r) => Value::Real(r),
        ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => Value::Blob(b.to_vec()),
    }
}

pub fn text_of(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::Integer(i) => i.to_string(),
        Value::Real(r) => r.to_string(),
        Value::Text(t) => t.clone(),
        Value::Blob(b) => format!("({} bytes)", b.len()),
    }
}

/// Stamps where the later value wins instead of asking a person.
const LATER_WINS: &[&str] = &["updated_at", "version"];

/// What the handler saw, before the columns are named.
struct Seen {
    table: String,
    kind: ConflictKind,
    op: Action,
    pk: Vec<usize>,
    old: Vec<Option<Value>>,
    new: Vec<Option<Value>>,
    here: Vec<Option<Value>>,
}

fn values(n: usize, get: impl Fn(usize) -> rusqlite::Result<Value>) -> Vec<Option<Value>> {
    (0..n).map(|i| get(i).ok()).collect()
}

fn seen(conflict: &ConflictType, item: &ChangesetItem) -> Option<Seen> {
    let op = item.op().ok()?;
    let n = op.number_of_columns() as usize;
    let pk: Vec<usize> = item
        .pk()
        .ok()?
        .iter()
        .enumerate()
        .filter(|(_, p)| **p != 0)
        .map(|(i, _)| i)
        .collect();
    let code = op.code();
    let table = op.table_name().to_string();
    let old = values(n, |i| item.old_value(i).map(owned));
    let new = values(n, |i| item.new_value(i).map(owned));
    let here = match conflict {
        ConflictType::SQLITE_CHANGESET_DATA | ConflictType::SQLITE_CHANGESET_CONFLICT => {
            values(n, |i| item.conflict(i).map(owned))
        }
        _ => vec![None; n],
    };
    let kind = match (conflict, code) {
        (ConflictType::SQLITE_CHANGESET_DATA, Action::SQLITE_DELETE) => ConflictKind::DeletedThere,
        (ConflictType::SQLITE_CHANGESET_NOTFOUND, Action::SQLITE_UPDATE) => {
            ConflictKind::DeletedHere
        }
        (ConflictType::SQLITE_CHANGESET_NOTFOUND, _) => return None, // deleted on both
        _ => ConflictKind::BothChanged,
    };
    Some(Seen {
        table,
        kind,
        op: code,
        pk,
        old,
        new,
        here,
    })
}

/// Why the changeset could not be applied at all.
#[derive(Debug, Clone)]
enum Refusal {
    Constraint(String),
    ForeignKey,
}

/// Applies `changeset` to `main` of `conn` (inside the caller's
/// transaction). Rows that meet a change of this PC are omitted and
/// returned as conflicts, never decided here.
pub fn apply(conn: &Connection, changeset: &[u8]) -> Result<Vec<RawConflict>> {
    let found: Arc<Mutex<Vec<Seen>>> = Arc::default();
    let refused: Arc<Mutex<Option<Refusal>>> = Arc::default();
    let (f, r) = (found.clone(), refused.clone());
    let mut input: &[u8] = changeset;
    let applied = conn.apply_strm(
        &mut input,
        None::<fn(&str) -> bool>,
        move |conflict, item| match conflict {
            ConflictType::SQLITE_CHANGESET_FOREIGN_KEY => {
                *r.lock().unwrap() = Some(Refusal::ForeignKey);
                ConflictAction::SQLITE_CHANGESET_ABORT
            }
            ConflictType::SQLITE_CHANGESET_CONSTRAINT => {
                let table = item
                    .op()
                    .map(|o| o.table_name().to_string())
                    .unwrap_or_default();
                *r.lock().unwrap() = Some(Refusal::Constraint(table));
                ConflictAction::SQLITE_CHANGESET_ABORT
            }
            other => {
                if let Some(s) = seen(&other, item) {
                    f.lock().unwrap().push(s);
                }
                ConflictAction::SQLITE_CHANGESET_OMIT
            }
        },
    );
    if let Some(refusal) = refused.lock().unwrap().take() {
        return Err(match refusal {
            Refusal::Constraint(table) => Error::Conflict(format!(
                "{}に、同じ名前などの重複する登録が両方の端末でされています。どちらかの端末で名前を変えてから、もう一度書き出してください。何も取り込んでいません。",
                tables::table(&table).map_or(table.as_str(), |t| t.label)
            )),
            Refusal::ForeignKey => Error::Conflict(
                "この端末で削除した記録に、相手の端末で追加された記録がつながっています。何も取り込んでいません。".into(),
            ),
        });
    }
    applied?;
    let seen = std::mem::take(&mut *found.lock().unwrap());
    let mut conflicts = Vec::new();
    for s in seen {
        let columns = table_columns(conn, "main", &s.table)?;
        conflicts.push(classify(s, columns));
    }
    Ok(conflicts)
}

fn classify(s: Seen, columns: Vec<String>) -> RawConflict {
    let mut merged = Vec::new();
    let mut fields = Vec::new();
    let n = columns.len();
    for i in (0..n).filter(|i| !s.pk.contains(i)) {
        let (old, new, here) = (&s.old[i], &s.new[i], &s.here[i]);
        match (s.kind, s.op) {
            (ConflictKind::BothChanged, Action::SQLITE_INSERT) => {
                if new != here {
                    fields.push(i);
                }
            }
            (ConflictKind::BothChanged, _) => {
                let Some(new) = new else { continue };
                if Some(new) == here.as_ref() {
                    continue;
                }
                if old == here {
                    merged.push(i);
                } else if LATER_WINS.contains(&columns[i].as_str()) {
                    if here.as_ref().is_none_or(|h| later(new, h)) {
                        merged.push(i);
                    }
                } else {
                    fields.push(i);
                }
            }
            (ConflictKind::DeletedThere, _) => {
                if old != here && !LATER_WINS.contains(&columns[i].as_str()) {
                    fields.push(i);
                }
            }
            (ConflictKind::DeletedHere, _) => {
                if new.is_some() && !LATER_WINS.contains(&columns[i].as_str()) {
                    fields.push(i);
                }
            }
        }
    }
    RawConflict {
        table: s.table,
        kind: s.kind,
        columns,
        pk: s.pk,
        old: s.old,
        new: s.new,
        here: s.here,
        merged,
        fields,
    }
}

fn later(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Integer(x), Value::Integer(y)) => x > y,
        (Value::Text(x), Value::Text(y)) => x > y,
        _ => false,
    }
}

/// Which side a person chose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Pick {
    /// Keep this PC's value (or deletion).
    Here,
    /// Take the other PC's value (or deletion).
    There,
}

/// Sets the columns `set` of the conflict's row (found by its key) to
/// their value in `values` (a missing one is NULL).
fn update_columns(
    conn: &Connection,
    c: &RawConflict,
    set: &[usize],
    values: &[Option<Value>],
) -> Result<()> {
    let assigns: Vec<String> = set
        .iter()
        .enumerate()
        .map(|(n, &i)| format!("{} = ?{}", c.columns[i], n + 1))
        .collect();
    let (clause, keys) = key_clause(c, set.len() + 1);
    let mut params: Vec<Value> = set
        .iter()
        .map(|&i| values[i].clone().unwrap_or(Value::Null))
        .collect();
    params.extend(keys);
    conn.execute(
        &format!(
            "UPDATE main.{} SET {} WHERE {clause}",
            c.table,
            assigns.join(", ")
        ),
        rusqlite::params_from_iter(params),
    )?;
    Ok(())
}

fn key_clause(c: &RawConflict, first: usize) -> (String, Vec<Value>) {
    let mut parts = Vec::new();
    let mut params = Vec::new();
    for (n, &i) in c.pk.iter().enumerate() {
        parts.push(format!("{} = ?{}", c.columns[i], first + n));
        params.push(
            c.old[i]
                .clone()
                .or_else(|| c.new[i].clone())
                .or_else(|| c.here[i].clone())
                .unwrap_or(Value::Null),
        );
    }
    (parts.join(" AND "), params)
}

/// Carries out the merged columns of `c` and the person's picks: `record`
/// for the whole record, `field` per column (the field's pick wins).
/// `base` is an attached schema holding the agreed state, for a record
/// restored after a deletion here.
pub fn resolve(
    conn: &Connection,
    c: &RawConflict,
    pick: impl Fn(Option<&str>) -> Pick,
    base: Option<&str>,
) -> Result<()> {
    match c.kind {
        ConflictKind::BothChanged => {
            let mut set: Vec<usize> = c.merged.clone();
            set.extend(
                c.fields
                    .iter()
                    .filter(|&&i| pick(Some(&c.columns[i])) == Pick::There),
            );
            if set.is_empty() {
                return Ok(());
            }
            update_columns(conn, c, &set, &c.new)?;
        }
        ConflictKind::DeletedThere => {
            if pick(None) == Pick::There {
                let (clause, keys) = key_clause(c, 1);
                conn.execute(
                    &format!("DELETE FROM main.{} WHERE {clause}", c.table),
                    rusqlite::params_from_iter(keys),
                )?;
            }
        }
        ConflictKind::DeletedHere => {
            if pick(None) == Pick::There {
                let Some(base) = base else { return Ok(()) };
                let (clause, keys) = key_clause(c, 1);
                let cols = c.columns.join(", ");
                let mut row: Vec<Value> = conn.query_row(
                    &format!("SELECT {cols} FROM {base}.{} WHERE {clause}", c.table),
                    rusqlite::params_from_iter(keys),
                    |r| (0..c.columns.len()).map(|i| r.get::<_, Value>(i)).collect(),
                )?;
                for (i, v) in c.new.iter().enumerate() {
                    if let Some(v) = v {
                        row[i] = v.clone();
                    }
                }
                let marks: Vec<String> = (1..=row.len()).map(|i| format!("?{i}")).collect();
                conn.execute(
                    &format!(
                        "INSERT INTO main.{} ({cols}) VALUES ({})",
                        c.table,
                        marks.join(", ")
                    ),
                    rusqlite::params_from_iter(row),
                )?;
            }
        }
    }
    Ok(())
}

/// Puts the agreed state of a record back to what it was before `c` (in a
/// base or snapshot file, schema `main`): a change this PC kept against the
/// other's then meets the other's value again at the next exchange, as a
/// conflict for a person, instead of overwriting it unseen.
pub fn restore_base(conn: &Connection, c: &RawConflict) -> Result<()> {
    match c.kind {
        ConflictKind::DeletedThere => {
            let cols = c.columns.join(", ");
            let marks: Vec<String> = (1..=c.columns.len()).map(|i| format!("?{i}")).collect();
            let row: Vec<Value> = c
                .old
                .iter()
                .map(|v| v.clone().unwrap_or(Value::Null))
                .collect();
            conn.execute(
                &format!(
                    "INSERT OR REPLACE INTO main.{} ({cols}) VALUES ({})",
                    c.table,
                    marks.join(", ")
                ),
                rusqlite::params_from_iter(row),
            )?;
        }
        ConflictKind::BothChanged | ConflictKind::DeletedHere => {
            let set: Vec<usize> = (0..c.columns.len())
                .filter(|i| !c.pk.contains(i) && c.old[*i].is_some() && c.new[*i].is_some())
                .collect();
            if set.is_empty() {
                return Ok(());
            }
            update_columns(conn, c, &set, &c.old)?;
        }
    }
    Ok(())
}
