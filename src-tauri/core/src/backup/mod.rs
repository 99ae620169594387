//! Backups in generations (SQLite online backup API) and restore.
//!
//! A backup is a complete, self-contained SQLite file (rollback journal, not
//! WAL) written under a temporary name, checked with `integrity_check`, and
//! only then renamed into place, so a crash never leaves a half backup that
//! looks whole. Restore first backs up the current data, then copies the
//! chosen backup into the open database in one step of the backup API.
//!
//! A backup of an encrypted database is encrypted with the same data key
//! (the `key` argument: `None` for a plain database), and the database's
//! key file is copied beside it (`<backup>.keys`), so that a restore on
//! another PC asks for a staff password or the 回復キー.

use std::fs;
use std::path::{Path, PathBuf};

use chrono::NaiveDateTime;
use rusqlite::{Connection, MAIN_DB};
use serde::{Deserialize, Serialize};

use crate::store::DataKey;
use crate::{access_log, keys, store, text, wareki, Error, Result};

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
    /// The data as it was just before changes of another PC were taken in.
    PreExchange,
}

impl BackupKind {
    fn tag(self) -> &'static str {
        match self {
            BackupKind::Auto => "auto",
            BackupKind::Manual => "manual",
            BackupKind::PreRestore => "pre-restore",
            BackupKind::PreExchange => "pre-exchange",
        }
    }

    fn from_tag(tag: &str) -> Option<Self> {
        [
            BackupKind::Auto,
            BackupKind::Manual,
            BackupKind::PreRestore,
            BackupKind::PreExchange,
        ]
        .into_iter()
        .find(|k| k.tag() == tag)
    }

    pub fn label(self) -> &'static str {
        match self {
            BackupKind::Auto => "自動",
            BackupKind::Manual => "手動",
            BackupKind::PreRestore => "復元前",
            BackupKind::PreExchange => "取り込み前",
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
    let clean = validate_settings(input)?;
    let tx = conn.transaction()?;
    write_settings(&tx, &clean)?;
    tx.commit()?;
    load_settings(conn)
}

/// Checks the settings as 設定 sends them: the folder must exist and take
/// a file, the generations stay within their bounds.
pub(crate) fn validate_settings(input: &BackupSettings) -> Result<BackupSettings> {
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
    Ok(BackupSettings {
        dir,
        keep_daily: input.keep_daily,
        keep_monthly: input.keep_monthly,
    })
}

/// Writes settings that [`validate_settings`] returned, inside the
/// caller's transaction.
pub(crate) fn write_settings(tx: &rusqlite::Transaction, clean: &BackupSettings) -> Result<()> {
    store::set_setting(tx, "backup.dir", &clean.dir)?;
    store::set_setting(tx, "backup.keep_daily", &clean.keep_daily.to_string())?;
    store::set_setting(tx, "backup.keep_monthly", &clean.keep_monthly.to_string())
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

/// Writes a verified backup of `conn` (the database at `db`, encrypted
/// with `key` if any) into `dir`.
pub fn create(
    conn: &Connection,
    key: Option<&DataKey>,
    db: &Path,
    dir: &Path,
    kind: BackupKind,
    now: NaiveDateTime,
) -> Result<BackupFile> {
    let source = Source { key, db };
    create_with(&source, dir, kind, now, &mut |_| {}, |partial, progress| {
        copy_pages(conn, key, partial, progress)
    })
}

/// The database a backup is made of: its key and where its key file is.
struct Source<'a> {
    key: Option<&'a DataKey>,
    db: &'a Path,
}

/// How far a backup has got, for the progress notice of the automatic one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum Stage {
    Copying {
        done_pages: i64,
        total_pages: i64,
    },
    /// `integrity_check` of the copy: no finer progress to tell.
    Checking,
}

