//! Backups in generations (SQLite online backup API) and restore.
//!
//! A backup is a complete, self-contained SQLite file (rollback journal, not
//! WAL) written under a temporary name, checked with `integrity_check`, and
//! only then renamed into place, so a crash never leaves a half backup that
//! looks whole. Restore first backs up the current data, then copies the
//! chosen backup into the open database in one step of the backup API.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDateTime};
use rusqlite::{Connection, OpenFlags, OptionalExtension, MAIN_DB};
use serde::{Deserialize, Serialize};

use crate::store::{self, APPLICATION_ID, SCHEMA_VERSION};
use crate::{text, wareki, Error, Result};

const PREFIX: &str = "zaitaku-desk_";
const STAMP: &str = "%Y%m%d-%H%M%S";
/// Backups made just before a restore are kept apart from the generations.
const KEEP_PRE_RESTORE: usize = 5;
/// The 設定 screen warns when the newest backup is older than this.
pub const STALE_AFTER_DAYS: i64 = 7;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BackupKind {
    /// Made automatically when the app starts (at most once a day).
    Auto,
    /// Made by a person (button or `zaitaku-desk backup`).
    Manual,
    /// The data as it was just before a restore replaced it.
    PreRestore,
}

impl BackupKind {
    fn tag(self) -> &'static str {
        match self {
            BackupKind::Auto => "auto",
            BackupKind::Manual => "manual",
            BackupKind::PreRestore => "pre-restore",
        }
    }

    fn from_tag(tag: &str) -> Option<Self> {
        [BackupKind::Auto, BackupKind::Manual, BackupKind::PreRestore]
            .into_iter()
            .find(|k| k.tag() == tag)
    }

    pub fn label(self) -> &'static str {
        match self {
            BackupKind::Auto => "自動",
            BackupKind::Manual => "手動",
            BackupKind::PreRestore => "復元前",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BackupFile {
    pub path: String,
    pub file_name: String,
    pub kind: BackupKind,
    pub kind_label: &'static str,
    pub created_at: NaiveDateTime,
    /// 令和7年11月24日（月） 14:05
    pub created_label: String,
    pub size_bytes: u64,
}

/// What a backup holds, shown before a restore is confirmed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BackupContents {
    pub file: BackupFile,
    pub schema_version: i64,
    pub office_name: String,
    /// (label, number of rows) of every table of records.
    pub counts: Vec<(String, i64)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupSettings {
    /// Empty: the `backups` folder beside the database.
    pub dir: String,
    pub keep_daily: u32,
    pub keep_monthly: u32,
}

impl Default for BackupSettings {
    fn default() -> Self {
        BackupSettings {
            dir: String::new(),
            keep_daily: 14,
            keep_monthly: 12,
        }
    }
}

/// Shown on the 設定 screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BackupStatus {
    pub settings: BackupSettings,
    /// The folder actually used.
    pub dir: String,
    pub last_at: Option<NaiveDateTime>,
    pub last_label: Option<String>,
    /// True when there is no backup or the newest is older than 7 days.
    pub stale: bool,
}

// ---- settings -------------------------------------------------------------

fn get_setting(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT value FROM app_settings WHERE key = ?1",
            [key],
            |r| r.get(0),
        )
        .optional()?)
}

fn set_setting(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO app_settings (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [key, value],
    )?;
    Ok(())
}

pub fn load_settings(conn: &Connection) -> Result<BackupSettings> {
    let defaults = BackupSettings::default();
    let number = |key: &str, default: u32| -> Result<u32> {
        Ok(get_setting(conn, key)?
            .and_then(|v| v.parse().ok())
            .unwrap_or(default))
    };
    Ok(BackupSettings {
        dir: get_setting(conn, "backup.dir")?.unwrap_or_default(),
        keep_daily: number("backup.keep_daily", defaults.keep_daily)?,
        keep_monthly: number("backup.keep_monthly", defaults.keep_monthly)?,
    })
}

