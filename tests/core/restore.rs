//! Restore trusts nothing: a real backup with something added to its schema
//! is refused and the data stays as it was; only generations of the backup
//! folder are named; an older backup is migrated and the newer history is
//! carried forward; the kept generations have a floor and their deletion is
//! recorded.

use std::path::{Path, PathBuf};

use zaitaku_core::backup::{self, BackupKind, BackupSettings};
use zaitaku_core::booklets::{self, EntryInput, Kind};
use zaitaku_core::store::{self, Connection, SCHEMA_VERSION};
use zaitaku_core::{cases, demo, office};

use crate::util::{at, first_column, new_db, query_i64, temp_dir};

/// A generation name, as the backup folder's list shows it.
const GENERATION: &str = "zaitaku-desk_20250401-090000_manual.db";

/// The demo database and a real backup of it (made by the app's backup
/// function) in its backup folder.
fn demo_with_backup(dir: &Path) -> (PathBuf, Connection, PathBuf) {
    let (db, mut conn) = new_db(dir);
    demo::fill(&mut conn, at(9, 0)).unwrap();
    let file = backup::backup_now(&conn, None, &db, BackupKind::Manual, at(10, 0)).unwrap();
    (db, conn, PathBuf::from(file.path))
}

/// Changes the schema of a backup as someone with the file could, keeping
/// its application id and user version.
fn tamper(backup: &Path, sql: &str) {
    let raw = Connection::open(backup).unwrap();
    let ids = |c: &Connection| {
        (
            query_i64(c, "PRAGMA application_id"),
            query_i64(c, "PRAGMA user_version"),
        )
    };
    let before = ids(&raw);
    raw.execute_batch("PRAGMA foreign_keys = OFF").unwrap();
    raw.execute_batch(sql).unwrap();
    assert_eq!(ids(&raw), before, "the header still says it is ours");
}

/// The restore of `name` from the backup folder is refused with a message
/// containing `reason`, and nothing changed: not the data, not the backups.
fn assert_refused(conn: &mut Connection, db: &Path, name: &str, reason: &str) {
    let before = store::content_fingerprint(conn).unwrap();
    let folder = db.with_file_name("backups");
    let backups = backup::list(&folder).unwrap();
    let path = backup::generation(conn, db, name).unwrap();
    let err = backup::inspect(&path, None).unwrap_err();
    assert!(err.to_string().contains(reason), "inspect: {err}");
    let err = backup::restore(conn, None, db, &path, at(11, 0)).unwrap_err();
    assert!(err.to_string().contains(reason), "restore: {err}");
    assert!(err.to_string().contains("復元しません"), "{err}");
    assert_eq!(store::content_fingerprint(conn).unwrap(), before);
    assert_eq!(backup::list(&folder).unwrap(), backups, "no safety copy");
    assert!(
        !db.with_file_name(".office.db.restoring").exists(),
        "no staged copy left"
    );
}

#[test]
fn a_backup_with_an_added_trigger_is_refused_and_the_data_is_unchanged() {
    let dir = temp_dir();
    let (db, mut conn, file) = demo_with_backup(dir.path());
    tamper(
        &file,
        "CREATE TRIGGER keep_watch AFTER INSERT ON audit_log
         BEGIN UPDATE office SET name = '乗っ取り'; END;",
    );
    let name = file.file_name().unwrap().to_str().unwrap().to_string();
    assert_refused(&mut conn, &db, &name, "トリガー「keep_watch」");
}

#[test]
fn a_backup_with_an_added_view_is_refused_and_the_data_is_unchanged() {
    let dir = temp_dir();
    let (db, mut conn, file) = demo_with_backup(dir.path());
    tamper(&file, "CREATE VIEW everyone AS SELECT * FROM persons;");
    let name = file.file_name().unwrap().to_str().unwrap().to_string();
    assert_refused(&mut conn, &db, &name, "ビュー「everyone」");
}

