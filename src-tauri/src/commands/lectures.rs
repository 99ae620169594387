//! 出前講座・市民公開講座: catalogue, sessions, tallies and the indicator.

use serde_json::Value;
use tauri::{AppHandle, Runtime, State};
use zaitaku_core::lectures::{
    self, questionnaire, BookletsInput, Indicator, IndicatorQuery, PastFilter, Questionnaire,
    QuestionnaireInput, Saved, Screen, Session, SessionInput, TallyInput, Theme, ThemeInput, Venue,
    VenueInput,
};

use super::{now, parse_arg};
use crate::{AppState, UiError};

#[tauri::command(async)]
pub fn lecture_screen(
    state: State<'_, AppState>,
    filter: Option<Value>,
) -> Result<Screen, UiError> {
    let filter: PastFilter = parse_arg("filter", filter)?;
    state.read(|conn| lectures::screen(conn, &filter, now().date()))
}

#[tauri::command(async)]
pub fn lecture_session(state: State<'_, AppState>, id: Option<Value>) -> Result<Session, UiError> {
    let id: String = parse_arg("id", id)?;
    state.read(|conn| lectures::session(conn, &id))
}

#[tauri::command(async)]
pub fn save_lecture_session(
    state: State<'_, AppState>,
    session: Option<Value>,
) -> Result<Saved, UiError> {
    let input: SessionInput = parse_arg("session", session)?;
    state.write(|conn, _| lectures::save_session(conn, &input, now()))
}

#[tauri::command(async)]
pub fn save_lecture_tally(
    state: State<'_, AppState>,
    id: Option<Value>,
    tally: Option<Value>,
) -> Result<Session, UiError> {
    let id: String = parse_arg("id", id)?;
    let input: TallyInput = parse_arg("tally", tally)?;
    state.write(|conn, _| lectures::save_tally(conn, &id, &input, now()))
}

#[tauri::command(async)]
pub fn record_lecture_booklets(
    state: State<'_, AppState>,
    id: Option<Value>,
    booklets: Option<Value>,
) -> Result<Session, UiError> {
    let id: String = parse_arg("id", id)?;
    let input: BookletsInput = parse_arg("booklets", booklets)?;
    state.write(|conn, actor| lectures::record_booklets(conn, &id, &input, actor.name(), now()))
}

#[tauri::command(async)]
pub fn save_lecture_theme(
    state: State<'_, AppState>,
    theme: Option<Value>,
) -> Result<Theme, UiError> {
    let input: ThemeInput = parse_arg("theme", theme)?;
    state.write(|conn, _| lectures::save_theme(conn, &input, now()))
}

#[tauri::command(async)]
pub fn save_lecture_venue(
    state: State<'_, AppState>,
    venue: Option<Value>,
) -> Result<Venue, UiError> {
    let input: VenueInput = parse_arg("venue", venue)?;
    state.write(|conn, _| lectures::save_venue(conn, &input, now()))
}

#[tauri::command(async)]
pub fn save_questionnaire(
    state: State<'_, AppState>,
    questionnaire: Option<Value>,
) -> Result<Questionnaire, UiError> {
    let input: QuestionnaireInput = parse_arg("questionnaire", questionnaire)?;
    state.write(|conn, _| questionnaire::save(conn, &input, now()))
}

#[tauri::command(async)]
pub fn lecture_indicator(
    state: State<'_, AppState>,
    query: Option<Value>,
) -> Result<Indicator, UiError> {
    let query: IndicatorQuery = parse_arg("query", query)?;
    state.read(|conn| lectures::indicator(conn, &query))
}

/// Writes the CSV of the filtered past sessions into ダウンロード.
#[tauri::command(async)]
pub fn export_lectures_csv<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    filter: Option<Value>,
) -> Result<String, UiError> {
    let filter: PastFilter = parse_arg("filter", filter)?;
    let dir = super::download_dir(&app)?;
    state
        .read(|conn| lectures::export::export_to_folder(conn, &filter, &dir, now()))
        .map(|path| path.display().to_string())
}
