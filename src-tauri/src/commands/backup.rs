use std::path::PathBuf;

use serde_json::Value;
use tauri::State;
use zaitaku_core::backup::{
    self, BackupContents, BackupFile, BackupKind, BackupSettings, BackupStatus,
};

use super::{now, parse_arg};
use crate::{AppState, UiError};

#[tauri::command(async)]
pub fn backup_status(state: State<'_, AppState>) -> Result<BackupStatus, UiError> {
    state.read(|conn| backup::status(conn, &state.db_path, now()))
}

#[tauri::command(async)]
pub fn save_backup_settings(
    state: State<'_, AppState>,
    settings: Option<Value>,
) -> Result<BackupStatus, UiError> {
    let input: BackupSettings = parse_arg("settings", settings)?;
    state.write(|conn, _| {
        backup::save_settings(conn, &input)?;
        backup::status(conn, &state.db_path, now())
    })
}

#[tauri::command(async)]
pub fn backup_now(state: State<'_, AppState>) -> Result<BackupFile, UiError> {
    state.write(|conn, _| backup::backup_now(conn, &state.db_path, BackupKind::Manual, now()))
}

#[tauri::command(async)]
pub fn list_backups(state: State<'_, AppState>) -> Result<Vec<BackupFile>, UiError> {
    state.read(|conn| {
        backup::list(&backup::resolve_dir(
            &backup::load_settings(conn)?,
            &state.db_path,
        ))
    })
}

#[tauri::command(async)]
pub fn inspect_backup(path: Option<Value>) -> Result<BackupContents, UiError> {
    let path: PathBuf = parse_arg("path", path)?;
    backup::inspect(&path).map_err(UiError::from)
}

#[tauri::command(async)]
pub fn restore_backup(
    state: State<'_, AppState>,
    path: Option<Value>,
) -> Result<BackupFile, UiError> {
    let path: PathBuf = parse_arg("path", path)?;
    state.write(|conn, _| backup::restore(conn, &state.db_path, &path, now()))
}
