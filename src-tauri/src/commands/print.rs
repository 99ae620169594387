//! 印刷: preview a print job as SVG pages, save it as PDF through the native
//! save dialog, open a saved PDF in the system viewer, and the office's
//! text of 私の意志表示帳.
//!
//! The webview gets no dialog or opener permission: the dialog is opened
//! from Rust, and only files this app saved in this session can be opened.

use std::path::PathBuf;
use std::sync::Mutex;

use serde::Serialize;
use serde_json::Value;
use tauri::{AppHandle, Manager, Runtime, State};
use zaitaku_core::access_log::{self, Kind};
use zaitaku_core::booklet_template::{self, Template};
use zaitaku_core::print::{self, Preview, PrintJob};

use super::{now, parse_arg};
use crate::{error, AppState, UiError};

/// PDFs saved in this session: the only files `open_pdf` opens, each with
/// what the access log records of it.
#[derive(Default)]
pub struct SavedPdfs(Mutex<Vec<(PathBuf, String)>>);

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SavedPdf {
    pub path: String,
    pub pages: usize,
    pub bytes: usize,
    /// Characters the font lacks, printed as empty boxes.
    pub missing: Vec<String>,
}

command! {
    fn print_preview(job: PrintJob) -> Preview:
        read |conn| Ok(print::render(conn, &job, now().date())?.preview());

    fn get_booklet_template() -> Template:
        read |conn| booklet_template::load(conn);

    fn save_booklet_template(template: Template) -> Template:
        write |conn, _| booklet_template::save(conn, &template, now());
}

/// Asks where to save (the native dialog) and writes the PDF; `None` when
/// the user cancels.
#[tauri::command(async)]
pub fn save_pdf<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    saved: State<'_, SavedPdfs>,
    job: Option<Value>,
) -> Result<Option<SavedPdf>, UiError> {
    let job: PrintJob = parse_arg("save_pdf", "job", job)?;
    let printed = state.read(|conn| print::render(conn, &job, now().date()))?;
    let Some(path) = choose_path(&app, &printed.title)? else {
        return Ok(None);
    };
    let path = super::files::with_extension(path, "pdf");
    let bytes = print::pdf::write(&printed);
    std::fs::write(&path, &bytes).map_err(|e| {
        error::file_failure(
            "writing a PDF",
            &e,
            "PDFを保存できませんでした。保存先のフォルダと空き容量を確かめてください。",
        )
    })?;
    // The job, not the path: the user may have named the file after the
    // person. A PDF whose saving cannot be recorded is removed.
    let target = job.access_target();
    access_log::record_output(&path, || {
        state
            .write(|conn, actor| access_log::record(conn, actor, Kind::PdfSave, &target, "", now()))
    })?;
    log::info!("PDF saved: {} pages", printed.pages.len());
    if let Ok(mut list) = saved.0.lock() {
        list.push((path.clone(), target));
    }
    Ok(Some(SavedPdf {
        path: path.display().to_string(),
        pages: printed.pages.len(),
        bytes: bytes.len(),
        missing: printed
            .missing_chars()
            .iter()
            .map(char::to_string)
            .collect(),
    }))
}

/// The save dialog for a PDF named after `title` (see
/// [`super::files::save_dialog`]).
pub(crate) fn choose_path<R: Runtime>(
    app: &AppHandle<R>,
    title: &str,
) -> Result<Option<PathBuf>, UiError> {
    super::files::save_dialog(
        app,
        super::files::SaveAs {
            title: "PDFを保存",
            file_name: &format!("{title}.pdf"),
            filter: ("PDF", &["pdf"]),
        },
    )
}

/// Opens a PDF saved in this session in the system's viewer to print it,
/// recorded in the access log as printed.
#[tauri::command(async)]
pub fn open_pdf<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    saved: State<'_, SavedPdfs>,
    path: Option<Value>,
) -> Result<(), UiError> {
    let path: String = parse_arg("open_pdf", "path", path)?;
    let known = saved.0.lock().ok().and_then(|list| {
        list.iter()
            .find(|(p, _)| p.as_os_str() == path.as_str())
            .map(|(_, target)| target.clone())
    });
    let Some(target) = known else {
        return Err(UiError::new(
            "invalid",
            "このアプリで保存したPDFだけを開けます。もう一度「PDFを保存」してください。",
        ));
    };
    state
        .write(|conn, actor| access_log::record(conn, actor, Kind::PdfPrint, &target, "", now()))?;
    use tauri_plugin_opener::OpenerExt;
    if app.try_state::<tauri_plugin_opener::Opener<R>>().is_none() {
        return Err(UiError::new("io", "PDFを開くアプリが見つかりません。"));
    }
    app.opener().open_path(&path, None::<&str>).map_err(|e| {
        // Only an I/O source: the opener's other errors quote the path.
        let io = match e {
            tauri_plugin_opener::Error::Io(io) => io,
            _ => std::io::Error::other("the opener refused"),
        };
        error::file_failure(
            "opening a saved PDF",
            &io,
            "PDFを開けませんでした。PDFを表示するアプリが入っているか確かめてください。",
        )
    })
}
