//! Looking into a backup before a restore, and the restore itself.

use std::fs;
use std::path::Path;

use chrono::NaiveDateTime;
use rusqlite::{Connection, OpenFlags, MAIN_DB};

use super::{
    create, describe, disk_error, load_settings, resolve_dir, BackupContents, BackupFile,
    BackupKind,
};
use crate::store::{self, APPLICATION_ID, SCHEMA_VERSION};
use crate::{wareki, Error, Result};

pub(super) fn not_a_backup(path: &Path) -> Error {
    Error::invalid(
        "backup",
        format!(
            "「{}」はこのアプリのバックアップではありません。",
            Error::path_text(path)
        ),
    )
}

/// Opens a backup read-only and reports what it holds. Refuses files that
/// are not ours, are damaged, or come from a newer version of the app.
pub fn inspect(path: &Path) -> Result<BackupContents> {
    let file = describe(path).or_else(|_| describe_foreign_name(path))?;
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|_| not_a_backup(path))?;
    let header = |sql: &str| -> Result<i64> {
        conn.query_row(sql, [], |r| r.get(0))
            .map_err(|_| not_a_backup(path))
    };
    if header("PRAGMA application_id")? != APPLICATION_ID {
        return Err(not_a_backup(path));
    }
    let schema_version = header("PRAGMA user_version")?;
    if schema_version > SCHEMA_VERSION {
        return Err(Error::NewerSchema {
            found: schema_version,
            supported: SCHEMA_VERSION,
        });
    }
    let verdict: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .map_err(|_| not_a_backup(path))?;
    if verdict != "ok" {
        return Err(Error::Corrupt(format!(
            "バックアップが壊れています（{verdict}）"
        )));
    }
    let office_name = conn
        .query_row("SELECT name FROM office WHERE id = 1", [], |r| r.get(0))
        .unwrap_or_default();
    Ok(BackupContents {
        file,
        schema_version,
        office_name,
        counts: record_counts(&conn)?,
    })
}

/// A backup copied by hand may have been renamed; use the file's own times.
fn describe_foreign_name(path: &Path) -> Result<BackupFile> {
    let meta = fs::metadata(path).map_err(|_| not_a_backup(path))?;
    if !meta.is_file() {
        return Err(not_a_backup(path));
    }
    let modified: chrono::DateTime<chrono::Local> =
        meta.modified().map_err(|_| not_a_backup(path))?.into();
    let created_at = modified.naive_local();
    Ok(BackupFile {
        path: path.display().to_string(),
        file_name: path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string(),
        kind: BackupKind::Manual,
        kind_label: BackupKind::Manual.label(),
        created_label: wareki::format_datetime(created_at),
        created_at,
        size_bytes: meta.len(),
    })
}

/// Row counts of the tables of records, labelled for people, in the order
/// of [`store::tables::TABLES`].
pub fn record_counts(conn: &Connection) -> Result<Vec<(String, i64)>> {
    let mut counts = Vec::new();
    for table in store::tables::present(conn)? {
        if table.holds_records() {
            let sql = format!("SELECT count(*) FROM {}", table.name);
            let n: i64 = conn.query_row(&sql, [], |r| r.get(0))?;
            counts.push((table.label.to_string(), n));
        }
    }
    Ok(counts)
}

