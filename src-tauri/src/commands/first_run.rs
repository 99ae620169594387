//! 初期設定: the steps of a new office's first start. While it is not
//! finished, `AppState::admit` answers only the commands marked
//! `#[first_run]` in list.rs (and the lock screen's).

use zaitaku_core::first_run::{self, DemoAccounts, FirstRun};
use zaitaku_core::office::{CityInput, OfficeInput};

use serde_json::Value;
use tauri::{AppHandle, Runtime, State};
use zaitaku_core::print;

use super::{now, parse_arg};
use crate::{AppState, UiError};

command! {
    fn first_run_status(&state) -> FirstRun:
        read |conn| first_run::status(conn, &state.db_path);

    fn save_first_run_office(&state, #[parse_object] office: OfficeInput) -> FirstRun:
        write |conn, _| first_run::save_office(conn, &office, &state.db_path, now());

    fn save_first_run_cities(&state, cities: Vec<CityInput>) -> FirstRun:
        write |conn, _| first_run::save_cities(conn, &cities, &state.db_path, now());

    fn save_first_run_backup(&state, dir: String) -> FirstRun:
        write |conn, _| first_run::save_backup(conn, &dir, &state.db_path);

}

/// 「デモデータで試す」: the demo office, whose staff then sign in (a new
/// encrypted database is made plain for it first).
#[tauri::command(async)]
pub fn fill_demo_data(state: State<'_, AppState>) -> Result<DemoAccounts, UiError> {
    state.fill_demo()
}

/// The 回復キー step: a new key to show once (and print).
#[tauri::command(async)]
pub fn first_run_recovery_key(state: State<'_, AppState>) -> Result<String, UiError> {
    state.new_recovery_key()
}

/// Saves the 回復キー shown last as a PDF where the office chooses; `None`
/// when the dialog is cancelled.
#[tauri::command(async)]
pub fn save_recovery_key_pdf<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<Option<String>, UiError> {
    let key = state.shown_recovery_key()?;
    let printed = state
        .read(|conn| first_run::recovery_key_sheet(conn, &state.db_path, &key, now().date()))?;
    let Some(path) = super::print::choose_path(&app, "回復キー")? else {
        return Ok(None);
    };
    let path = super::files::with_extension(path, "pdf");
    print::pdf::save(&printed, &path)?;
    log::info!("recovery key PDF saved");
    Ok(Some(path.display().to_string()))
}

/// Ends 初期設定 once the office confirms the 回復キー is kept.
#[tauri::command(async)]
pub fn finish_first_run_recovery_key(
    state: State<'_, AppState>,
    kept: Option<Value>,
) -> Result<FirstRun, UiError> {
    let kept: bool = parse_arg("finish_first_run_recovery_key", "kept", kept)?;
    state.finish_recovery_key(kept)
}