pub fn save_settings(conn: &mut Connection, input: &BackupSettings) -> Result<BackupSettings> {
    let dir = text::single_line("backup_dir", "バックアップの保存先", &input.dir, 500, false)?;
    if !dir.is_empty() {
        check_writable_dir(Path::new(&dir), "backup_dir")?;
    }
    if !(1..=366).contains(&input.keep_daily) {
        return Err(Error::invalid(
            "keep_daily",
            "毎日のバックアップは1〜366世代の範囲で指定してください。",
        ));
    }
    if input.keep_monthly > 120 {
        return Err(Error::invalid(
            "keep_monthly",
            "毎月のバックアップは0〜120世代の範囲で指定してください。",
        ));
    }
    let tx = conn.transaction()?;
    set_setting(&tx, "backup.dir", &dir)?;
    set_setting(&tx, "backup.keep_daily", &input.keep_daily.to_string())?;
    set_setting(&tx, "backup.keep_monthly", &input.keep_monthly.to_string())?;
    tx.commit()?;
    load_settings(conn)
}

/// The folder backups go to: the configured one, or `backups` beside `db`.
pub fn resolve_dir(settings: &BackupSettings, db: &Path) -> PathBuf {
    if settings.dir.is_empty() {
        db.parent().unwrap_or(Path::new(".")).join("backups")
    } else {
        PathBuf::from(&settings.dir)
    }
}

pub fn status(conn: &Connection, db: &Path, now: NaiveDateTime) -> Result<BackupStatus> {
    let settings = load_settings(conn)?;
    let dir = resolve_dir(&settings, db).display().to_string();
    let last_at = get_setting(conn, "backup.last_at")?
        .and_then(|v| NaiveDateTime::parse_from_str(&v, "%Y-%m-%dT%H:%M:%S").ok());
    let stale = last_at.is_none_or(|at| (now - at).num_days() >= STALE_AFTER_DAYS);
    Ok(BackupStatus {
        settings,
        dir,
        last_label: last_at.map(wareki::format_datetime),
        last_at,
        stale,
    })
}

// ---- making backups -------------------------------------------------------

fn check_writable_dir(dir: &Path, field: &str) -> Result<()> {
    let shown = Error::path_text(dir);
    if !dir.is_dir() {
        return Err(Error::invalid(field, format!("バックアップの保存先「{shown}」が見つかりません。USBメモリなどが接続されているか確認してください。")));
    }
    let probe = dir.join(format!(".zaitaku-desk-write-test-{}", text::new_id()));
    match fs::write(&probe, b"ok") {
        Ok(()) => {
            let _ = fs::remove_file(&probe);
            Ok(())
        }
        Err(_) => Err(Error::invalid(field, format!("バックアップの保存先「{shown}」に書き込めません。書き込み禁止になっていないか確認してください。"))),
    }
}

fn file_name(kind: BackupKind, at: NaiveDateTime) -> String {
    format!("{PREFIX}{}_{}.db", at.format(STAMP), kind.tag())
}

/// Writes a verified backup of `conn` into `dir`.
pub fn create(
    conn: &Connection,
    dir: &Path,
    kind: BackupKind,
    now: NaiveDateTime,
) -> Result<BackupFile> {
    check_writable_dir(dir, "backup_dir")?;
    let mut at = now;
    // Two backups in the same second get distinct names.
    while dir.join(file_name(kind, at)).exists() {
        at += chrono::Duration::seconds(1);
    }
    let final_path = dir.join(file_name(kind, at));
    let partial = dir.join(format!(".{}.partial", file_name(kind, at)));
    let result = write_verified(conn, &partial).and_then(|()| {
        fs::rename(&partial, &final_path).map_err(disk_error)?;
        sync_dir(dir);
        describe(&final_path)
    });
    if result.is_err() {
        // SQLite may have left its rollback journal beside the partial file
        // (a full disk during the switch to journal_mode=DELETE).
        for suffix in ["", "-journal", "-wal", "-shm"] {
            let mut path = partial.clone().into_os_string();
            path.push(suffix);
            let _ = fs::remove_file(&path);
        }
    }
    result
}

fn write_verified(conn: &Connection, partial: &Path) -> Result<()> {
    conn.backup(MAIN_DB, partial, None::<fn(rusqlite::backup::Progress)>)
        .map_err(sqlite_write_error)?;
    let copy = Connection::open(partial)?;
    // One self-contained file: no -wal beside a backup on a USB stick.
    copy.query_row("PRAGMA journal_mode = DELETE", [], |_| Ok(()))?;
    let verdict: String = copy.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
    drop(copy);
    if verdict != "ok" {
        return Err(Error::Corrupt(format!(
            "作成したバックアップの検査に失敗しました（{verdict}）"
        )));
    }
    fs::File::open(partial)
        .and_then(|f| f.sync_all())
        .map_err(disk_error)?;
    Ok(())
}

