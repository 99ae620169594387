//! `#[tauri::command]` wrappers only: take the state, parse the arguments,
//! call one core function, map the error. One file per capability; every
//! command is one line of `list.rs`.

pub mod access;
pub mod app;
pub mod backup;
pub mod booklets;
pub mod cases;
pub mod lectures;
pub mod office;
pub mod print;
pub mod registries;
pub mod report;

// The one list of commands (list.rs, also read by build.rs) becomes the
// names the tests check and the invoke handler that answers them.
macro_rules! command_list {
    ($($file:ident :: $command:ident),* $(,)?) => {
        /// Every command the window may call, in the order of `list.rs`.
        pub const NAMES: &[&str] = &[$(stringify!($command)),*];

        /// Tauri's handler for every command of `list.rs`.
        fn commands<R: Runtime>() -> impl Fn(Invoke<R>) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$($file::$command),*]
        }
    };
}
include!("list.rs");

/// The invoke handler. Before a command reads its arguments,
/// `AppState::admit` decides whether it may be called now: not while the
/// window is locked, unless the lock screen needs it.
pub fn handler<R: Runtime>() -> impl Fn(Invoke<R>) -> bool + Send + Sync + 'static {
    let answer = commands::<R>();
    move |invoke| {
        let command = invoke.message.command();
        if NAMES.contains(&command) {
            let state = invoke.message.webview_ref().try_state::<AppState>();
            if let Some(Err(refused)) = state.map(|s| s.admit(command)) {
                log::info!("refused while locked: {command}");
                invoke.resolver.reject(refused);
                return true;
            }
        }
        answer(invoke)
    }
}

use serde::de::DeserializeOwned;
use serde_json::Value;
use tauri::ipc::Invoke;
use tauri::{Manager, Runtime};

use crate::{AppState, UiError};

/// Arguments arrive as raw JSON so that a malformed call gets a Japanese
/// error from us rather than serde's English one from Tauri.
pub(crate) fn parse_arg<T: DeserializeOwned>(
    name: &str,
    value: Option<Value>,
) -> Result<T, UiError> {
    let value = value.ok_or_else(|| {
        UiError::new(
            "invalid",
            format!("送信された内容が足りません（{name}）。画面を開き直してください。"),
        )
    })?;
    serde_json::from_value(value).map_err(|e| {
        log::info!("malformed argument {name}: {e}");
        UiError::new(
            "invalid",
            format!("送信された内容の形式が正しくありません（{name}）。画面を開き直してください。"),
        )
    })
}

/// The user's ダウンロード folder (their home folder when there is none),
/// where the CSV exports of the screens are written.
pub(crate) fn download_dir<R: tauri::Runtime>(
    app: &tauri::AppHandle<R>,
) -> Result<std::path::PathBuf, UiError> {
    use tauri::Manager;
    app.path()
        .download_dir()
        .or_else(|_| app.path().home_dir())
        .map_err(|e| {
            log::error!("no download folder: {e}");
            UiError::new("io", "保存先のフォルダ（ダウンロード）が見つかりません。")
        })
}

/// The local clock, read at the edge and passed into the core.
pub(crate) fn now() -> chrono::NaiveDateTime {
    chrono::Local::now().naive_local()
}
