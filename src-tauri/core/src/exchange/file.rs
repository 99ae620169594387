//! The files that carry office data between PCs (setup, export, reply) and
//! the agreed-state copies beside the database: SQLite files, encrypted with
//! the office's data key when one is given. An exchange file holds
//! `manifest(key, value)` and `parts(name, data)`; its checksum covers both
//! (a setup file's covers the manifest and the fingerprint of its records).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags, OptionalExtension};

use crate::store::{history, DataKey};
use crate::{Error, Result};

/// `PRAGMA application_id` of an export or reply file ("ZDXC"), so that one
/// is never opened as a database (a setup file is a database copy and keeps
/// the database's id).
pub const APPLICATION_ID: i64 = 0x5A44_5843;

/// The layout of the manifest and parts; a reader refuses another.
pub const FORMAT: &str = "1";

/// The field of every refusal of a file (the UI shows it by the file picker).
pub const FIELD: &str = "file";

/// Opens (or creates) a SQLite file of office data: with `key`, encrypted
/// with the office's data key; without, a plain file.
pub fn open(path: &Path, key: Option<&DataKey>, create: bool) -> Result<Connection> {
    let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    if create {
        flags |= OpenFlags::SQLITE_OPEN_CREATE;
    }
    let conn = Connection::open_with_flags(path, flags)?;
    if let Some(key) = key {
        key.unlock(&conn)?;
    }
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    Ok(conn)
}

/// Attaches the office data file at `path` as `schema` (a name from code),
/// keyed like [`open`].
pub fn attach(conn: &Connection, path: &Path, schema: &str, key: Option<&DataKey>) -> Result<()> {
    match key {
        Some(key) => key.attach(conn, path, schema),
        None => {
            // An explicit empty key: a plain file even beside an encrypted one.
            conn.execute(
                &format!("ATTACH DATABASE ?1 AS {schema} KEY ''"),
                [path.to_string_lossy()],
            )?;
            Ok(())
        }
    }
}

/// Writes a consistent copy of the database of `conn` into a new file at
/// `dest`, keyed like [`open`]. One statement, so one read snapshot.
pub fn copy_database(conn: &Connection, dest: &Path, key: Option<&DataKey>) -> Result<()> {
    let _ = std::fs::remove_file(dest);
    let Some(key) = key else {
        conn.execute("VACUUM main INTO ?1", [dest.to_string_lossy()])?;
        return Ok(());
    };
    // SQLCipher's export copies into a keyed file (VACUUM INTO would keep
    // the source's key); it exists on keyed connections.
    attach(conn, dest, "copy_dest", Some(key))?;
    let copied = (|| -> Result<()> {
        conn.query_row("SELECT sqlcipher_export('copy_dest')", [], |_| Ok(()))?;
        let version: i64 = conn.query_row("PRAGMA main.user_version", [], |r| r.get(0))?;
        let app: i64 = conn.query_row("PRAGMA main.application_id", [], |r| r.get(0))?;
        conn.execute_batch(&format!(
            "PRAGMA copy_dest.user_version = {version}; PRAGMA copy_dest.application_id = {app};"
        ))?;
        Ok(())
    })();
    conn.execute_batch("DETACH DATABASE copy_dest")?;
    copied
}

/// The manifest of an exchange file, as stored (key → value).
pub type Manifest = BTreeMap<String, String>;

/// The parts of an exchange file: (name, bytes), by name.
pub type Parts = Vec<(String, Vec<u8>)>;

