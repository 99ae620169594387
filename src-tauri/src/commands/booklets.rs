//! 私の意志表示帳: the stock ledger screen.

use serde_json::Value;
use tauri::{AppHandle, Runtime, State};
use zaitaku_core::booklets::{
    self, Change, Channel, ChannelInput, Edition, EditionInput, Entry, EntryInput, Screen,
};
use zaitaku_core::period::Period;

use super::{now, parse_arg};
use crate::{AppState, UiError};

#[tauri::command(async)]
pub fn booklet_screen(
    state: State<'_, AppState>,
    period: Option<Value>,
) -> Result<Screen, UiError> {
    let period: Period = parse_arg("period", period)?;
    state.with_conn(|conn| booklets::screen(conn, period, now().date()))
}

#[tauri::command(async)]
pub fn add_booklet_entry(
    state: State<'_, AppState>,
    entry: Option<Value>,
) -> Result<Entry, UiError> {
    let input: EntryInput = parse_arg("entry", entry)?;
    let by = state.recorded_name()?;
    state.with_conn(|conn| booklets::add_entry(conn, &input, &by, now()))
}

#[tauri::command(async)]
pub fn correct_booklet_entry(
    state: State<'_, AppState>,
    id: Option<Value>,
    entry: Option<Value>,
) -> Result<Entry, UiError> {
    let id: String = parse_arg("id", id)?;
    let input: EntryInput = parse_arg("entry", entry)?;
    let by = state.recorded_name()?;
    state.with_conn(|conn| booklets::correct_entry(conn, &id, &input, &by, now()))
}

#[tauri::command(async)]
pub fn void_booklet_entry(
    state: State<'_, AppState>,
    id: Option<Value>,
    reason: Option<Value>,
) -> Result<Entry, UiError> {
    let id: String = parse_arg("id", id)?;
    let reason: String = parse_arg("reason", reason)?;
    let by = state.recorded_name()?;
    state.with_conn(|conn| booklets::void_entry(conn, &id, &reason, &by, now()))
}

#[tauri::command(async)]
pub fn booklet_entry_history(
    state: State<'_, AppState>,
    id: Option<Value>,
) -> Result<Vec<Change>, UiError> {
    let id: String = parse_arg("id", id)?;
    state.with_conn(|conn| booklets::history(conn, &id))
}

#[tauri::command(async)]
pub fn save_booklet_edition(
    state: State<'_, AppState>,
    edition: Option<Value>,
) -> Result<Edition, UiError> {
    let input: EditionInput = parse_arg("edition", edition)?;
    state.with_conn(|conn| booklets::save_edition(conn, &input, now()))
}

#[tauri::command(async)]
pub fn save_booklet_channels(
    state: State<'_, AppState>,
    channels: Option<Value>,
) -> Result<Vec<Channel>, UiError> {
    let input: Vec<ChannelInput> = parse_arg("channels", channels)?;
    state.with_conn(|conn| booklets::save_channels(conn, &input))
}

/// Writes the CSV into the user's ダウンロード folder and returns its path.
#[tauri::command(async)]
pub fn export_booklets_csv<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    period: Option<Value>,
) -> Result<String, UiError> {
    let period: Period = parse_arg("period", period)?;
    let dir = super::download_dir(&app)?;
    state
        .with_conn(|conn| booklets::export_to_folder(conn, period, &dir, now()))
        .map(|path| path.display().to_string())
}
