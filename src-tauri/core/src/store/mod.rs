//! Opening the database: checks that leave foreign files untouched, the
//! connection settings every connection needs, and the migrations.

pub mod audit;
pub mod history;
pub mod key;
mod migrations;
pub mod tables;

use std::fs::OpenOptions;
use std::io::Read;
use std::path::Path;
use std::time::Duration;

use rusqlite::{OpenFlags, OptionalExtension};

use crate::{Error, Result};

pub use key::DataKey;
pub use migrations::{migrate, migrate_to, SCHEMA_VERSION};

/// An optional id from a form: empty is none, anything else must be a UUID.
pub fn optional_id(field: &str, value: &str) -> Result<Option<String>> {
    match value.trim() {
        "" => Ok(None),
        v => crate::text::uuid(field, v).map(Some),
    }
}

fn exists(conn: &Connection, table: &str, id: &str) -> Result<bool> {
    Ok(conn.query_row(
        &format!("SELECT EXISTS (SELECT 1 FROM {table} WHERE id = ?1)"),
        [id],
        |r| r.get(0),
    )?)
}

/// An optional reference to a row of `table` (a table name from code, never
/// from input): empty is none, an unknown id is refused naming the field.
pub fn known_id(
    conn: &Connection,
    table: &str,
    field: &str,
    what: &str,
    value: &str,
) -> Result<Option<String>> {
    let Some(id) = optional_id(field, value)? else {
        return Ok(None);
    };
    if !exists(conn, table, &id)? {
        return Err(Error::invalid(
            field,
            format!("選ばれた{what}が見つかりません。"),
        ));
    }
    Ok(Some(id))
}

const STAMP_FORMAT: &str = "%Y-%m-%dT%H:%M:%S";
const ISO_FORMAT: &str = "%Y-%m-%d";

/// A setting of this PC (`app_settings`), `None` when never saved.
pub fn setting(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT value FROM app_settings WHERE key = ?1",
            [key],
            |r| r.get(0),
        )
        .optional()?)
}

/// Saves a setting of this PC.
pub fn set_setting(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO app_settings (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [key, value],
    )?;
    Ok(())
}

/// A moment as stored in every table: ISO 8601 local time to the second.
pub fn stamp(at: chrono::NaiveDateTime) -> String {
    at.format(STAMP_FORMAT).to_string()
}

/// A day as stored in every table (and compared as text): YYYY-MM-DD.
pub fn iso(day: chrono::NaiveDate) -> String {
    day.format(ISO_FORMAT).to_string()
}

/// Reads a stored moment back. The app wrote it, so an unreadable one means
/// the file was changed behind the app's back: [`Error::Corrupt`], never a
/// made-up date.
pub fn parse_stamp(stored: &str) -> Result<chrono::NaiveDateTime> {
    chrono::NaiveDateTime::parse_from_str(stored, STAMP_FORMAT).map_err(|_| {
        Error::Corrupt(format!(
            "日時「{}」を読み取れません",
            crate::text::quoted(stored)
        ))
    })
}

/// Reads a stored day back; see [`parse_stamp`].
pub fn parse_iso(stored: &str) -> Result<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(stored, ISO_FORMAT).map_err(|_| {
        Error::Corrupt(format!(
            "日付「{}」を読み取れません",
            crate::text::quoted(stored)
        ))
    })
}

const CLOCK_FORMAT: &str = "%H:%M";

/// A time of day as stored (and compared, as text): HH:MM.
pub fn clock(time: chrono::NaiveTime) -> String {
    time.format(CLOCK_FORMAT).to_string()
}

/// Reads a stored time of day back; see [`parse_stamp`].
pub fn parse_clock(stored: &str) -> Result<chrono::NaiveTime> {
    chrono::NaiveTime::parse_from_str(stored, CLOCK_FORMAT).map_err(|_| {
        Error::Corrupt(format!(
            "時刻「{}」を読み取れません",
            crate::text::quoted(stored)
        ))
    })
}

/// Reads a stored month (YYYY-MM, as in 月別 tallies) as its first day.
pub fn parse_month(stored: &str) -> Result<chrono::NaiveDate> {
    parse_iso(&format!("{stored}-01"))
}
pub use rusqlite::Connection;

/// Written into the SQLite header (`PRAGMA application_id`) so that another
/// program's SQLite file is never mistaken for ours. "ZDSK".
pub const APPLICATION_ID: i64 = 0x5A44_534B;

const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// Opens (creating if missing) the office database at `path`, refusing
/// anything that is not ours or is newer than this program, and brings the
/// schema up to date. An encrypted database is refused
/// ([`Error::Encrypted`]): it opens with [`open_with`] and its key.
pub fn open(path: &Path) -> Result<Connection> {
    open_with(path, None)
}

