//! Looking into a backup before a restore, and the restore itself.

use std::fs;
use std::path::{Path, PathBuf};

use chrono::NaiveDateTime;
use rusqlite::{Connection, MAIN_DB};

use super::rotate::parse_name;
use super::{
    carry, create, describe, disk_error, load_settings, resolve_dir, sqlite_write_error, verify,
    BackupContents, BackupFile, BackupKind, BackupSettings,
};
use crate::store::{self, DataKey};
use crate::{access_log, wareki, Error, Result};

pub(super) fn not_a_backup(path: &Path) -> Error {
    Error::invalid(
        "backup",
        format!(
            "「{}」はこのアプリのバックアップではありません。",
            Error::path_text(path)
        ),
    )
}

/// Opens a backup read-only and reports what it holds, after every check
/// of [`verify::verify`]: files that are not ours, are damaged, come from a
/// newer version of the app or have a schema other than the app's are refused.
pub fn inspect(path: &Path, key: Option<&DataKey>) -> Result<BackupContents> {
    let file = describe(path).or_else(|_| describe_foreign_name(path))?;
    let conn = verify::open_untrusted(path, false, verify::backup_key(path, key)?)?;
    let schema_version = verify::verify(&conn, path)?;
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

/// The backup named `name` in the backup folder, for the window: only a
/// name from the list of generations (never a path), and only a plain file
/// in that very folder (not a link to somewhere else).
pub fn generation(conn: &Connection, db: &Path, name: &str) -> Result<PathBuf> {
    let refused = || {
        Error::invalid(
            "backup",
            "復元できるのは、バックアップの保存先の一覧にあるバックアップだけです。",
        )
    };
    let bare = Path::new(name).file_name() == Some(std::ffi::OsStr::new(name));
    if !bare || parse_name(name).is_none() {
        return Err(refused());
    }
    let dir = resolve_dir(&load_settings(conn)?, db);
    let path = dir.join(name);
    let meta = fs::symlink_metadata(&path).map_err(|_| {
        Error::invalid(
            "backup",
            "選ばれたバックアップが見つかりません。一覧を開き直してください。",
        )
    })?;
    if !meta.file_type().is_file() {
        return Err(refused());
    }
    let inside = match (fs::canonicalize(&dir), fs::canonicalize(&path)) {
        (Ok(dir), Ok(real)) => real.parent() == Some(dir.as_path()),
        _ => false,
    };
    if !inside {
        return Err(refused());
    }
    Ok(path)
}

/// Where the restored copy is prepared: beside the live database (the same
/// disk, so a full disk shows before anything is replaced), under a fixed
/// name so that a copy left behind by a crash is cleared by the next restore.
fn staging_path(db: &Path) -> PathBuf {
    let name = db
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "zaitaku-desk.db".into());
    db.with_file_name(format!(".{name}.restoring"))
}

fn remove_with_journals(path: &Path) {
    for suffix in ["", "-journal", "-wal", "-shm"] {
        let mut file = path.as_os_str().to_owned();
        file.push(suffix);
        let _ = fs::remove_file(&file);
    }
}

/// The staged copy, removed however the restore ends.
struct Staged(PathBuf);

impl Drop for Staged {
    fn drop(&mut self) {
        remove_with_journals(&self.0);
    }
}