/// Writes an exchange file: under a temporary name, renamed into place when
/// complete, so a file under its final name is never half written.
pub fn write(
    path: &Path,
    key: Option<&DataKey>,
    manifest: &Manifest,
    parts: &[(String, Vec<u8>)],
) -> Result<()> {
    let partial = partial_path(path);
    let _ = std::fs::remove_file(&partial);
    {
        let conn = open(&partial, key, true)?;
        conn.execute_batch(&format!(
            "PRAGMA application_id = {APPLICATION_ID};
             CREATE TABLE manifest (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
             CREATE TABLE parts (name TEXT PRIMARY KEY, data BLOB NOT NULL) STRICT;"
        ))?;
        let tx = conn.unchecked_transaction()?;
        let mut all = manifest.clone();
        all.insert("format".into(), FORMAT.into());
        all.insert("checksum".into(), checksum(&all, parts));
        for (k, v) in &all {
            tx.execute("INSERT INTO manifest (key, value) VALUES (?1, ?2)", [k, v])?;
        }
        for (name, data) in parts {
            tx.execute(
                "INSERT INTO parts (name, data) VALUES (?1, ?2)",
                rusqlite::params![name, data],
            )?;
        }
        tx.commit()?;
    }
    std::fs::rename(&partial, path)?;
    Ok(())
}

pub fn partial_path(path: &Path) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(".partial");
    PathBuf::from(p)
}

/// The file's name as staff see it in a message.
pub fn shown(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| Error::path_text(path))
}

fn unreadable(path: &Path) -> Error {
    Error::invalid(
        FIELD,
        format!(
            "「{}」を読み取れません。壊れているか、途中までしか書き込まれていないか、この事業所のファイルではありません。何も取り込んでいません。",
            shown(path)
        ),
    )
}

fn tampered(path: &Path) -> Error {
    Error::invalid(
        FIELD,
        format!(
            "「{}」は作成された後に書き換えられています（検査値が合いません）。何も取り込んでいません。元のファイルをもう一度書き出してください。",
            shown(path)
        ),
    )
}