/// [`open`] with the data key of an encrypted database (`None`: a plain
/// one). With a key, a missing or empty file becomes an encrypted database.
pub fn open_with(path: &Path, key: Option<&DataKey>) -> Result<Connection> {
    let conn = open_checked(path, key)?;
    audit::install(&conn)?;
    Ok(conn)
}

/// How a database file is stored, from its first bytes and the key file
/// beside it: encrypted iff its key file exists and its header is not
/// SQLite's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Storage {
    /// No file yet, or an empty one.
    New,
    Plain,
    Encrypted,
}

/// The [`Storage`] of the database at `path`, after the same checks as
/// opening (a folder or an unreadable file is refused; a file that is
/// neither SQLite nor has a key file is not ours).
pub fn storage(path: &Path) -> Result<Storage> {
    match preflight(path)? {
        Header::Empty => Ok(Storage::New),
        Header::Plain => Ok(Storage::Plain),
        Header::Other if crate::keys::path_for(path).exists() => Ok(Storage::Encrypted),
        Header::Other => Err(Error::NotADatabase {
            path: Error::path_text(path),
        }),
    }
}

/// [`open`] up to the change-record triggers.
fn open_checked(path: &Path, key: Option<&DataKey>) -> Result<Connection> {
    let shown = || Error::path_text(path);
    match (storage(path)?, key) {
        (Storage::Encrypted, None) => return Err(Error::Encrypted { path: shown() }),
        (Storage::Plain, Some(_)) => {
            return Err(Error::Conflict(format!(
                "「{}」は暗号化されていません。鍵なしで開いてください。",
                shown()
            )))
        }
        _ => {}
    }
    open_unchecked(path, key)
}

/// [`open_with`] for an encrypted database file that is still being made
/// (`keys::convert`'s copy, before its key file exists): the same
/// settings, migrations and triggers, without asking the key file.
pub(crate) fn open_staged(path: &Path, key: &DataKey) -> Result<Connection> {
    let conn = open_unchecked(path, Some(key))?;
    audit::install(&conn)?;
    Ok(conn)
}

/// [`open_checked`] after the storage check.
fn open_unchecked(path: &Path, key: Option<&DataKey>) -> Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| open_error(path, e))?;
    let mut conn = conn;
    if let Some(key) = key {
        key.unlock(&conn)?;
    }
    conn.busy_timeout(Duration::from_secs(5))?;
    // Only read the header before deciding: a refused file must stay as it is.
    check_identity(&conn, path).map_err(|e| match (e, key) {
        (Error::NotADatabase { path }, Some(_)) => Error::WrongKey { path },
        (e, _) => e,
    })?;
    configure(&conn)?;
    migrate(&mut conn)?;
    Ok(conn)
}

/// [`open`] for a command that only reads and then records its output in
/// the access log (the command line's exports and PDFs): the same checks,
/// migrations and history chains, without the change-record triggers of
/// [`audit`]. Compiling those ~100 triggers is most of an open (~5 of
/// ~6 ms), and a command that changes nothing needs none. So that nothing
/// can change unrecorded, the connection is `query_only` until
/// [`allow_access_record`].
pub fn open_for_output(path: &Path) -> Result<Connection> {
    open_for_output_with(path, None)
}

/// [`open_for_output`] with the data key of an encrypted database.
pub fn open_for_output_with(path: &Path, key: Option<&DataKey>) -> Result<Connection> {
    let conn = open_checked(path, key)?;
    conn.pragma_update(None, "query_only", true)?;
    Ok(conn)
}

/// Lets a connection from [`open_for_output`] write again, for the access
/// log's record of the output made (access_log is a history table: its
/// chain triggers are installed; it has no change record).
pub fn allow_access_record(conn: &Connection) -> Result<()> {
    conn.pragma_update(None, "query_only", false)?;
    Ok(())
}

/// An in-memory database with the full schema, for tests and benchmarks.
pub fn open_in_memory() -> Result<Connection> {
    let mut conn = Connection::open_in_memory()?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    migrate(&mut conn)?;
    audit::install(&conn)?;
    Ok(conn)
}

/// A new database file in a temporary folder (removed when the folder is
/// dropped), for tests that need a real file: backups go beside it.
#[cfg(test)]
pub(crate) fn temp_db() -> Result<(tempfile::TempDir, std::path::PathBuf, Connection)> {
    let dir = tempfile::tempdir()?;
    let db = dir.path().join("office.db");
    let conn = open(&db)?;
    Ok((dir, db, conn))
}

/// What the first bytes of a database file are.
enum Header {
    /// No file yet, or an empty one.
    Empty,
    /// SQLite's "SQLite format 3".
    Plain,
    /// Anything else: an encrypted database, or not a database at all.
    Other,
}