#[test]
fn a_backup_with_a_changed_index_or_a_dangling_row_is_refused() {
    let dir = temp_dir();
    let (db, mut conn, file) = demo_with_backup(dir.path());
    let name = file.file_name().unwrap().to_str().unwrap().to_string();
    let pristine = std::fs::read(&file).unwrap();
    tamper(
        &file,
        "DROP INDEX cases_by_status; CREATE INDEX cases_by_status ON cases(status);",
    );
    assert_refused(&mut conn, &db, &name, "内容が異なる索引「cases_by_status」");
    std::fs::write(&file, &pristine).unwrap();
    tamper(
        &file,
        "INSERT INTO areas (id, city_id, name, sort_order)
         VALUES ('00000000-0000-4000-8000-000000000099', '00000000-0000-4000-8000-00000000dead', '幻の圏域', 9);",
    );
    assert_refused(&mut conn, &db, &name, "参照先のない行");
}

#[cfg(unix)] // the link is a Unix symlink
#[test]
fn only_a_plain_file_of_the_backup_folder_is_named_for_a_restore() {
    let dir = temp_dir();
    let (db, conn, file) = demo_with_backup(dir.path());
    let folder = db.with_file_name("backups");
    // A real backup outside the folder, and a link to it inside.
    let outside = dir.path().join(GENERATION);
    std::fs::copy(&file, &outside).unwrap();
    std::os::unix::fs::symlink(
        &outside,
        folder.join("zaitaku-desk_20250402-090000_manual.db"),
    )
    .unwrap();
    for name in [
        "../zaitaku-desk_20250401-090000_manual.db",
        outside.to_str().unwrap(),
        "zaitaku-desk_20250402-090000_manual.db",
        "office.db",
        "../office.db",
        "",
    ] {
        let err = backup::generation(&conn, &db, name).unwrap_err();
        assert_eq!(err.field(), Some("backup"), "{name}");
        assert!(
            err.to_string().contains("バックアップの保存先の一覧にある"),
            "{name}: {err}"
        );
    }
    let missing = backup::generation(&conn, &db, "zaitaku-desk_20250403-090000_manual.db");
    assert!(missing.unwrap_err().to_string().contains("見つかりません"));
    let name = file.file_name().unwrap().to_str().unwrap();
    assert_eq!(backup::generation(&conn, &db, name).unwrap(), file);
}

fn column_names(conn: &Connection, table: &str) -> Vec<String> {
    first_column(
        conn,
        &format!("SELECT name FROM pragma_table_info('{table}') ORDER BY cid"),
    )
}

/// Every history row of `table`, as (seq, every column as JSON).
fn history(conn: &Connection, table: &str) -> Vec<(i64, String)> {
    let columns = column_names(conn, table).join(", ");
    let mut stmt = conn
        .prepare(&format!(
            "SELECT seq, json_array({columns}) FROM {table} ORDER BY seq"
        ))
        .unwrap();
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    rows
}

/// Every column of every row of `table` except `seq` (and `chain`), in
/// seq order.
fn rows_without_seq(conn: &Connection, table: &str) -> Vec<String> {
    // `chain` (once histories are hash-chained) follows the numbering.
    let columns: Vec<String> = column_names(conn, table)
        .into_iter()
        .filter(|c| c != "seq" && c != "chain")
        .collect();
    let mut stmt = conn
        .prepare(&format!(
            "SELECT json_array({}) FROM {table} ORDER BY seq",
            columns.join(", ")
        ))
        .unwrap();
    let rows = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    rows
}

fn receipt(conn: &Connection, note: &str) -> EntryInput {
    EntryInput {
        kind: Kind::Receipt,
        entry_date: "2025-04-01".into(),
        edition_id: booklets::editions(conn).unwrap()[0].id.clone(),
        quantity: "1".into(),
        source: "print".into(),
        channel_id: String::new(),
        recipient_type: String::new(),
        recipient_name: String::new(),
        city_id: String::new(),
        note: note.into(),
    }
}

