//! バックアップ: status, settings, backing up now, and restore.
//!
//! The window never names a file to restore by its path: it names a
//! generation from the list of the backup folder (checked to be a plain
//! file in that folder), or asks for the native open dialog, opened from
//! Rust, whose choice is kept here and restored by `restore_backup` with
//! `"chosen"`.

use std::path::PathBuf;
use std::sync::Mutex;

use serde::Deserialize;
use tauri::{AppHandle, Manager, Runtime, State};

use zaitaku_core::backup::{
    self, BackupContents, BackupFile, BackupKind, BackupSettings, BackupStatus,
};

use super::{now, parse_arg};
use crate::state::AutoBackup;
use crate::{AppState, UiError};

/// The file chosen in the open dialog, until it is restored.
#[derive(Default)]
pub struct ChosenBackup(Mutex<Option<PathBuf>>);

/// What `restore_backup` restores.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum RestoreSource {
    /// A generation of the backup folder, by its file name.
    Generation(String),
    /// The file last chosen with `choose_backup_file`.
    Chosen,
}

command! {
    fn backup_status(&state) -> BackupStatus:
        read |conn| backup::status(conn, &state.db_path, now());

    fn save_backup_settings(&state, settings: BackupSettings) -> BackupStatus:
        write |conn, _| {
            backup::save_settings(conn, &settings)?;
            backup::status(conn, &state.db_path, now())
        };

    fn backup_now(&state) -> BackupFile:
        write |conn, _actor| backup::backup_now(conn, state.data_key().as_ref(), &state.db_path, BackupKind::Manual, now());

    fn list_backups(&state) -> Vec<BackupFile>:
        read |conn| {
            let dir = backup::resolve_dir(&backup::load_settings(conn)?, &state.db_path);
            backup::list(&dir)
        };

    fn inspect_backup(&state, name: String) -> BackupContents:
        read |conn| backup::inspect(&backup::generation(conn, &state.db_path, &name)?, state.data_key().as_ref());
}

/// Starts the day's automatic backup in the background; the window asks
/// once its first screen is drawn, so the backup never delays it. Answers
/// how the backup stands. Answered while locked.
#[tauri::command(async)]
pub fn start_auto_backup<R: Runtime>(app: AppHandle<R>, state: State<'_, AppState>) -> AutoBackup {
    if let Some(plan) = state.plan_auto_backup() {
        let spawned = std::thread::Builder::new()
            .name("auto-backup".into())
            .spawn(move || app.state::<AppState>().run_auto_backup(&plan));
        if let Err(e) = spawned {
            log::warn!("automatic backup not started: {e}");
        }
    }
    state.auto_backup()
}

/// How the automatic backup stands, for its notice. Answered while locked.
#[tauri::command(async)]
pub fn auto_backup_status(state: State<'_, AppState>) -> AutoBackup {
    state.auto_backup()
}

fn choose_again() -> UiError {
    UiError::new(
        "invalid",
        "復元するファイルが選ばれていません。「ファイルを選んで復元…」からもう一度選んでください。",
    )
}

/// Restores a generation of the backup folder or the file chosen in the
/// dialog; answers the copy of the data it replaced.
#[tauri::command(async)]
pub fn restore_backup(
    state: State<'_, AppState>,
    chosen: State<'_, ChosenBackup>,
    source: Option<serde_json::Value>,
) -> Result<BackupFile, UiError> {
    let source: RestoreSource = parse_arg("restore_backup", "source", source)?;
    state.write(|conn, _| {
        let path = match &source {
            RestoreSource::Generation(name) => backup::generation(conn, &state.db_path, name)?,
            RestoreSource::Chosen => match chosen.0.lock().ok().and_then(|mut c| c.take()) {
                Some(path) => path,
                None => return Ok(Err(choose_again())),
            },
        };
        backup::restore(
            conn,
            state.data_key().as_ref(),
            &state.db_path,
            &path,
            now(),
        )
        .map(Ok)
    })?
}

/// Opens the native open dialog and shows what the chosen file holds
/// (refusing it as `inspect_backup` would); `None` when cancelled.
#[tauri::command(async)]
pub fn choose_backup_file<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    chosen: State<'_, ChosenBackup>,
) -> Result<Option<BackupContents>, UiError> {
    // Asked first: no dialog for a locked window.
    state.read(|_| Ok(()))?;
    if let Ok(mut c) = chosen.0.lock() {
        *c = None;
    }
    let Some(path) = choose_file(&app)? else {
        return Ok(None);
    };
    let contents = backup::inspect(&path, state.data_key().as_ref())?;
    if let Ok(mut c) = chosen.0.lock() {
        *c = Some(path);
    }
    Ok(Some(contents))
}

/// The native open dialog for a backup file.
fn choose_file<R: Runtime>(app: &AppHandle<R>) -> Result<Option<PathBuf>, UiError> {
    super::files::open_dialog(
        app,
        "復元するバックアップを選ぶ",
        ("バックアップ", &["db", "sqlite"]),
        "ZAITAKU_E2E_RESTORE_PATH",
    )
}