fn sync_dir(dir: &Path) {
    // Makes the rename durable on Unix; not possible (nor needed) on Windows.
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

fn disk_error(e: std::io::Error) -> Error {
    Error::Conflict(format!("バックアップを書き込めませんでした。保存先の空き容量と書き込み権限を確認してください（{e}）。"))
}

fn sqlite_write_error(e: rusqlite::Error) -> Error {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::DiskFull) | Some(rusqlite::ErrorCode::CannotOpen)
        | Some(rusqlite::ErrorCode::ReadOnly) | Some(rusqlite::ErrorCode::SystemIoFailure) => {
            Error::Conflict("バックアップを書き込めませんでした。保存先の空き容量と書き込み権限を確認してください。".into())
        }
        _ => Error::Db(e),
    }
}

/// Makes the day's automatic backup unless one was already made today.
pub fn auto_backup(conn: &Connection, db: &Path, now: NaiveDateTime) -> Result<Option<BackupFile>> {
    let current = status(conn, db, now)?;
    if current.last_at.is_some_and(|at| at.date() == now.date()) {
        return Ok(None);
    }
    backup_now(conn, db, BackupKind::Auto, now).map(Some)
}

/// A backup into the configured folder, then pruning of old generations.
pub fn backup_now(
    conn: &Connection,
    db: &Path,
    kind: BackupKind,
    now: NaiveDateTime,
) -> Result<BackupFile> {
    let settings = load_settings(conn)?;
    let dir = resolve_dir(&settings, db);
    if settings.dir.is_empty() {
        // The default folder beside the database is made on first use; a
        // configured one (a USB stick) must already be there.
        fs::create_dir_all(&dir).map_err(disk_error)?;
    }
    let file = create(conn, &dir, kind, now)?;
    set_setting(
        conn,
        "backup.last_at",
        &now.format("%Y-%m-%dT%H:%M:%S").to_string(),
    )?;
    prune(&dir, &settings)?;
    Ok(file)
}

// ---- listing and pruning --------------------------------------------------

fn parse_name(name: &str) -> Option<(NaiveDateTime, BackupKind)> {
    let rest = name.strip_prefix(PREFIX)?.strip_suffix(".db")?;
    let (stamp, tag) = rest.split_once('_')?;
    Some((
        NaiveDateTime::parse_from_str(stamp, STAMP).ok()?,
        BackupKind::from_tag(tag)?,
    ))
}

fn describe(path: &Path) -> Result<BackupFile> {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
        .to_string();
    let (created_at, kind) = parse_name(&name).ok_or_else(|| not_a_backup(path))?;
    Ok(BackupFile {
        path: path.display().to_string(),
        file_name: name,
        kind,
        kind_label: kind.label(),
        created_at,
        created_label: wareki::format_datetime(created_at),
        size_bytes: fs::metadata(path)?.len(),
    })
}

/// The backups in `dir`, newest first. A missing folder has none.
pub fn list(dir: &Path) -> Result<Vec<BackupFile>> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Ok(Vec::new());
    };
    let mut files: Vec<BackupFile> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_str().and_then(parse_name).is_some())
        .filter_map(|e| describe(&e.path()).ok())
        .collect();
    files.sort_by(|a, b| {
        b.created_at
            .cmp(&a.created_at)
            .then(b.file_name.cmp(&a.file_name))
    });
    Ok(files)
}

