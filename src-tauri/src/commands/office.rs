use serde_json::Value;
use tauri::State;
use zaitaku_core::office::{self, Office, OfficeInput};

use super::{now, parse_arg};
use crate::{AppState, UiError};

#[tauri::command(async)]
pub fn get_office(state: State<'_, AppState>) -> Result<Office, UiError> {
    state.read(office::load)
}

#[tauri::command(async)]
pub fn save_office(state: State<'_, AppState>, office: Option<Value>) -> Result<Office, UiError> {
    let input: OfficeInput = parse_arg("office", office)?;
    state.write(|conn, _| office::save(conn, &input, now()))
}
