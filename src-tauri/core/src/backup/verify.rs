//! Checks of a file about to be restored, which is trusted for nothing: it
//! may come from a USB stick, another PC or someone who edited it. It is
//! opened with SQLite's defensive mode and `trusted_schema=OFF` (so nothing
//! in its schema runs with more than plain SQL rights while it is looked
//! at), and accepted only if its schema is exactly the one this app creates
//! for its version: a trigger or view added to a real backup would
//! otherwise run inside the office's database after the restore.

use std::collections::BTreeSet;
use std::path::Path;

use rusqlite::config::DbConfig;
use rusqlite::{Connection, OpenFlags};

use super::restore::not_a_backup;
use crate::store::{self, DataKey, APPLICATION_ID, SCHEMA_VERSION};
use crate::{text, Error, Result};

/// Opens `path` for the checks: read-only unless `writable` (the staged
/// copy, which is migrated), defensive, schema not trusted; with `key`
/// when it is encrypted (see [`backup_key`]).
pub(super) fn open_untrusted(
    path: &Path,
    writable: bool,
    key: Option<&DataKey>,
) -> Result<Connection> {
    let access = if writable {
        OpenFlags::SQLITE_OPEN_READ_WRITE
    } else {
        OpenFlags::SQLITE_OPEN_READ_ONLY
    };
    let conn = super::open_keyed(path, access | OpenFlags::SQLITE_OPEN_NO_MUTEX, key)
        .map_err(|_| not_a_backup(path))?;
    // Both before the first statement that reads the schema.
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_DEFENSIVE, true)?;
    conn.pragma_update(None, "trusted_schema", "OFF")?;
    Ok(conn)
}

/// The key to open the backup at `path` with: none for a plain SQLite
/// file; the office's data key (`key`) for an encrypted one, which only
/// an encrypted office can open (a backup of this office, or of another
/// office with another key: then [`verify`] refuses it as not ours).
pub(super) fn backup_key<'k>(path: &Path, key: Option<&'k DataKey>) -> Result<Option<&'k DataKey>> {
    let mut header = [0u8; 16];
    let plain = std::fs::File::open(path)
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut header))
        .is_ok_and(|()| &header == b"SQLite format 3\0");
    match (plain, key) {
        (true, _) => Ok(None),
        (false, Some(key)) => Ok(Some(key)),
        (false, None) if crate::keys::path_for(path).exists() => Err(Error::invalid(
            "backup",
            format!(
                "「{}」は暗号化されたバックアップです。暗号化していないデータベースには復元できません。",
                Error::path_text(path)
            ),
        )),
        (false, None) => Err(not_a_backup(path)),
    }
}

/// Every check, in the order that reads least of an unknown file first:
/// our application id, a version this app knows, `integrity_check`, the
/// schema of that version and nothing else, `foreign_key_check`. Returns
/// the version.
pub(super) fn verify(conn: &Connection, path: &Path) -> Result<i64> {
    let header = |sql: &str| -> Result<i64> {
        conn.query_row(sql, [], |r| r.get(0))
            .map_err(|_| not_a_backup(path))
    };
    if header("PRAGMA application_id")? != APPLICATION_ID {
        return Err(not_a_backup(path));
    }
    let version = header("PRAGMA user_version")?;
    if version > SCHEMA_VERSION {
        return Err(Error::NewerSchema {
            found: version,
            supported: SCHEMA_VERSION,
        });
    }
    if version < 1 {
        return Err(not_a_backup(path));
    }
    let integrity: Vec<String> = conn
        .prepare("PRAGMA integrity_check")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .map_err(|_| not_a_backup(path))?;
    if integrity != ["ok"] {
        return Err(Error::Corrupt(format!(
            "バックアップが壊れています（{}）",
            text::quoted(&integrity.join(" / "))
        )));
    }
    compare_schema(&schema_of(conn)?, &expected_schema(version)?)?;
    let broken: i64 = conn.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
        r.get(0)
    })?;
    if broken > 0 {
        return Err(Error::invalid(
            "backup",
            format!("このバックアップには参照先のない行が{broken}件あります。壊れているか書き換えられたおそれがあるため復元しません。"),
        ));
    }
    Ok(version)
}

/// One object of a schema: type, name, table, SQL with its whitespace
/// runs folded (SQLite keeps the text as written).
type Object = (String, String, String, String);

fn schema_of(conn: &Connection) -> Result<BTreeSet<Object>> {
    let mut stmt = conn.prepare("SELECT type, name, tbl_name, sql FROM main.sqlite_master")?;
    let rows = stmt.query_map([], |r| {
        let sql: Option<String> = r.get(3)?;
        Ok((
            r.get(0)?,
            r.get(1)?,
            r.get(2)?,
            sql.unwrap_or_default()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
        ))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The schema this app itself creates for `version`: the migrations run
/// on an empty database in memory.
fn expected_schema(version: i64) -> Result<BTreeSet<Object>> {
    let mut reference = Connection::open_in_memory()?;
    store::migrate_to(&mut reference, version)?;
    schema_of(&reference)
}

fn kind_label(kind: &str) -> &'static str {
    match kind {
        "table" => "表",
        "index" => "索引",
        "view" => "ビュー",
        "trigger" => "トリガー",
        _ => "定義",
    }
}

/// Refuses any object that is extra or different, naming the first one
/// (the name comes from the file, so it is shortened like typed text).
fn compare_schema(found: &BTreeSet<Object>, expected: &BTreeSet<Object>) -> Result<()> {
    if let Some((kind, name, _, _)) = found.difference(expected).next() {
        let known = expected.iter().any(|(k, n, _, _)| k == kind && n == name);
        let what = if known {
            "内容が異なる"
        } else {
            "このアプリが作らない"
        };
        return Err(Error::invalid(
            "backup",
            format!(
                "このバックアップには、{what}{}「{}」があります。書き換えられたおそれがあるため復元しません。",
                kind_label(kind),
                text::quoted(name)
            ),
        ));
    }
    if let Some((kind, name, _, _)) = expected.difference(found).next() {
        return Err(Error::invalid(
            "backup",
            format!(
                "このバックアップには、あるはずの{}「{}」がありません。書き換えられたおそれがあるため復元しません。",
                kind_label(kind),
                text::quoted(name)
            ),
        ));
    }
    Ok(())
}