/// Which backups to keep: all of the newest day, the newest of each of the
/// last `keep_daily` days that have a backup, the newest of each of the last
/// `keep_monthly` months, and the last few pre-restore copies. Pure, so it is easy to test.
pub fn to_keep(files: &[BackupFile], settings: &BackupSettings) -> HashSet<String> {
    let mut keep = HashSet::new();
    let (pre, regular): (Vec<&BackupFile>, Vec<&BackupFile>) =
        files.iter().partition(|f| f.kind == BackupKind::PreRestore);
    let mut newest: Vec<&BackupFile> = regular;
    newest.sort_by_key(|f| std::cmp::Reverse(f.created_at));
    let mut days = Vec::new();
    let mut months = Vec::new();
    // Every backup of the newest day stays until the next day, so a backup
    // made by hand never makes the morning's one disappear.
    let newest_day = newest.first().map(|f| f.created_at.date());
    for f in &newest {
        if Some(f.created_at.date()) == newest_day {
            keep.insert(f.file_name.clone());
        }
        let day = f.created_at.date();
        if !days.contains(&day) && days.len() < settings.keep_daily as usize {
            days.push(day);
            keep.insert(f.file_name.clone());
        }
        let month = (day.year(), day.month());
        if !months.contains(&month) && months.len() < settings.keep_monthly as usize {
            months.push(month);
            keep.insert(f.file_name.clone());
        }
    }
    let mut pre = pre;
    pre.sort_by_key(|f| std::cmp::Reverse(f.created_at));
    keep.extend(
        pre.iter()
            .take(KEEP_PRE_RESTORE)
            .map(|f| f.file_name.clone()),
    );
    keep
}

/// Deletes backups outside the generations. Returns how many were removed.
pub fn prune(dir: &Path, settings: &BackupSettings) -> Result<usize> {
    let files = list(dir)?;
    let keep = to_keep(&files, settings);
    let mut removed = 0;
    for f in files.iter().filter(|f| !keep.contains(&f.file_name)) {
        if fs::remove_file(&f.path).is_ok() {
            removed += 1;
        }
    }
    Ok(removed)
}

// ---- inspecting and restoring ---------------------------------------------

fn not_a_backup(path: &Path) -> Error {
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

/// Row counts of the record tables, labelled for people.
pub fn record_counts(conn: &Connection) -> Result<Vec<(String, i64)>> {
    let tables: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table'
               AND name NOT LIKE 'sqlite_%' AND name NOT IN ('office', 'app_settings')
               AND sql NOT LIKE 'CREATE VIRTUAL TABLE%'
             ORDER BY rowid",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let virtual_prefixes: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL TABLE%'")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut counts = Vec::new();
    for table in tables.iter().filter(|t| {
        !virtual_prefixes
            .iter()
            .any(|v| t.starts_with(&format!("{v}_")))
    }) {
        // Table names come from sqlite_master, quoted as identifiers.
        let n: i64 = conn.query_row(
            &format!("SELECT count(*) FROM \"{}\"", table.replace('"', "\"\"")),
            [],
            |r| r.get(0),
        )?;
        counts.push((table_label(table).to_string(), n));
    }
    Ok(counts)
}

fn table_label(table: &str) -> &str {
    match table {
        "cities" => "市",
        "areas" => "日常生活圏域",
        "persons" => "対象者",
        "cases" => "相談記録",
        "case_entries" => "経過記録",
        other => other,
    }
}