/// Replaces the data of `conn` (the open database at `db`) with the backup
/// at `from`, which is trusted for nothing:
///
/// 1. `from` passes every check of [`verify::verify`], read-only;
/// 2. the current data is backed up (復元前);
/// 3. `from` is copied beside the database, migrated there to this
///    version and checked again; the newer rows of every history are
///    carried into it, and the restore is recorded in it, under the
///    connection's actor;
/// 4. the copy replaces the data in one step of the backup API: one write
///    transaction of the live database, so a crash leaves the old data or
///    the restored data, never a mix.
///
/// Returns the safety copy of step 2.
///
/// An encrypted office (`key`) restores its own encrypted backups; a
/// backup encrypted or not unlike the office is refused (conversion makes
/// a new, encrypted backup generation).
pub fn restore(
    conn: &mut Connection,
    key: Option<&DataKey>,
    db: &Path,
    from: &Path,
    now: NaiveDateTime,
) -> Result<BackupFile> {
    let from_key = verify::backup_key(from, key)?;
    if from_key.is_none() && key.is_some() {
        return Err(Error::invalid(
            "backup",
            format!(
                "「{}」は、このパソコンのデータを暗号化する前に作成した、暗号化されていないバックアップです。暗号化したデータには復元できません。暗号化したあとに作成したバックアップを選んでください（データは変更していません）。",
                Error::path_text(from)
            ),
        ));
    }
    let candidate = verify::open_untrusted(from, false, from_key)?;
    verify::verify(&candidate, from)?;
    let settings = load_settings(conn)?;
    let dir = resolve_dir(&settings, db);
    fs::create_dir_all(&dir).map_err(disk_error)?;
    let safety = create(conn, key, db, &dir, BackupKind::PreRestore, now)?;

    let staged = Staged(staging_path(db));
    remove_with_journals(&staged.0);
    {
        let mut dst = super::open_keyed(&staged.0, rusqlite::OpenFlags::default(), key)
            .map_err(super::write_error)?;
        let copy =
            rusqlite::backup::Backup::new_with_names(&candidate, MAIN_DB, &mut dst, MAIN_DB)?;
        // One step: the candidate is read-only and nobody else writes it.
        copy.step(-1).map_err(sqlite_write_error)?;
    }
    drop(candidate);
    let mut restored = verify::open_untrusted(&staged.0, true, key)?;
    prepare(
        &mut restored,
        conn,
        key,
        db,
        &settings,
        &source_label(from),
        now,
    )?;
    swap(conn, &restored)?;
    Ok(safety)
}

/// How the restore record names the backup: its file name when it is one
/// of ours, else the path.
fn source_label(from: &Path) -> String {
    match from.file_name().and_then(|n| n.to_str()) {
        Some(name) if parse_name(name).is_some() => name.to_string(),
        _ => from.display().to_string(),
    }
}

/// Step 3 on the staged copy `restored`; `live` is only read.
fn prepare(
    restored: &mut Connection,
    live: &Connection,
    key: Option<&DataKey>,
    live_path: &Path,
    settings: &BackupSettings,
    source: &str,
    now: NaiveDateTime,
) -> Result<()> {
    restored.query_row("PRAGMA journal_mode = DELETE", [], |_| Ok(()))?;
    // The backup API cannot change the page size of a database in WAL mode.
    let live_size = page_size(live)?;
    let staged_size = page_size(restored)?;
    if staged_size != live_size {
        restored.pragma_update(None, "page_size", live_size)?;
        restored.execute_batch("VACUUM")?;
    }
    store::migrate(restored)?;
    verify::verify(restored, Path::new(source))?;

    let (staff_id, name) = store::audit::actor(live).unwrap_or_default();
    store::audit::install(restored)?;
    store::audit::set_actor(restored, &staff_id, &name)?;
    let live_path = live_path.to_str().ok_or_else(|| {
        Error::Conflict("データベースの場所の名前を読み取れないため復元できません。".into())
    })?;
    match key {
        Some(key) => key.attach(restored, Path::new(live_path), "live")?,
        None => {
            restored.execute("ATTACH DATABASE ?1 AS live", [live_path])?;
        }
    }
    // Carried rows are chosen so that their references resolve; should one
    // not, `foreign_key_check` below names it instead of a failed insert.
    restored.pragma_update(None, "foreign_keys", "OFF")?;
    let tx = restored.transaction()?;
    let notes = carry::carry_history(&tx)?;
    // Where backups go is a property of this PC, not of the restored data.
    store::set_setting(&tx, "backup.dir", &settings.dir)?;
    store::set_setting(&tx, "backup.keep_daily", &settings.keep_daily.to_string())?;
    store::set_setting(
        &tx,
        "backup.keep_monthly",
        &settings.keep_monthly.to_string(),
    )?;
    store::set_setting(&tx, "backup.last_at", &store::stamp(now))?;
    let detail = if notes.is_empty() {
        source.to_string()
    } else {
        format!("{source}　{}", notes.join("／"))
    };
    store::audit::record_event(&tx, "restore", &detail)?;
    access_log::record_here(&tx, access_log::Kind::Restore, source, "", now)?;
    tx.commit()?;
    restored.execute_batch("DETACH DATABASE live")?;
    let broken: i64 =
        restored.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })?;
    if broken > 0 {
        return Err(Error::Corrupt(format!(
            "復元するデータに参照先のない行が{broken}件できました。復元していません"
        )));
    }
    Ok(())
}