/// Refuses directories and files we may not read and write before SQLite
/// gets to touch them, and tells what the file's header is.
fn preflight(path: &Path) -> Result<Header> {
    let shown = Error::path_text(path);
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return match path.parent() {
                Some(dir) if !dir.as_os_str().is_empty() && !dir.is_dir() => {
                    Err(Error::CannotOpen {
                        path: shown,
                        source: e,
                    })
                }
                _ => Ok(Header::Empty),
            };
        }
        Err(e) => {
            return Err(Error::CannotOpen {
                path: shown,
                source: e,
            })
        }
    };
    if meta.is_dir() {
        return Err(Error::IsADirectory { path: shown });
    }
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
        .map_err(|source| Error::CannotOpen {
            path: shown.clone(),
            source,
        })?;
    if meta.len() == 0 {
        return Ok(Header::Empty);
    }
    let mut header = [0u8; 16];
    match file.read_exact(&mut header) {
        Ok(()) if &header == SQLITE_MAGIC => Ok(Header::Plain),
        _ => Ok(Header::Other),
    }
}

/// A SQLite file is ours if it carries our application id, or is still empty
/// (no schema objects at all). Newer schema versions are refused.
fn check_identity(conn: &Connection, path: &Path) -> Result<()> {
    let read = |sql: &str| -> Result<i64> {
        conn.query_row(sql, [], |r| r.get(0))
            .map_err(|e| open_error(path, e))
    };
    let app_id = read("PRAGMA application_id")?;
    let objects = read("SELECT count(*) FROM sqlite_master")?;
    if app_id != APPLICATION_ID && (app_id != 0 || objects > 0) {
        return Err(Error::NotADatabase {
            path: Error::path_text(path),
        });
    }
    let found = read("PRAGMA user_version")?;
    if found > SCHEMA_VERSION {
        return Err(Error::NewerSchema {
            found,
            supported: SCHEMA_VERSION,
        });
    }
    Ok(())
}

/// Settings that belong to every connection rather than to the schema.
fn configure(conn: &Connection) -> Result<()> {
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(Error::Corrupt(format!("WALモードにできません（{mode}）")));
    }
    // FULL: a commit the app has reported survives a power cut, WAL or not.
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // 32 MiB of page cache instead of SQLite's 2 MiB: one desktop user, and
    // the yearly report and searches revisit the same index pages of a
    // database that grows to hundreds of MB.
    conn.pragma_update(None, "cache_size", -32_768)?;
    // Sorts and temporary indexes in memory: SQLCipher does not encrypt
    // temporary files, and patient data must not reach the disk in clear.
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    Ok(())
}

fn open_error(path: &Path, e: rusqlite::Error) -> Error {
    use rusqlite::ErrorCode;
    match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) => Error::NotADatabase {
            path: Error::path_text(path),
        },
        Some(ErrorCode::CannotOpen) | Some(ErrorCode::PermissionDenied) => Error::CannotOpen {
            path: Error::path_text(path),
            source: std::io::Error::other(e.to_string()),
        },
        _ => Error::Db(e),
    }
}

/// The result of `zaitaku check`: integrity, foreign keys, and the
/// hash chains of the history tables (see [`history`]).
pub fn check(conn: &Connection) -> Result<i64> {
    let integrity: Vec<String> = conn
        .prepare("PRAGMA integrity_check")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    if integrity != ["ok"] {
        return Err(Error::Corrupt(integrity.join(" / ")));
    }
    let broken: i64 = conn.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
        r.get(0)
    })?;
    if broken > 0 {
        return Err(Error::Corrupt(format!(
            "参照先のない行が{broken}件あります"
        )));
    }
    let breaks = history::verify(conn)?;
    if !breaks.is_empty() {
        let each: Vec<String> = breaks
            .iter()
            .map(|b| format!("{}：{}", b.label, b.message))
            .collect();
        return Err(Error::Corrupt(format!(
            "アプリの外で変更された記録があります。{}",
            each.join(" / ")
        )));
    }
    schema_version(conn)
}

pub fn schema_version(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
}

/// A fingerprint of every row of every table, to show in tests that a
/// refused change wrote nothing. Stable within one process.
pub fn content_fingerprint(conn: &Connection) -> Result<u64> {
    content_fingerprint_without(conn, &[])
}

/// [`content_fingerprint`] leaving out the tables named in `skip` (e.g.
/// the credentials and the change record, which a conversion to
/// encryption changes on purpose).
pub fn content_fingerprint_without(conn: &Connection, skip: &[&str]) -> Result<u64> {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    for table in tables::present(conn)? {
        if skip.contains(&table.name) {
            continue;
        }
        table.name.hash(&mut hasher);
        // The id first: a search index shows its rows only by rowid.
        let mut stmt = conn.prepare(&format!(
            "SELECT {}, * FROM {}",
            table.id.sql(table.name),
            table.name
        ))?;
        let columns = stmt.column_count();
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            for i in 0..columns {
                format!("{:?}", row.get_ref(i)?).hash(&mut hasher);
            }
        }
    }
    Ok(hasher.finish())
}
