//! Helpers shared by the core tests.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use chrono::{NaiveDate, NaiveDateTime};
use zaitaku_core::store::{self, Connection};

/// A fresh temporary folder; removed when dropped.
pub fn temp_dir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("zaitaku-core-test")
        .tempdir()
        .expect("temp dir")
}

/// A new, migrated database file in `dir`.
pub fn new_db(dir: &Path) -> (PathBuf, Connection) {
    let path = dir.join("office.db");
    let conn = store::open(&path).expect("open a new database");
    (path, conn)
}

/// The clock the tests pass in.
pub fn at(hour: u32, minute: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2025, 4, 1)
        .unwrap()
        .and_hms_opt(hour, minute, 0)
        .unwrap()
}

/// Everything about a file (and the folder around it) that a refused open
/// must not change: its bytes, its modification time and the names of its
/// neighbours (no `-wal`, `-shm` or `-journal` left behind).
#[derive(Debug, PartialEq, Eq)]
pub struct Snapshot {
    bytes: Option<Vec<u8>>,
    modified: SystemTime,
    neighbours: Vec<String>,
}

pub fn snapshot(path: &Path) -> Snapshot {
    let meta = std::fs::metadata(path).expect("metadata");
    let bytes = if meta.is_dir() {
        None
    } else {
        Some(std::fs::read(path).expect("read file"))
    };
    let parent = path.parent().expect("parent folder");
    let mut neighbours: Vec<String> = std::fs::read_dir(parent)
        .expect("read folder")
        .map(|e| {
            e.expect("folder entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    neighbours.sort();
    Snapshot {
        bytes,
        modified: meta.modified().expect("mtime"),
        neighbours,
    }
}

/// True if `s` contains kana or kanji, i.e. is written in Japanese.
pub fn is_japanese(s: &str) -> bool {
    s.chars()
        .any(|c| matches!(c, '\u{3040}'..='\u{30FF}' | '\u{4E00}'..='\u{9FFF}'))
}

/// A value from a one-row, one-column query on a raw connection.
pub fn query_i64(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0))
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// The first column of every row of `sql`, as text, in the order given.
pub fn first_column(conn: &Connection, sql: &str) -> Vec<String> {
    conn.prepare(sql)
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// True if `id` looks like a hyphenated random (version 4) UUID.
pub fn is_uuid_v4(id: &str) -> bool {
    let parts: Vec<&str> = id.split('-').collect();
    parts.iter().map(|p| p.len()).eq([8, 4, 4, 4, 12])
        && parts.iter().all(|p| {
            p.chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        })
        && parts[2].starts_with('4')
}

/// The text of a PDF as poppler's pdftotext reads it (what a reader's
/// search and copy would find).
pub fn pdftotext(pdf: &[u8]) -> String {
    let dir = temp_dir();
    let path = dir.path().join("printed.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args([path.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (poppler-utils) is needed");
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

/// The id of the item `name` of one of the 相談記録 lists.
pub fn list_item(
    conn: &Connection,
    kind: zaitaku_core::cases::lists::ListKind,
    name: &str,
) -> String {
    zaitaku_core::cases::lists::list(conn, kind)
        .unwrap()
        .items
        .into_iter()
        .find(|i| i.name == name)
        .unwrap_or_else(|| panic!("{name}"))
        .id
}
