//! `store::open` and `store::check`: the settings every connection gets, and
//! files that are refused without being changed.

use std::path::{Path, PathBuf};

use zaitaku_core::store::{self, Connection, APPLICATION_ID, SCHEMA_VERSION};
use zaitaku_core::{office, Error};

use crate::util::{is_japanese, new_db, query_i64, snapshot, temp_dir};

fn journal_mode(conn: &Connection) -> String {
    conn.query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap()
}

fn assert_connection_settings(conn: &Connection) {
    assert_eq!(journal_mode(conn).to_lowercase(), "wal");
    assert_eq!(query_i64(conn, "PRAGMA foreign_keys"), 1, "foreign_keys");
    assert_eq!(
        query_i64(conn, "PRAGMA synchronous"),
        2,
        "synchronous must be FULL"
    );
    assert!(
        query_i64(conn, "PRAGMA busy_timeout") > 0,
        "busy_timeout must be set"
    );
}

#[test]
fn open_creates_a_new_database_with_the_current_schema() {
    let dir = temp_dir();
    let path = dir.path().join("new.db");
    assert!(!path.exists());
    let conn = store::open(&path).unwrap();
    assert!(path.is_file(), "the database file is created");
    assert_connection_settings(&conn);
    assert_eq!(query_i64(&conn, "PRAGMA user_version"), SCHEMA_VERSION);
    assert_eq!(query_i64(&conn, "PRAGMA application_id"), APPLICATION_ID);
    assert_eq!(store::schema_version(&conn).unwrap(), SCHEMA_VERSION);
    let blank = office::load(&conn).unwrap();
    assert_eq!(blank.name, "");
    assert!(blank.cities.is_empty());
    assert_eq!(blank.updated_at, None);
}

#[test]
fn reopening_applies_the_settings_again_and_keeps_the_data() {
    let dir = temp_dir();
    let (path, mut conn) = new_db(dir.path());
    let saved = zaitaku_core::demo::fill(&mut conn, crate::util::at(9, 0)).unwrap();
    drop(conn);
    // foreign_keys and synchronous are per connection, not stored in the file.
    let conn = store::open(&path).unwrap();
    assert_connection_settings(&conn);
    assert_eq!(query_i64(&conn, "PRAGMA user_version"), SCHEMA_VERSION);
    let office = office::load(&conn).unwrap();
    assert_eq!(office.cities.len(), saved.cities);
}

#[test]
fn open_turns_an_empty_file_into_a_database() {
    let dir = temp_dir();
    let path = dir.path().join("touched.db");
    std::fs::write(&path, b"").unwrap();
    let conn = store::open(&path).unwrap();
    assert_eq!(query_i64(&conn, "PRAGMA user_version"), SCHEMA_VERSION);
    assert_eq!(query_i64(&conn, "PRAGMA application_id"), APPLICATION_ID);
}

/// A file `store::open` must refuse: how to make it in a folder, the error
/// kind and a part of its message.
struct Refused {
    make: fn(&Path) -> PathBuf,
    kind: &'static str,
    says: &'static str,
}

fn another_programs_database(dir: &Path) -> PathBuf {
    let path = dir.join("other.sqlite");
    let raw = Connection::open(&path).unwrap();
    raw.execute_batch("CREATE TABLE t (x TEXT); INSERT INTO t VALUES ('他のアプリ');")
        .unwrap();
    path
}

const REFUSED: &[Refused] = &[
    Refused {
        make: |dir| dir.join("no-such-folder").join("office.db"),
        kind: "cannot_open",
        says: "",
    },
    Refused {
        make: |dir| {
            let folder = dir.join("data.db");
            std::fs::create_dir(&folder).unwrap();
            std::fs::write(folder.join("memo.txt"), "中身").unwrap();
            folder
        },
        kind: "is_a_directory",
        says: "フォルダ",
    },
    Refused {
        make: |dir| {
            let path = dir.join("メモ.db");
            std::fs::write(&path, "在宅医療相談室の引き継ぎメモ\n電話：049-200-0000\n").unwrap();
            path
        },
        kind: "not_a_database",
        says: "データベースではありません",
    },
    Refused {
        make: |dir| {
            let path = dir.join("short.db");
            std::fs::write(&path, b"SQLite").unwrap();
            path
        },
        kind: "not_a_database",
        says: "",
    },
    Refused {
        make: another_programs_database,
        kind: "not_a_database",
        says: "データベースではありません",
    },
    Refused {
        make: |dir| {
            let path = dir.join("other-empty.sqlite");
            let raw = Connection::open(&path).unwrap();
            raw.pragma_update(None, "application_id", 0x1234_5678)
                .unwrap();
            path
        },
        kind: "not_a_database",
        says: "",
    },
    Refused {
        make: |dir| {
            let (path, conn) = new_db(dir);
            conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
                .unwrap();
            path
        },
        kind: "newer_schema",
        says: "新しい版",
    },
];

