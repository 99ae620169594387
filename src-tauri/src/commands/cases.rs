//! 相談記録: intake, list and search, timeline, history, editable lists.

use serde::Deserialize;
use serde_json::Value;
use tauri::{AppHandle, Runtime, State};
use zaitaku_core::cases::history::Change;
use zaitaku_core::cases::lists::{self, List, ListItemInput, ListKind};
use zaitaku_core::cases::{
    self, CaseDetail, CaseFilter, CaseInput, CasePage, EntryInput, FormOptions, PersonCheck,
};

use super::{now, parse_arg};
use crate::{AppState, UiError};

/// Like [`parse_arg`], and the value must be a JSON object (serde would
/// also read a struct of defaults from an empty array).
fn parse_object<T: serde::de::DeserializeOwned>(
    name: &str,
    value: Option<Value>,
) -> Result<T, UiError> {
    match value {
        Some(Value::Object(_)) | None => parse_arg(name, value),
        Some(_) => parse_arg(name, Some(Value::Null)),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PersonQuery {
    #[serde(default)]
    name: String,
    #[serde(default)]
    kana: String,
    #[serde(default)]
    birth_date: String,
}

#[tauri::command(async)]
pub fn case_form_options(state: State<'_, AppState>) -> Result<FormOptions, UiError> {
    state.read(|conn| cases::form_options(conn, now().date()))
}

#[tauri::command(async)]
pub fn list_cases(state: State<'_, AppState>, filter: Option<Value>) -> Result<CasePage, UiError> {
    let filter: CaseFilter = parse_object("filter", filter)?;
    state.read(|conn| cases::search::list(conn, &filter))
}

#[tauri::command(async)]
pub fn get_case(state: State<'_, AppState>, id: Option<Value>) -> Result<CaseDetail, UiError> {
    let id: String = parse_arg("id", id)?;
    state.read(|conn| cases::get(conn, &id, now().date()))
}

#[tauri::command(async)]
pub fn similar_persons(
    state: State<'_, AppState>,
    person: Option<Value>,
) -> Result<PersonCheck, UiError> {
    let q: PersonQuery = parse_object("person", person)?;
    state.read(|conn| cases::similar_persons(conn, &q.name, &q.kana, &q.birth_date, now().date()))
}

#[tauri::command(async)]
pub fn create_case(state: State<'_, AppState>, case: Option<Value>) -> Result<CaseDetail, UiError> {
    let input: CaseInput = parse_object("case", case)?;
    state.write(|conn, actor| cases::create(conn, &input, actor.staff_id(), now()))
}

#[tauri::command(async)]
pub fn update_case(
    state: State<'_, AppState>,
    id: Option<Value>,
    case: Option<Value>,
) -> Result<CaseDetail, UiError> {
    let id: String = parse_arg("id", id)?;
    let input: CaseInput = parse_object("case", case)?;
    state.write(|conn, actor| cases::update(conn, &id, &input, actor.staff_id(), now()))
}

#[tauri::command(async)]
pub fn delete_case(
    state: State<'_, AppState>,
    id: Option<Value>,
    version: Option<Value>,
) -> Result<(), UiError> {
    let id: String = parse_arg("id", id)?;
    let version: i64 = parse_arg("version", version)?;
    state.write(|conn, actor| cases::delete(conn, &id, version, actor.staff_id(), now()))
}

#[tauri::command(async)]
pub fn add_case_entry(
    state: State<'_, AppState>,
    case_id: Option<Value>,
    entry: Option<Value>,
    reopen: Option<Value>,
) -> Result<CaseDetail, UiError> {
    let case_id: String = parse_arg("caseId", case_id)?;
    let input: EntryInput = parse_object("entry", entry)?;
    let reopen: bool = parse_arg("reopen", reopen.or(Some(Value::Bool(false))))?;
    state.write(|conn, actor| {
        cases::add_entry(conn, &case_id, &input, reopen, actor.staff_id(), now())
    })
}

#[tauri::command(async)]
pub fn update_case_entry(
    state: State<'_, AppState>,
    entry_id: Option<Value>,
    entry: Option<Value>,
) -> Result<CaseDetail, UiError> {
    let entry_id: String = parse_arg("entryId", entry_id)?;
    let input: EntryInput = parse_object("entry", entry)?;
    state.write(|conn, actor| cases::update_entry(conn, &entry_id, &input, actor.staff_id(), now()))
}

#[tauri::command(async)]
pub fn delete_case_entry(
    state: State<'_, AppState>,
    entry_id: Option<Value>,
) -> Result<CaseDetail, UiError> {
    let entry_id: String = parse_arg("entryId", entry_id)?;
    state.write(|conn, actor| cases::delete_entry(conn, &entry_id, actor.staff_id(), now()))
}

#[tauri::command(async)]
pub fn case_history(state: State<'_, AppState>, id: Option<Value>) -> Result<Vec<Change>, UiError> {
    let id: String = parse_arg("id", id)?;
    state.read(|conn| cases::history(conn, &id))
}

#[tauri::command(async)]
pub fn save_case_list(
    state: State<'_, AppState>,
    kind: Option<Value>,
    items: Option<Value>,
) -> Result<List, UiError> {
    let kind: ListKind = parse_arg("kind", kind)?;
    let items: Vec<ListItemInput> = parse_arg("items", items)?;
    state.write(|conn, _| lists::save(conn, kind, &items))
}

/// Writes the filtered list as CSV into the Downloads folder; returns the path.
#[tauri::command(async)]
pub fn export_cases_csv<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    filter: Option<Value>,
) -> Result<String, UiError> {
    let filter: CaseFilter = parse_object("filter", filter)?;
    let dir = super::download_dir(&app)?;
    state
        .read(|conn| cases::export_to_folder(conn, &filter, &dir, now()))
        .map(|path| path.display().to_string())
}
