//! Backups in generations (SQLite online backup API) and restore.
//!
//! A backup is a complete, self-contained SQLite file (rollback journal, not
//! WAL) written under a temporary name, checked with `integrity_check`, and
//! only then renamed into place, so a crash never leaves a half backup that
//! looks whole. Restore first backs up the current data, then copies the
//! chosen backup into the open database in one step of the backup API.

use std::fs;
use std::path::{Path, PathBuf};

use chrono::NaiveDateTime;
use rusqlite::{Connection, MAIN_DB};
use serde::{Deserialize, Serialize};

use crate::{access_log, store, text, wareki, Error, Result};

mod carry;
mod restore;
mod rotate;
mod verify;

pub use restore::{generation, inspect, record_counts, restore};
use rotate::describe;
pub use rotate::{list, prune, to_keep};

const PREFIX: &str = "zaitaku-desk_";
/// The moment in a backup file name (a name, not a stored date: a name
/// that does not parse is simply not one of our backups).
const STAMP: &str = "%Y%m%d-%H%M%S";
/// Backups made just before a restore are kept apart from the generations.
const KEEP_PRE_RESTORE: usize = 5;
/// The fewest generations that may be kept: a week of days and a quarter
/// of months, so that damage noticed late can still be undone.
pub const MIN_KEEP_DAILY: u32 = 7;
pub const MIN_KEEP_MONTHLY: u32 = 3;
const MAX_KEEP_DAILY: u32 = 366;
const MAX_KEEP_MONTHLY: u32 = 120;
/// The 設定 screen warns when the newest backup is older than this.
pub const STALE_AFTER_DAYS: i64 = 7;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BackupKind {
    /// Made automatically when the app starts (at most once a day).
    Auto,
    /// Made by a person (button or `zaitaku backup`).
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

pub fn load_settings(conn: &Connection) -> Result<BackupSettings> {
    let defaults = BackupSettings::default();
    let number = |key: &str, default: u32| -> Result<u32> {
        Ok(store::setting(conn, key)?
            .and_then(|v| v.parse().ok())
            .unwrap_or(default))
    };
    // A number saved before the minimums existed (or written behind the
    // app's back) never prunes below them.
    Ok(BackupSettings {
        dir: store::setting(conn, "backup.dir")?.unwrap_or_default(),
        keep_daily: number("backup.keep_daily", defaults.keep_daily)?.max(MIN_KEEP_DAILY),
        keep_monthly: number("backup.keep_monthly", defaults.keep_monthly)?.max(MIN_KEEP_MONTHLY),
    })
}

pub fn save_settings(conn: &mut Connection, input: &BackupSettings) -> Result<BackupSettings> {
    let dir = text::single_line("backup_dir", "バックアップの保存先", &input.dir, 500, false)?;
    if !dir.is_empty() {
        check_writable_dir(Path::new(&dir), "backup_dir")?;
    }
    if !(MIN_KEEP_DAILY..=MAX_KEEP_DAILY).contains(&input.keep_daily) {
        return Err(Error::invalid(
            "keep_daily",
            format!("毎日のバックアップは{MIN_KEEP_DAILY}〜{MAX_KEEP_DAILY}世代の範囲で指定してください（{MIN_KEEP_DAILY}世代より少なくはできません）。"),
        ));
    }
    if !(MIN_KEEP_MONTHLY..=MAX_KEEP_MONTHLY).contains(&input.keep_monthly) {
        return Err(Error::invalid(
            "keep_monthly",
            format!("毎月のバックアップは{MIN_KEEP_MONTHLY}〜{MAX_KEEP_MONTHLY}世代の範囲で指定してください（{MIN_KEEP_MONTHLY}世代より少なくはできません）。"),
        ));
    }
    let tx = conn.transaction()?;
    store::set_setting(&tx, "backup.dir", &dir)?;
    store::set_setting(&tx, "backup.keep_daily", &input.keep_daily.to_string())?;
    store::set_setting(&tx, "backup.keep_monthly", &input.keep_monthly.to_string())?;
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
    let last_at = store::setting(conn, "backup.last_at")?
        .map(|v| store::parse_stamp(&v))
        .transpose()?;
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
    store::set_setting(conn, "backup.last_at", &store::stamp(now))?;
    access_log::record_here(conn, access_log::Kind::Backup, &file.file_name, "", now)?;
    prune(conn, &dir, &settings, now)?;
    Ok(file)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use chrono::NaiveDate;

    pub(crate) fn at(y: i32, m: u32, d: u32, h: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(h, 0, 0)
            .unwrap()
    }

    #[test]
    fn auto_backup_runs_once_a_day_and_status_warns_after_a_week() -> Result<()> {
        let (dir, db, conn) = crate::store::temp_db()?;
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
}