#[test]
fn open_refuses_what_is_not_our_database_and_leaves_it_untouched() {
    for (i, refused) in REFUSED.iter().enumerate() {
        let dir = temp_dir();
        let path = (refused.make)(dir.path());
        let before = path.exists().then(|| snapshot(&path));
        let err = store::open(&path).unwrap_err();
        assert_eq!(err.kind(), refused.kind, "case {i}: {err:?}");
        let message = err.to_string();
        assert!(
            message.contains(refused.says) && is_japanese(&message),
            "case {i}: {message}"
        );
        match before {
            Some(before) => assert_eq!(snapshot(&path), before, "case {i} changed the file"),
            None => assert!(!path.parent().unwrap().exists(), "case {i} made a folder"),
        }
        if path.is_dir() {
            let inside = std::fs::read_dir(&path).unwrap().count();
            assert_eq!(inside, 1, "nothing created inside the folder");
        }
    }
}

#[test]
fn a_refused_database_is_not_migrated() {
    let dir = temp_dir();
    let path = another_programs_database(dir.path());
    assert!(store::open(&path).is_err());
    let raw = Connection::open(&path).unwrap();
    assert_eq!(
        query_i64(&raw, "PRAGMA user_version"),
        0,
        "no migration ran"
    );
    assert_eq!(
        query_i64(
            &raw,
            "SELECT count(*) FROM sqlite_master WHERE name = 'office'"
        ),
        0
    );
}

#[test]
fn a_newer_database_is_refused_naming_both_versions() {
    let dir = temp_dir();
    let (path, conn) = new_db(dir.path());
    conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
        .unwrap();
    drop(conn);
    match store::open(&path).unwrap_err() {
        Error::NewerSchema { found, supported } => {
            assert_eq!((found, supported), (SCHEMA_VERSION + 1, SCHEMA_VERSION));
        }
        other => panic!("expected NewerSchema, got {other:?}"),
    }
}

#[test]
fn check_reports_the_schema_version_of_a_good_database() {
    let dir = temp_dir();
    let (_path, mut conn) = new_db(dir.path());
    assert_eq!(store::check(&conn).unwrap(), SCHEMA_VERSION);
    zaitaku_core::demo::fill(&mut conn, crate::util::at(9, 0)).unwrap();
    assert_eq!(store::check(&conn).unwrap(), SCHEMA_VERSION);
}

#[test]
fn check_finds_an_area_whose_city_is_gone() {
    let dir = temp_dir();
    let (path, mut conn) = new_db(dir.path());
    zaitaku_core::demo::fill(&mut conn, crate::util::at(9, 0)).unwrap();
    drop(conn);
    {
        // Another tool, without foreign keys, deletes a city under its areas.
        let raw = Connection::open(&path).unwrap();
        raw.pragma_update(None, "foreign_keys", "OFF").unwrap();
        raw.execute("DELETE FROM cities WHERE name = '坂戸市'", [])
            .unwrap();
    }
    let conn = store::open(&path).unwrap();
    let err = store::check(&conn).unwrap_err();
    assert!(matches!(err, Error::Corrupt(_)), "{err:?}");
    assert!(is_japanese(&err.to_string()), "{err}");
}

/// A connection for output (the command line's exports and PDFs) reads,
/// refuses every change (it has no change-record triggers, so a change
/// would go unrecorded) until it is allowed its access-log row, which
/// joins the access log's hash chain like any other.
#[test]
fn an_output_connection_changes_nothing_but_records_its_output() {
    let dir = temp_dir();
    let path = dir.path().join("office.db");
    {
        let mut conn = store::open(&path).unwrap();
        zaitaku_core::demo::fill(&mut conn, chrono::Local::now().naive_local()).unwrap();
    }
    let conn = store::open_for_output(&path).unwrap();
    assert_connection_settings(&conn);
    let before = office::load(&conn).unwrap();
    assert!(!before.cities.is_empty());
    let refused = conn.execute("UPDATE cities SET name = name || '市'", []);
    assert!(refused.is_err(), "a change on an output connection");
    let refused = conn.execute("DELETE FROM access_log", []);
    assert!(refused.is_err(), "a change on an output connection");

    store::allow_access_record(&conn).unwrap();
    let now = chrono::Local::now().naive_local();
    zaitaku_core::access_log::record_for(
        &conn,
        "",
        "（コマンド）",
        zaitaku_core::access_log::Kind::PdfSave,
        "flyer.pdf",
        "",
        now,
    )
    .unwrap();
    drop(conn);
    let conn = store::open(&path).unwrap();
    assert_eq!(office::load(&conn).unwrap(), before);
    assert_eq!(
        query_i64(
            &conn,
            "SELECT count(*) FROM access_log WHERE target = 'flyer.pdf'"
        ),
        1
    );
    assert!(
        zaitaku_core::store::history::verify(&conn)
            .unwrap()
            .is_empty(),
        "the row is chained"
    );
}
