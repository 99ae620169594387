//! Where files the office takes out of the app go: CSV and Excel exports,
//! PDFs, the 回復キー sheet and the plain copy. None of them is encrypted,
//! so they all default to one folder the office can find and clear
//! ([`export_dir`]), and the window says so with every saved file (the one
//! notice in ui/lib/plain-file.js).

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;

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
/// cancels. The end-to-end tests answer it with `ZAITAKU_E2E_SAVE_PATH`.
pub(crate) fn save_dialog<R: Runtime>(
    app: &AppHandle<R>,
    what: SaveAs<'_>,
) -> Result<Option<PathBuf>, UiError> {
    let file_name = what
        .file_name
        .replace(['/', '\\', ':', '*', '?', '"', '<', '>', '|'], "_");
    let native = Native::Save {
        file_name,
        filter: owned(what.filter),
        directory: export_dir(app).ok(),
    };
    show(app, what.title, native, "ZAITAKU_E2E_SAVE_PATH")
}

/// The native open dialog for one file of the kind `filter` names; `None`
/// when the user cancels. The end-to-end tests answer it with the
/// environment variable `e2e_answer`.
pub(crate) fn open_dialog<R: Runtime>(
    app: &AppHandle<R>,
    title: &str,
    filter: (&str, &[&str]),
    e2e_answer: &str,
) -> Result<Option<PathBuf>, UiError> {
    let native = Native::Open {
        filter: owned(filter),
    };
    show(app, title, native, e2e_answer)
}

/// The native folder dialog; `None` when the user cancels. The end-to-end
/// tests answer it with the environment variable `e2e_answer`.
pub(crate) fn folder_dialog<R: Runtime>(
    app: &AppHandle<R>,
    title: &str,
    e2e_answer: &str,
) -> Result<Option<PathBuf>, UiError> {
    show(app, title, Native::Folder, e2e_answer)
}

/// A dialog in owned values, to be made on the main thread.
enum Native {
    Save {
        file_name: String,
        filter: (String, Vec<String>),
        directory: Option<PathBuf>,
    },
    Open {
        filter: (String, Vec<String>),
    },
    Folder,
}

fn owned((name, extensions): (&str, &[&str])) -> (String, Vec<String>) {
    let extensions = extensions.iter().map(|e| e.to_string()).collect();
    (name.to_string(), extensions)
}

/// Shows `native` and waits for the person's answer. Tests cannot drive a
/// GTK dialog: the IPC tests' mock runtime answers as if cancelled, and a
/// build with the `e2e` feature takes the answer from the environment
/// variable `e2e_answer`; release builds never look at it.
fn show<R: Runtime>(
    app: &AppHandle<R>,
    title: &str,
    native: Native,
    e2e_answer: &str,
) -> Result<Option<PathBuf>, UiError> {
    if cfg!(test) {
        return Ok(None);
    }
    #[cfg(feature = "e2e")]
    if let Some(path) = std::env::var_os(e2e_answer) {
        return Ok(Some(PathBuf::from(path)));
    }
    let _ = e2e_answer;
    let window = app.get_webview_window("main");
    let title = title.to_string();
    let cannot = || UiError::new("io", "ファイルや保存先を選ぶ画面を開けませんでした。");
    let (tx, rx) = std::sync::mpsc::channel();
    // GTK dialogs are made on the main thread and awaited off it (as
    // tauri-plugin-dialog does), so this command's thread can block on them.
    app.run_on_main_thread(move || {
        let mut dialog = rfd::AsyncFileDialog::new().set_title(title);
        if let Some(window) = &window {
            dialog = dialog.set_parent(window);
        }
        let chosen: Pin<Box<dyn Future<Output = Option<rfd::FileHandle>> + Send>> = match native {
            Native::Save {
                file_name,
                filter: (name, extensions),
                directory,
            } => {
                let mut dialog = dialog
                    .set_file_name(file_name)
                    .add_filter(name, &extensions);
                if let Some(dir) = directory {
                    dialog = dialog.set_directory(dir);
                }
                Box::pin(dialog.save_file())
            }
            Native::Open {
                filter: (name, extensions),
            } => Box::pin(dialog.add_filter(name, &extensions).pick_file()),
            Native::Folder => Box::pin(dialog.pick_folder()),
        };
        std::thread::spawn(move || {
            let path = tauri::async_runtime::block_on(chosen).map(|f| f.path().to_path_buf());
            let _ = tx.send(path);
        });
    })
    .map_err(|e| {
        log::error!("cannot show the dialog: {e}");
        cannot()
    })?;
    rx.recv().map_err(|_| cannot())
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
