//! Where files the office takes out of the app go: CSV and Excel exports,
//! PDFs, the 回復キー sheet and the plain copy. None of them is encrypted,
//! so they all default to one folder the office can find and clear
//! ([`export_dir`]), and the window says so with every saved file (the one
//! notice in ui/lib/plain-file.js).

use std::path::PathBuf;

use tauri::{AppHandle, Manager, Runtime};

use crate::UiError;

/// The folder's name under the user's ドキュメント folder.
pub const EXPORT_FOLDER: &str = "在宅医療相談室デスク 書き出し";

/// `<ドキュメント>/在宅医療相談室デスク 書き出し` (under the home folder
/// when there is no ドキュメント folder), made when missing: where the
/// exports are written and where every save dialog opens.
pub(crate) fn export_dir<R: Runtime>(app: &AppHandle<R>) -> Result<PathBuf, UiError> {
    let base = app
        .path()
        .document_dir()
        .or_else(|_| app.path().home_dir())
        .map_err(|e| {
            log::error!("no documents folder: {e}");
            UiError::new("io", "保存先のフォルダ（ドキュメント）が見つかりません。")
        })?;
    let dir = base.join(EXPORT_FOLDER);
    std::fs::create_dir_all(&dir).map_err(|e| {
        crate::error::file_failure(
            "making the export folder",
            &e,
            "書き出し用のフォルダを作成できませんでした。ドキュメントフォルダを確かめてください。",
        )
    })?;
    Ok(dir)
}

/// What a save dialog offers.
pub(crate) struct SaveAs<'a> {
    /// The dialog's title, e.g. 「PDFを保存」.
    pub title: &'a str,
    /// The proposed file name (characters a file name cannot hold are
    /// replaced).
    pub file_name: &'a str,
    /// The filter's name and the extensions it shows.
    pub filter: (&'a str, &'a [&'a str]),
}

/// The native save dialog, opening in [`export_dir`]; `None` when the user
/// cancels. The end-to-end tests cannot drive a GTK dialog, so a build with
/// the `e2e` feature takes the path from `ZAITAKU_E2E_SAVE_PATH` instead;
/// release builds never look at it.
pub(crate) fn save_dialog<R: Runtime>(
    app: &AppHandle<R>,
    what: SaveAs<'_>,
) -> Result<Option<PathBuf>, UiError> {
    #[cfg(feature = "e2e")]
    if let Some(path) = std::env::var_os("ZAITAKU_E2E_SAVE_PATH") {
        return Ok(Some(PathBuf::from(path)));
    }
    let file_name = what
        .file_name
        .replace(['/', '\\', ':', '*', '?', '"', '<', '>', '|'], "_");
    let directory = export_dir(app).ok();
    let window = app.get_webview_window("main");
    let (title, (filter, extensions)) = (what.title.to_string(), what.filter);
    let (filter, extensions) = (
        filter.to_string(),
        extensions.iter().map(|e| e.to_string()).collect::<Vec<_>>(),
    );
    let (tx, rx) = std::sync::mpsc::channel();
    // GTK dialogs are created on the main thread and awaited off it (as
    // tauri-plugin-dialog does), so this command thread can block on them.
    app.run_on_main_thread(move || {
        let mut dialog = rfd::AsyncFileDialog::new()
            .set_title(title)
            .set_file_name(file_name)
            .add_filter(filter, &extensions);
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

/// `path` with the extension `ext` unless it already has it (in any case).
pub(crate) fn with_extension(path: PathBuf, ext: &str) -> PathBuf {
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case(ext))
    {
        path
    } else {
        path.with_extension(ext)
    }
}