/// `PRAGMA page_size`: SQLCipher answers it on an encrypted database as
/// text (`cipher_page_size`).
fn page_size(conn: &Connection) -> Result<i64> {
    use rusqlite::types::Value;
    let value: Value = conn.query_row("PRAGMA page_size", [], |r| r.get(0))?;
    match value {
        Value::Integer(n) => Ok(n),
        Value::Text(text) => text
            .parse()
            .map_err(|_| Error::Corrupt(format!("ページの大きさ「{text}」を読み取れません"))),
        _ => Err(Error::Corrupt("ページの大きさを読み取れません".into())),
    }
}

/// Step 4: the whole staged copy into the live database in one step of the
/// backup API, then what `store::open` sets up on a connection for its
/// tables (the TEMP recording triggers) made again.
fn swap(live: &mut Connection, restored: &Connection) -> Result<()> {
    {
        let backup = rusqlite::backup::Backup::new(restored, live)?;
        match backup.step(-1)? {
            rusqlite::backup::StepResult::Done => {}
            _ => {
                return Err(Error::Conflict(
                    "データベースがほかの操作で使われているため復元できませんでした。もう一度お試しください。".into(),
                ))
            }
        }
    }
    store::audit::install(live)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backup::tests::at;
    use crate::backup::{backup_now, list, save_settings, BackupSettings};
    use crate::store::SCHEMA_VERSION;
    use crate::{demo, office};

    #[test]
    fn backup_restore_round_trip_keeps_a_safety_copy() -> Result<()> {
        let (_dir, db, mut conn) = crate::store::temp_db()?;
        demo::fill(&mut conn, at(2025, 4, 1, 9))?;
        let backup = backup_now(&conn, None, &db, BackupKind::Manual, at(2025, 4, 1, 10))?;
        let contents = inspect(Path::new(&backup.path), None)?;
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
        store::audit::set_actor(&conn, "", "山田 花子")?;
        let safety = restore(
            &mut conn,
            None,
            &db,
            Path::new(&backup.path),
            at(2025, 4, 2, 10),
        )?;
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
            inspect(Path::new(&safety.path), None)?.office_name,
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
        let err = create(
            &conn,
            None,
            &db,
            &missing,
            BackupKind::Manual,
            at(2025, 4, 1, 9),
        )
        .unwrap_err();
        assert!(err.to_string().contains("見つかりません"), "{err}");
        assert!(!missing.exists());

        let text = dir.path().join("memo.txt");
        fs::write(&text, "これはバックアップではありません")?;
        let before = office::load(&conn)?;
        let err = restore(&mut conn, None, &db, &text, at(2025, 4, 1, 9)).unwrap_err();
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
        let backup = backup_now(&conn, None, &db, BackupKind::Manual, at(2025, 4, 1, 9))?;
        {
            let newer = Connection::open(&backup.path)?;
            newer.pragma_update(None, "user_version", SCHEMA_VERSION + 1)?;
        }
        let err = restore(
            &mut conn,
            None,
            &db,
            Path::new(&backup.path),
            at(2025, 4, 1, 10),
        )
        .unwrap_err();
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
        let contents = inspect(&old, None)?;
        assert_eq!(contents.schema_version, 9);
        assert!(!contents.counts.iter().any(|(l, _)| l == "往診登録医"));

        restore(&mut conn, None, &db, &old, at(2025, 4, 2, 10))?;
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