/// Names the file, lets `copy` write it under a temporary name, checks it
/// and renames it into place.
fn create_with(
    source: &Source,
    dir: &Path,
    kind: BackupKind,
    now: NaiveDateTime,
    progress: &mut dyn FnMut(Stage),
    copy: impl FnOnce(&Path, &mut dyn FnMut(Stage)) -> Result<()>,
) -> Result<BackupFile> {
    check_writable_dir(dir, "backup_dir")?;
    remove_abandoned_copies(dir);
    let mut at = now;
    // Two backups in the same second get distinct names.
    while dir.join(file_name(kind, at)).exists() {
        at += chrono::Duration::seconds(1);
    }
    let final_path = dir.join(file_name(kind, at));
    let partial = dir.join(format!(".{}.partial", file_name(kind, at)));
    let result = copy(&partial, progress)
        .and_then(|()| {
            progress(Stage::Checking);
            verify_copy(&partial, source.key)
        })
        .and_then(|()| {
            // The key file first: a backup is never without its key file.
            if source.key.is_some() {
                copy_key_file(source.db, &final_path)?;
            }
            fs::rename(&partial, &final_path).map_err(disk_error)?;
            sync_dir(dir);
            describe(&final_path)
        });
    if result.is_err() && !final_path.exists() {
        let _ = fs::remove_file(keys::path_for(&final_path));
    }
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

/// A copy untouched this long was abandoned (the app closed or the power
/// went in the middle); one being written or checked is touched far more
/// recently, even on a slow USB stick.
const ABANDONED_AFTER: std::time::Duration = std::time::Duration::from_secs(60 * 60);

/// Removes our temporary copies left in `dir` by a backup that never
/// finished: each is as large as the database, and hidden.
fn remove_abandoned_copies(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let ours = name.starts_with(&format!(".{PREFIX}")) && name.contains(".partial");
        let idle = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|at| at.elapsed().ok())
            .is_some_and(|idle| idle > ABANDONED_AFTER);
        if ours && idle {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Pages copied per step: small enough for a smooth progress notice, large
/// enough that the steps cost nothing next to the copying.
const PAGES_PER_STEP: i32 = 2048;

/// Copies the key file of the database at `db` beside the backup at
/// `backup` (written whole under a temporary name, then renamed).
fn copy_key_file(db: &Path, backup: &Path) -> Result<()> {
    let file = keys::KeyFile::load(db)?.ok_or_else(|| {
        Error::Conflict(
            "鍵ファイルが見つからないため、暗号化したバックアップを作成できません。".into(),
        )
    })?;
    file.save(backup)
}

/// Opens the database file at `path` with `key` (as the first statement).
pub(crate) fn open_keyed(
    path: &Path,
    flags: rusqlite::OpenFlags,
    key: Option<&DataKey>,
) -> Result<Connection> {
    let conn = Connection::open_with_flags(path, flags)?;
    if let Some(key) = key {
        key.unlock(&conn)?;
    }
    Ok(conn)
}

/// [`sqlite_write_error`] for an error already in the crate's type.
fn write_error(e: Error) -> Error {
    match e {
        Error::Db(e) => sqlite_write_error(e),
        other => other,
    }
}

/// Copies `src` into a new file at `partial` with SQLite's backup API;
/// encrypted with `key` like its source (SQLCipher copies pages between
/// databases keyed alike).
fn copy_pages(
    src: &Connection,
    key: Option<&DataKey>,
    partial: &Path,
    progress: &mut dyn FnMut(Stage),
) -> Result<()> {
    use rusqlite::backup::{Backup, StepResult};
    let mut dst = open_keyed(partial, rusqlite::OpenFlags::default(), key).map_err(write_error)?;
    let copy = Backup::new_with_names(src, MAIN_DB, &mut dst, MAIN_DB)?;
    loop {
        let step = copy.step(PAGES_PER_STEP).map_err(sqlite_write_error)?;
        let pages = copy.progress();
        progress(Stage::Copying {
            done_pages: i64::from(pages.pagecount - pages.remaining),
            total_pages: i64::from(pages.pagecount),
        });
        match step {
            StepResult::Done => return Ok(()),
            StepResult::More => {}
            // Never with the read transaction held (see `copy_file`) nor on
            // the app's own connection; refused rather than retried.
            _ => return Err(Error::Conflict("データベースが使用中のため、バックアップを作成できませんでした。しばらくしてからもう一度お試しください。".into())),
        }
    }
}

/// Makes the copy self-contained and checks it before it may be renamed
/// into place.
fn verify_copy(partial: &Path, key: Option<&DataKey>) -> Result<()> {
    let copy = open_keyed(partial, rusqlite::OpenFlags::default(), key)?;
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

/// Where a backup goes and which generations are kept, read from the
/// office's settings before the copying starts.
#[derive(Debug, Clone)]
pub struct Plan {
    kind: BackupKind,
    dir: PathBuf,
    settings: BackupSettings,
}

/// Where a backup of `kind` goes; the default folder beside the database is
/// made on first use, a configured one (a USB stick) must already be there.
pub fn plan(conn: &Connection, db: &Path, kind: BackupKind) -> Result<Plan> {
    let settings = load_settings(conn)?;
    let dir = resolve_dir(&settings, db);
    if settings.dir.is_empty() {
        fs::create_dir_all(&dir).map_err(disk_error)?;
    }
    Ok(Plan {
        kind,
        dir,
        settings,
    })
}

/// The day's automatic backup, unless one was already made today.
pub fn auto_plan(conn: &Connection, db: &Path, now: NaiveDateTime) -> Result<Option<Plan>> {
    let current = status(conn, db, now)?;
    if current.last_at.is_some_and(|at| at.date() == now.date()) {
        return Ok(None);
    }
    plan(conn, db, BackupKind::Auto).map(Some)
}

/// Makes the day's automatic backup unless one was already made today.
pub fn auto_backup(
    conn: &Connection,
    key: Option<&DataKey>,
    db: &Path,
    now: NaiveDateTime,
) -> Result<Option<BackupFile>> {
    let Some(plan) = auto_plan(conn, db, now)? else {
        return Ok(None);
    };
    let file = create(conn, key, db, &plan.dir, plan.kind, now)?;
    finish(conn, &plan, &file, now)?;
    Ok(Some(file))
}

/// A backup into the configured folder, then pruning of old generations.
pub fn backup_now(
    conn: &Connection,
    key: Option<&DataKey>,
    db: &Path,
    kind: BackupKind,
    now: NaiveDateTime,
) -> Result<BackupFile> {
    let plan = plan(conn, db, kind)?;
    let file = create(conn, key, db, &plan.dir, kind, now)?;
    finish(conn, &plan, &file, now)?;
    Ok(file)
}

/// Copies the database file at `db` as `plan` says, through a read-only
/// connection of its own, so that the app's connection stays free: the
/// copying (seconds for a large database) holds one read transaction from
/// the first page to the last, which in WAL mode neither waits for the
/// app's writes nor makes them wait, and gives one consistent snapshot
/// (without it the backup API would restart after every write).
pub fn copy_file(
    db: &Path,
    key: Option<&DataKey>,
    plan: &Plan,
    now: NaiveDateTime,
    progress: &mut dyn FnMut(Stage),
) -> Result<BackupFile> {
    let src = open_keyed(
        db,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        key,
    )?;
    src.busy_timeout(std::time::Duration::from_secs(5))?;
    src.execute_batch("BEGIN")?;
    // The first read starts the transaction the copy then stays inside.
    src.query_row("SELECT count(*) FROM sqlite_schema", [], |_| Ok(()))?;
    let source = Source { key, db };
    let file = create_with(
        &source,
        &plan.dir,
        plan.kind,
        now,
        progress,
        |partial, progress| copy_pages(&src, key, partial, progress),
    );
    src.execute_batch("COMMIT")?;
    file
}

/// Records a made backup (the date 設定 shows, the access log) and prunes
/// old generations.
/// The automatic backup is the app's own doing (（自動） in the access log),
/// also when it ends after someone has signed in.
pub fn finish(conn: &Connection, plan: &Plan, file: &BackupFile, now: NaiveDateTime) -> Result<()> {
    let worker = store::audit::actor(conn)?;
    if plan.kind == BackupKind::Auto {
        store::audit::set_actor(conn, "", "")?;
    }
    let recorded = store::set_setting(conn, "backup.last_at", &store::stamp(now))
        .and_then(|()| {
            access_log::record_here(conn, access_log::Kind::Backup, &file.file_name, "", now)
        })
        .and_then(|()| prune(conn, &plan.dir, &plan.settings, now).map(drop));
    if plan.kind == BackupKind::Auto {
        store::audit::set_actor(conn, &worker.0, &worker.1)?;
    }
    recorded
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

    /// The automatic backup copies from a connection of its own while the
    /// app's connection writes: the write is not kept waiting (no busy
    /// wait allowed here), and the backup is the one snapshot it started
    /// from, verified, and recorded only by `finish`.
    #[test]
    fn a_copy_from_the_file_lets_the_app_write_and_keeps_its_snapshot() -> Result<()> {
        let (_dir, db, conn) = crate::store::temp_db()?;
        // Several copy steps, so the write lands between two of them.
        store::set_setting(
            &conn,
            "test.padding",
            &"x".repeat(3 * 4096 * PAGES_PER_STEP as usize),
        )?;
        conn.busy_timeout(std::time::Duration::ZERO)?;
        let plan = auto_plan(&conn, &db, at(2025, 4, 1, 9))?.expect("due");
        let mut stages = Vec::new();
        let mut written = None;
        let file = copy_file(&db, None, &plan, at(2025, 4, 1, 9), &mut |stage| {
            if written.is_none() {
                written = Some(store::set_setting(&conn, "test.written", "during the copy"));
            }
            stages.push(stage);
        })?;
        written.expect("called")?;
        assert!(stages.len() > 2, "{stages:?}");
        assert_eq!(stages.last(), Some(&Stage::Checking));
        let copy = Connection::open(&file.path)?;
        assert_eq!(store::setting(&copy, "test.written")?, None);
        assert!(store::setting(&copy, "test.padding")?.is_some());
        assert_eq!(
            store::setting(&conn, "test.written")?.as_deref(),
            Some("during the copy")
        );

        assert!(status(&conn, &db, at(2025, 4, 1, 10))?.last_at.is_none());
        finish(&conn, &plan, &file, at(2025, 4, 1, 9))?;
        assert!(auto_plan(&conn, &db, at(2025, 4, 1, 17))?.is_none());
        Ok(())
    }

    /// A backup cut off by closing the app leaves a hidden copy as large
    /// as the database; the next backup removes it once it is clearly
    /// abandoned, never one that may still be written.
    #[test]
    fn copies_left_by_an_unfinished_backup_are_removed_by_the_next() -> Result<()> {
        let (_dir, db, conn) = crate::store::temp_db()?;
        let plan = plan(&conn, &db, BackupKind::Manual)?;
        let abandoned = plan
            .dir
            .join(".zaitaku-desk_20250401-090000_auto.db.partial");
        let recent = plan
            .dir
            .join(".zaitaku-desk_20250402-090000_auto.db.partial");
        let theirs = plan.dir.join(".someone-else.partial");
        for path in [&abandoned, &recent, &theirs] {
            fs::write(path, b"half a database")?;
        }
        let yesterday = std::time::SystemTime::now() - std::time::Duration::from_secs(86_400);
        for path in [&abandoned, &theirs] {
            fs::File::options()
                .write(true)
                .open(path)?
                .set_modified(yesterday)?;
        }
        create(
            &conn,
            None,
            &db,
            &plan.dir,
            BackupKind::Manual,
            at(2025, 4, 3, 9),
        )?;
        assert!(!abandoned.exists());
        assert!(recent.exists() && theirs.exists());
        Ok(())
    }

    #[test]
    fn auto_backup_runs_once_a_day_and_status_warns_after_a_week() -> Result<()> {
        let (dir, db, conn) = crate::store::temp_db()?;
        assert!(
            status(&conn, &db, at(2025, 4, 1, 8))?.stale,
            "never backed up"
        );
        assert!(auto_backup(&conn, None, &db, at(2025, 4, 1, 9))?.is_some());
        assert!(auto_backup(&conn, None, &db, at(2025, 4, 1, 17))?.is_none());
        assert!(auto_backup(&conn, None, &db, at(2025, 4, 2, 9))?.is_some());
        assert_eq!(list(&dir.path().join("backups"))?.len(), 2);
        assert!(!status(&conn, &db, at(2025, 4, 8, 8))?.stale);
        assert!(status(&conn, &db, at(2025, 4, 9, 10))?.stale);
        Ok(())
    }
}