/// Replaces the data of `conn` (the open database at `db`) with the backup
/// at `from`, after backing the current data up, and records the restore in
/// the change record under the connection's actor. Returns the safety copy.
pub fn restore(
    conn: &mut Connection,
    db: &Path,
    from: &Path,
    now: NaiveDateTime,
) -> Result<BackupFile> {
    inspect(from)?;
    let settings = load_settings(conn)?;
    let dir = resolve_dir(&settings, db);
    fs::create_dir_all(&dir).map_err(disk_error)?;
    let safety = create(conn, &dir, BackupKind::PreRestore, now)?;
    conn.restore(MAIN_DB, from, None::<fn(rusqlite::backup::Progress)>)?;
    // An older backup is brought up to this version's schema.
    store::migrate(conn)?;
    // Where backups go is a property of this PC, not of the restored data.
    let tx = conn.transaction()?;
    store::set_setting(&tx, "backup.dir", &settings.dir)?;
    store::set_setting(&tx, "backup.keep_daily", &settings.keep_daily.to_string())?;
    store::set_setting(
        &tx,
        "backup.keep_monthly",
        &settings.keep_monthly.to_string(),
    )?;
    store::set_setting(&tx, "backup.last_at", &store::stamp(now))?;
    // Recorded in the restored data, under whoever is signed in here.
    store::audit::record_event(&tx, "restore", &from.display().to_string())?;
    tx.commit()?;
    Ok(safety)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backup::tests::at;
    use crate::backup::{backup_now, list, save_settings, BackupSettings};
    use crate::{demo, office};

    #[test]
    fn backup_restore_round_trip_keeps_a_safety_copy() -> Result<()> {
        let (_dir, db, mut conn) = crate::store::temp_db()?;
        demo::fill(&mut conn, at(2025, 4, 1, 9))?;
        let backup = backup_now(&conn, &db, BackupKind::Manual, at(2025, 4, 1, 10))?;
        let contents = inspect(Path::new(&backup.path))?;
        assert_eq!(contents.office_name, "坂戸鶴ヶ島医師会 在宅医療相談室");
        assert!(
            contents.counts.contains(&("日常生活圏域".to_string(), 9)),
            "{:?}",
            contents.counts
        );
        // Staff see every table by its Japanese name, never `booklet_entries`.
        let labels: Vec<&str> = contents.counts.iter().map(|(l, _)| l.as_str()).collect();
        assert!(labels.contains(&"意志表示帳の入庫・配布"), "{labels:?}");
        assert!(labels.iter().all(|l| !l.is_ascii()), "{labels:?}");

        // Change the data, then restore the backup.
        let mut input = office::OfficeInput::from(&office::load(&conn)?);
        input.name = "変更後の名前".into();
        office::save(&mut conn, &input, at(2025, 4, 2, 9))?;
        store::audit::set_actor(&conn, "山田 花子")?;
        let safety = restore(&mut conn, &db, Path::new(&backup.path), at(2025, 4, 2, 10))?;
        let restored = office::load(&conn)?;
        assert_eq!(restored.name, "坂戸鶴ヶ島医師会 在宅医療相談室");
        // The restore is in the restored change record, under the actor.
        let newest = &store::audit::recent(&conn, 1)?[0];
        assert_eq!(
            (newest.table_label, newest.actor.as_str()),
            ("復元", "山田 花子")
        );
        assert!(newest.summary.ends_with(&backup.file_name), "{newest:?}");
        // The data replaced by the restore is kept, and can itself be restored.
        assert_eq!(safety.kind, BackupKind::PreRestore);
        assert_eq!(
            inspect(Path::new(&safety.path))?.office_name,
            "変更後の名前"
        );
        assert_eq!(store::check(&conn)?, SCHEMA_VERSION);
        Ok(())
    }

    #[test]
    fn refuses_missing_folder_and_foreign_files_without_writing() -> Result<()> {
        let (dir, db, mut conn) = crate::store::temp_db()?;
        let missing = dir.path().join("usb-not-connected");
        let err = save_settings(
            &mut conn,
            &BackupSettings {
                dir: missing.display().to_string(),
                ..Default::default()
            },
        )
        .unwrap_err();
        assert_eq!(err.field(), Some("backup_dir"));
        assert!(err.to_string().contains("見つかりません"), "{err}");
        let err = create(&conn, &missing, BackupKind::Manual, at(2025, 4, 1, 9)).unwrap_err();
        assert!(err.to_string().contains("見つかりません"), "{err}");
        assert!(!missing.exists());

        let text = dir.path().join("memo.txt");
        fs::write(&text, "これはバックアップではありません")?;
        let before = office::load(&conn)?;
        let err = restore(&mut conn, &db, &text, at(2025, 4, 1, 9)).unwrap_err();
        assert!(
            err.to_string().contains("バックアップではありません"),
            "{err}"
        );
        assert_eq!(office::load(&conn)?, before);
        assert!(
            list(&dir.path().join("backups"))?.is_empty(),
            "no safety copy for a refused restore"
        );
        Ok(())
    }

    #[test]
    fn a_backup_from_a_newer_version_is_refused() -> Result<()> {
        let (_dir, db, mut conn) = crate::store::temp_db()?;
        let backup = backup_now(&conn, &db, BackupKind::Manual, at(2025, 4, 1, 9))?;
        {
            let newer = Connection::open(&backup.path)?;
            newer.pragma_update(None, "user_version", SCHEMA_VERSION + 1)?;
        }
        let err = restore(&mut conn, &db, Path::new(&backup.path), at(2025, 4, 1, 10)).unwrap_err();
        assert_eq!(err.kind(), "newer_schema");
        Ok(())
    }

    #[test]
    fn a_backup_of_an_older_schema_is_brought_up_to_date_and_its_changes_recorded() -> Result<()> {
        let (dir, db, mut conn) = crate::store::temp_db()?;
        // A backup made by version 9, before the 名簿 tables existed.
        let old = dir.path().join("old-backup.db");
        {
            let mut raw = Connection::open(&old)?;
            store::migrate_to(&mut raw, 9)?;
        }
        let contents = inspect(&old)?;
        assert_eq!(contents.schema_version, 9);
        assert!(!contents.counts.iter().any(|(l, _)| l == "往診登録医"));

        restore(&mut conn, &db, &old, at(2025, 4, 2, 10))?;
        assert_eq!(store::check(&conn)?, SCHEMA_VERSION);
        let doctor = crate::registries::DoctorInput {
            name: "高橋 誠".into(),
            clinic: "高橋内科".into(),
            ..Default::default()
        };
        crate::registries::save_doctor(&mut conn, &doctor, at(2025, 4, 2, 11))?;
        let newest = &store::audit::recent(&conn, 1)?[0];
        assert_eq!(
            (newest.table_label, newest.action_label),
            ("往診登録医", "追加")
        );
        Ok(())
    }
}
