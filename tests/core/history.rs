//! The history tables are append-only in the app and hash-chained, so that
//! `check` names any row changed or removed outside the app.

use std::path::Path;

use zaitaku_core::access_log::{self, Kind};
use zaitaku_core::store::{self, history, Connection};
use zaitaku_core::{access, booklets, cases, demo, office, Error};

use crate::util::{at, new_db, query_i64, temp_dir};

const HISTORY_TABLES: [&str; 4] = [
    "booklet_entry_changes",
    "case_changes",
    "audit_log",
    "access_log",
];

/// The demo office, then one more of each kind of history row written
/// through the app: a case deleted, a booklet entry voided, the office
/// renamed, a setting changed and three access-log records.
fn office_with_history(dir: &Path) -> (std::path::PathBuf, Connection) {
    let (path, mut conn) = new_db(dir);
    demo::fill(&mut conn, at(9, 0)).unwrap();
    let staff = access::staff(&conn).unwrap().remove(0);
    let (case_id, version): (String, i64) = conn
        .query_row(
            "SELECT id, version FROM cases ORDER BY case_no LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    cases::delete(&mut conn, &case_id, version, &staff.id, at(10, 0)).unwrap();
    let issue: String = conn
        .query_row(
            "SELECT id FROM booklet_entries WHERE kind = 'issue' AND voided_at IS NULL LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    booklets::void_entry(&mut conn, &issue, "入力の誤り", &staff.id, at(10, 5)).unwrap();
    let mut renamed = office::OfficeInput::from(&office::load(&conn).unwrap());
    renamed.name = "在宅医療相談室（改称）".into();
    office::save(&mut conn, &renamed, at(10, 10)).unwrap();
    store::set_setting(&conn, "access.lock_minutes", "5").unwrap();
    for (i, kind) in [Kind::CaseView, Kind::CsvExport, Kind::Lock]
        .into_iter()
        .enumerate()
    {
        access_log::record_for(
            &conn,
            &staff.id,
            &staff.name,
            kind,
            &case_id,
            "",
            at(11, i as u32),
        )
        .unwrap();
    }
    (path, conn)
}

fn outside(path: &Path) -> rusqlite::Connection {
    // A plain connection: none of the app's triggers or functions.
    rusqlite::Connection::open(path).unwrap()
}

fn breaks(conn: &Connection) -> Vec<(&'static str, Option<i64>, String)> {
    history::verify(conn)
        .unwrap()
        .into_iter()
        .map(|b| (b.table, b.first_seq, b.message))
        .collect()
}

#[test]
fn rows_written_by_the_app_pass_check() {
    let dir = temp_dir();
    let (path, conn) = office_with_history(dir.path());
    for table in HISTORY_TABLES {
        assert!(
            query_i64(&conn, &format!("SELECT count(*) FROM {table}")) >= 3,
            "{table} has rows to chain"
        );
    }
    assert_eq!(store::check(&conn).unwrap(), store::SCHEMA_VERSION);
    drop(conn);
    // A second connection continues the same chains.
    let conn = store::open(&path).unwrap();
    access_log::record_for(&conn, "", "", Kind::SignInFailed, "", "", at(12, 0)).unwrap();
    assert_eq!(store::check(&conn).unwrap(), store::SCHEMA_VERSION);
}

#[test]
fn a_row_changed_outside_the_app_is_named_by_table_and_row() {
    let dir = temp_dir();
    let (path, conn) = office_with_history(dir.path());
    let edits = [
        (
            "booklet_entry_changes",
            "UPDATE booklet_entry_changes SET new_value = '0' WHERE seq = 2",
        ),
        (
            "case_changes",
            "UPDATE case_changes SET changed_by = '別人' WHERE seq = 2",
        ),
        (
            "audit_log",
            "UPDATE audit_log SET actor = '別人' WHERE seq = 2",
        ),
        (
            "access_log",
            "UPDATE access_log SET staff_name = '別人' WHERE seq = 2",
        ),
    ];
    for (table, sql) in edits {
        assert_eq!(outside(&path).execute(sql, []).unwrap(), 1, "{table}");
        let found = breaks(&conn);
        let (_, first, message) = found
            .iter()
            .find(|(t, _, _)| *t == table)
            .unwrap_or_else(|| panic!("{table} not reported: {found:?}"));
        assert_eq!(*first, Some(2), "{table}: {message}");
        assert!(
            message.contains("2番の行が書き換えられています"),
            "{message}"
        );
    }
    let Err(Error::Corrupt(message)) = store::check(&conn) else {
        panic!("check passed after outside edits");
    };
    for label in [
        "意志表示帳の入庫・配布の変更履歴",
        "相談記録の変更履歴",
        "設定の変更の記録",
        "閲覧・出力記録",
    ] {
        assert!(message.contains(label), "{label} missing from {message}");
    }
}

#[test]
fn a_row_removed_from_the_middle_or_the_end_is_reported() {
    let dir = temp_dir();
    let (path, conn) = office_with_history(dir.path());
    assert!(breaks(&conn).is_empty());

    outside(&path)
        .execute("DELETE FROM case_changes WHERE seq = 2", [])
        .unwrap();
    let found = breaks(&conn);
    assert_eq!(found.len(), 1, "{found:?}");
    let (table, first, message) = &found[0];
    assert_eq!((*table, *first), ("case_changes", Some(3)));
    assert!(message.contains("2番の行が削除されている"), "{message}");

    // The last rows leave a valid shorter chain: the anchored head sees it.
    let last = query_i64(&conn, "SELECT max(seq) FROM access_log");
    outside(&path)
        .execute("DELETE FROM access_log WHERE seq >= ?1", [last - 1])
        .unwrap();
    let found = breaks(&conn);
    let (_, first, message) = found
        .iter()
        .find(|(t, _, _)| *t == "access_log")
        .expect("truncated access_log reported");
    assert_eq!(*first, None);
    assert!(message.contains("2行が削除されています"), "{message}");
}

#[test]
fn a_row_added_outside_the_app_is_reported() {
    let dir = temp_dir();
    let (path, conn) = office_with_history(dir.path());
    outside(&path)
        .execute(
            "INSERT INTO audit_log (at, actor, table_name, action, row_id)
             VALUES ('2025-04-01T12:00:00', '誰か', 'office', 'update', 'office')",
            [],
        )
        .unwrap();
    let found = breaks(&conn);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "audit_log");
    assert!(
        found[0].2.contains("アプリの外で書き込まれています"),
        "{found:?}"
    );
}

#[test]
fn the_app_refuses_to_change_or_delete_history_rows() {
    let dir = temp_dir();
    let (_path, conn) = office_with_history(dir.path());
    let before = store::content_fingerprint(&conn).unwrap();
    for table in HISTORY_TABLES {
        for sql in [
            format!("UPDATE {table} SET seq = seq + 1000 WHERE seq = 1"),
            format!("UPDATE {table} SET chain = 'x' WHERE seq = 1"),
            format!("DELETE FROM {table} WHERE seq = 1"),
            format!("DELETE FROM {table}"),
        ] {
            assert!(conn.execute(&sql, []).is_err(), "{sql} was allowed");
        }
    }
    for sql in [
        "UPDATE case_changes SET new_json = '{}'",
        "UPDATE booklet_entry_changes SET changed_by = ''",
        "UPDATE audit_log SET actor = ''",
        "UPDATE access_log SET target = ''",
        // A row that brings its own link, or goes before the last one.
        "INSERT INTO access_log (id, at, kind, chain)
         VALUES ('0acc0000-0000-4000-8000-00000000aaaa', '2025-04-01T12:00:00', 'lock', 'x')",
        "INSERT INTO access_log (seq, id, at, kind)
         VALUES (0, '0acc0000-0000-4000-8000-00000000bbbb', '2025-04-01T12:00:00', 'lock')",
    ] {
        assert!(conn.execute(sql, []).is_err(), "{sql} was allowed");
    }
    assert_eq!(store::content_fingerprint(&conn).unwrap(), before);
    assert!(breaks(&conn).is_empty());
}

#[test]
fn a_restored_older_backup_is_chained_and_keeps_chaining() {
    let dir = temp_dir();
    let (path, mut conn) = office_with_history(dir.path());
    // A backup made by version 13, before the chains existed.
    let old = dir.path().join("v13-backup.db");
    {
        let mut raw = Connection::open(&old).unwrap();
        store::migrate_to(&mut raw, 13).unwrap();
        raw.execute_batch(
            "INSERT INTO audit_log (at, actor, table_name, action, row_id)
             VALUES ('2025-03-01T09:00:00', '山田 花子', 'office', 'update', 'office')",
        )
        .unwrap();
    }
    zaitaku_core::backup::restore(&mut conn, None, &path, &old, at(13, 0)).unwrap();
    assert_eq!(store::check(&conn).unwrap(), store::SCHEMA_VERSION);
    access_log::record_for(&conn, "", "", Kind::Restore, "v13-backup.db", "", at(13, 1)).unwrap();
    store::set_setting(&conn, "access.lock_minutes", "3").unwrap();
    assert_eq!(store::check(&conn).unwrap(), store::SCHEMA_VERSION);
    assert!(conn.execute("DELETE FROM audit_log", []).is_err());
}

#[test]
fn a_chain_column_or_the_anchor_removed_outside_the_app_is_reported() {
    for (sql, table, says) in [
        (
            "ALTER TABLE audit_log DROP COLUMN chain",
            "audit_log",
            "連鎖の列（chain）が削除されています",
        ),
        (
            "DROP TABLE history_heads",
            "case_changes",
            "連鎖の末尾の記録（history_heads）が削除されています",
        ),
    ] {
        let dir = temp_dir();
        let (path, conn) = office_with_history(dir.path());
        drop(conn);
        outside(&path).execute_batch(sql).unwrap();
        let conn = store::open(&path).unwrap();
        let found = breaks(&conn);
        assert!(
            found.iter().any(|(t, _, m)| *t == table && m == says),
            "{sql}: {found:?}"
        );
        assert!(store::check(&conn).is_err(), "{sql}");
    }
}
