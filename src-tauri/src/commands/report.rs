//! 集計・報告: the figures of a 年度 or month range, and their CSV.

use serde_json::Value;
use tauri::{AppHandle, Runtime, State};
use zaitaku_core::report::{self, Report, ReportPeriod};

use super::{now, parse_arg};
use crate::{AppState, UiError};

#[tauri::command(async)]
pub fn build_report(state: State<'_, AppState>, period: Option<Value>) -> Result<Report, UiError> {
    let period: ReportPeriod = parse_arg("period", period)?;
    state.read(|conn| report::build(conn, &period, now().date()))
}

/// Writes the report CSV into the Downloads folder; returns the path.
#[tauri::command(async)]
pub fn export_report_csv<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    period: Option<Value>,
) -> Result<String, UiError> {
    let period: ReportPeriod = parse_arg("period", period)?;
    let dir = super::download_dir(&app)?;
    state
        .read(|conn| report::export_to_folder(conn, &period, &dir, now()))
        .map(|path| path.display().to_string())
}
