use serde_json::Value;
use tauri::State;
use zaitaku_core::office::{self, Office, OfficeInput};

use super::{now, parse_arg};
use crate::{AppState, UiError};

#[tauri::command(async)]
pub fn get_office(state: State<'_, AppState>) -> Result<Office, UiError> {
    state.with_conn(|conn| office::load(conn))
}

#[tauri::command(async)]
pub fn save_office(state: State<'_, AppState>, office: Option<Value>) -> Result<Office, UiError> {
    let input: OfficeInput = parse_arg("office", office)?;
    state.with_conn(|conn| office::save(conn, &input, now()))
}
