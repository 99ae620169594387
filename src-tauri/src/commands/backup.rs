use std::path::PathBuf;

use serde_json::Value;
use zaitaku_core::access_log::{self, Kind};
use zaitaku_core::backup::{
    self, BackupContents, BackupFile, BackupKind, BackupSettings, BackupStatus,
};

use super::{now, parse_arg};
use crate::UiError;

command! {
    fn backup_status(&state) -> BackupStatus:
        read |conn| backup::status(conn, &state.db_path, now());

    fn save_backup_settings(&state, settings: BackupSettings) -> BackupStatus:
        write |conn, _| {
            backup::save_settings(conn, &settings)?;
            backup::status(conn, &state.db_path, now())
        };

    fn backup_now(&state) -> BackupFile:
        write |conn, actor| backup::backup_now(conn, &state.db_path, BackupKind::Manual, now())
            .and_then(|f| access_log::record(conn, actor, Kind::Backup, &f.file_name, "", now()).map(|()| f));

    fn list_backups(&state) -> Vec<BackupFile>:
        read |conn| {
            let dir = backup::resolve_dir(&backup::load_settings(conn)?, &state.db_path);
            backup::list(&dir)
        };

    fn restore_backup(&state, path: PathBuf) -> BackupFile:
        write |conn, _| backup::restore(conn, &state.db_path, &path, now());
}

#[tauri::command(async)]
pub fn inspect_backup(path: Option<Value>) -> Result<BackupContents, UiError> {
    let path: PathBuf = parse_arg("inspect_backup", "path", path)?;
    backup::inspect(&path).map_err(UiError::from)
}
