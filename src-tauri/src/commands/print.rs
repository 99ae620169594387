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
    let path = if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("pdf"))
    {
        path
    } else {
        path.with_extension("pdf")
    };
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

/// The native save dialog. The end-to-end tests cannot drive a GTK dialog,
/// so a build with the `e2e` feature takes the path from
/// `ZAITAKU_E2E_SAVE_PATH` instead; release builds never look at it.
pub(crate) fn choose_path<R: Runtime>(
    app: &AppHandle<R>,
    title: &str,
) -> Result<Option<PathBuf>, UiError> {
    #[cfg(feature = "e2e")]
    if let Some(path) = std::env::var_os("ZAITAKU_E2E_SAVE_PATH") {
        return Ok(Some(PathBuf::from(path)));
    }
    let file_name = format!(
        "{}.pdf",
        title.replace(['/', '\\', ':', '*', '?', '"', '<', '>', '|'], "_")
    );
    let directory = super::download_dir(app).ok();
    let window = app.get_webview_window("main");
    let (tx, rx) = std::sync::mpsc::channel();
    // GTK dialogs are created on the main thread and awaited off it (as
    // tauri-plugin-dialog does), so this command thread can block on them.
    app.run_on_main_thread(move || {
        let mut dialog = rfd::AsyncFileDialog::new()
            .set_title("PDFを保存")
            .set_file_name(file_name)
            .add_filter("PDF", &["pdf"]);
        if let Some(dir) = directory {
            dialog = dialog.set_directory(dir);
        }
        if let Some(window) = &window {
            dialog = dialog.set_parent(window);
        }
        let chosen = dialog.save_file();
        std::thread::spawn(move || {
            let path = tauri::async_runtime::block_on(chosen).map(|f| f.path().to_path_buf());
            let _ = tx.send(path);
        });
    })
    .map_err(|e| {
        log::error!("cannot show the save dialog: {e}");
        UiError::new("io", "保存先を選ぶ画面を開けませんでした。")
    })?;
    rx.recv()
        .map_err(|_| UiError::new("io", "保存先を選ぶ画面を開けませんでした。"))
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