/// Reads the manifest table of an open file, if it has one.
fn read_manifest(conn: &Connection) -> Result<Manifest> {
    let mut stmt = conn.prepare("SELECT key, value FROM manifest")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Reads and checks an exchange file (export or reply): readable with the
/// key, ours, complete, and unchanged since written.
pub fn read(path: &Path, key: Option<&DataKey>) -> Result<(Manifest, Parts)> {
    if !path.is_file() {
        return Err(Error::invalid(
            FIELD,
            format!("「{}」が見つかりません。", Error::path_text(path)),
        ));
    }
    let conn = open(path, key, false).map_err(|_| unreadable(path))?;
    conn.pragma_update(None, "query_only", true)
        .map_err(|_| unreadable(path))?;
    let read = || -> Result<(Manifest, Parts)> {
        let app: i64 = conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
        if app != APPLICATION_ID {
            return Err(Error::Conflict(String::new()));
        }
        let manifest = read_manifest(&conn)?;
        let parts = conn
            .prepare("SELECT name, data FROM parts ORDER BY name")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<Parts>>()?;
        Ok((manifest, parts))
    };
    let (manifest, parts) = read().map_err(|_| unreadable(path))?;
    check_format(path, &manifest)?;
    if manifest.get("checksum") != Some(&checksum(&manifest, &parts)) {
        return Err(tampered(path));
    }
    Ok((manifest, parts))
}

fn check_format(path: &Path, manifest: &Manifest) -> Result<()> {
    if manifest.get("format").map(String::as_str) != Some(FORMAT) {
        return Err(unreadable(path));
    }
    Ok(())
}

/// Adds the manifest to a setup file (a copy of the database): its checksum
/// covers the manifest and the fingerprint of the shared records.
pub fn seal_setup(conn: &Connection, manifest: &Manifest) -> Result<()> {
    let mut all = manifest.clone();
    all.insert("format".into(), FORMAT.into());
    let print = super::shared_fingerprint(conn)?;
    all.insert(
        "checksum".into(),
        checksum(&all, &[("shared".into(), print.into())]),
    );
    conn.execute_batch(
        "CREATE TABLE manifest (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;",
    )?;
    for (k, v) in &all {
        conn.execute("INSERT INTO manifest (key, value) VALUES (?1, ?2)", [k, v])?;
    }
    Ok(())
}

/// Opens and checks a setup file, returning its manifest; the connection
/// is closed again.
pub fn read_setup(path: &Path, key: Option<&DataKey>) -> Result<Manifest> {
    if !path.is_file() {
        return Err(Error::invalid(
            FIELD,
            format!("「{}」が見つかりません。", Error::path_text(path)),
        ));
    }
    let conn = open(path, key, false).map_err(|_| unreadable(path))?;
    let manifest = (|| -> Result<Option<Manifest>> {
        let has: Option<i64> = conn
            .query_row(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'manifest'",
                [],
                |r| r.get(0),
            )
            .optional()?;
        match has {
            Some(_) => Ok(Some(read_manifest(&conn)?)),
            None => Ok(None),
        }
    })()
    .map_err(|_| unreadable(path))?
    .ok_or_else(|| unreadable(path))?;
    check_format(path, &manifest)?;
    if manifest.get("kind").map(String::as_str) != Some(super::KIND_SETUP) {
        return Err(Error::invalid(
            FIELD,
            format!(
                "「{}」は子機の準備ファイルではありません。親機の「子機を準備」で作ったファイルを選んでください。",
                shown(path)
            ),
        ));
    }
    let print = super::shared_fingerprint(&conn).map_err(|_| unreadable(path))?;
    if manifest.get("checksum") != Some(&checksum(&manifest, &[("shared".into(), print.into())])) {
        return Err(tampered(path));
    }
    Ok(manifest)
}

/// BLAKE2b-256 over the manifest without its checksum, then every part.
fn checksum(manifest: &Manifest, parts: &[(String, Vec<u8>)]) -> String {
    let mut values: Vec<ValueRef> = Vec::new();
    for (k, v) in manifest.iter().filter(|(k, _)| *k != "checksum") {
        values.push(ValueRef::Text(k.as_bytes()));
        values.push(ValueRef::Text(v.as_bytes()));
    }
    for (name, data) in parts {
        values.push(ValueRef::Text(name.as_bytes()));
        values.push(ValueRef::Blob(data));
    }
    history::hash(values)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> [Option<DataKey>; 2] {
        [None, Some(DataKey::generate())]
    }

    #[test]
    fn a_written_file_reads_back_and_any_change_is_refused() -> Result<()> {
        for key in keys() {
            let dir = tempfile::tempdir()?;
            let path = dir.path().join("x.zdx");
            let mut manifest = Manifest::new();
            manifest.insert("kind".into(), "export".into());
            let parts = vec![("changeset".to_string(), vec![1u8, 2, 3])];
            write(&path, key.as_ref(), &manifest, &parts)?;
            let (m, p) = read(&path, key.as_ref())?;
            assert_eq!(m["kind"], "export");
            assert_eq!(p, parts);

            // Changed with the right key (someone who has it): checksum.
            let conn = open(&path, key.as_ref(), false)?;
            conn.execute("UPDATE parts SET data = x'010204'", [])?;
            drop(conn);
            let e = read(&path, key.as_ref()).unwrap_err();
            assert!(e.to_string().contains("書き換えられています"), "{e}");

            // Cut short: unreadable.
            write(&path, key.as_ref(), &manifest, &parts)?;
            let bytes = std::fs::read(&path)?;
            std::fs::write(&path, &bytes[..bytes.len() / 2])?;
            let e = read(&path, key.as_ref()).unwrap_err();
            assert!(e.to_string().contains("読み取れません"), "{e}");
        }
        Ok(())
    }

    #[test]
    fn an_encrypted_file_is_unreadable_without_the_key() -> Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("x.zdx");
        let key = DataKey::generate();
        write(&path, Some(&key), &Manifest::new(), &[])?;
        assert!(read(&path, None).is_err());
        assert!(read(&path, Some(&DataKey::generate())).is_err());
        assert!(read(&path, Some(&key)).is_ok());
        Ok(())
    }
}