/// Replaces the data of `conn` (the open database at `db`) with the backup
/// at `from`, after backing the current data up. Returns that safety copy.
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
    set_setting(&tx, "backup.dir", &settings.dir)?;
    set_setting(&tx, "backup.keep_daily", &settings.keep_daily.to_string())?;
    set_setting(
        &tx,
        "backup.keep_monthly",
        &settings.keep_monthly.to_string(),
    )?;
    set_setting(
        &tx,
        "backup.last_at",
        &now.format("%Y-%m-%dT%H:%M:%S").to_string(),
    )?;
    tx.commit()?;
    Ok(safety)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{demo, office};
    use chrono::NaiveDate;

    fn at(y: i32, m: u32, d: u32, h: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(h, 0, 0)
            .unwrap()
    }

    fn fake(name_at: NaiveDateTime, kind: BackupKind) -> BackupFile {
        BackupFile {
            path: String::new(),
            file_name: file_name(kind, name_at),
            kind,
            kind_label: kind.label(),
            created_at: name_at,
            created_label: String::new(),
            size_bytes: 0,
        }
    }

    #[test]
    fn generations_keep_14_days_and_12_months() {
        // Two backups a day for 400 days.
        let mut files = Vec::new();
        let start = at(2025, 1, 1, 9);
        for day in 0..400 {
            let d = start + chrono::Duration::days(day);
            files.push(fake(d, BackupKind::Auto));
            files.push(fake(d + chrono::Duration::hours(8), BackupKind::Manual));
        }
        let keep = to_keep(&files, &BackupSettings::default());
        let last_day = start + chrono::Duration::days(399);
        // The newest of each of the last 14 days…
        for back in 0..14 {
            let newest = last_day + chrono::Duration::hours(8) - chrono::Duration::days(back);
            assert!(
                keep.contains(&file_name(BackupKind::Manual, newest)),
                "day -{back}"
            );
        }
        // …and one per month for 12 months (some coincide with the days).
        let months: HashSet<(i32, u32)> = files
            .iter()
            .filter(|f| keep.contains(&f.file_name))
            .map(|f| (f.created_at.year(), f.created_at.month()))
            .collect();
        assert_eq!(months.len(), 12);
        assert!(keep.len() <= 15 + 12 && keep.len() >= 12, "{}", keep.len());
        // Both backups of the newest day stay; on older days only the newer one.
        assert!(keep.contains(&file_name(BackupKind::Auto, last_day)));
        assert!(!keep.contains(&file_name(
            BackupKind::Auto,
            last_day - chrono::Duration::days(1)
        )));
        assert!(
            !keep.contains(&file_name(BackupKind::Auto, start)),
            "older than 12 months"
        );
    }

    #[test]
    fn backup_restore_round_trip_keeps_a_safety_copy() -> Result<()> {
        let dir = tempfile::tempdir()?;
        let db = dir.path().join("office.db");
        let mut conn = store::open(&db)?;
        demo::fill(&mut conn, at(2025, 4, 1, 9))?;
        let backup = backup_now(&conn, &db, BackupKind::Manual, at(2025, 4, 1, 10))?;
        let contents = inspect(Path::new(&backup.path))?;
        assert_eq!(contents.office_name, "坂戸鶴ヶ島医師会 在宅医療相談室");
        assert!(
            contents.counts.contains(&("日常生活圏域".to_string(), 9)),
            "{:?}",
            contents.counts
        );

        // Change the data, then restore the backup.
        let mut input = office::OfficeInput::from(&office::load(&conn)?);
        input.name = "変更後の名前".into();
        office::save(&mut conn, &input, at(2025, 4, 2, 9))?;
        let safety = restore(&mut conn, &db, Path::new(&backup.path), at(2025, 4, 2, 10))?;
        let restored = office::load(&conn)?;
        assert_eq!(restored.name, "坂戸鶴ヶ島医師会 在宅医療相談室");
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
    fn auto_backup_runs_once_a_day_and_status_warns_after_a_week() -> Result<()> {
        let dir = tempfile::tempdir()?;
        let db = dir.path().join("office.db");
        let conn = store::open(&db)?;
        assert!(
            status(&conn, &db, at(2025, 4, 1, 8))?.stale,
            "never backed up"
        );
        assert!(auto_backup(&conn, &db, at(2025, 4, 1, 9))?.is_some());
        assert!(auto_backup(&conn, &db, at(2025, 4, 1, 17))?.is_none());
        assert!(auto_backup(&conn, &db, at(2025, 4, 2, 9))?.is_some());
        assert_eq!(list(&dir.path().join("backups"))?.len(), 2);
        assert!(!status(&conn, &db, at(2025, 4, 8, 8))?.stale);
        assert!(status(&conn, &db, at(2025, 4, 9, 10))?.stale);
        Ok(())
    }

    #[test]
    fn refuses_missing_folder_and_foreign_files_without_writing() -> Result<()> {
        let dir = tempfile::tempdir()?;
        let db = dir.path().join("office.db");
        let mut conn = store::open(&db)?;
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
        let dir = tempfile::tempdir()?;
        let db = dir.path().join("office.db");
        let mut conn = store::open(&db)?;
        let backup = backup_now(&conn, &db, BackupKind::Manual, at(2025, 4, 1, 9))?;
        {
            let newer = Connection::open(&backup.path)?;
            newer.pragma_update(None, "user_version", SCHEMA_VERSION + 1)?;
        }
        let err = restore(&mut conn, &db, Path::new(&backup.path), at(2025, 4, 1, 10)).unwrap_err();
        assert_eq!(err.kind(), "newer_schema");
        Ok(())
    }
}