#[test]
fn an_older_backup_is_migrated_and_the_newer_history_is_carried_forward() {
    let dir = temp_dir();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/schema-v12.sqlite");
    // The office's database and its backup, both as version 12 left them.
    let db = dir.path().join("office.db");
    std::fs::copy(&fixture, &db).unwrap();
    let folder = dir.path().join("backups");
    std::fs::create_dir(&folder).unwrap();
    std::fs::copy(&fixture, folder.join(GENERATION)).unwrap();

    // This version opens it (migration 13) and the office works on.
    let mut conn = store::open(&db).unwrap();
    store::audit::set_actor(&conn, "", "山田 花子").unwrap();
    let mut input = office::OfficeInput::from(&office::load(&conn).unwrap());
    input.name = "あとで変えた名前".into();
    office::save(&mut conn, &input, at(12, 0)).unwrap();
    let (case_id, version): (String, i64) = conn
        .query_row(
            "SELECT id, version FROM cases WHERE status <> '終結' ORDER BY id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let staff: String = conn
        .query_row(
            "SELECT id FROM case_list_items WHERE kind = 'staff' AND retired = 0 ORDER BY sort_order LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    cases::set_status(&mut conn, &case_id, "終結", version, &staff, at(12, 5)).unwrap();
    let input = receipt(&conn, "あとで受け入れた分");
    let entry = booklets::add_entry(&mut conn, &input, "山田 花子", at(12, 10)).unwrap();
    let audit_before = history(&conn, "audit_log");
    let cases_before = history(&conn, "case_changes");
    let booklets_before = history(&conn, "booklet_entry_changes");

    let path = backup::generation(&conn, &db, GENERATION).unwrap();
    assert_eq!(backup::inspect(&path, None).unwrap().schema_version, 12);
    backup::restore(&mut conn, None, &db, &path, at(13, 0)).unwrap();

    // The data is the backup's, brought to this version…
    assert_eq!(store::check(&conn).unwrap(), SCHEMA_VERSION);
    assert_ne!(office::load(&conn).unwrap().name, "あとで変えた名前");
    let status: String = conn
        .query_row("SELECT status FROM cases WHERE id = ?1", [&case_id], |r| {
            r.get(0)
        })
        .unwrap();
    assert_ne!(status, "終結", "the case is as the backup had it");
    // …and no history went back: every row, with its seq, is still there.
    let audit_after = history(&conn, "audit_log");
    assert_eq!(audit_after[..audit_before.len()], audit_before[..]);
    assert_eq!(history(&conn, "case_changes"), cases_before);
    // The restore is recorded last, under the actor.
    let newest = &store::audit::recent(&conn, 1).unwrap()[0];
    assert_eq!(
        (newest.table_label, newest.actor.as_str()),
        ("復元", "山田 花子")
    );
    // The history of a booklet entry the backup does not have cannot stay
    // in its table (its entry is gone); it is kept in the restore record.
    let carried = history(&conn, "booklet_entry_changes");
    assert_eq!(carried.len(), booklets_before.len() - 1);
    assert_eq!(carried[..], booklets_before[..carried.len()]);
    let record: String = conn
        .query_row(
            "SELECT new_values FROM audit_log WHERE table_name = 'restore' ORDER BY seq DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(record.starts_with(GENERATION), "{record}");
    assert!(record.contains("引き継げませんでした"), "{record}");
    assert!(record.contains(&entry.id), "{record}");
    // The connection works on: its changes are recorded as before.
    let mut input = office::OfficeInput::from(&office::load(&conn).unwrap());
    input.name = "復元のあとの名前".into();
    office::save(&mut conn, &input, at(14, 0)).unwrap();
    let newest = &store::audit::recent(&conn, 1).unwrap()[0];
    assert_eq!(newest.table_label, "事業所情報");
    let mode: String = conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
}

#[test]
fn a_history_that_does_not_continue_the_backup_s_is_kept_after_it_and_said_so() {
    let dir = temp_dir();
    // Another PC's backup: its own change record.
    let other = temp_dir();
    let (other_db, mut other_conn) = new_db(other.path());
    demo::fill(&mut other_conn, at(8, 0)).unwrap();
    let file =
        backup::backup_now(&other_conn, None, &other_db, BackupKind::Manual, at(8, 30)).unwrap();
    let backup_audit = rows_without_seq(&other_conn, "audit_log");
    drop(other_conn);

    let (db, mut conn) = new_db(dir.path());
    let mut input = demo::office_input();
    input.name = "この PC の事業所".into();
    office::save(&mut conn, &input, at(9, 0)).unwrap();
    let live_audit = rows_without_seq(&conn, "audit_log");
    assert!(!live_audit.is_empty());
    let folder = db.with_file_name("backups");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::copy(&file.path, folder.join(GENERATION)).unwrap();

    let path = backup::generation(&conn, &db, GENERATION).unwrap();
    backup::restore(&mut conn, None, &db, &path, at(10, 0)).unwrap();
    let after = rows_without_seq(&conn, "audit_log");
    assert_eq!(after[..backup_audit.len()], backup_audit[..]);
    assert_eq!(
        after[backup_audit.len()..backup_audit.len() + live_audit.len()],
        live_audit[..],
        "this PC's record follows the backup's, in its order"
    );
    let newest = &store::audit::recent(&conn, 1).unwrap()[0];
    assert_eq!(newest.table_label, "復元");
    assert!(newest.summary.contains("続きではない"), "{newest:?}");
    assert_eq!(store::check(&conn).unwrap(), SCHEMA_VERSION);
}

#[test]
fn the_backups_of_every_earlier_version_pass_the_checks() {
    // Copies: the fixtures stay untouched (upgrade.rs checks nothing is
    // ever left beside them).
    let dir = temp_dir();
    for version in 1..=SCHEMA_VERSION {
        let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(format!("../../tests/data/schema-v{version}.sqlite"));
        let copy = dir.path().join(format!("v{version}.db"));
        std::fs::copy(&fixture, &copy).unwrap();
        let contents = backup::inspect(&copy, None)
            .unwrap_or_else(|e| panic!("schema-v{version}.sqlite refused: {e}"));
        assert_eq!(contents.schema_version, version);
    }
}

#[test]
fn fewer_than_7_daily_or_3_monthly_generations_are_refused() {
    let dir = temp_dir();
    let (_db, mut conn) = new_db(dir.path());
    let before = store::content_fingerprint(&conn).unwrap();
    for (daily, monthly, field, minimum) in [
        (6, 12, "keep_daily", "7世代より少なくはできません"),
        (0, 12, "keep_daily", "7世代より少なくはできません"),
        (14, 2, "keep_monthly", "3世代より少なくはできません"),
        (14, 0, "keep_monthly", "3世代より少なくはできません"),
    ] {
        let settings = BackupSettings {
            dir: String::new(),
            keep_daily: daily,
            keep_monthly: monthly,
        };
        let err = backup::save_settings(&mut conn, &settings).unwrap_err();
        assert_eq!(err.field(), Some(field), "{daily}/{monthly}");
        assert!(err.to_string().contains(minimum), "{err}");
    }
    assert_eq!(store::content_fingerprint(&conn).unwrap(), before);
    let least = BackupSettings {
        dir: String::new(),
        keep_daily: 7,
        keep_monthly: 3,
    };
    assert_eq!(backup::save_settings(&mut conn, &least).unwrap(), least);
    // A smaller number written behind the app's back prunes no further.
    store::set_setting(&conn, "backup.keep_daily", "1").unwrap();
    store::set_setting(&conn, "backup.keep_monthly", "0").unwrap();
    assert_eq!(backup::load_settings(&conn).unwrap(), least);
}

#[test]
fn deleting_old_generations_is_recorded() {
    let dir = temp_dir();
    let (db, conn) = new_db(dir.path());
    // A backup a day for 20 days: the oldest go beyond 7 days (3 months
    // keep the newest of each month only).
    let start = at(9, 0);
    for day in 0..20 {
        backup::backup_now(
            &conn,
            None,
            &db,
            BackupKind::Auto,
            start + chrono::Duration::days(day),
        )
        .unwrap();
    }
    let least = BackupSettings {
        dir: String::new(),
        keep_daily: 7,
        keep_monthly: 3,
    };
    let mut conn = conn;
    backup::save_settings(&mut conn, &least).unwrap();
    let folder = db.with_file_name("backups");
    let before = backup::list(&folder).unwrap();
    let removed =
        backup::prune(&conn, &folder, &least, chrono::Local::now().naive_local()).unwrap();
    assert!(removed > 0);
    let after = backup::list(&folder).unwrap();
    assert_eq!(after.len(), before.len() - removed);
    let gone: Vec<&str> = before
        .iter()
        .filter(|b| !after.contains(b))
        .map(|b| b.file_name.as_str())
        .collect();
    // In the access log, under whoever the connection works for (nobody
    // here: the automatic rotation).
    let (kind, who, recorded): (String, String, String) = conn
        .query_row(
            "SELECT kind, staff_name, target FROM access_log ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!((kind.as_str(), who.as_str()), ("backup_delete", "（自動）"));
    for name in gone {
        assert!(recorded.contains(name), "{name} in {recorded}");
    }
}
