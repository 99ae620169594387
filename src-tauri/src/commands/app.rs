use serde::Serialize;
use tauri::State;

use crate::{AppState, UiError};

#[derive(Serialize)]
pub struct AppStatus {
    version: &'static str,
    db_path: String,
    schema_version: Option<i64>,
    /// Set when the database could not be opened; the UI shows only this.
    startup_error: Option<UiError>,
    /// 初期設定 is not finished: the UI shows it before anything else.
    first_run: bool,
    /// The database is encrypted: credential forms offer passwords only.
    encrypted: bool,
}

/// Answered while locked, and when the database could not be opened.
#[tauri::command(async)]
pub fn app_status(state: State<'_, AppState>) -> AppStatus {
    AppStatus {
        version: env!("CARGO_PKG_VERSION"),
        db_path: state.db_path.display().to_string(),
        schema_version: state.schema_version(),
        startup_error: state.startup_error.clone(),
        first_run: state.first_run_pending(),
        encrypted: state.is_encrypted(),
    }
}
