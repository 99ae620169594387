//! The Tauri shell of 在宅医療相談室デスク: command-line entry, window setup,
//! and thin command wrappers around `zaitaku-core`.

pub mod cli;
mod commands;
#[cfg(test)]
mod config_tests;
mod error;
mod font;
#[cfg(test)]
mod ipc_tests;
mod state;

use std::path::PathBuf;

use tauri::{Manager, Runtime};

pub use error::UiError;
pub use state::AppState;

/// The whole app minus the context, generic over the runtime so tests can
/// pass `tauri::test::mock_builder()`.
pub fn app_builder<R: Runtime>(
    builder: tauri::Builder<R>,
    db_override: Option<PathBuf>,
) -> tauri::Builder<R> {
    let builder = builder
        .register_uri_scheme_protocol(font::SCHEME, font::serve)
        .manage(commands::print::SavedPdfs::default())
        .manage(commands::backup::ChosenBackup::default())
        .manage(commands::encryption::Progress::default())
        // Closing the window signs out whoever is signed in (access log).
        .on_window_event(|window, event| {
            if let tauri::WindowEvent::Destroyed = event {
                if let Some(state) = window.try_state::<AppState>() {
                    if let Err(e) = state.sign_out() {
                        log::warn!("sign-out on close: {}", e.kind);
                    }
                }
            }
        });
    // With a given path the store opens at once (so tests on the mock
    // runtime, whose setup hook only runs with the event loop, have it);
    // the default path needs the app's data folder, known in setup.
    let builder = match db_override {
        Some(path) => builder.manage(AppState::open(path)),
        None => builder.setup(|app| {
            let path = state::default_db_path(&app.path().app_data_dir()?)?;
            app.manage(AppState::open(path));
            Ok(())
        }),
    };
    builder.invoke_handler(commands::handler())
}

/// WebKitGTK's rendering, chosen before GTK starts (a variable the person
/// has set wins, `0` included):
/// - the DMA-BUF renderer off: with some GPU drivers (NVIDIA, some Mesa and
///   Wayland set-ups) it leaves the window empty, WebKitGTK's known problem;
/// - pages painted by the CPU (Skia's raster backend, as WebKitGTK did
///   before 2.46): the screens are forms and tables, and painting them on
///   the GPU compiles shaders first; on a PC without a GPU (software GL)
///   that drew the sign-in screen later and kept ~20 MB more in the web
///   process (`.dev/bench-startup.sh` prints both).
///
/// Returns the variables to set.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
pub fn webkit_env_defaults(is_set: impl Fn(&str) -> bool) -> Vec<(&'static str, &'static str)> {
    [
        ("WEBKIT_DISABLE_DMABUF_RENDERER", "1"),
        ("WEBKIT_SKIA_ENABLE_CPU_RENDERING", "1"),
    ]
    .into_iter()
    .filter(|(name, _)| !is_set(name))
    .collect()
}

/// Opens the main window. Returns the process exit code.
pub fn run_gui(db_override: Option<PathBuf>) -> i32 {
    // Before any thread starts: the environment is the process's.
    #[cfg(target_os = "linux")]
    for (name, value) in webkit_env_defaults(|name| std::env::var_os(name).is_some()) {
        std::env::set_var(name, value);
    }
    use tauri_plugin_log::{Target, TargetKind};
    // Internal details (SQL errors, paths) go to a log file in the OS log folder.
    let log = tauri_plugin_log::Builder::new()
        .level(log::LevelFilter::Info)
        .targets([
            Target::new(TargetKind::LogDir {
                file_name: Some("zaitaku-desk".into()),
            }),
            Target::new(TargetKind::Stderr),
        ])
        .build();
    let result = app_builder(
        tauri::Builder::default()
            .plugin(log)
            // No click handler script: links are not opened from the webview.
            .plugin(
                tauri_plugin_opener::Builder::new()
                    .open_js_links_on_click(false)
                    .build(),
            ),
        db_override,
    )
    .run(tauri::generate_context!());
    match result {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("エラー: アプリを起動できませんでした（{e}）");
            1
        }
    }
}
