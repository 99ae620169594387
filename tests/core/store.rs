//! `store::open` and `store::check`: the settings every connection gets, and
//! files that are refused without being changed.

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

#[test]
fn open_refuses_a_missing_folder_without_creating_it() {
    let dir = temp_dir();
    let path = dir.path().join("no-such-folder").join("office.db");
    let err = store::open(&path).unwrap_err();
    assert!(matches!(err, Error::CannotOpen { .. }), "{err:?}");
    assert!(is_japanese(&err.to_string()), "{err}");
    assert!(!dir.path().join("no-such-folder").exists());
}

#[test]
fn open_refuses_a_directory_and_leaves_it_alone() {
    let dir = temp_dir();
    let folder = dir.path().join("data.db");
    std::fs::create_dir(&folder).unwrap();
    std::fs::write(folder.join("memo.txt"), "中身").unwrap();
    let before = snapshot(&folder);
    let err = store::open(&folder).unwrap_err();
    assert!(matches!(err, Error::IsADirectory { .. }), "{err:?}");
    assert!(err.to_string().contains("フォルダ"), "{err}");
    assert_eq!(snapshot(&folder), before);
    let inside: Vec<_> = std::fs::read_dir(&folder).unwrap().collect();
    assert_eq!(inside.len(), 1, "nothing created inside the folder");
}

#[test]
fn open_refuses_a_text_file_and_leaves_it_untouched() {
    let dir = temp_dir();
    let path = dir.path().join("メモ.db");
    std::fs::write(&path, "在宅医療相談室の引き継ぎメモ\n電話：049-200-0000\n").unwrap();
    let before = snapshot(&path);
    let err = store::open(&path).unwrap_err();
    assert!(matches!(err, Error::NotADatabase { .. }), "{err:?}");
    assert!(
        err.to_string().contains("データベースではありません"),
        "{err}"
    );
    assert_eq!(snapshot(&path), before);
}

#[test]
fn open_refuses_a_short_binary_file_and_leaves_it_untouched() {
    let dir = temp_dir();
    let path = dir.path().join("short.db");
    std::fs::write(&path, b"SQLite").unwrap();
    let before = snapshot(&path);
    let err = store::open(&path).unwrap_err();
    assert!(matches!(err, Error::NotADatabase { .. }), "{err:?}");
    assert_eq!(snapshot(&path), before);
}

#[test]
fn open_refuses_another_programs_sqlite_file_and_leaves_it_untouched() {
    let dir = temp_dir();
    let path = dir.path().join("other.sqlite");
    {
        let raw = Connection::open(&path).unwrap();
        raw.execute_batch("CREATE TABLE t (x TEXT); INSERT INTO t VALUES ('他のアプリ');")
            .unwrap();
    }
    let before = snapshot(&path);
    let err = store::open(&path).unwrap_err();
    assert!(matches!(err, Error::NotADatabase { .. }), "{err:?}");
    assert!(
        err.to_string().contains("データベースではありません"),
        "{err}"
    );
    assert_eq!(snapshot(&path), before);
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
fn open_refuses_an_empty_sqlite_file_of_another_application() {
    let dir = temp_dir();
    let path = dir.path().join("other-empty.sqlite");
    {
        let raw = Connection::open(&path).unwrap();
        raw.pragma_update(None, "application_id", 0x1234_5678)
            .unwrap();
    }
    let before = snapshot(&path);
    let err = store::open(&path).unwrap_err();
    assert!(matches!(err, Error::NotADatabase { .. }), "{err:?}");
    assert_eq!(snapshot(&path), before);
}

#[test]
fn open_refuses_a_database_from_a_newer_version_and_leaves_it_untouched() {
    let dir = temp_dir();
    let (path, conn) = new_db(dir.path());
    conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
        .unwrap();
    drop(conn);
    let before = snapshot(&path);
    let err = store::open(&path).unwrap_err();
    match &err {
        Error::NewerSchema { found, supported } => {
            assert_eq!(*found, SCHEMA_VERSION + 1);
            assert_eq!(*supported, SCHEMA_VERSION);
        }
        other => panic!("expected NewerSchema, got {other:?}"),
    }
    assert!(err.to_string().contains("新しい版"), "{err}");
    assert_eq!(snapshot(&path), before);
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
