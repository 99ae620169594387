//! 名簿: 往診登録医 (もの忘れ相談医), 療養支援ベッド, 関係機関.

use serde::Serialize;
use serde_json::Value;
use tauri::{AppHandle, Runtime, State};
use zaitaku_core::registries::organisations::{
    self, Organisation, OrganisationFilter, OrganisationInput,
};
use zaitaku_core::registries::{
    self, BedFilter, BedUpdateInput, Doctor, DoctorFilter, DoctorInput, Export, SupportBed,
    SupportBedInput,
};

use super::{now, parse_arg};
use crate::{AppState, UiError};

/// A filter must be an object (an empty one lists everything).
fn filter<T: serde::de::DeserializeOwned>(name: &str, value: Option<Value>) -> Result<T, UiError> {
    match value {
        Some(Value::Object(_)) => parse_arg(name, value),
        _ => parse_arg(name, Some(Value::Null)),
    }
}

#[derive(Serialize)]
pub struct RegistryOptions {
    /// Suggestions for the 関係機関 種別 field.
    organisation_kinds: Vec<&'static str>,
}

#[tauri::command(async)]
pub fn registry_options() -> RegistryOptions {
    RegistryOptions {
        organisation_kinds: organisations::SUGGESTED_KINDS.to_vec(),
    }
}

#[tauri::command(async)]
pub fn list_doctors(
    state: State<'_, AppState>,
    filter: Option<Value>,
) -> Result<Vec<Doctor>, UiError> {
    let filter: DoctorFilter = self::filter("filter", filter)?;
    state.read(|conn| registries::doctors(conn, &filter, now().date()))
}

#[tauri::command(async)]
pub fn save_doctor(state: State<'_, AppState>, doctor: Option<Value>) -> Result<Doctor, UiError> {
    let input: DoctorInput = parse_arg("doctor", doctor)?;
    state.write(|conn, _| registries::save_doctor(conn, &input, now()))
}

#[tauri::command(async)]
pub fn list_support_beds(
    state: State<'_, AppState>,
    filter: Option<Value>,
) -> Result<Vec<SupportBed>, UiError> {
    let filter: BedFilter = self::filter("filter", filter)?;
    state.read(|conn| registries::beds(conn, &filter))
}

#[tauri::command(async)]
pub fn save_support_bed(
    state: State<'_, AppState>,
    bed: Option<Value>,
) -> Result<SupportBed, UiError> {
    let input: SupportBedInput = parse_arg("bed", bed)?;
    state.write(|conn, _| registries::save_bed(conn, &input, now()))
}

#[tauri::command(async)]
pub fn add_support_bed_update(
    state: State<'_, AppState>,
    id: Option<Value>,
    update: Option<Value>,
) -> Result<SupportBed, UiError> {
    let id: String = parse_arg("id", id)?;
    let input: BedUpdateInput = parse_arg("update", update)?;
    state.write(|conn, _| registries::add_bed_update(conn, &id, &input, now()))
}

#[tauri::command(async)]
pub fn search_organisations(
    state: State<'_, AppState>,
    filter: Option<Value>,
) -> Result<Vec<Organisation>, UiError> {
    let filter: OrganisationFilter = self::filter("filter", filter)?;
    state.read(|conn| organisations::search(conn, &filter))
}

#[tauri::command(async)]
pub fn save_registry_organisation(
    state: State<'_, AppState>,
    organisation: Option<Value>,
) -> Result<Organisation, UiError> {
    let input: OrganisationInput = parse_arg("organisation", organisation)?;
    state.write(|conn, _| organisations::save(conn, &input, now()))
}

/// Writes the chosen list as CSV into the Downloads folder; returns the path.
#[tauri::command(async)]
pub fn export_registry_csv<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    export: Option<Value>,
) -> Result<String, UiError> {
    let export: Export = parse_arg("export", export)?;
    let dir = super::download_dir(&app)?;
    state
        .read(|conn| registries::export_to_folder(conn, &export, &dir, now()))
        .map(|path| path.display().to_string())
}
